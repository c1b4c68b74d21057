package session_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
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

// bothFormats are the cookie formats of the root package.
var bothFormats = []session.Format{session.Encrypted, session.Signed}

func formatName(f session.Format) string {
	switch f {
	case session.Encrypted:
		return "Encrypted"
	case session.Signed:
		return "Signed"
	}
	return "unknown"
}

// nested returns a JSON array nested depth levels deep: [[[1]]] for 3.
func nested(depth int) string {
	return strings.Repeat("[", depth) + "1" + strings.Repeat("]", depth)
}

// nestedValue returns the Go value of nested(depth).
func nestedValue(depth int) any {
	var v any = 1
	for range depth {
		v = []any{v}
	}
	return v
}

type cartItem struct {
	SKU   string   `json:"sku"`
	Qty   int      `json:"qty"`
	Price float64  `json:"price"`
	Tags  []string `json:"tags"`
}

func TestValuesRoundTrip(t *testing.T) {
	cart := []cartItem{{SKU: "A-1", Qty: 2, Price: 9.5, Tags: []string{"gift"}}, {SKU: "B-2", Qty: 1}}
	values := map[string]any{
		"int":     42,
		"neg":     -7,
		"big":     int64(1) << 53,
		"float":   3.25,
		"str":     "héllo wörld ✓ 日本語 \"quoted\" <b>&amp;</b> \n\t\x01",
		"empty":   "",
		"bool":    true,
		"nil":     nil,
		"map":     map[string]any{"a": map[string]any{"b": []any{1, "x", 2.5}}},
		"slice":   []int{1, 2, 3},
		"cart":    cart,
		"ключ ✓":  "unicode key",
		"a\"b\\c": "escaped key",
	}
	for _, f := range bothFormats {
		t.Run(formatName(f), func(t *testing.T) {
			a := testkit.NewApp(t, func(c *session.Config) { c.Format = f })
			c := a.Issue(func(s *session.Session) {
				for k, v := range values {
					if err := s.Set(k, v); err != nil {
						t.Fatal(err)
					}
				}
			})
			a.Serve(func(w http.ResponseWriter, req *http.Request) {
				s := session.From(req)
				for k, want := range map[string]any{
					"int": 42, "neg": -7, "big": 1 << 53, "float": 3.25, "str": values["str"], "empty": "",
					"bool": true, "nil": nil, "ключ ✓": "unicode key", "a\"b\\c": "escaped key",
					"map":   map[string]any{"a": map[string]any{"b": []any{1, "x", 2.5}}},
					"slice": []any{1, 2, 3},
				} {
					got, ok := s.Get(k)
					if !ok || !reflect.DeepEqual(got, want) {
						t.Errorf("Get(%q) = %#v, %v; want %#v", k, got, ok, want)
					}
				}
				if n, ok := session.Get[int](s, "int"); !ok || n != 42 {
					t.Errorf("Get[int] = %d, %v", n, ok)
				}
				if n, ok := session.Get[int64](s, "big"); !ok || n != 1<<53 {
					t.Errorf("Get[int64] = %d, %v", n, ok)
				}
				if x, ok := session.Get[float64](s, "int"); !ok || x != 42 {
					t.Errorf("Get[float64] of an int = %v, %v", x, ok)
				}
				if got, ok := session.Get[[]cartItem](s, "cart"); !ok || !reflect.DeepEqual(got, cart) {
					t.Errorf("Get[[]cartItem] = %+v, %v; want %+v", got, ok, cart)
				}
				if got, ok := session.Get[[]int](s, "slice"); !ok || !reflect.DeepEqual(got, []int{1, 2, 3}) {
					t.Errorf("Get[[]int] = %v, %v", got, ok)
				}
				if got, ok := session.Get[string](s, "str"); !ok || got != values["str"] {
					t.Errorf("Get[string] = %q, %v", got, ok)
				}
				if _, ok := session.Get[int](s, "str"); ok {
					t.Error("Get[int] of a string reported ok")
				}
				if _, ok := session.Get[string](s, "missing"); ok {
					t.Error("Get of a missing key reported ok")
				}
			}, c)
		})
	}
}

func TestValueChangedAfterSetIsNotStored(t *testing.T) {
	a := testkit.NewApp(t, nil)
	c := a.Issue(func(s *session.Session) {
		m := map[string]any{"a": 1}
		s.Set("m", m)
		m["a"] = 2
	})
	var got any
	a.Serve(func(w http.ResponseWriter, req *http.Request) { got, _ = session.From(req).Get("m") }, c)
	if !reflect.DeepEqual(got, map[string]any{"a": 1}) {
		t.Errorf("got %v; Set must store the value as it was", got)
	}
}

