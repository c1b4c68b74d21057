package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/storeurl"
	"github.com/websession/session/store/storeurl/storeurltest"
)

// openStore opens the store of a test URL, for seeding and checking.
func openStore(t *testing.T, v string) session.Store {
	t.Helper()
	st, closeStore, err := storeurl.Open(t.Context(), v)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeStore() })
	return st
}

// site is an application on a store: a real Manager whose clock the test
// sets, so each seeded session has its own last-seen time.
type site struct {
	t  *testing.T
	m  *session.Manager
	mu sync.Mutex
	at time.Time
}

func newSite(t *testing.T, st session.Store) *site {
	s := &site{t: t, at: time.Now()}
	m, err := session.New(session.Config{
		Secret:     []byte(testKey),
		Store:      st,
		RenewGrace: time.Hour, // the renewed ID's record outlives the test
		Now: func() time.Time {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.at
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.m = m
	return s
}

// visit runs one request at time at, with cookie id ("" for none), through
// handler fn, and returns the session ID the response set, or id.
func (s *site) visit(at time.Time, id string, fn func(*session.Session)) string {
	s.t.Helper()
	s.mu.Lock()
	s.at = at
	s.mu.Unlock()
	req := httptest.NewRequest("GET", "https://shop.example/", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
	if id != "" {
		req.AddCookie(&http.Cookie{Name: "session", Value: id})
	}
	rec := httptest.NewRecorder()
	s.m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fn(session.From(r)) })).ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		s.t.Fatalf("seeding request: status %d: %s", rec.Code, rec.Body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == "session" && c.Value != "" {
			return c.Value
		}
	}
	return id
}

// seeded are the sessions seed makes, by session ID.
type seeded struct {
	alice1     string // signed in 3 h ago, renewed now: the most recent
	alice1Old  string // alice1's ID before the renewal, kept for RenewGrace
	bob        string // 2 h ago
	alice2     string // 1 h ago
	anon       string // 30 min ago, no user
	everything []string
}

// seed makes five records through a real Manager: alice on two devices
// (one renewed, leaving its old ID's record), bob, and an anonymous cart.
func seed(t *testing.T, st session.Store) seeded {
	s := newSite(t, st)
	now := time.Now().Truncate(time.Second)
	login := func(at time.Time, user string) string {
		return s.visit(at, "", func(ss *session.Session) {
			if err := ss.SetUser(user); err != nil {
				t.Fatal(err)
			}
			ss.Set("cart", []string{"tea", "kettle"})
			ss.Flash("message", "Welcome back, "+user)
		})
	}
	var d seeded
	d.alice1Old = login(now.Add(-3*time.Hour), "alice")
	d.bob = login(now.Add(-2*time.Hour), "bob")
	d.alice2 = login(now.Add(-time.Hour), "alice")
	d.anon = s.visit(now.Add(-30*time.Minute), "", func(ss *session.Session) { ss.Set("theme", "dark") })
	d.alice1 = s.visit(now, d.alice1Old, func(ss *session.Session) { ss.Renew() })
	d.everything = []string{d.alice1, d.alice1Old, d.bob, d.alice2, d.anon}
	for i, id := range d.everything {
		if !state.ValidID(id) || slices.Index(d.everything, id) != i {
			t.Fatalf("seeding gave session IDs %q; want five distinct ones", d.everything)
		}
	}
	return d
}

// ctlNoID runs sessionctl and fails the test if any of ids appears in its
// output.
func ctlNoID(t *testing.T, ids []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	code, stdout, stderr = ctl(t, args...)
	for _, id := range ids {
		if strings.Contains(stdout, id) || strings.Contains(stderr, id) {
			t.Fatalf("sessionctl %s printed a session ID:\n%s\n%s", strings.Join(args, " "), stdout, stderr)
		}
	}
	return code, stdout, stderr
}

// tableRows returns the rows of a table below its header, split on runs
// of two or more spaces.
func tableRows(t *testing.T, out string) (header string, rows [][]string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for _, l := range lines[1:] {
		var cells []string
		for c := range strings.SplitSeq(l, "  ") {
			if c = strings.TrimSpace(c); c != "" {
				cells = append(cells, c)
			}
		}
		rows = append(rows, cells)
	}
	return lines[0], rows
}

var storeKinds = []string{storeurl.File, storeurl.SQLite, storeurl.Redis, storeurl.Postgres, storeurl.MySQL}

// TestStoreCommands runs every store command against each real store,
// seeded by a real Manager, as an operator would: list, look at one
// session, revoke one, revoke a user, sweep.
func TestStoreCommands(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			v := storeurltest.URL(t, kind)
			st := openStore(t, v)
			d := seed(t, st)
			hash := state.StoreKey
			ids := d.everything
			ctx := t.Context()

			// ls: the table, the most recent first, the renewed ID hidden.
			code, out, errs := ctlNoID(t, ids, "ls", "--store", v)
			if code != exitOK {
				t.Fatalf("ls: exit %d: %s", code, errs)
			}
			header, rows := tableRows(t, out)
			if want := "HASH  USER   CREATED               LAST SEEN             EXPIRES               SIZE"; !strings.HasPrefix(header, "HASH") || strings.Join(strings.Fields(header), " ") != strings.Join(strings.Fields(want), " ") {
				t.Errorf("ls header %q", header)
			}
			wantOrder := []string{d.alice1, d.anon, d.alice2, d.bob}
			wantUsers := []string{"alice", "-", "alice", "bob"}
			if len(rows) != len(wantOrder) {
				t.Fatalf("ls printed %d rows, want %d:\n%s", len(rows), len(wantOrder), out)
			}
			for i, row := range rows {
				rec, err := st.Load(ctx, hash(wantOrder[i]))
				if err != nil {
					t.Fatal(err)
				}
				if len(row) != 6 || row[0] != hash(wantOrder[i])[:12] || row[1] != wantUsers[i] || row[5] != itoa(len(rec.Data)) {
					t.Errorf("ls row %d: %q; want hash %s..., user %s, size %d", i, row, hash(wantOrder[i])[:12], wantUsers[i], len(rec.Data))
				}
				for _, cell := range row[2:5] {
					if _, err := time.Parse(time.RFC3339, cell); err != nil || !strings.HasSuffix(cell, "Z") {
						t.Errorf("ls row %d: time %q is not RFC 3339 in UTC", i, cell)
					}
				}
			}

			// ls --json: the same sessions, full hashes, RFC 3339 times.
			var list []sessionRow
			code, out, errs = ctlNoID(t, ids, "ls", "--store", v, "--json")
			if code != exitOK || json.Unmarshal([]byte(out), &list) != nil {
				t.Fatalf("ls --json: exit %d: %s%s", code, out, errs)
			}
			if got := hashesOf(list); !slices.Equal(got, hashesAll(wantOrder)) {
				t.Errorf("ls --json hashes %q, want %q", got, hashesAll(wantOrder))
			}
			if a := list[0]; a.User != "alice" || a.Created == nil || a.LastSeen == nil || a.Expires == nil ||
				!a.Expires.After(time.Now()) || a.Agent != "Firefox on Linux" || a.Renewed || a.Size == 0 {
				t.Errorf("ls --json first row %+v; want alice's renewed session, with its times, browser and size", a)
			}
			if list[1].User != "" || list[1].SignedIn != nil {
				t.Errorf("ls --json: the anonymous session shows user %q, signed in %v", list[1].User, list[1].SignedIn)
			}

			// --all shows the renewed ID's record; --user and --limit narrow.
			code, out, _ = ctlNoID(t, ids, "ls", "--store", v, "--all", "--json")
			list = nil
			json.Unmarshal([]byte(out), &list)
			var renewed []string
			for _, r := range list {
				if r.Renewed {
					renewed = append(renewed, r.Hash)
				}
			}
			if code != exitOK || len(list) != 5 || !slices.Equal(renewed, []string{hash(d.alice1Old)}) {
				t.Errorf("ls --all: exit %d, %d rows, renewed %q; want 5 rows, renewed the old ID's hash", code, len(list), renewed)
			}
			code, out, _ = ctlNoID(t, ids, "ls", "--store", v, "--all")
			rowState := func(r []string) string { return r[len(r)-1] }
			if _, rows := tableRows(t, out); code != exitOK || len(rows) != 5 || rowState(rows[0]) != "live" || !slices.ContainsFunc(rows, func(r []string) bool { return rowState(r) == "renewed" }) {
				t.Errorf("ls --all table: exit %d:\n%s\nwant a STATE column with one renewed row", code, out)
			}
			code, out, _ = ctlNoID(t, ids, "ls", "--store", v, "--user", "alice", "--json")
			list = nil
			json.Unmarshal([]byte(out), &list)
			if code != exitOK || !slices.Equal(hashesOf(list), hashesAll([]string{d.alice1, d.alice2})) {
				t.Errorf("ls --user alice: exit %d, %q; want alice's two live sessions, newest first", code, hashesOf(list))
			}
			code, out, _ = ctlNoID(t, ids, "ls", "--store", v, "--limit", "2")
			if _, rows := tableRows(t, out); code != exitOK || len(rows) != 2 || rows[1][0] != hash(d.anon)[:12] {
				t.Errorf("ls --limit 2: exit %d:\n%s\nwant the two most recent sessions", code, out)
			}

			// show, by ID as the cookie holds it, by hash and by prefix.
			for _, arg := range []string{"session=" + d.alice2, d.alice2, hash(d.alice2), hash(d.alice2)[:12], strings.ToUpper(hash(d.alice2)[:8])} {
				code, out, errs = ctlNoID(t, ids, "show", "--store", v, arg)
				if code != exitOK || !strings.Contains(out, hash(d.alice2)) || !strings.Contains(out, "alice") ||
					!strings.Contains(out, `["tea","kettle"]`) || !strings.Contains(out, "Welcome back, alice") {
					t.Errorf("show: exit %d:\n%s%s\nwant alice's session with its cart and flash", code, out, errs)
				}
			}
			var sh shown
			code, out, _ = ctlNoID(t, ids, "show", "--store", v, "--json", hash(d.alice2)[:12])
			if err := json.Unmarshal([]byte(out), &sh); code != exitOK || err != nil {
				t.Fatalf("show --json: exit %d, %v:\n%s", code, err, out)
			}
			var cart []string
			json.Unmarshal(sh.Values["cart"], &cart)
			if sh.Hash != hash(d.alice2) || sh.User != "alice" || !slices.Equal(cart, []string{"tea", "kettle"}) ||
				len(sh.Flashes) != 1 || sh.Flashes[0] != (flashJSON{"message", "Welcome back, alice"}) {
				t.Errorf("show --json: %s", out)
			}
			code, _, _ = ctlNoID(t, ids, "show", "--store", v, sessiontest.Key(t))
			if code != exitNotFound {
				t.Errorf("show of an unknown hash: exit %d, want %d", code, exitNotFound)
			}

			// revoke: by the cookie's ID, then again by prefix; the cookie no
			// longer loads.
			code, out, errs = ctlNoID(t, ids, "revoke", "--store", v, "session="+d.anon)
			if code != exitOK || !strings.Contains(out, "revoked session "+hash(d.anon)[:12]) {
				t.Errorf("revoke: exit %d: %s%s", code, out, errs)
			}
			if _, err := st.Load(ctx, hash(d.anon)); !errors.Is(err, session.ErrNotFound) {
				t.Errorf("after revoke, Load = %v; want ErrNotFound", err)
			}
			if code, _, _ = ctlNoID(t, ids, "revoke", "--store", v, hash(d.anon)[:12]); code != exitNotFound {
				t.Errorf("revoking it again: exit %d, want %d", code, exitNotFound)
			}

			// revoke-user: exactly alice's records go; bob's stays.
			var alices int
			st.(session.Iterator).Iterate(ctx, func(key string, rec session.Record) error {
				if info, err := state.Describe(key, rec.Data, rec.Expires); err == nil && info.User == "alice" {
					alices++
				}
				return nil
			})
			code, out, errs = ctlNoID(t, ids, "revoke-user", "--store", v, "--json", "alice")
			if _, ok := st.(session.UserIndex); !ok {
				if code != exitFailure || !strings.Contains(errs, "user index") {
					t.Errorf("revoke-user on a store without a user index: exit %d, %q; want 1 saying so", code, errs)
				}
			} else {
				var ru revokedUser
				if err := json.Unmarshal([]byte(out), &ru); code != exitOK || err != nil || ru != (revokedUser{"alice", alices}) {
					t.Errorf("revoke-user alice: exit %d: %s%s; want {alice %d}", code, out, errs, alices)
				}
				for _, id := range []string{d.alice1, d.alice2, d.alice1Old} {
					if _, err := st.Load(ctx, hash(id)); !errors.Is(err, session.ErrNotFound) {
						t.Errorf("after revoke-user alice, one of alice's records loads: %v", err)
					}
				}
			}
			if _, err := st.Load(ctx, hash(d.bob)); err != nil {
				t.Errorf("revoke-user alice removed bob's session: %v", err)
			}

			// sweep: expired records go, live ones stay.
			if kind == storeurl.Redis {
				code, out, _ = ctlNoID(t, ids, "sweep", "--store", v, "--json")
				if code != exitOK || strings.Join(strings.Fields(out), "") != `{"deleted":0,"self_expiring":true}` {
					t.Errorf("sweep on Redis: exit %d: %s", code, out)
				}
				return
			}
			// Two records that expire in a second (a file store refuses to
			// write one that has expired already), then wait for it.
			expires := time.Now().Add(time.Second)
			for range 2 {
				rec := session.Record{Data: []byte(`{"c":1,"i":1,"v":{}}`), Expires: expires}
				if err := st.Save(ctx, sessiontest.Key(t), rec); err != nil {
					t.Fatalf("saving a short-lived record: %v", err)
				}
			}
			time.Sleep(time.Until(expires) + 100*time.Millisecond)
			code, out, errs = ctlNoID(t, ids, "sweep", "--store", v)
			if code != exitOK || out != "deleted 2 expired record(s)\n" {
				t.Errorf("sweep: exit %d: %q %s; want 2 deleted", code, out, errs)
			}
			code, out, _ = ctlNoID(t, ids, "sweep", "--store", v, "--json")
			if code != exitOK || strings.Join(strings.Fields(out), "") != `{"deleted":0,"self_expiring":false}` {
				t.Errorf("sweep again: exit %d: %s; want 0 deleted", code, out)
			}
			if _, err := st.Load(ctx, hash(d.bob)); err != nil {
				t.Errorf("sweep removed a live session: %v", err)
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func hashesOf(rows []sessionRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Hash)
	}
	return out
}

func hashesAll(ids []string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, state.StoreKey(id))
	}
	return out
}

