// Package ginsession connects a session.Manager to gin.
//
// gin writes responses through its own writer, c.Writer, so a session
// middleware that only replaces the request (c.Request = r; c.Next()) sees
// the response start too late: c.JSON, c.String and the rest write before
// the session is committed, and the session cookie never reaches the
// browser. Middleware also swaps c.Writer, so the session is committed just
// before the first byte, whatever writes it:
//
//	m, err := session.New(session.Config{Secret: key})
//	if err != nil {
//		log.Fatal(err)
//	}
//	r := gin.New()
//	r.Use(ginsession.Middleware(m))
//	r.POST("/login", func(c *gin.Context) {
//		s := ginsession.From(c)
//		if err := s.SetUser("42"); err != nil {
//			c.AbortWithStatus(http.StatusInternalServerError)
//			return
//		}
//		c.JSON(http.StatusOK, gin.H{"ok": true})
//	})
package ginsession

import (
	"bufio"
	"io"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/websession/session"
)

// Middleware returns gin middleware that gives every request a session
// from m, loaded on first use and committed before the first byte of the
// response, however the handler writes it (c.JSON, c.String, c.Redirect,
// c.AbortWithStatus, c.Stream, or c.Writer directly). When the commit
// fails (a store is down, the cookie would be too large), m's
// Config.ErrorHandler writes the response instead of the handler.
func Middleware(m *session.Manager) gin.HandlerFunc {
	return func(c *gin.Context) {
		m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			outer := c.Writer
			c.Request = r
			c.Writer = &writer{ResponseWriter: outer, session: w}
			defer func() { c.Writer = outer }()
			c.Next()
		})).ServeHTTP(c.Writer, c.Request)
	}
}

// From returns the session of the request c handles. It panics when the
// request did not pass through Middleware, a wiring mistake to fix in code.
func From(c *gin.Context) *session.Session {
	return session.From(c.Request)
}

// writer is gin's writer with every path to the first byte sent through
// the session middleware's writer, which commits the session first. The
// status, size and header map stay gin's.
type writer struct {
	gin.ResponseWriter
	session http.ResponseWriter // commits, then writes to ResponseWriter
}

// WriteHeader records the status, as gin's writer does; nothing is sent
// yet, so the session is not committed yet either.
func (w *writer) WriteHeader(code int) { w.ResponseWriter.WriteHeader(code) }

// WriteHeaderNow commits the session, then sends the status and headers.
func (w *writer) WriteHeaderNow() {
	if !w.Written() {
		w.session.WriteHeader(w.Status())
	}
	w.ResponseWriter.WriteHeaderNow()
}

// Write commits the session, then writes p.
func (w *writer) Write(p []byte) (int, error) { return w.session.Write(p) }

// WriteString commits the session, then writes s.
func (w *writer) WriteString(s string) (int, error) { return io.WriteString(w.session, s) }

// Flush commits the session, then flushes.
func (w *writer) Flush() { _ = http.NewResponseController(w.session).Flush() }

// Hijack commits the session, then hands over the connection.
func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.session).Hijack()
}

// Unwrap returns gin's writer, for http.ResponseController.
func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
