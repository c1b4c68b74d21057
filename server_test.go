package session_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/websession/session/internal/state"
	"github.com/websession/session/internal/testkit"

	"github.com/websession/session"
	"github.com/websession/session/store/memstore"
)

// countingStore wraps a real store and counts the calls that reach it.
type countingStore = testkit.CountingStore

// serverApp is a Manager on a memstore with handlers for the tests below.
type serverApp struct {
	t     *testing.T
	store *countingStore
	mem   *memstore.Store
	m     *session.Manager
	h     http.Handler
	now   time.Time
}

func newServerApp(t *testing.T, mod func(*session.Config)) *serverApp {
	t.Helper()
	a := &serverApp{t: t, mem: memstore.New(), now: time.Now().Truncate(time.Second)} // the store keeps real time
	a.store = &countingStore{Store: a.mem}
	cfg := session.Config{Secret: testSecret, Store: a.store, Now: func() time.Time { return a.now }, Logger: discardLogger()}
	if mod != nil {
		mod(&cfg)
	}
	m, err := session.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.m = m
	mux := http.NewServeMux()
	mux.HandleFunc("/set", func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		for k, v := range r.URL.Query() {
			s.Set(k, v[0])
		}
	})
	mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
		v, _ := session.Get[string](session.From(r), r.URL.Query().Get("k"))
		w.Write([]byte(v))
	})
	mux.HandleFunc("/renew", func(w http.ResponseWriter, r *http.Request) { session.From(r).Renew() })
	mux.HandleFunc("/destroy", func(w http.ResponseWriter, r *http.Request) { session.From(r).Destroy() })
	mux.HandleFunc("/permanent", func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		s.SetPermanent(true)
		s.Set("p", "yes")
	})
	a.h = m.Handler(mux)
	return a
}

// do serves one request carrying cookie (name=value or "") and returns the
// response and the session cookie it set, if any.
func (a *serverApp) do(path, cookie string) (*httptest.ResponseRecorder, *http.Cookie) {
	req := httptest.NewRequest("GET", path, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "session" {
			return rec, c
		}
	}
	return rec, nil
}

func (a *serverApp) records() int {
	n := 0
	a.mem.Iterate(context.Background(), func(string, session.Record) error { n++; return nil })
	return n
}

func TestServerCookieHoldsOnlyID(t *testing.T) {
	a := newServerApp(t, nil)
	_, c := a.do("/set?name=Alice", "")
	if c == nil {
		t.Fatal("no cookie after a write")
	}
	if !state.ValidID(c.Value) || strings.Contains(c.Value, "Alice") {
		t.Fatalf("cookie value is not a bare session ID: %q", c.Value)
	}
	rec, err := a.mem.Load(context.Background(), state.StoreKey(c.Value))
	if err != nil {
		t.Fatalf("record not stored under SHA-256 of the ID: %v", err)
	}
	if strings.Contains(string(rec.Data), c.Value) {
		t.Fatal("the raw ID appears in the stored record")
	}
	if _, err := a.mem.Load(context.Background(), c.Value); err == nil {
		t.Fatal("the store holds something under the raw ID")
	}
	res, _ := a.do("/get?k=name", "session="+c.Value)
	if got := res.Body.String(); got != "Alice" {
		t.Fatalf("read back %q, want Alice", got)
	}
}

func TestServerUnknownIDNotAdopted(t *testing.T) {
	a := newServerApp(t, nil)
	planted := strings.Repeat("A", 43)
	if !state.ValidID(planted) {
		t.Fatal("test ID should be well-formed")
	}
	if _, c := a.do("/get?k=x", "session="+planted); c != nil || a.records() != 0 {
		t.Fatalf("a read-only request with an unknown ID created a record or cookie (%d records)", a.records())
	}
	_, c := a.do("/set?x=1", "session="+planted)
	if c == nil || c.Value == planted {
		t.Fatal("an ID the server never issued was adopted")
	}
	if _, err := a.mem.Load(context.Background(), state.StoreKey(planted)); !errors.Is(err, session.ErrNotFound) {
		t.Fatal("data was written under the planted ID")
	}
}

func TestServerMalformedIDNeverReachesStore(t *testing.T) {
	a := newServerApp(t, nil)
	for _, v := range []string{"../../etc/passwd", "x", strings.Repeat("A", 42), strings.Repeat("A", 44),
		"'OR'1'='1'--" + strings.Repeat("A", 31), strings.Repeat("A", 42) + "B", strings.Repeat("%00", 15), strings.Repeat("A", 1<<16)} {
		a.do("/get?k=x", "session="+v)
	}
	if n := a.store.Loads.Load(); n != 0 {
		t.Fatalf("%d malformed IDs reached the store", n)
	}
}

