package memstore_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/memstore"
)

// A secret for the examples. Use 32 or more random bytes of your own.
var exampleSecret = []byte("example-secret-use-32-random-bytes!")

// Keep sessions in memory: the cookie carries only a random session ID.
func Example() {
	st := memstore.New()
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
	fmt.Println("records in the store:", st.Len())
	// Output:
	// visit 2
	// records in the store: 1
}

// Free the memory of expired sessions once a minute, until ctx ends.
func ExampleStore_Run() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // stops the loop
	st := memstore.New(memstore.WithMaxRecords(10000))
	go st.Run(ctx, time.Minute)
	_, err := session.New(session.Config{Secret: exampleSecret, Store: st})
	fmt.Println(err)
	// Output:
	// <nil>
}

// Decide expiry by a clock of the test's own, and move it instead of
// sleeping until a session expires.
func ExampleWithNow() {
	now := time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)
	st := memstore.New(memstore.WithNow(func() time.Time { return now }))
	ctx := context.Background()
	key := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" // a store key: the hex SHA-256 of an ID
	rec := session.Record{Data: []byte("cart"), Expires: now.Add(30 * time.Minute)}
	if err := st.Save(ctx, key, rec); err != nil {
		log.Fatal(err)
	}
	now = now.Add(30 * time.Minute) // at Expires the record is gone
	_, err := st.Load(ctx, key)
	fmt.Println(err)
	n, _ := st.DeleteExpired(ctx)
	fmt.Println("swept:", n)
	// Output:
	// session: record not found
	// swept: 1
}
