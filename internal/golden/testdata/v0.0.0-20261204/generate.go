//go:build ignore

// This program wrote the golden cookies and store records in this
// directory, with the code as it was at commit e0abe59 (before the first
// tagged release). It is kept to show exactly how they were made; it is not
// run again, and later versions of the code need not compile it. Run from
// the repository root of that commit, with the test servers up:
//
//	go run ./internal/golden/testdata/v0.0.0-20261204/generate.go internal/golden/testdata/v0.0.0-20261204
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/redis/go-redis/v9"
	_ "modernc.org/sqlite"

	"github.com/websession/session"
	"github.com/websession/session/flask"
	"github.com/websession/session/store/filestore"
	"github.com/websession/session/store/memstore"
	"github.com/websession/session/store/redisstore"
	"github.com/websession/session/store/sqlstore"
)

// The secrets of the golden data. They protect nothing but these files.
const (
	secret    = "golden secret 0123456789abcdefghijklmnopqrstuvwxyz"
	oldSecret = "golden old secret 9876543210ZYXWVUTSRQPONMLKJIHGF"
)

// hundredYears is the Lifetime (and RenewGrace) the store records were
// written with, so they stay live in the stores for as long as the tests
// that read them are run.
const hundredYears = 100 * 365 * 24 * time.Hour

// writtenAt is the clock of the cookies.
var writtenAt = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

type flash struct {
	Category string `json:"category"`
	Message  string `json:"message"`
}

// want is what a session must hold when it is opened again: each value as
// encoding/json writes what Session.Get returns for it, the Go type Get
// returns, the flashes, the flags and the times in Unix seconds.
type want struct {
	Values    map[string]json.RawMessage `json:"values"`
	Types     map[string]string          `json:"types"`
	Flashes   []flash                    `json:"flashes"`
	Permanent bool                       `json:"permanent"`
	User      string                     `json:"user"`
	SignedIn  int64                      `json:"signed_in"`
}

type cookieCase struct {
	Name       string   `json:"name"`
	Format     string   `json:"format"` // encrypted, signed or flask
	CookieName string   `json:"cookie_name"`
	Secret     string   `json:"secret"`     // what sealed it
	OpenWith   []string `json:"open_with"`  // Secret then OldSecrets of the Manager that must open it
	WrittenAt  int64    `json:"written_at"` // Unix seconds
	Cookie     string   `json:"cookie"`     // the cookie's value
	SetCookie  string   `json:"set_cookie"` // the whole header, for reference
	Want       want     `json:"want"`
}

func main() {
	out := os.Args[1]
	cookies := writeCookies()
	writeJSON(filepath.Join(out, "cookies.json"), cookies)
	writeRecords(out)
}

func writeJSON(path string, v any) {
	b, err := json.MarshalIndent(v, "", "\t")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

func quiet() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// fill is the handler that writes a golden session; kind picks its content.
func fill(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		switch kind {
		case "anonymous":
			s.Set("cart", []any{"tea", 2})
			s.Set("n", 41)
			s.Set("name", "Ünïcode <b>&</b> \"quoted\"")
		case "signed-in":
			s.SetUser("alice")
			s.SetPermanent(true)
			s.Set("user_id", 42)
			s.Set("big", int64(9007199254740993))
			s.Set("float", 1.5)
			s.Set("nested", map[string]any{"a": []any{1, map[string]any{"b": nil}}, "e": map[string]any{}})
			s.Set("t", true)
			s.Flash("message", "Welcome back")
			s.Flash("error", "<oops> & \"more\"")
		case "flask-types":
			s.SetPermanent(true)
			s.Set("tuple", flask.Tuple{"tea", 2})
			s.Set("bytes", []byte{0, 1, 2, 0xff})
			s.Set("markup", flask.Markup("<a href='/x'>link</a>"))
			u, _ := flask.ParseUUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
			s.Set("uuid", u)
			s.Set("when", time.Date(2026, 11, 30, 8, 15, 0, 0, time.UTC))
			s.Set("dict", map[string]any{" t": "a tag-like key", "x": 1})
			s.Flash("html", "<b>bold</b>")
		}
	}
}

