package session_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/websession/session/internal/state"
	"github.com/websession/session/internal/testkit"

	"github.com/websession/session"
	"github.com/websession/session/store/memstore"
)

// serverSite is the application of the server-side tests, run on a
// memstore (which keeps real time) by testkit.NewStoreApp: /set?k=v sets
// values, /get?k=name writes one, /renew, /destroy, and /permanent makes
// the session permanent with p=yes.
var serverSite = func() http.HandlerFunc {
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
	return mux.ServeHTTP
}()

// records counts the records in the memstore beneath a.
func records(a *testkit.App) int {
	n := 0
	a.Store.Store.(*memstore.Store).Iterate(context.Background(), func(string, session.Record) error { n++; return nil })
	return n
}

func TestServerCookieHoldsOnlyID(t *testing.T) {
	a := testkit.NewStoreApp(t, memstore.New(), nil)
	c := testkit.OneCookie(t, a.Get(serverSite, "/set?name=Alice", ""), "session")
	if c == nil {
		t.Fatal("no cookie after a write")
	}
	if !state.ValidID(c.Value) || strings.Contains(c.Value, "Alice") {
		t.Fatalf("cookie value is not a bare session ID: %q", c.Value)
	}
	rec, err := a.Store.Store.Load(context.Background(), state.StoreKey(c.Value))
	if err != nil {
		t.Fatalf("record not stored under SHA-256 of the ID: %v", err)
	}
	if strings.Contains(string(rec.Data), c.Value) {
		t.Fatal("the raw ID appears in the stored record")
	}
	if _, err := a.Store.Store.Load(context.Background(), c.Value); err == nil {
		t.Fatal("the store holds something under the raw ID")
	}
	if got := testkit.Text(a.Get(serverSite, "/get?k=name", "session="+c.Value)); got != "Alice" {
		t.Fatalf("read back %q, want Alice", got)
	}
}

func TestServerUnknownIDNotAdopted(t *testing.T) {
	a := testkit.NewStoreApp(t, memstore.New(), nil)
	planted := strings.Repeat("A", 43)
	if !state.ValidID(planted) {
		t.Fatal("test ID should be well-formed")
	}
	if c := testkit.OneCookie(t, a.Get(serverSite, "/get?k=x", "session="+planted), "session"); c != nil || records(a) != 0 {
		t.Fatalf("a read-only request with an unknown ID created a record or cookie (%d records)", records(a))
	}
	c := testkit.OneCookie(t, a.Get(serverSite, "/set?x=1", "session="+planted), "session")
	if c == nil || c.Value == planted {
		t.Fatal("an ID the server never issued was adopted")
	}
	if _, err := a.Store.Store.Load(context.Background(), state.StoreKey(planted)); !errors.Is(err, session.ErrNotFound) {
		t.Fatal("data was written under the planted ID")
	}
}

func TestServerMalformedIDNeverReachesStore(t *testing.T) {
	a := testkit.NewStoreApp(t, memstore.New(), nil)
	for _, v := range []string{"../../etc/passwd", "x", strings.Repeat("A", 42), strings.Repeat("A", 44),
		"'OR'1'='1'--" + strings.Repeat("A", 31), strings.Repeat("A", 42) + "B", strings.Repeat("%00", 15), strings.Repeat("A", 1<<16)} {
		a.Get(serverSite, "/get?k=x", "session="+v)
	}
	if n := a.Store.Loads.Load(); n != 0 {
		t.Fatalf("%d malformed IDs reached the store", n)
	}
}

