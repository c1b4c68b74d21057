package readme

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v5"
	"github.com/websession/session"
)

// echoApp: echo adopts m.Handler with echo.WrapMiddleware; handlers reach
// the session through c.Request().
func echoApp(m *session.Manager) http.Handler {
	e := echo.New()
	e.Use(echo.WrapMiddleware(m.Handler))
	e.POST("/login", func(c *echo.Context) error {
		if err := session.From(c.Request()).SetUser("42"); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/me")
	})
	e.GET("/me", func(c *echo.Context) error {
		return c.String(http.StatusOK, fmt.Sprintf("user %q\n", session.From(c.Request()).User()))
	})
	return e
}
