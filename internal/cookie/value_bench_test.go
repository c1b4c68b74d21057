package cookie

import (
	"strings"
	"testing"
)

var sink bool

// BenchmarkValidValue3KB checks a cookie value of the size a 2 KB
// session has.
func BenchmarkValidValue3KB(b *testing.B) {
	v := strings.Repeat("AbCdEfGh-_12345.", 190)
	b.SetBytes(int64(len(v)))
	for b.Loop() {
		sink = validValue(v)
	}
}
