package filestore_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/filestore"
)

// A secret for the examples. Use 32 or more random bytes of your own.
var exampleSecret = []byte("example-secret-use-32-random-bytes!")

// Keep sessions in files: they survive a restart, and the cookie carries
// only a random session ID.
func Example() {
	tmp, err := os.MkdirTemp("", "filestore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "sessions") // in production: /var/lib/myapp/sessions

	st, err := filestore.New(dir) // creates dir with mode 0700
	if err != nil {
		log.Fatal(err)
	}
	m, err := session.New(session.Config{Secret: exampleSecret, Store: st})
	if err != nil {
		log.Fatal(err)
	}
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		n, _ := session.Get[int](s, "visits")
		s.Set("visits", n+1)
		fmt.Fprintf(w, "visit %d", n+1)
	}))

	first := sessiontest.Request(h, "/", nil)
	second := sessiontest.Request(h, "/", first.Cookies())
	body, _ := io.ReadAll(second.Body)
	fmt.Println(string(body))

	files, _ := filepath.Glob(filepath.Join(dir, "[0-9a-f]*"))
	fmt.Println("session files:", len(files))
	// Output:
	// visit 2
	// session files: 1
}

// Decide expiry by a clock of the test's own, and move it instead of
// sleeping until a session expires.
func ExampleWithNow() {
	dir, err := os.MkdirTemp("", "filestore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	now := time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)
	st, err := filestore.New(dir, filestore.WithNow(func() time.Time { return now }))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	key := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" // a store key: the hex SHA-256 of an ID
	rec := session.Record{Data: []byte("cart"), Expires: now.Add(30 * time.Minute)}
	if err := st.Save(ctx, key, rec); err != nil {
		log.Fatal(err)
	}
	now = now.Add(30 * time.Minute) // at Expires the record is gone
	_, err = st.Load(ctx, key)
	fmt.Println(err)
	n, _ := st.DeleteExpired(ctx)
	fmt.Println("swept:", n)
	// Output:
	// session: record not found
	// swept: 1
}