func TestServerRenewMovesData(t *testing.T) {
	a := newServerApp(t, func(c *session.Config) { c.RenewGrace = -1 })
	_, c1 := a.do("/set?name=Alice", "")
	created := recordCreated(t, a.mem, c1.Value)
	a.now = a.now.Add(time.Hour)
	_, c2 := a.do("/renew", "session="+c1.Value)
	if c2 == nil || c2.Value == c1.Value {
		t.Fatal("Renew did not issue a new ID")
	}
	if res, _ := a.do("/get?k=name", "session="+c2.Value); res.Body.String() != "Alice" {
		t.Fatalf("data did not move to the new ID: %q", res.Body.String())
	}
	if res, _ := a.do("/get?k=name", "session="+c1.Value); res.Body.String() != "" {
		t.Fatal("the old ID still gives the session after Renew")
	}
	if a.records() != 1 {
		t.Fatalf("%d records after Renew, want 1 (old one deleted)", a.records())
	}
	if got := recordCreated(t, a.mem, c2.Value); got != created {
		t.Fatalf("created-at changed on Renew: %d, want %d", got, created)
	}
}

func recordCreated(t *testing.T, st session.Store, id string) int64 {
	t.Helper()
	rec, err := st.Load(context.Background(), state.StoreKey(id))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		C int64 `json:"c"`
	}
	if err := json.Unmarshal(rec.Data, &body); err != nil {
		t.Fatal(err)
	}
	return body.C
}

func TestServerDestroyDeletesRecordAndCookie(t *testing.T) {
	a := newServerApp(t, nil)
	_, c := a.do("/set?name=Alice", "")
	_, del := a.do("/destroy", "session="+c.Value)
	if del == nil || del.MaxAge >= 0 {
		t.Fatalf("Destroy did not send a deletion cookie: %+v", del)
	}
	if a.records() != 0 {
		t.Fatal("Destroy left the record in the store")
	}
	if res, _ := a.do("/get?k=name", "session="+c.Value); res.Body.String() != "" {
		t.Fatal("a destroyed session's cookie still works")
	}
}

func TestServerReadOnlyRefreshTouchesWithoutRewriting(t *testing.T) {
	a := newServerApp(t, nil)
	_, c := a.do("/permanent", "")
	saves := a.store.Saves.Load()
	rec1, _ := a.mem.Load(context.Background(), state.StoreKey(c.Value))

	// Within the throttle window: one read, no write.
	a.now = a.now.Add(10 * time.Second)
	if _, c2 := a.do("/get?k=p", "session="+c.Value); c2 != nil {
		t.Fatal("a refresh inside the throttle window re-sent the cookie")
	}
	if a.store.Touches.Load() != 0 || a.store.Saves.Load() != saves {
		t.Fatal("a read-only request inside the throttle window wrote to the store")
	}

	// Later: the expiry is extended by Touch, the data is not rewritten.
	a.now = a.now.Add(time.Hour)
	_, c3 := a.do("/get?k=p", "session="+c.Value)
	if a.store.Touches.Load() != 1 || a.store.Saves.Load() != saves {
		t.Fatalf("refresh: %d touches, %d saves; want 1 touch and no save", a.store.Touches.Load(), a.store.Saves.Load()-saves)
	}
	if c3 == nil || c3.MaxAge <= 0 {
		t.Fatal("a refreshed permanent session did not get a fresh persistent cookie")
	}
	rec2, _ := a.mem.Load(context.Background(), state.StoreKey(c.Value))
	if rec2.Version != rec1.Version || !rec2.Expires.After(rec1.Expires) {
		t.Fatalf("Touch changed the version (%d→%d) or did not extend expiry", rec1.Version, rec2.Version)
	}
}