// TestStoreCommandErrors: each way of getting a store command wrong has
// its exit code and a message saying what to do.
func TestStoreCommandErrors(t *testing.T) {
	fileURL := storeurltest.URL(t, storeurl.File)
	t.Setenv(storeEnv, "")
	tests := []struct {
		name string
		args []string
		code int
		say  string
	}{
		{"no store", []string{"ls"}, exitUsage, "give --store URL or set SESSIONCTL_STORE"},
		{"bad URL", []string{"ls", "--store", "memcached://x"}, exitUsage, "unknown store URL"},
		{"memory", []string{"sweep", "--store", "memory"}, exitUsage, "inside the application's process"},
		{"unknown flag", []string{"ls", "--store", fileURL, "--colour"}, exitUsage, "sessionctl ls --help"},
		{"extra argument", []string{"ls", "--store", fileURL, "alice"}, exitUsage, "want 0 argument(s), got 1"},
		{"missing argument", []string{"show", "--store", fileURL}, exitUsage, "want 1 argument(s), got 0"},
		{"zero timeout", []string{"sweep", "--store", fileURL, "--timeout", "0s"}, exitUsage, "--timeout must be more than 0"},
		{"negative limit", []string{"ls", "--store", fileURL, "--limit", "-1"}, exitUsage, "--limit"},
		{"not an ID or hash", []string{"show", "--store", fileURL, "xyz"}, exitUsage, "neither a session ID"},
		{"short prefix", []string{"revoke", "--store", fileURL, "abc"}, exitUsage, "at least the first 8"},
		{"unknown ID", []string{"show", "--store", fileURL, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, exitNotFound, "no live session with hash " + state.StoreKey("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")},
		{"unknown prefix", []string{"revoke", "--store", fileURL, "0123abcd"}, exitNotFound, "no live session's hash starts with 0123abcd"},
		{"missing directory", []string{"ls", "--store", "file:" + filepath.Join(t.TempDir(), "nope")}, exitFailure, "does not exist"},
		{"unreachable", []string{"sweep", "--store", "redis://:s3cret@127.0.0.1:1/0"}, exitFailure, "cannot reach Redis"},
		{"empty user", []string{"revoke-user", "--store", fileURL, ""}, exitUsage, "USER must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := ctl(t, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.say) || out != "" {
				t.Errorf("sessionctl %q: exit %d, stdout %q, stderr %q; want exit %d saying %q", tt.args, code, out, errs, tt.code, tt.say)
			}
			if strings.Contains(errs, "s3cret") || strings.Contains(errs, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") {
				t.Errorf("sessionctl %q repeats a password or session ID: %s", tt.args, errs)
			}
		})
	}
}

