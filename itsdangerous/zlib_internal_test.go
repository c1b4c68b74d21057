package itsdangerous

import (
	"encoding/hex"
	"testing"
)

// TestTrimEmptyFinalBlocks checks both trims on the exact streams Go's
// compressor writes for {"user_id":42}: each must become the stream Python's
// zlib.compress writes. The streams are literal so that the check holds
// whichever Go release runs it.
func TestTrimEmptyFinalBlocks(t *testing.T) {
	const python = "789cab562a2d4e2d8acf4c51b23231aa0500262104c8"
	for _, c := range []struct {
		name string
		trim func([]byte) []byte
		goes string
	}{
		{"stored (Go 1.26)", trimEmptyFinalBlock, "789caa562a2d4e2d8acf4c51b23231aa05040000ffff262104c8"},
		{"fixed Huffman (Go 1.27)", trimEmptyFixedFinalBlock, "789caa562a2d4e2d8acf4c51b23231aa050c00262104c8"},
	} {
		z, _ := hex.DecodeString(c.goes)
		got := c.trim(z)
		if hex.EncodeToString(got) != python {
			t.Errorf("%s: trimmed to %x, want Python's %s", c.name, got, python)
		}
		if !inflatesTo(got, []byte(`{"user_id":42}`)) {
			t.Errorf("%s: the trimmed stream does not inflate to the input", c.name)
		}
	}
	// A stream of another shape is left alone.
	if got := trimEmptyFixedFinalBlock([]byte{0x78, 0x9c, 0x03, 0x00, 0, 0, 0, 1}); got != nil {
		t.Errorf("an empty stream was trimmed to %x", got)
	}
}