func TestSignedIsReadableEncryptedIsNot(t *testing.T) {
	const secret = "alice-secret-marker"
	signed := testkit.NewApp(t, func(c *session.Config) { c.Format = session.Signed }).Issue(func(s *session.Session) { s.Set("user", secret) })
	body, _, ok := strings.Cut(signed.Value, ".")
	if !ok {
		t.Fatalf("Signed cookie %q has no '.'", signed.Value)
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		t.Fatalf("Signed body is not base64url: %v", err)
	}
	var doc struct {
		V map[string]any `json:"v"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.V["user"] != secret {
		t.Errorf("Signed body %s is not readable JSON holding the values (%v)", raw, err)
	}

	for name, f := range map[string]session.Format{"default": nil, "Encrypted": session.Encrypted} {
		enc := testkit.NewApp(t, func(c *session.Config) { c.Format = f }).Issue(func(s *session.Session) { s.Set("user", secret) })
		if strings.Contains(enc.Value, ".") {
			t.Errorf("%s cookie %q looks like a Signed one", name, enc.Value)
		}
		raw, err := base64.RawURLEncoding.DecodeString(enc.Value)
		if err != nil {
			t.Fatalf("%s cookie is not base64url: %v", name, err)
		}
		if bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, []byte(`"user"`)) {
			t.Errorf("%s cookie shows the session's content", name)
		}
	}
}

// alphabet is base64url's.
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// flipBytes returns, for each byte of the decoded cookie, the cookie with
// that byte changed. A Signed cookie's two parts are each decoded.
func flipBytes(t *testing.T, value string) []string {
	enc := base64.RawURLEncoding
	parts := strings.Split(value, ".")
	var out []string
	for i, p := range parts {
		raw, err := enc.DecodeString(p)
		if err != nil {
			t.Fatalf("part %d of a fresh cookie is not base64url: %v", i, err)
		}
		for j := range raw {
			flipped := bytes.Clone(raw)
			flipped[j] ^= 0x20
			ps := append([]string(nil), parts...)
			ps[i] = enc.EncodeToString(flipped)
			out = append(out, strings.Join(ps, "."))
		}
	}
	return out
}

func TestDamagedCookiesGiveEmptySession(t *testing.T) {
	for _, f := range bothFormats {
		t.Run(formatName(f), func(t *testing.T) {
			a := testkit.NewApp(t, func(c *session.Config) { c.Format = f })
			c := a.Issue(func(s *session.Session) { s.Set("user", "alice") })
			v := c.Value
			accepted(t, a, c)

			t.Run("every byte flipped", func(t *testing.T) {
				for _, bad := range flipBytes(t, v) {
					rejected(t, a, "session="+bad, bad)
				}
			})
			t.Run("every character changed", func(t *testing.T) {
				for i := range len(v) {
					// Move the character half way round the alphabet: its top bit
					// changes, and that bit is always part of the encoded bytes.
					repl := byte('A')
					if k := strings.IndexByte(alphabet, v[i]); k >= 0 {
						repl = alphabet[(k+32)%64]
					}
					bad := v[:i] + string(repl) + v[i+1:]
					rejected(t, a, "session="+bad, bad)
				}
			})
			t.Run("truncated at every length", func(t *testing.T) {
				for n := 1; n < len(v); n++ { // an empty value is what deletion leaves: absent, not an attack
					rejected(t, a, "session="+v[:n], v[:n])
				}
			})
			t.Run("extended", func(t *testing.T) {
				for _, extra := range []string{"A", "AA", "AAAA", ".", "=", "=="} {
					rejected(t, a, "session="+v+extra, v+extra)
				}
			})
			t.Run("wrong key", func(t *testing.T) {
				stranger := testkit.NewApp(t, func(c *session.Config) { c.Format = f; c.Secret = strangerSecret })
				foreign := stranger.Issue(func(s *session.Session) { s.Set("user", "alice") })
				rejected(t, a, "session="+foreign.Value, foreign.Value)
			})
			t.Run("copied from another cookie name", func(t *testing.T) {
				other := testkit.NewApp(t, func(c *session.Config) { c.Format = f; c.Cookie.Name = "prefs" })
				prefs := other.Serve(func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("user", "alice") })
				pc := testkit.OneCookie(t, prefs, "prefs")
				if pc == nil {
					t.Fatal("no prefs cookie")
				}
				rejected(t, a, "session="+pc.Value, pc.Value)
				rejected(t, other, "prefs="+v, v)
			})
			t.Run("other format", func(t *testing.T) {
				otherFormat := session.Signed
				if f == session.Signed {
					otherFormat = session.Encrypted
				}
				o := testkit.NewApp(t, func(c *session.Config) { c.Format = otherFormat })
				oc := o.Issue(func(s *session.Session) { s.Set("user", "alice") })
				rejected(t, a, "session="+oc.Value, oc.Value)
			})
			t.Run("garbage", func(t *testing.T) {
				for _, g := range []string{
					"x", ".", "..", "a.b", "!!!!", "%00%ff", strings.Repeat("A", 100),
					strings.Repeat("_", 60) + "." + strings.Repeat("-", 50),
					"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
					base64.RawURLEncoding.EncodeToString(append([]byte{1}, make([]byte, 80)...)),
					base64.RawURLEncoding.EncodeToString([]byte(`{"c":1,"i":1,"v":{"user":"alice"}}`)) + "." + strings.Repeat("A", 50),
				} {
					rejected(t, a, "session="+g, g)
				}
			})
		})
	}
}

// TestCookieEncodingIsCanonical changes only the unused low bits of the
// cookie's last base64 character. The decoded bytes stay the same, so a
// decoder that is not strict accepts a cookie value the server never issued.
func TestCookieEncodingIsCanonical(t *testing.T) {
	for _, f := range bothFormats {
		t.Run(formatName(f), func(t *testing.T) {
			a := testkit.NewApp(t, func(c *session.Config) { c.Format = f })
			// Grow the value until its encoding has unused bits at the end.
			for n := 0; n < 3; n++ {
				c := a.Issue(func(s *session.Session) { s.Set("user", "alice"+strings.Repeat("x", n)) })
				v := c.Value
				parts := strings.Split(v, ".")
				for i, p := range parts {
					if len(p)%4 == 0 {
						continue // no unused bits
					}
					last := strings.IndexByte(alphabet, p[len(p)-1])
					unused := 2 // 3 characters carry 2 bytes: 2 spare bits
					if len(p)%4 == 2 {
						unused = 4 // 2 characters carry 1 byte: 4 spare bits
					}
					other := alphabet[last^(1<<unused-1)]
					ps := append([]string(nil), parts...)
					ps[i] = p[:len(p)-1] + string(other)
					bad := strings.Join(ps, ".")
					if _, err := base64.RawURLEncoding.DecodeString(ps[i]); err != nil {
						t.Fatalf("test bug: %v", err)
					}
					rejected(t, a, "session="+bad, bad)
				}
			}
		})
	}
}

// sealFor makes a cookie a Manager of format f would accept, with values given
// as raw JSON, through the exported Format API.
func sealFor(t *testing.T, f session.Format, values map[string]string, issued time.Time) string {
	t.Helper()
	sealer, err := f.Bind(state.Params{Secret: primarySecret, CookieName: "session", Lifetime: state.DefaultLifetime})
	if err != nil {
		t.Fatal(err)
	}
	st := &state.State{Values: map[string][]byte{}, Created: issued, Issued: issued}
	for k, v := range values {
		st.Values[k] = []byte(v)
	}
	v, err := sealer.Seal(st)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestNestingDepthBounded(t *testing.T) {
	for _, f := range bothFormats {
		t.Run(formatName(f), func(t *testing.T) {
			a := testkit.NewApp(t, func(c *session.Config) { c.Format = f })
			now := a.Clock.Now()

			ok := sealFor(t, f, map[string]string{"user": `"alice"`, "deep": nested(state.MaxDepth)}, now)
			var deep any
			var user any
			a.Serve(func(w http.ResponseWriter, req *http.Request) {
				s := session.From(req)
				user, _ = s.Get("user")
				deep, _ = s.Get("deep")
			}, &http.Cookie{Name: "session", Value: ok})
			if user != "alice" || !reflect.DeepEqual(deep, nestedValue(state.MaxDepth)) {
				t.Errorf("a value nested MaxDepth deep was not read back (user=%v)", user)
			}

			tooDeep := sealFor(t, f, map[string]string{"user": `"alice"`, "deep": nested(state.MaxDepth + 1)}, now)
			rejected(t, a, "session="+tooDeep, tooDeep)
			if !strings.Contains(a.Log.String(), "deeper") {
				t.Errorf("log %q does not say why the cookie was refused", a.Log.String())
			}

			malformed := sealFor(t, f, map[string]string{"user": `{"unterminated`}, now)
			rejected(t, a, "session="+malformed, malformed)
		})
	}
}

