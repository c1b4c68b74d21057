package readme

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/websession/session"
	"github.com/websession/session/ginsession"
)

// ginApp: gin needs ginsession.Middleware, which also swaps c.Writer so
// the session is committed before gin writes the response.
func ginApp(m *session.Manager) http.Handler {
	r := gin.New()
	r.Use(ginsession.Middleware(m))
	r.POST("/login", func(c *gin.Context) {
		if err := ginsession.From(c).SetUser("42"); err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.Redirect(http.StatusSeeOther, "/me")
	})
	r.GET("/me", func(c *gin.Context) {
		c.String(http.StatusOK, "user %q\n", ginsession.From(c).User())
	})
	return r
}