func writeCookies() []cookieCase {
	var cases []cookieCase
	add := func(name, format, cookieName, sealSecret string, openWith []string, kind string) {
		var f session.Format
		switch format {
		case "encrypted":
			f = session.Encrypted
		case "signed":
			f = session.Signed
		case "flask":
			f = flask.Format()
		}
		m, err := session.New(session.Config{
			Secret: []byte(sealSecret),
			Format: f,
			Cookie: session.CookieOptions{Name: cookieName},
			Now:    func() time.Time { return writtenAt },
			Logger: quiet(),
		})
		if err != nil {
			log.Fatal(err)
		}
		rec := httptest.NewRecorder()
		m.Handler(fill(kind)).ServeHTTP(rec, httptest.NewRequest("GET", "https://example.com/", nil))
		header := rec.Header().Get("Set-Cookie")
		value := strings.TrimPrefix(strings.SplitN(header, ";", 2)[0], cookieName+"=")
		if header == "" {
			log.Fatalf("%s: no cookie", name)
		}
		c := cookieCase{Name: name, Format: format, CookieName: cookieName, Secret: sealSecret,
			OpenWith: openWith, WrittenAt: writtenAt.Unix(), Cookie: value, SetCookie: header}
		// What the session holds, read back through a Manager of this code.
		c.Want = readBack(format, cookieName, openWith, value)
		cases = append(cases, c)
	}
	for _, format := range []string{"encrypted", "signed", "flask"} {
		add(format+"/anonymous", format, "session", secret, []string{secret}, "anonymous")
		add(format+"/signed-in-permanent-flashes", format, "session", secret, []string{secret}, "signed-in")
		add(format+"/old-secret", format, "session", oldSecret, []string{secret, oldSecret}, "signed-in")
	}
	add("encrypted/host-cookie-name", "encrypted", "__Host-app", secret, []string{secret}, "anonymous")
	add("signed/host-cookie-name", "signed", "__Host-app", secret, []string{secret}, "anonymous")
	add("flask/python-types", "flask", "session", secret, []string{secret}, "flask-types")
	return cases
}

// readBack opens a cookie with the code of this commit and describes it.
func readBack(format, cookieName string, openWith []string, value string) want {
	var f session.Format
	switch format {
	case "encrypted":
		f = session.Encrypted
	case "signed":
		f = session.Signed
	case "flask":
		f = flask.Format()
	}
	var old [][]byte
	for _, s := range openWith[1:] {
		old = append(old, []byte(s))
	}
	m, err := session.New(session.Config{Secret: []byte(openWith[0]), OldSecrets: old, Format: f,
		Cookie: session.CookieOptions{Name: cookieName}, Now: func() time.Time { return writtenAt.Add(time.Minute) }, Logger: quiet()})
	if err != nil {
		log.Fatal(err)
	}
	var w want
	h := m.Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { w = describe(session.From(r)) }))
	req := httptest.NewRequest("GET", "https://example.com/", nil)
	req.AddCookie(&http.Cookie{Name: cookieName, Value: value})
	h.ServeHTTP(httptest.NewRecorder(), req)
	return w
}

func describe(s *session.Session) want {
	w := want{Values: map[string]json.RawMessage{}, Types: map[string]string{}, Permanent: s.Permanent(), User: s.User()}
	if !s.SignedIn().IsZero() {
		w.SignedIn = s.SignedIn().Unix()
	}
	for _, k := range s.Keys() {
		v, _ := s.Get(k)
		b, err := json.Marshal(v)
		if err != nil {
			log.Fatal(err)
		}
		w.Values[k] = b
		w.Types[k] = fmt.Sprintf("%T", v)
	}
	for _, f := range s.Flashes() {
		w.Flashes = append(w.Flashes, flash{f.Category, f.Message})
	}
	return w
}

