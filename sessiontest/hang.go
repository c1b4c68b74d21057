package sessiontest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

// RunHang checks that a Manager on st costs a request a bounded time when
// the store's server hangs: freeze makes it stop answering without closing
// anything (for example by freezing a TCP proxy between client and
// server), thaw makes it answer again. While it hangs, a request that
// loads the session and one that saves it each fail closed once
// Config.StoreTimeout (here 500 ms) has passed: 500 from the default
// ErrorHandler and no Set-Cookie. Afterwards the stored record is as it was
// and the session is read and written as normal.
//
// The check waits up to a minute for each request while the store hangs;
// a request still waiting then fails it. A store whose client ignores the
// deadline of its context fails it.
func RunHang(t *testing.T, st session.Store, freeze, thaw func()) {
	t.Helper()
	m, err := session.New(session.Config{
		Secret:       []byte("sessiontest hang secret 0123456789abcdef"),
		Store:        st,
		StoreTimeout: 500 * time.Millisecond,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if r.URL.Query().Has("freeze") {
			s.Get("name") // loaded before the server hangs
			freeze()
		}
		if v := r.URL.Query().Get("set"); v != "" {
			s.Set("name", v)
		}
		name, _ := session.Get[string](s, "name")
		io.WriteString(w, name)
	}))
	do := func(query, cookie string) *http.Response {
		t.Helper()
		req := httptest.NewRequest("GET", "/?"+query, nil)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			defer close(done)
			h.ServeHTTP(rec, req)
		}()
		select {
		case <-done:
			return rec.Result()
		case <-time.After(time.Minute):
			thaw() // let the stuck request go
			<-done
			t.Fatalf("request %q was still waiting for the hung store after a minute; Config.StoreTimeout is 500 ms", query)
			return nil
		}
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

	if res := do("freeze&set=Mallory", jar); res.StatusCode != http.StatusInternalServerError || len(res.Cookies()) != 0 {
		t.Fatalf("store hung between load and save: status %d, %d cookies; want 500 and no cookie", res.StatusCode, len(res.Cookies()))
	}
	if res := do("", jar); res.StatusCode != http.StatusInternalServerError || len(res.Cookies()) != 0 {
		t.Fatalf("store hung before load: status %d, %d cookies; want 500 and no cookie", res.StatusCode, len(res.Cookies()))
	}
	thaw()

	after, err := st.Load(context.Background(), key)
	if err != nil {
		t.Fatalf("record lost after the store hung: %v", err)
	}
	if after.Version != before.Version || string(after.Data) != string(before.Data) {
		t.Fatal("the stored record changed while the store hung")
	}
	res := do("set=Carol", jar)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("write after the store answered again: status %d, want 200", res.StatusCode)
	}
	res = do("", jar)
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || string(body) != "Carol" {
		t.Fatalf("read after the store answered again: status %d, body %q; want 200 Carol", res.StatusCode, body)
	}
}
