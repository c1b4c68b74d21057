package flask

import (
	"testing"

	"github.com/websession/session/internal/state"
)

// benchState is the session of the side-by-side request benchmark:
// {"cart": [1, 2, 3], "name": "Alice", "user_id": 42}.
func benchState(b *testing.B) *state.State {
	return stateOf(b, map[string]any{"user_id": 42, "cart": []any{1, 2, 3}, "name": "Alice"}, false, nil)
}

func BenchmarkSeal(b *testing.B) {
	s := bind(b, testSecret, nil, 0)
	st := benchState(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Seal(st); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	s := bind(b, testSecret, nil, 0)
	value, err := s.Seal(benchState(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Open(value, testTime); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeSession(b *testing.B) {
	st := benchState(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeSession(st); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeSession(b *testing.B) {
	data, err := encodeSession(benchState(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeSession(data); err != nil {
			b.Fatal(err)
		}
	}
}