// A recordCase is one server-side session: the cookie that names it, what
// it must hold, and each store's raw form of its record.
type recordCase struct {
	Name      string `json:"name"`
	ID        string `json:"id"`  // the cookie's value
	Key       string `json:"key"` // the store key
	UserAgent string `json:"user_agent,omitempty"`
	// Want is what the session holds through this ID; for the old ID of a
	// renewal at a change of user it is the data as it was before.
	Want want `json:"want"`
}

type rawRecord struct {
	Key     string `json:"key"`
	Data    string `json:"data"`    // the record's Data, as text (it is JSON)
	Expires int64  `json:"expires"` // Unix milliseconds
	Version uint64 `json:"version"`
	User    string `json:"user,omitempty"`
}

type records struct {
	Secret  string       `json:"secret"`
	Note    string       `json:"note"`
	Cases   []recordCase `json:"cases"`
	Records []rawRecord  `json:"records"` // as Store.Load returns them (memstore)
	// Store-specific raw forms.
	Files map[string][]byte            `json:"filestore_files"` // path in the store's directory → contents
	SQL   map[string][]rawRecord       `json:"sql_rows"`        // dialect → rows of the sessions table
	Redis map[string]map[string]string `json:"redis_hashes"`    // key (default prefix) → HGETALL
	Sets  map[string][]string          `json:"redis_sets"`      // user set → members
}

