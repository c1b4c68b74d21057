package session_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/websession/session/internal/state"
	"github.com/websession/session/internal/testkit"

	"github.com/websession/session"
	"github.com/websession/session/store/memstore"
)

// FuzzValidID checks the gate in front of every store: ValidID accepts
// exactly the one spelling of 32 bytes in base64url, and the store key of
// an accepted ID is a valid store key.
func FuzzValidID(f *testing.F) {
	for _, s := range []string{
		"", strings.Repeat("A", 43), strings.Repeat("A", 42) + "B", strings.Repeat("A", 44), strings.Repeat("_", 43),
		strings.Repeat("A", 42) + "=", "../../../../../../../../../../etc/passwd" + "AAA", "'; DROP TABLE sessions; --" + strings.Repeat("A", 17),
		strings.Repeat("A", 42) + "\x00", base64.RawURLEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if !state.ValidID(id) {
			return
		}
		raw, err := base64.RawURLEncoding.Strict().DecodeString(id)
		if err != nil || len(raw) != 32 {
			t.Fatalf("ValidID accepted %q, which is not 32 bytes of strict base64url (%d bytes, %v)", id, len(raw), err)
		}
		if base64.RawURLEncoding.EncodeToString(raw) != id {
			t.Fatalf("ValidID accepted %q, a second spelling of an ID", id)
		}
		if k := state.StoreKey(id); !session.ValidKey(k) {
			t.Fatalf("StoreKey(%q) = %q is not a valid store key", id, k)
		}
	})
}

// FuzzServerCookieHeader sends any Cookie header to a Manager on a store:
// no panic, the store is asked only about the store keys of well-formed
// IDs the header carries, and the log never shows a cookie value.
func FuzzServerCookieHeader(f *testing.F) {
	a := testkit.NewStoreApp(f, memstore.New(), nil)
	h := func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if r.URL.Path == "/set" {
			s.Set("n", 1)
		}
		s.Get("n")
	}
	issued := a.Get(h, "/set", "").Cookies()[0].Value
	for _, s := range []string{
		"session=" + issued, "session=" + issued + "; session=" + issued, "session=x; session=" + issued,
		"session=" + strings.Repeat("A", 43), "session=" + issued[:42], "session=" + issued + "A", "session=\"" + issued + "\"",
		"session=../" + issued[3:], "", "session", ";;;", "session=" + strings.Repeat("A", 42) + "B",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		a.Spy.Take()
		a.Log.Reset()
		req := testkit.Request("/", header)
		a.ServeRequest(h, req)
		allowed := map[string]bool{}
		for _, c := range req.CookiesNamed("session") {
			if state.ValidID(c.Value) {
				allowed[state.StoreKey(c.Value)] = true
			}
			if len(c.Value) >= 16 && strings.Contains(a.Log.String(), c.Value) {
				t.Fatalf("log %q shows a cookie value", a.Log.String())
			}
		}
		for _, k := range a.Spy.Take() {
			if !allowed[k] {
				t.Fatalf("the store was asked about key %q, not the store key of a well-formed ID in %q", k, header)
			}
		}
	})
}