// TestStoreCommandHelp: each store command's --help explains every flag,
// gives an example and the exit codes, and exits 0.
func TestStoreCommandHelp(t *testing.T) {
	flags := map[string][]string{
		"ls":          {"-store", "-json", "-local", "-timeout", "-user", "-limit", "-all"},
		"show":        {"-store", "-json", "-local", "-timeout"},
		"revoke":      {"-store", "-json", "-local", "-timeout"},
		"revoke-user": {"-store", "-json", "-local", "-timeout"},
		"sweep":       {"-store", "-json", "-local", "-timeout"},
	}
	for name, want := range flags {
		code, out, errs := ctl(t, name, "--help")
		if code != exitOK || out != "" {
			t.Errorf("%s --help: exit %d, stdout %q", name, code, out)
		}
		for _, s := range append(want, "Usage: sessionctl "+name, "Examples:\n  sessionctl "+name, "SESSIONCTL_STORE",
			"Exit codes: 0 success, 1 store failure, 2 usage error, 3 session not found") {
			if !strings.Contains(errs, s) {
				t.Errorf("%s --help does not mention %q", name, s)
			}
		}
	}
	_, out, _ := ctl(t, "--help")
	for name := range flags {
		if !strings.Contains(out, "\n  "+name+" ") {
			t.Errorf("sessionctl --help does not list %s", name)
		}
	}
}

