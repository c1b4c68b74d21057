package filestore_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"

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