func writeRecords(out string) {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "golden-files")
	defer os.RemoveAll(dir)
	fst, err := filestore.New(filepath.Join(dir, "store"))
	check(err)
	mem := memstore.New()
	lite, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "s.db")+"?_pragma=busy_timeout(5000)")
	check(err)
	pg, err := sql.Open("pgx", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	check(err)
	my, err := sql.Open("mysql", "root@tcp(127.0.0.1:3306)/test")
	check(err)
	sqlStores := map[string]*sqlstore.Store{}
	for name, db := range map[string]*sql.DB{"sqlite": lite, "postgres": pg, "mysql": my} {
		st, err := sqlstore.New(db, sqlstore.WithTable("golden_sessions"))
		check(err)
		db.Exec("DROP TABLE IF EXISTS golden_sessions")
		check(st.CreateTable(ctx))
		sqlStores[name] = st
	}
	rc := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", DB: 9})
	check(rc.FlushDB(ctx).Err())
	rst, err := redisstore.New(rc)
	check(err)

	// One Manager writes through a store that fans every call out to all
	// of them, so every store holds the same records under the same keys.
	fan := &fanout{stores: []session.Store{mem, fst, rst, sqlStores["sqlite"], sqlStores["postgres"], sqlStores["mysql"]}}
	m, err := session.New(session.Config{Secret: []byte(secret), Store: fan, Lifetime: hundredYears,
		RenewGrace: hundredYears, Logger: quiet()})
	check(err)

	var cases []recordCase
	visit := func(kind, id, ua string) string {
		var got string
		h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := session.From(r)
			switch kind {
			case "renew":
				s.Renew()
			case "login":
				s.SetUser("bob")
			case "read":
				s.Len()
			default:
				fill(kind)(w, r)
			}
		}))
		req := httptest.NewRequest("GET", "https://example.com/", nil)
		if ua != "" {
			req.Header.Set("User-Agent", ua)
		}
		if id != "" {
			req.AddCookie(&http.Cookie{Name: "session", Value: id})
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if c := rec.Header().Get("Set-Cookie"); c != "" {
			got = strings.TrimPrefix(strings.SplitN(c, ";", 2)[0], "session=")
		}
		return got
	}
	read := func(id string) want {
		var w want
		h := m.Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { w = describe(session.From(r)) }))
		req := httptest.NewRequest("GET", "https://example.com/", nil)
		req.AddCookie(&http.Cookie{Name: "session", Value: id})
		h.ServeHTTP(httptest.NewRecorder(), req)
		return w
	}
	ua := "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	addCase := func(name, id, ua string) {
		cases = append(cases, recordCase{Name: name, ID: id, Key: session.StoreKey(id), UserAgent: ua})
	}

	anon := visit("anonymous", "", "")
	addCase("anonymous", anon, "")
	signed := visit("signed-in", "", ua)
	addCase("signed-in-permanent-flashes", signed, ua)
	// A renewal with the user kept: the old ID forwards to the new record.
	rotated := visit("signed-in", "", ua)
	renewed := visit("renew", rotated, ua)
	addCase("renewed/new-id", renewed, ua)
	addCase("renewed/old-id-forwards", rotated, ua)
	// A log-in: the old anonymous ID shows the old data, read-only.
	before := visit("anonymous", "", "")
	after := visit("login", before, ua)
	addCase("login/new-id", after, ua)
	addCase("login/old-id-read-only", before, ua)

	// The raw records, as each store holds them.
	recs := map[string]rawRecord{}
	for _, c := range cases {
		r, err := mem.Load(ctx, c.Key)
		check(err)
		recs[c.Key] = rawRecord{Key: c.Key, Data: string(r.Data), Expires: r.Expires.UnixMilli(), Version: r.Version, User: r.User}
	}
	var rawRecs []rawRecord
	for _, c := range cases {
		rawRecs = append(rawRecs, recs[c.Key])
	}
	files := map[string][]byte{}
	check(filepath.WalkDir(filepath.Join(dir, "store"), func(path string, d fs.DirEntry, err error) error {
		check(err)
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(filepath.Join(dir, "store"), path)
		if strings.HasPrefix(filepath.Base(rel), ".") {
			return nil // lock files
		}
		b, err := os.ReadFile(path)
		check(err)
		files[filepath.ToSlash(rel)] = b
		return nil
	}))
	rows := map[string][]rawRecord{}
	for name, db := range map[string]*sql.DB{"sqlite": lite, "postgres": pg, "mysql": my} {
		r, err := db.Query("SELECT " + map[bool]string{true: "`key`", false: `"key"`}[name == "mysql"] + ", data, expires, version, user_id FROM golden_sessions ORDER BY 1")
		check(err)
		for r.Next() {
			var rr rawRecord
			var data []byte
			var user sql.NullString
			check(r.Scan(&rr.Key, &data, &rr.Expires, &rr.Version, &user))
			rr.Data, rr.User = string(data), user.String
			rows[name] = append(rows[name], rr)
		}
		check(r.Err())
	}
	hashes := map[string]map[string]string{}
	sets := map[string][]string{}
	keys, err := rc.Keys(ctx, "*").Result()
	check(err)
	for _, k := range keys {
		switch rc.Type(ctx, k).Val() {
		case "hash":
			hashes[k] = rc.HGetAll(ctx, k).Val()
		case "set":
			sets[k] = rc.SMembers(ctx, k).Val()
		}
	}
	// Read what each ID gives (which consumes the flashes, so only after
	// the records were captured), then clean up.
	for i := range cases {
		cases[i].Want = read(cases[i].ID)
	}
	check(rc.FlushDB(ctx).Err())
	for _, db := range []*sql.DB{lite, pg, my} {
		db.Exec("DROP TABLE golden_sessions")
	}
	writeJSON(filepath.Join(out, "records.json"), records{
		Secret: secret,
		Note:   "written with Lifetime and RenewGrace of 100 years, so every record stays live; each store held the same records",
		Cases:  cases, Records: rawRecs, Files: files, SQL: rows, Redis: hashes, Sets: sets,
	})
}

// fanout is a Store that writes to all its stores and reads from the first.
type fanout struct{ stores []session.Store }

func (f *fanout) Load(ctx context.Context, key string) (session.Record, error) {
	return f.stores[0].Load(ctx, key)
}

func (f *fanout) Save(ctx context.Context, key string, rec session.Record) error {
	for _, st := range f.stores {
		if err := st.Save(ctx, key, rec); err != nil {
			return fmt.Errorf("%T: %w", st, err)
		}
	}
	return nil
}

func (f *fanout) Delete(ctx context.Context, key string) error {
	for _, st := range f.stores {
		if err := st.Delete(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
