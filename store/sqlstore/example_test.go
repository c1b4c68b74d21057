package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"

	session "github.com/websession/session"
	"github.com/websession/session/store/sqlstore"
)

// An embedded SQLite database as the server-side store of a Manager.
func Example() {
	dir, err := os.MkdirTemp("", "sqlstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	// The pragmas let concurrent requests wait for each other's writes.
	dsn := "file:" + filepath.Join(dir, "sessions.db") + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	st, err := sqlstore.New(db) // dialect detected: sqlite; table "sessions"
	if err != nil {
		log.Fatal(err)
	}
	if err := st.CreateTable(ctx); err != nil { // or create it in a migration
		log.Fatal(err)
	}

	secret := make([]byte, 32) // in production: loaded from your secret store
	rand.Read(secret)
	m, err := session.New(session.Config{Secret: secret, Store: st})
	if err != nil {
		log.Fatal(err)
	}
	login := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		session.From(r).Set("user_id", 42)
	}))
	login.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/login", nil))

	stored := 0
	err = st.Iterate(ctx, func(key string, rec session.Record) error {
		stored++
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v store, table %q, %d session stored\n", st.Dialect(), st.Table(), stored)
	// Output: sqlite store, table "sessions", 1 session stored
}
