package memstore_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/websession/session"
	"github.com/websession/session/store/memstore"
)

// TestManagerNeverChangesSharedRecords drives a Manager, which reads
// records through LoadShared (the store's own bytes), through every kind
// of request: after each, every record whose version did not change still
// holds exactly the bytes it held before.
func TestManagerNeverChangesSharedRecords(t *testing.T) {
	st := memstore.New()
	m, err := session.New(session.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		var err error
		switch r.URL.Path {
		case "/set":
			err = s.Set("cart", []any{1, "two", map[string]any{"three": 3.5}})
		case "/more":
			err = s.Set("note", "a longer value, so the body grows past what it was")
		case "/update":
			err = session.Update(s, "n", func(n int, _ bool) int { return n + 1 })
		case "/flash":
			err = s.Flash("saved", "info")
		case "/flashes":
			s.Flashes()
		case "/delete":
			err = s.Delete("cart")
		case "/login":
			err = s.SetUser("alice")
		case "/renew":
			err = s.Renew()
		case "/clear":
			err = s.Clear()
		}
		if err != nil {
			t.Errorf("%s: %v", r.URL.Path, err)
		}
		_, _ = s.Get("cart") // read every value
		s.Keys()
	}))
	type snapshot struct {
		version uint64
		data    []byte
	}
	records := func() map[string]snapshot {
		out := map[string]snapshot{}
		st.Iterate(context.Background(), func(key string, rec session.Record) error {
			out[key] = snapshot{rec.Version, rec.Data}
			return nil
		})
		return out
	}
	var cookie *http.Cookie
	for _, path := range []string{"/set", "/get", "/more", "/update", "/update", "/flash", "/flashes", "/get", "/delete", "/login", "/set", "/renew", "/get", "/flash", "/clear", "/set"} {
		before := records()
		req := httptest.NewRequest("GET", path, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d", path, rec.Code)
		}
		if cs := rec.Result().Cookies(); len(cs) > 0 {
			cookie = cs[0]
		}
		for key, was := range before {
			now, err := st.LoadShared(context.Background(), key)
			if err != nil || now.Version != was.version {
				continue // written or ended by the request: new bytes
			}
			if !bytes.Equal(now.Data, was.data) {
				t.Fatalf("after %s, the record %.8s… at version %d changed in place:\nwas %s\nnow %s", path, key, was.version, was.data, now.Data)
			}
		}
	}
}
