package flask

import (
	"strings"
	"testing"

	"github.com/websession/session/internal/state"
)

// generalJSON is tagged JSON that takes the general path: escapes,
// non-ASCII text, floats, big integers, white space.
var generalJSON = []byte(`{"a": [1, 2.5, -0.0, 1e300, "x\u00e9\ud83d\ude00 h` + "\u00e9" + `"], "b": {"c": null, "d": true},` +
	` "e": 12345678901234567890123, "f": "` + strings.Repeat("lorem ipsum dolor sit amet ", 40) + `", " t": [1, 2]}`)

// plainJSON is a plain value of some size.
var plainJSON = []byte(`{"cart":[1,2,3,4,5,6,7,8],"csrf":"4b2d0c8e6f1a3b5d","name":"Alice","note":"` +
	strings.Repeat("lorem ipsum dolor sit amet ", 40) + `","prefs":{"lang":"en","theme":"dark"},"user_id":42}`)

func BenchmarkParse(b *testing.B) {
	b.SetBytes(int64(len(generalJSON)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(generalJSON, state.MaxDepth); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIsPlain(b *testing.B) {
	b.SetBytes(int64(len(plainJSON)))
	for b.Loop() {
		if !isPlain(plainJSON) {
			b.Fatal("not plain")
		}
	}
}

func BenchmarkDecodeSessionTree(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeSession(generalJSON); err != nil {
			b.Fatal(err)
		}
	}
}
