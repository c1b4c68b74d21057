// Package golden holds cookies and store records written by earlier
// versions of this module, and checks that the current code opens them with
// the same content. Each directory under testdata is one version's output,
// named by the version that wrote it, with the program that wrote it and the
// secrets it used. Data is added for each release whose formats changed and
// is never rewritten: an upgrade must not log anyone out.
//
// The cookie cases are checked by the root package's tests, the store
// records by each store's tests, from the same files.
package golden

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path"
	"reflect"
	"strings"
	"testing"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

//go:embed testdata
var files embed.FS

// Flash is a flash message as the golden files write it.
type Flash struct {
	Category string `json:"category"`
	Message  string `json:"message"`
}

// Want is what a session must hold when it is opened again: each value as
// encoding/json writes what Session.Get returns for it, the Go type Get
// returns (as %T prints it), the flashes, the flags, and the sign-in time
// in Unix seconds.
type Want struct {
	Values    map[string]json.RawMessage `json:"values"`
	Types     map[string]string          `json:"types"`
	Flashes   []Flash                    `json:"flashes"`
	Permanent bool                       `json:"permanent"`
	User      string                     `json:"user"`
	SignedIn  int64                      `json:"signed_in"`
}

// CookieCase is one golden cookie.
type CookieCase struct {
	Name       string   `json:"name"`
	Format     string   `json:"format"` // encrypted, signed or flask
	CookieName string   `json:"cookie_name"`
	Secret     string   `json:"secret"`     // what sealed it
	OpenWith   []string `json:"open_with"`  // Secret, then OldSecrets, of a Manager that must open it
	WrittenAt  int64    `json:"written_at"` // Unix seconds
	Cookie     string   `json:"cookie"`     // the cookie's value
	Want       Want     `json:"want"`
}

// RecordCase is one golden server-side session: the ID its cookie holds and
// what the session holds through it. Cases are read in order, from one
// store holding every record: reading a case consumes its flashes, as it
// did when the case was written.
type RecordCase struct {
	Name      string `json:"name"`
	ID        string `json:"id"`
	Key       string `json:"key"`
	UserAgent string `json:"user_agent,omitempty"`
	Want      Want   `json:"want"`
}

// Record is a stored record: the Record a Store's Load returned, and the
// row of an SQL store.
type Record struct {
	Key     string `json:"key"`
	Data    string `json:"data"`    // the record's Data, which is text
	Expires int64  `json:"expires"` // Unix milliseconds
	Version uint64 `json:"version"`
	User    string `json:"user,omitempty"`
}

// Records is one version's server-side sessions, with each store's raw
// form of the same records.
type Records struct {
	Secret  string       `json:"secret"`
	Cases   []RecordCase `json:"cases"`
	Records []Record     `json:"records"`
	// Files maps a path inside a filestore's directory to its contents.
	Files map[string][]byte `json:"filestore_files"`
	// SQL maps a dialect (sqlite, postgres, mysql) to the rows of its table.
	SQL map[string][]Record `json:"sql_rows"`
	// RedisHashes maps a Redis key, under the default prefix "session:",
	// to its fields; RedisSets maps a user set to its members.
	RedisHashes map[string]map[string]string `json:"redis_hashes"`
	RedisSets   map[string][]string          `json:"redis_sets"`
}

// Version is one directory of golden data.
type Version struct {
	Name    string // the version that wrote it
	Cookies []CookieCase
	Records Records
}

// Versions returns every version's golden data, oldest first.
func Versions(t testing.TB) []Version {
	t.Helper()
	dirs, err := fs.ReadDir(files, "testdata")
	if err != nil {
		t.Fatal(err)
	}
	var out []Version
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		v := Version{Name: d.Name()}
		read(t, path.Join("testdata", d.Name(), "cookies.json"), &v.Cookies)
		read(t, path.Join("testdata", d.Name(), "records.json"), &v.Records)
		out = append(out, v)
	}
	if len(out) == 0 {
		t.Fatal("no golden data under internal/golden/testdata")
	}
	return out
}

func read(t testing.TB, name string, v any) {
	t.Helper()
	b, err := files.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// Check reports on t every way s differs from w. It reads the flashes, so
// they are gone from s afterwards, as they were when w was written.
func Check(t testing.TB, s *session.Session, w Want) {
	t.Helper()
	if got := s.User(); got != w.User {
		t.Errorf("user %q, want %q", got, w.User)
	}
	var signedIn int64
	if at := s.SignedInAt(); !at.IsZero() {
		signedIn = at.Unix()
	}
	if signedIn != w.SignedIn {
		t.Errorf("signed in at %d, want %d", signedIn, w.SignedIn)
	}
	if got := s.Permanent(); got != w.Permanent {
		t.Errorf("permanent %v, want %v", got, w.Permanent)
	}
	keys := s.Keys()
	var want []string
	for k := range w.Values {
		want = append(want, k)
	}
	if !sameSet(keys, want) {
		t.Errorf("keys %q, want %q", keys, want)
	}
	for k, raw := range w.Values {
		v, ok := s.Get(k)
		if !ok {
			continue // reported with the keys
		}
		if typ := fmt.Sprintf("%T", v); typ != w.Types[k] {
			t.Errorf("%s: Get returns a %s, want a %s", k, typ, w.Types[k])
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Errorf("%s: %v", k, err)
			continue
		}
		if !sameJSON(b, raw) {
			t.Errorf("%s: %s, want %s", k, b, raw)
		}
	}
	var flashes []Flash
	for _, f := range s.Flashes() {
		flashes = append(flashes, Flash{f.Category, f.Message})
	}
	if !reflect.DeepEqual(flashes, w.Flashes) {
		t.Errorf("flashes %q, want %q", flashes, w.Flashes)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]bool{}
	for _, s := range a {
		seen[s] = true
	}
	for _, s := range b {
		if !seen[s] {
			return false
		}
	}
	return true
}

// sameJSON compares two JSON texts as values, numbers digit for digit.
func sameJSON(a, b []byte) bool {
	decode := func(b []byte) (any, bool) {
		d := json.NewDecoder(strings.NewReader(string(b)))
		d.UseNumber()
		var v any
		return v, d.Decode(&v) == nil
	}
	va, oka := decode(a)
	vb, okb := decode(b)
	return oka && okb && reflect.DeepEqual(va, vb)
}

// CheckRecords opens every case of recs through a Manager on st, which
// holds recs' records in the store's own form, and checks what each
// session holds.
func CheckRecords(t *testing.T, st session.Store, recs Records) {
	t.Helper()
	m, err := session.New(session.Config{
		Secret: []byte(recs.Secret),
		Store:  st,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range recs.Cases {
		t.Run(c.Name, func(t *testing.T) {
			h := m.Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				s := session.From(r)
				if s.IsNew() {
					t.Fatal("the stored session did not open: the visitor would be logged out")
				}
				Check(t, s, c.Want)
			}))
			req := httptest.NewRequest("GET", "https://example.com/", nil)
			req.Header.Set("User-Agent", c.UserAgent)
			req.AddCookie(&http.Cookie{Name: state.DefaultCookieName, Value: c.ID})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		})
	}
}
