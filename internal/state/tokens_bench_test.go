package state

import (
	"testing"
	"time"
)

// BenchmarkStampFull stamps a record that holds the most tokens it keeps,
// as every save of a busy session does.
func BenchmarkStampFull(b *testing.B) {
	now := time.Unix(1_700_000_000, 0)
	var t Tokens
	for i := range 70 {
		tok, _ := NewToken()
		t = t.Stamp(tok, now.Add(time.Duration(i)*time.Millisecond), time.Minute, 64)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = t.Stamp("AAAAAAAAAAAA", now, time.Minute, 64)
	}
}
