package cookie

import (
	"strings"
	"testing"
)

// validValueByByte is the rule validValue implements, one byte
// at a time.
func validValueByByte(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}

// TestValidCookieValueEveryByteEveryPosition: every byte value, at every
// position of a value long enough for the eight-byte checks and the tail,
// gets the same answer as the byte-by-byte rule.
func TestValidCookieValueEveryByteEveryPosition(t *testing.T) {
	for _, base := range []string{strings.Repeat("a", 19), strings.Repeat("~", 19), strings.Repeat("!", 19)} {
		for pos := range len(base) {
			for b := range 256 {
				v := []byte(base)
				v[pos] = byte(b)
				if got, want := validValue(string(v)), validValueByByte(string(v)); got != want {
					t.Fatalf("validValue(%q) = %v, want %v", v, got, want)
				}
			}
		}
	}
}

// FuzzValidCookieValue compares validValue with the byte-by-byte rule.
func FuzzValidCookieValue(f *testing.F) {
	f.Add("abc-_DEF0123456789xyz")
	f.Add("a;b\x7f\x80\x1f\"\\ ,")
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := validValue(v), validValueByByte(v); got != want {
			t.Fatalf("validValue(%q) = %v, want %v", v, got, want)
		}
	})
}