// TestServerExpiryEnforcedByStore checks that the store ends a session at
// the expiry the Manager wrote: once IdleTimeout has passed, the store no
// longer returns the record, and the old cookie opens an empty new session
// even though the Manager's own clock has not moved.
func TestServerExpiryEnforcedByStore(t *testing.T) {
	const idle = time.Second // memstore keeps real time, so the test waits this long
	a := newServerApp(t, func(c *session.Config) { c.IdleTimeout = idle })
	a.now = time.Now()
	a.h = a.m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if v := r.URL.Query().Get("name"); v != "" {
			s.Set("name", v)
		}
		name, _ := session.Get[string](s, "name")
		fmt.Fprintf(w, "name=%s new=%t", name, s.IsNew())
	}))
	_, c := a.do("/?name=Alice", "")
	key := state.StoreKey(c.Value)
	rec, err := a.mem.Load(context.Background(), key)
	if want := a.now.Add(idle); err != nil || !rec.Expires.Equal(want) {
		t.Fatalf("record expires %v (%v), want %v (IdleTimeout)", rec.Expires, err, want)
	}
	if res, _ := a.do("/", "session="+c.Value); res.Body.String() != "name=Alice new=false" {
		t.Fatalf("before IdleTimeout the cookie gives %q, want the session", res.Body.String())
	}

	time.Sleep(time.Until(a.now.Add(idle)) + 200*time.Millisecond)
	if _, err := a.mem.Load(context.Background(), key); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("after IdleTimeout the store still returns the record (%v), want ErrNotFound", err)
	}
	if res, _ := a.do("/", "session="+c.Value); res.Body.String() != "name= new=true" {
		t.Fatalf("after IdleTimeout the old cookie gives %q, want an empty new session", res.Body.String())
	}
}

func TestServerFailsClosed(t *testing.T) {
	a := newServerApp(t, nil)
	_, c := a.do("/set?name=Alice", "")
	before, _ := a.mem.Load(context.Background(), state.StoreKey(c.Value))

	a.store.Fail.Store(true)
	for _, path := range []string{"/get?k=name", "/set?name=Mallory", "/destroy"} {
		res, set := a.do(path, "session="+c.Value)
		if res.Code != http.StatusInternalServerError || set != nil {
			t.Fatalf("%s with the store down: status %d, cookie %v; want 500 and no cookie", path, res.Code, set)
		}
	}
	a.store.Fail.Store(false)
	after, _ := a.mem.Load(context.Background(), state.StoreKey(c.Value))
	if after.Version != before.Version || string(after.Data) != string(before.Data) {
		t.Fatal("the stored record changed while the store was failing")
	}
	if res, _ := a.do("/get?k=name", "session="+c.Value); res.Body.String() != "Alice" {
		t.Fatal("the session was lost after the store came back")
	}
}

// TestServerTouchFailureFailsClosed checks a read-only request whose only
// write is the Touch that extends a permanent session: with the store down
// it gets a 500 and no cookie, and the stored record is unchanged; once the
// store is back, the Touch extends the expiry.
func TestServerTouchFailureFailsClosed(t *testing.T) {
	a := newServerApp(t, nil)
	_, c := a.do("/permanent", "")
	key := state.StoreKey(c.Value)
	before, _ := a.mem.Load(context.Background(), key)
	// The store goes down after the session is loaded, before the Touch.
	a.h = a.m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := session.Get[string](session.From(r), "p")
		a.store.Fail.Store(r.URL.Query().Has("down"))
		io.WriteString(w, p)
	}))
	a.now = a.now.Add(time.Hour) // past the refresh throttle: a Touch is due

	res, set := a.do("/?down", "session="+c.Value)
	a.store.Fail.Store(false)
	if a.store.Touches.Load() != 1 {
		t.Fatalf("%d touches, want 1: the test did not reach the Touch", a.store.Touches.Load())
	}
	if res.Code != http.StatusInternalServerError || set != nil {
		t.Fatalf("Touch failing: status %d, cookie %v; want 500 and no cookie", res.Code, set)
	}
	after, _ := a.mem.Load(context.Background(), key)
	if !after.Expires.Equal(before.Expires) || after.Version != before.Version || string(after.Data) != string(before.Data) {
		t.Fatal("the stored record changed while Touch was failing")
	}

	res, set = a.do("/", "session="+c.Value)
	if res.Code != http.StatusOK || res.Body.String() != "yes" || set == nil || set.MaxAge <= 0 {
		t.Fatalf("after the store came back: status %d, body %q, cookie %v; want 200, yes and a persistent cookie", res.Code, res.Body.String(), set)
	}
	if rec, _ := a.mem.Load(context.Background(), key); !rec.Expires.After(before.Expires) || rec.Version != before.Version {
		t.Fatalf("after the store came back the record expires %v (was %v), version %d (was %d); want a later expiry, same version", rec.Expires, before.Expires, rec.Version, before.Version)
	}
}
