package state

import (
	"encoding/base64"
	"math/rand/v2"
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