func TestServerRenewMovesData(t *testing.T) {
	a := testkit.NewStoreApp(t, memstore.New(), func(c *session.Config) { c.RenewGrace = -1 })
	c1 := testkit.OneCookie(t, a.Get(serverSite, "/set?name=Alice", ""), "session")
	created := recordCreated(t, a.Store.Store, c1.Value)
	a.Clock.Advance(time.Hour)
	c2 := testkit.OneCookie(t, a.Get(serverSite, "/renew", "session="+c1.Value), "session")
	if c2 == nil || c2.Value == c1.Value {
		t.Fatal("Renew did not issue a new ID")
	}
	if body := testkit.Text(a.Get(serverSite, "/get?k=name", "session="+c2.Value)); body != "Alice" {
		t.Fatalf("data did not move to the new ID: %q", body)
	}
	if body := testkit.Text(a.Get(serverSite, "/get?k=name", "session="+c1.Value)); body != "" {
		t.Fatal("the old ID still gives the session after Renew")
	}
	if records(a) != 1 {
		t.Fatalf("%d records after Renew, want 1 (old one deleted)", records(a))
	}
	if got := recordCreated(t, a.Store.Store, c2.Value); got != created {
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
	a := testkit.NewStoreApp(t, memstore.New(), nil)
	c := testkit.OneCookie(t, a.Get(serverSite, "/set?name=Alice", ""), "session")
	del := testkit.OneCookie(t, a.Get(serverSite, "/destroy", "session="+c.Value), "session")
	if del == nil || del.MaxAge >= 0 {
		t.Fatalf("Destroy did not send a deletion cookie: %+v", del)
	}
	if records(a) != 0 {
		t.Fatal("Destroy left the record in the store")
	}
	if body := testkit.Text(a.Get(serverSite, "/get?k=name", "session="+c.Value)); body != "" {
		t.Fatal("a destroyed session's cookie still works")
	}
}

func TestServerReadOnlyRefreshTouchesWithoutRewriting(t *testing.T) {
	a := testkit.NewStoreApp(t, memstore.New(), nil)
	c := testkit.OneCookie(t, a.Get(serverSite, "/permanent", ""), "session")
	saves := a.Store.Saves.Load()
	rec1, _ := a.Store.Store.Load(context.Background(), state.StoreKey(c.Value))

	// Within the throttle window: one read, no write.
	a.Clock.Advance(10 * time.Second)
	if c2 := testkit.OneCookie(t, a.Get(serverSite, "/get?k=p", "session="+c.Value), "session"); c2 != nil {
		t.Fatal("a refresh inside the throttle window re-sent the cookie")
	}
	if a.Store.Touches.Load() != 0 || a.Store.Saves.Load() != saves {
		t.Fatal("a read-only request inside the throttle window wrote to the store")
	}

	// Later: the expiry is extended by Touch, the data is not rewritten.
	a.Clock.Advance(time.Hour)
	c3 := testkit.OneCookie(t, a.Get(serverSite, "/get?k=p", "session="+c.Value), "session")
	if a.Store.Touches.Load() != 1 || a.Store.Saves.Load() != saves {
		t.Fatalf("refresh: %d touches, %d saves; want 1 touch and no save", a.Store.Touches.Load(), a.Store.Saves.Load()-saves)
	}
	if c3 == nil || c3.MaxAge <= 0 {
		t.Fatal("a refreshed permanent session did not get a fresh persistent cookie")
	}
	rec2, _ := a.Store.Store.Load(context.Background(), state.StoreKey(c.Value))
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
	a := testkit.NewStoreApp(t, memstore.New(), func(c *session.Config) { c.IdleTimeout = idle })
	a.Clock.Set(time.Now())
	site := func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if v := r.URL.Query().Get("name"); v != "" {
			s.Set("name", v)
		}
		name, _ := session.Get[string](s, "name")
		fmt.Fprintf(w, "name=%s new=%t", name, s.IsNew())
	}
	c := testkit.OneCookie(t, a.Get(site, "/?name=Alice", ""), "session")
	key := state.StoreKey(c.Value)
	rec, err := a.Store.Store.Load(context.Background(), key)
	if want := a.Clock.Now().Add(idle); err != nil || !rec.Expires.Equal(want) {
		t.Fatalf("record expires %v (%v), want %v (IdleTimeout)", rec.Expires, err, want)
	}
	if body := testkit.Text(a.Get(site, "/", "session="+c.Value)); body != "name=Alice new=false" {
		t.Fatalf("before IdleTimeout the cookie gives %q, want the session", body)
	}

	time.Sleep(time.Until(a.Clock.Now().Add(idle)) + 200*time.Millisecond)
	if _, err := a.Store.Store.Load(context.Background(), key); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("after IdleTimeout the store still returns the record (%v), want ErrNotFound", err)
	}
	if body := testkit.Text(a.Get(site, "/", "session="+c.Value)); body != "name= new=true" {
		t.Fatalf("after IdleTimeout the old cookie gives %q, want an empty new session", body)
	}
}

func TestServerFailsClosed(t *testing.T) {
	a := testkit.NewStoreApp(t, memstore.New(), nil)
	c := testkit.OneCookie(t, a.Get(serverSite, "/set?name=Alice", ""), "session")
	before, _ := a.Store.Store.Load(context.Background(), state.StoreKey(c.Value))

	a.Store.Fail.Store(true)
	for _, path := range []string{"/get?k=name", "/set?name=Mallory", "/destroy"} {
		res := a.Get(serverSite, path, "session="+c.Value)
		if set := testkit.OneCookie(t, res, "session"); res.StatusCode != http.StatusInternalServerError || set != nil {
			t.Fatalf("%s with the store down: status %d, cookie %v; want 500 and no cookie", path, res.StatusCode, set)
		}
	}
	a.Store.Fail.Store(false)
	after, _ := a.Store.Store.Load(context.Background(), state.StoreKey(c.Value))
	if after.Version != before.Version || string(after.Data) != string(before.Data) {
		t.Fatal("the stored record changed while the store was failing")
	}
	if body := testkit.Text(a.Get(serverSite, "/get?k=name", "session="+c.Value)); body != "Alice" {
		t.Fatal("the session was lost after the store came back")
	}
}

