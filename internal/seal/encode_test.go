package seal

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"time"

	"github.com/websession/session/internal/state"
)

// TestEncodeToIsBase64URL checks the chunked encoder against the standard
// library's at every length up to past three chunks.
func TestEncodeToIsBase64URL(t *testing.T) {
	src := make([]byte, 3*encodedChunk+5)
	rand.Read(src)
	for n := range len(src) + 1 {
		var b strings.Builder
		encodeTo(&b, src[:n])
		if want := base64.RawURLEncoding.EncodeToString(src[:n]); b.String() != want {
			t.Fatalf("encoding %d bytes: got %q, want %q", n, b.String(), want)
		}
	}
}

// TestSealingReusesNoBytesOfAnEarlierCookie seals a large session, then
// small ones, in the scratch buffers the first left in the pool: each opens
// to exactly its own values.
func TestSealingReusesNoBytesOfAnEarlierCookie(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	for _, f := range []interface {
		Bind(state.Params) (state.Sealer, error)
	}{Encrypted, Signed} {
		sealer, err := f.Bind(state.Params{Secret: []byte("a secret of thirty-two bytes or more"), CookieName: "session", Lifetime: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		sizes := []int{2048, 1, 300, 0, 2048, 5}
		for i, n := range sizes {
			want := `"` + strings.Repeat(string(rune('a'+i)), n) + `"`
			value, err := sealer.Seal(&state.State{Values: map[string][]byte{"v": []byte(want)}, Issued: now, Created: now})
			if err != nil {
				t.Fatal(err)
			}
			st, err := sealer.Open(value, now)
			if err != nil {
				t.Fatalf("%s: opening cookie %d: %v", sealer.Name(), i, err)
			}
			st.ValueMap()
			if got := string(st.Values["v"]); got != want || len(st.Values) != 1 {
				t.Fatalf("%s: cookie %d opens to %d values, v = %.40q, want only v = %.40q", sealer.Name(), i, len(st.Values), got, want)
			}
		}
	}
}

// TestKeysWithTheSameIDEachOpenTheirCookies: when a current and an old key
// share a key id, a cookie sealed under the old key still opens after the
// current key failed on it.
func TestKeysWithTheSameIDEachOpenTheirCookies(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	old, err := Encrypted.Bind(state.Params{Secret: []byte("the old secret of thirty-two bytes or more"), CookieName: "session", Lifetime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	value, err := old.Seal(&state.State{Values: map[string][]byte{"v": []byte(`"old"`)}, Issued: now, Created: now})
	if err != nil {
		t.Fatal(err)
	}
	both, err := Encrypted.Bind(state.Params{Secret: []byte("the new secret of thirty-two bytes or more"), OldSecrets: [][]byte{[]byte("the old secret of thirty-two bytes or more")}, CookieName: "session", Lifetime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	s := both.(*encryptedSealer)
	// Give the current key the old key's id, as a collision would.
	s.keys[0].id = s.keys[1].id
	if s.sharedIDs = sharedIDs(s.keys); !s.sharedIDs {
		t.Fatal("sharedIDs does not see two keys with one id")
	}
	st, err := s.Open(value, now)
	if err != nil {
		t.Fatalf("a cookie of the old key did not open once the current key, with the same id, failed on it: %v", err)
	}
	if st.ValueMap(); string(st.Values["v"]) != `"old"` || !st.OldKey {
		t.Fatalf("opened to v = %q (old key: %v), want \"old\" under the old key", st.Values["v"], st.OldKey)
	}
}
