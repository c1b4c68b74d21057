package state

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchBodies are bodies ParseBody reads in the benchmarks: the request
// benchmark's session, and ten keys with a 2 KB note.
func benchBodies() map[string][]byte {
	now := time.Unix(1_700_000_000, 0)
	small := &State{Created: now, Issued: now, Values: map[string][]byte{
		"cart": []byte(`[1,2,3]`), "name": []byte(`"Alice"`), "user_id": []byte(`42`)}}
	large := &State{Created: now, Issued: now, User: "42", SignedIn: now, Values: map[string][]byte{
		"note": []byte(`"` + strings.Repeat("lorem ipsum \\\"dolor\\\" sit amet ", 64) + `"`)}}
	for i := range 10 {
		large.Values["k"+strconv.Itoa(i)] = []byte(`{"a":[1,2.5,-3e2,null,true],"b":"x\u00e9y"}`)
	}
	return map[string][]byte{"small": AppendBody(nil, small), "2KB": AppendBody(nil, large)}
}

func BenchmarkParseBody(b *testing.B) {
	for name, body := range benchBodies() {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseBody(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCodecUnmarshal(b *testing.B) {
	v := []byte(`{"a":[1,2,3],"b":"xyz","c":{"d":[true,false,null]}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := JSON.Unmarshal(v); err != nil {
			b.Fatal(err)
		}
	}
}
