package ginsession_test

import (
	"fmt"
	"io"
	"log"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/websession/session"
	"github.com/websession/session/ginsession"
	"github.com/websession/session/sessiontest"
)

// Example wires a Manager into gin. Every way gin answers (c.JSON,
// c.String, c.Redirect, c.AbortWithStatus, c.Stream) commits the session
// first, so the log-in below reaches the next request.
func Example() {
	m, err := session.New(session.Config{Secret: []byte("a 32-byte key from sessionctl keygen...")})
	if err != nil {
		log.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(ginsession.Middleware(m))
	r.GET("/login", func(c *gin.Context) {
		s := ginsession.From(c)
		if err := s.SetUser("42"); err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.JSON(http.StatusOK, gin.H{"user": "42"})
	})
	r.GET("/me", func(c *gin.Context) {
		c.String(http.StatusOK, "user %q", ginsession.From(c).User())
	})

	login := sessiontest.Request(r, "/login", nil)
	me := sessiontest.Request(r, "/me", login.Cookies())
	b, _ := io.ReadAll(me.Body)
	fmt.Println(string(b))
	// Output:
	// user "42"
}