// TestSetRefusesTooDeepValue: a value the next request would refuse must
// not be accepted by Set, or the whole session (the log-in with it) is lost
// on the next request without any error.
func TestSetRefusesTooDeepValue(t *testing.T) {
	a := testkit.NewApp(t, nil)
	do := a.Browser().Get
	var setErr error
	do(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		s.Set("user", "alice")
		setErr = s.Set("deep", nestedValue(state.MaxDepth+1))
	})
	var user any
	do(func(w http.ResponseWriter, req *http.Request) { user, _ = session.From(req).Get("user") })
	if setErr == nil && user != "alice" {
		t.Errorf("Set of a value nested %d deep succeeded, and the next request lost the whole session (user=%v); log %q",
			state.MaxDepth+1, user, a.Log.String())
	}
}

func TestJSONCodec(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want any
	}{
		{`42`, 42}, {`-7`, -7}, {`2.5`, 2.5}, {`1e3`, 1000.0}, {`"héllo"`, "héllo"}, {`"a\"b"`, `a"b`},
		{`true`, true}, {`null`, nil}, {`[1,"x",{"k":2}]`, []any{1, "x", map[string]any{"k": 2}}},
		{`9007199254740993`, 9007199254740993},
	} {
		got, err := state.JSON.Unmarshal([]byte(tc.in))
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Unmarshal(%s) = %#v, %v; want %#v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{``, `{`, `[1,`, `"open`, `1 2`, `{"a":1}{}`, `nul`} {
		if v, err := state.JSON.Unmarshal([]byte(bad)); err == nil {
			t.Errorf("Unmarshal(%q) = %#v, want an error", bad, v)
		}
	}
	if _, err := state.JSON.Unmarshal([]byte(nested(state.MaxDepth))); err != nil {
		t.Errorf("MaxDepth levels refused: %v", err)
	}
	deep := nested(state.MaxDepth + 1)
	if _, err := state.JSON.Unmarshal([]byte(deep)); err == nil {
		t.Error("Unmarshal accepted JSON nested deeper than MaxDepth")
	}
	var dst any
	if err := state.JSON.UnmarshalTo([]byte(deep), &dst); err == nil {
		t.Error("UnmarshalTo accepted JSON nested deeper than MaxDepth")
	}
	// Brackets inside strings are not nesting.
	if _, err := state.JSON.Unmarshal([]byte(`"\"` + strings.Repeat("[", 100) + `"`)); err != nil {
		t.Errorf("brackets in a string counted as nesting: %v", err)
	}
	if _, err := state.JSON.Marshal(make(chan int)); err == nil {
		t.Error("Marshal(chan) succeeded")
	}
	if b, err := state.JSON.Marshal(map[string]any{"n": 1}); err != nil || string(b) != `{"n":1}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
}

func TestSealerOpenReportsErrInvalidCookie(t *testing.T) {
	for _, f := range bothFormats {
		t.Run(formatName(f), func(t *testing.T) {
			sealer, err := f.Bind(state.Params{Secret: primarySecret, CookieName: "session", Lifetime: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			now := time.Unix(1_700_000_000, 0)
			v, err := sealer.Seal(&state.State{Values: map[string][]byte{"k": []byte(`"secret-value"`)}, Issued: now, Created: now, Permanent: true,
				Flashes: []session.Flash{{Category: "message", Message: "hi"}}})
			if err != nil {
				t.Fatal(err)
			}
			st, err := sealer.Open(v, now)
			if err != nil || string(st.ValueMap()["k"]) != `"secret-value"` || !st.Permanent || !st.Issued.Equal(now) || len(st.Flashes) != 1 || st.OldKey {
				t.Fatalf("Open(Seal(st)) = %+v, %v", st, err)
			}
			for _, bad := range []string{"", v[:len(v)-2], v + "A", strings.ToUpper(v)} {
				_, err := sealer.Open(bad, now)
				if !errors.Is(err, session.ErrInvalidCookie) {
					t.Errorf("Open(damaged) error %v, want ErrInvalidCookie", err)
				}
				if err != nil && len(bad) > 8 && strings.Contains(err.Error(), bad) {
					t.Errorf("error %q contains the cookie", err)
				}
			}
			if sealer.Name() == "" {
				t.Error("empty Name")
			}
		})
	}
}
