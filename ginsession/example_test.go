package ginsession_test

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/websession/session"
	"github.com/websession/session/ginsession"
)

// Example wires a Manager into gin. Every way gin answers (c.JSON,
// c.String, c.Redirect, c.AbortWithStatus, c.Stream) commits the session
// first.
func Example() {
	m, err := session.New(session.Config{Secret: []byte("a 32-byte key from sessionctl keygen...")})
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.Use(ginsession.Middleware(m))
	r.POST("/login", func(c *gin.Context) {
		s := ginsession.From(c)
		if err := s.SetUser("42"); err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.JSON(http.StatusOK, gin.H{"user": "42"})
	})
	r.GET("/me", func(c *gin.Context) {
		c.String(http.StatusOK, "user %s", ginsession.From(c).User())
	})
	_ = r // r.Run(":8080")
}