// TestStoreFromEnvironment: SESSIONCTL_STORE stands in for --store, and
// flags may follow the arguments.
func TestStoreFromEnvironment(t *testing.T) {
	v := storeurltest.URL(t, storeurl.SQLite)
	d := seed(t, openStore(t, v))
	t.Setenv(storeEnv, v)
	code, out, errs := ctl(t, "show", state.StoreKey(d.bob)[:10], "--json")
	if code != exitOK || !strings.Contains(out, `"user": "bob"`) {
		t.Fatalf("show with SESSIONCTL_STORE: exit %d: %s%s", code, out, errs)
	}
	code, out, _ = ctl(t, "ls", "--store", storeurltest.URL(t, storeurl.SQLite))
	if code != exitOK || out != "" {
		t.Errorf("--store did not win over SESSIONCTL_STORE: exit %d, %q; want the empty store", code, out)
	}
}

// TestTablesEscapeControlCharacters: a user name or value chosen by a
// visitor cannot send escape sequences to the operator's terminal or forge
// table rows.
func TestTablesEscapeControlCharacters(t *testing.T) {
	v := storeurltest.URL(t, storeurl.SQLite)
	s := newSite(t, openStore(t, v))
	s.visit(time.Now(), "", func(ss *session.Session) {
		ss.SetUser("mallory\x1b[2J\nroot")
		ss.Set("note\tx", "a\u009b31mb")
	})
	code, out, _ := ctl(t, "ls", "--store", v)
	if code != exitOK || !strings.Contains(out, `mallory\x1b[2J\nroot`) || strings.ContainsAny(out, "\x1b\u009b") || strings.Count(out, "\n") != 2 {
		t.Errorf("ls: exit %d, %q; want the user name escaped on one row", code, out)
	}
	_, list, _ := ctl(t, "ls", "--store", v, "--json")
	var rows []sessionRow
	json.Unmarshal([]byte(list), &rows)
	if len(rows) != 1 || rows[0].User != "mallory\x1b[2J\nroot" {
		t.Fatalf("ls --json: %s; want the user name as it is", list)
	}
	code, out, _ = ctl(t, "show", "--store", v, rows[0].Hash)
	if code != exitOK || strings.ContainsAny(out, "\x1b\u009b\t") || !strings.Contains(out, `note\tx`) || !strings.Contains(out, `\u009b`) {
		t.Errorf("show: exit %d, %q; want the user, key and value escaped", code, out)
	}
}

