package state

import (
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestValidIDAgreesWithStrictDecoding checks the padding-bit rule against
// the standard library's strict decoder on random IDs of every last
// character.
func TestValidIDAgreesWithStrictDecoding(t *testing.T) {
	for i := 0; i < 20000; i++ {
		b := make([]byte, idLen)
		for j := range b {
			b[j] = base64URL[rand.IntN(64)]
		}
		id := string(b)
		_, err := base64.RawURLEncoding.Strict().DecodeString(id)
		if ValidID(id) != (err == nil) {
			t.Fatalf("%s: ValidID %v, strict decode err %v", id, ValidID(id), err)
		}
	}
}

// TestValidIDAndKeyTakeOnlyTheirAlphabets puts every byte value at every
// position of a valid ID and a valid key: each check accepts exactly what
// the strict base64url decoder (which skips line breaks) and the hex
// decoder (with lowercase digits only) accept.
func TestValidIDAndKeyTakeOnlyTheirAlphabets(t *testing.T) {
	id := []byte(strings.Repeat("A", idLen))
	key := []byte(strings.Repeat("0", 64))
	for i := range 256 {
		for pos := range idLen {
			b := []byte(string(id))
			b[pos] = byte(i)
			_, err := base64.RawURLEncoding.Strict().DecodeString(string(b))
			want := err == nil && b[pos] != '\r' && b[pos] != '\n' // the decoder skips line breaks
			if got := ValidID(string(b)); got != want {
				t.Fatalf("ValidID with byte %#x at %d = %v, want %v (strict decode err %v)", i, pos, got, want, err)
			}
		}
		for pos := range 64 {
			b := []byte(string(key))
			b[pos] = byte(i)
			_, err := hex.DecodeString(string(b))
			want := err == nil && (byte(i) < 'A' || byte(i) > 'F')
			if got := ValidKey(string(b)); got != want {
				t.Fatalf("ValidKey with byte %#x at %d = %v, want %v", i, pos, got, want)
			}
		}
	}
}

// BenchmarkValidKey checks the keys of many IDs in turn, as store calls
// do: a branch predictor cannot learn their characters.
func BenchmarkValidKey(b *testing.B) {
	ids := randomIDs(1024)
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = StoreKey(id)
	}
	i := 0
	for b.Loop() {
		if !ValidKey(keys[i%len(keys)]) {
			b.Fatal("a StoreKey is not valid")
		}
		i++
	}
}

// BenchmarkValidID checks many IDs in turn, as requests with session
// cookies do.
func BenchmarkValidID(b *testing.B) {
	ids := randomIDs(1024)
	i := 0
	for b.Loop() {
		if !ValidID(ids[i%len(ids)]) {
			b.Fatal("an ID NewID made is not valid")
		}
		i++
	}
}

// randomIDs returns n IDs as NewID makes them.
func randomIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		id, err := NewID()
		if err != nil {
			panic(err)
		}
		ids[i] = id
	}
	return ids
}
