package storeurl_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	session "github.com/websession/session"
	"github.com/websession/session/store/storeurl"
)

// An application takes its store from configuration; the same URL lets
// sessionctl reach the sessions.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "storeurl-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	storeURL := "sqlite:" + filepath.Join(dir, "sessions.db") // say, os.Getenv("SESSION_STORE")

	ctx := context.Background()
	st, closeStore, err := storeurl.Open(ctx, storeURL, storeurl.WithCreate())
	if err != nil {
		log.Fatal(err)
	}
	defer closeStore()
	m, err := session.New(session.Config{
		Secret: []byte("an example secret of 32+ bytes, from sessionctl keygen"),
		Store:  st,
	})
	if err != nil {
		log.Fatal(err)
	}

	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		session.From(r).Set("user_id", 42)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "https://example.com/", nil))

	n := 0
	st.(session.Iterator).Iterate(ctx, func(key string, rec session.Record) error {
		n++
		return nil
	})
	fmt.Println(n, "session in the store")
	// Output: 1 session in the store
}

// Parse tells what a URL names without opening anything. Name leaves out
// the password, for logs.
func ExampleParse() {
	spec, err := storeurl.Parse("postgres://app:s3cret@db:5432/app?sslmode=disable&table=app_sessions")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(spec.Kind)
	fmt.Println(spec.Name)
	fmt.Println(spec.Table)
	// Output:
	// postgres
	// postgres://app@db:5432/app
	// app_sessions
}