// TestRevokeUserNeedsAUserIndex: a store that keeps no user index cannot
// revoke a user's sessions, and says so.
func TestRevokeUserNeedsAUserIndex(t *testing.T) {
	st := openStore(t, storeurltest.URL(t, storeurl.File))
	plain := struct{ session.Store }{st} // the same store, without its optional interfaces
	_, err := revokeUser(t.Context(), plain, "alice")
	if !errors.Is(err, session.ErrNotSupported) || !strings.Contains(err.Error(), "user index") {
		t.Fatalf("revokeUser on a store without UserIndex: %v; want ErrNotSupported naming the user index", err)
	}
	if _, ok := st.(session.UserIndex); ok {
		if n, err := revokeUser(t.Context(), st, "alice"); n != 0 || err != nil {
			t.Fatalf("revokeUser of a user with no sessions: %d, %v; want 0, nil", n, err)
		}
	}
}

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"alice":           "alice",
		"Zoë 李":           "Zoë 李",
		"a\tb\nc":         `a\tb\nc`,
		"\x1b[31m":        `\x1b[31m`,
		"\u009b2J":        `\u009b2J`,
		"bad\xffutf8":     `bad\xffutf8`,
		"\ufffd replaced": "\ufffd replaced",
	} {
		if got := safe(in); got != want {
			t.Errorf("safe(%q) = %q, want %q", in, got, want)
		}
	}
}