// TestServerTouchFailureFailsClosed checks a read-only request whose only
// write is the Touch that extends a permanent session: with the store down
// it gets a 500 and no cookie, and the stored record is unchanged; once the
// store is back, the Touch extends the expiry.
func TestServerTouchFailureFailsClosed(t *testing.T) {
	a := testkit.NewStoreApp(t, memstore.New(), nil)
	c := testkit.OneCookie(t, a.Get(serverSite, "/permanent", ""), "session")
	key := state.StoreKey(c.Value)
	before, _ := a.Store.Store.Load(context.Background(), key)
	// The store goes down after the session is loaded, before the Touch.
	site := func(w http.ResponseWriter, r *http.Request) {
		p, _ := session.Get[string](session.From(r), "p")
		a.Store.Fail.Store(r.URL.Query().Has("down"))
		io.WriteString(w, p)
	}
	a.Clock.Advance(time.Hour) // past the refresh throttle: a Touch is due

	res := a.Get(site, "/?down", "session="+c.Value)
	set := testkit.OneCookie(t, res, "session")
	a.Store.Fail.Store(false)
	if a.Store.Touches.Load() != 1 {
		t.Fatalf("%d touches, want 1: the test did not reach the Touch", a.Store.Touches.Load())
	}
	if res.StatusCode != http.StatusInternalServerError || set != nil {
		t.Fatalf("Touch failing: status %d, cookie %v; want 500 and no cookie", res.StatusCode, set)
	}
	after, _ := a.Store.Store.Load(context.Background(), key)
	if !after.Expires.Equal(before.Expires) || after.Version != before.Version || string(after.Data) != string(before.Data) {
		t.Fatal("the stored record changed while Touch was failing")
	}

	res = a.Get(site, "/", "session="+c.Value)
	set, body := testkit.OneCookie(t, res, "session"), testkit.Text(res)
	if res.StatusCode != http.StatusOK || body != "yes" || set == nil || set.MaxAge <= 0 {
		t.Fatalf("after the store came back: status %d, body %q, cookie %v; want 200, yes and a persistent cookie", res.StatusCode, body, set)
	}
	if rec, _ := a.Store.Store.Load(context.Background(), key); !rec.Expires.After(before.Expires) || rec.Version != before.Version {
		t.Fatalf("after the store came back the record expires %v (was %v), version %d (was %d); want a later expiry, same version", rec.Expires, before.Expires, rec.Version, before.Version)
	}
}

// heldApplies is memstore with each Apply held until want of them are
// under way at once (or ten seconds have passed).
type heldApplies struct {
	*memstore.Store // its LoadShared marks the store as in-process
	want            int32
	in              atomic.Int32
	all             chan struct{}
}

func (h *heldApplies) Apply(ctx context.Context, key string, ch *session.Change) (session.Record, error) {
	if h.in.Add(1) == h.want {
		close(h.all)
	}
	select {
	case <-h.all:
	case <-time.After(10 * time.Second):
	}
	return h.Store.Apply(ctx, key, ch)
}

// TestInProcessStoreGetsEachChangeOnItsOwn checks that concurrent writes
// to one memstore session reach its Apply one change each, at once,
// rather than waiting to be joined behind the change being applied, and
// that every one is kept.
func TestInProcessStoreGetsEachChangeOnItsOwn(t *testing.T) {
	const writers = 4
	st := &heldApplies{Store: memstore.New(), want: writers, all: make(chan struct{})}
	a := testkit.NewApp(t, func(c *session.Config) { c.Store = st })
	cookie := a.Issue(func(s *session.Session) { s.Set("first", 0) })
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			a.Serve(func(w http.ResponseWriter, r *http.Request) { session.From(r).Set(fmt.Sprint("w", i), i) }, cookie)
		})
	}
	wg.Wait()
	if got := st.in.Load(); got != writers {
		t.Fatalf("%d concurrent writes made %d Apply calls, want one each, all under way at once", writers, got)
	}
	resp := a.Serve(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, session.From(r).Keys()) }, cookie)
	if body, _ := io.ReadAll(resp.Body); string(body) != "[first w0 w1 w2 w3]" {
		t.Fatalf("the session holds %s, want every write kept: [first w0 w1 w2 w3]", body)
	}
}
