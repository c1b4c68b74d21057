package session_test

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/internal/state"
	"github.com/websession/session/internal/testkit"
)

// fuzzNow is the fixed clock of the fuzz targets.
var fuzzNow = time.Unix(1_700_000_000, 0)

// fuzzStates are the sessions whose cookies seed the corpora.
func fuzzStates() []*state.State {
	return []*state.State{
		{Values: map[string][]byte{}, Issued: fuzzNow},
		{Values: map[string][]byte{"user_id": []byte("42"), "name": []byte(`"alice"`)}, Issued: fuzzNow, Created: fuzzNow.Add(-time.Hour)},
		{Values: map[string][]byte{"cart": []byte(`[{"sku":"A-1","qty":2},{"sku":"B","qty":1.5}]`)}, Permanent: true, Issued: fuzzNow, Created: fuzzNow,
			Flashes: []session.Flash{{Category: "message", Message: "héllo \"world\""}, {Category: "error", Message: "<b>"}}},
		{Values: map[string][]byte{"deep": []byte(nested(state.MaxDepth))}, Issued: fuzzNow},
	}
}

// fuzzOpen checks that sealer.Open never panics, refuses what it cannot
// accept with ErrInvalidCookie without quoting the value, and that what it
// accepts seals and opens again to the same session.
func fuzzOpen(f *testing.F, format session.Format) {
	sealer, err := format.Bind(state.Params{Secret: primarySecret, OldSecrets: [][]byte{rotatedSecret}, CookieName: "session", Lifetime: time.Hour})
	if err != nil {
		f.Fatal(err)
	}
	old, err := format.Bind(state.Params{Secret: rotatedSecret, CookieName: "session", Lifetime: time.Hour})
	if err != nil {
		f.Fatal(err)
	}
	for _, st := range fuzzStates() {
		for _, s := range []state.Sealer{sealer, old} {
			v, err := s.Seal(st)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(v)
			for _, n := range []int{0, 1, len(v) / 2, len(v) - 17, len(v) - 1} {
				if n >= 0 && n < len(v) {
					f.Add(v[:n])
				}
			}
			f.Add(v + "A")
			f.Add(strings.Replace(v, ".", "..", 1))
		}
	}
	for _, g := range []string{"", ".", "A.A", "!!", "AQ", "AQAAAA", strings.Repeat("A", 44), strings.Repeat("_", 200) + "." + strings.Repeat("A", 50)} {
		f.Add(g)
	}
	f.Fuzz(func(t *testing.T, value string) {
		st, err := sealer.Open(value, fuzzNow)
		if err != nil {
			if !errors.Is(err, session.ErrInvalidCookie) {
				t.Fatalf("Open error %v does not wrap ErrInvalidCookie", err)
			}
			if len(value) >= 16 && strings.Contains(err.Error(), value) {
				t.Fatalf("Open error %q quotes the cookie", err)
			}
			return
		}
		again, err := sealer.Seal(st)
		if err != nil {
			t.Fatalf("Seal of an opened session: %v", err)
		}
		st2, err := sealer.Open(again, fuzzNow)
		if err != nil {
			t.Fatalf("a re-sealed session does not open: %v", err)
		}
		if st2.OldKey {
			t.Error("a re-sealed session still needs the old key")
		}
		st.OldKey = false
		st.Lent, st2.Lent = state.Loan{}, state.Loan{} // each opened in a buffer of its own
		st.ValueMap()
		st2.ValueMap()
		if !reflect.DeepEqual(st, st2) {
			t.Fatalf("reopened session differs:\n%+v\n%+v", st, st2)
		}
	})
}

func FuzzOpenEncrypted(f *testing.F) { fuzzOpen(f, session.Encrypted) }

func FuzzOpenSigned(f *testing.F) { fuzzOpen(f, session.Signed) }

// FuzzCookieHeader sends any Cookie header through a Manager: the visitor
// gets a session (empty unless the cookie is valid), never a panic, and the
// log never shows the cookie.
func FuzzCookieHeader(f *testing.F) {
	for _, format := range bothFormats {
		sealer, err := format.Bind(state.Params{Secret: primarySecret, CookieName: "session", Lifetime: state.DefaultLifetime})
		if err != nil {
			f.Fatal(err)
		}
		v, _ := sealer.Seal(fuzzStates()[1])
		f.Add("session=" + v)
		f.Add("session=" + v[:len(v)/2] + "; session=" + v)
		f.Add("a=b; session=" + v + "; session=" + v)
	}
	f.Add("")
	f.Add("session")
	f.Add("session=\"\"")
	f.Add("session=;;;session===")
	var apps []*testkit.App
	for _, format := range bothFormats {
		a := testkit.NewApp(f, func(c *session.Config) { c.Format = format })
		a.Clock.Set(fuzzNow)
		apps = append(apps, a)
	}
	f.Fuzz(func(t *testing.T, header string) {
		for _, a := range apps {
			a.Log.Reset()
			req := testkit.Request("/", header)
			a.ServeRequest(func(w http.ResponseWriter, r *http.Request) {
				s := session.From(r)
				for _, k := range s.Keys() {
					s.Get(k)
				}
				s.Flashes()
			}, req)
			for _, c := range req.Cookies() {
				if len(c.Value) >= 16 && strings.Contains(a.Log.String(), c.Value) {
					t.Fatalf("log %q shows a cookie value", a.Log.String())
				}
			}
		}
	})
}

// FuzzJSONCodec checks that JSON.Unmarshal never panics, and that what it
// accepts encodes and decodes again to a stable value.
func FuzzJSONCodec(f *testing.F) {
	for _, s := range []string{
		`0`, `-1`, `42`, `1.5`, `-0.0`, `1e400`, `9007199254740993`, `99999999999999999999`, `007`,
		`"s"`, `""`, `"\u00e9\ud83d\ude00"`, `"\ud800"`, "\"\xff\"", `"a\"b"`, `"\\"`,
		`true`, `null`, `[]`, `{}`, `{"a":[1,2,{"b":null}]}`, `[1,"x",{"k":2.5}]`,
		nested(state.MaxDepth), nested(state.MaxDepth + 1), `]]]]` + nested(state.MaxDepth+1),
		`[`, `{"a":`, `"unterminated`, `{"a":1}]`, `1 2`, `{"a":1,"a":2}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var dst any
		_ = state.JSON.UnmarshalTo(data, &dst)
		v1, err := state.JSON.Unmarshal(data)
		if err != nil {
			return
		}
		b1, err := state.JSON.Marshal(v1)
		if err != nil {
			t.Fatalf("Marshal of decoded %#v: %v", v1, err)
		}
		v2, err := state.JSON.Unmarshal(b1)
		if err != nil {
			t.Fatalf("Unmarshal(%q), the encoding of %#v: %v", b1, v1, err)
		}
		b2, err := state.JSON.Marshal(v2)
		if err != nil {
			t.Fatal(err)
		}
		v3, err := state.JSON.Unmarshal(b2)
		if err != nil || !reflect.DeepEqual(v2, v3) {
			t.Fatalf("not stable: %#v -> %q -> %#v (%v)", v2, b2, v3, err)
		}
	})
}
