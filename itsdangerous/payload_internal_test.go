package itsdangerous

import (
	"bytes"
	"fmt"
	"testing"
)

// TestCompressionThreshold finds inputs whose zlib form is exactly one and
// exactly two bytes shorter, and checks Python's rule: compress only when
// it saves more than one byte.
func TestCompressionThreshold(t *testing.T) {
	found := map[int][]byte{} // saving -> example input
	for n := 1; n < 200 && (found[1] == nil || found[2] == nil || found[0] == nil); n++ {
		for _, pattern := range []string{"a", "ab", "abc", "abcd", "{\"k\":1}"} {
			data := bytes.Repeat([]byte(pattern), n)
			if saving := len(data) - len(zlibCompress(data)); saving >= 0 && saving <= 2 && found[saving] == nil {
				found[saving] = data
			}
		}
	}
	for saving, compressed := range map[int]bool{0: false, 1: false, 2: true} {
		data := found[saving]
		if data == nil {
			t.Fatalf("found no input whose compression saves exactly %d bytes", saving)
		}
		t.Run(fmt.Sprintf("saves %d", saving), func(t *testing.T) {
			enc := EncodePayload(data)
			if got := len(enc) > 0 && enc[0] == '.'; got != compressed {
				t.Fatalf("%d-byte input saving %d bytes: compressed = %v, want %v", len(data), saving, got, compressed)
			}
			dec, err := DecodePayload(enc, 0)
			if err != nil || !bytes.Equal(dec, data) {
				t.Fatalf("round trip = %q, %v", dec, err)
			}
		})
	}
}
