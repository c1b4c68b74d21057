package sessiontest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

// RunOutage checks that a Manager on st fails closed while the store's
// server is unreachable, and loses nothing: cut makes the server unreachable
// (for example by cutting a TCP proxy between client and server) and restore
// brings it back. The server goes away once in the middle of a request,
// after the session was loaded and before it is saved, and once between
// requests. While it is cut, reading and writing requests get 500 from the
// default ErrorHandler and no Set-Cookie; afterwards the stored record is as
// it was, and the session is read and written again as normal.
func RunOutage(t *testing.T, st session.Store, cut, restore func()) {
	t.Helper()
	m, err := session.New(session.Config{
		Secret: []byte("sessiontest outage secret 0123456789"),
		Store:  st,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if r.URL.Query().Has("cut") {
			s.Get("name") // loaded while the server is up
			cut()
		}
		if v := r.URL.Query().Get("set"); v != "" {
			s.Set("name", v)
		}
		name, _ := session.Get[string](s, "name")
		io.WriteString(w, name)
	}))
	do := func(query, cookie string) *http.Response {
		req := httptest.NewRequest("GET", "/?"+query, nil)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result()
	}

	first := do("set=Alice", "")
	if first.StatusCode != http.StatusOK || len(first.Cookies()) != 1 {
		t.Fatalf("first request: status %d, %d cookies", first.StatusCode, len(first.Cookies()))
	}
	cookie := first.Cookies()[0]
	jar := cookie.Name + "=" + cookie.Value
	key := state.StoreKey(cookie.Value)
	before, err := st.Load(context.Background(), key)
	if err != nil {
		t.Fatalf("record not stored: %v", err)
	}

	if res := do("cut&set=Mallory", jar); res.StatusCode != http.StatusInternalServerError || len(res.Cookies()) != 0 {
		t.Fatalf("store gone mid-request: status %d, %d cookies; want 500 and no cookie", res.StatusCode, len(res.Cookies()))
	}
	restore()
	if res := do("", jar); res.StatusCode != http.StatusOK {
		t.Fatalf("first request after the store came back: status %d, want 200", res.StatusCode)
	}

	cut()
	for _, q := range []string{"", "set=Mallory"} {
		res := do(q, jar)
		if res.StatusCode != http.StatusInternalServerError || len(res.Cookies()) != 0 {
			t.Fatalf("request %q with the store down: status %d, %d cookies; want 500 and no cookie", q, res.StatusCode, len(res.Cookies()))
		}
	}
	if res := do("set=Bob", ""); res.StatusCode != http.StatusInternalServerError || len(res.Cookies()) != 0 {
		t.Fatalf("new session with the store down: status %d, %d cookies; want 500 and no cookie", res.StatusCode, len(res.Cookies()))
	}
	restore()

	after, err := st.Load(context.Background(), key)
	if err != nil {
		t.Fatalf("record lost after the outage: %v", err)
	}
	if after.Version != before.Version || string(after.Data) != string(before.Data) {
		t.Fatal("the stored record changed during the outage")
	}
	res := do("", jar)
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || string(body) != "Alice" {
		t.Fatalf("after the outage: status %d, body %q; want 200 Alice", res.StatusCode, body)
	}
	if res := do("set=Carol", jar); res.StatusCode != http.StatusOK {
		t.Fatalf("write after the outage: status %d, want 200", res.StatusCode)
	}
	res = do("", jar)
	body, _ = io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || string(body) != "Carol" {
		t.Fatalf("read after a write after the outage: status %d, body %q; want 200 Carol", res.StatusCode, body)
	}
	if rec, err := st.Load(context.Background(), key); err != nil || rec.Version <= before.Version {
		t.Fatalf("the write after the outage did not reach the store: version %d (was %d), %v", rec.Version, before.Version, err)
	}
}
