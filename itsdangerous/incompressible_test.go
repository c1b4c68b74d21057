package itsdangerous

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// testPayloads returns payloads of the kinds the compression proof sees:
// session-like JSON of many shapes and sizes, runs and repeated patterns,
// random bytes (high ones cost 9 bits in fixed codes), every byte once,
// and lengths around maxProofSize.
func testPayloads() [][]byte {
	rng := rand.New(rand.NewPCG(11, 12))
	words := strings.Fields(`cart name user_id role admin theme dark light lang en fr tz Europe/Paris user bob
		alice Alice Alicia csrf_token _fresh _id _user_id _permanent next /account visits last_seen sku qty price
		items locale en_GB flag beta plan pro free org team email bob@example.com`)
	var value func(depth int) any
	value = func(depth int) any {
		switch r := rng.IntN(10); {
		case r < 3:
			return rng.IntN(100000)
		case r < 5:
			return words[rng.IntN(len(words))]
		case r < 6:
			const hex = "0123456789abcdef"
			b := make([]byte, []int{8, 16, 32, 40}[rng.IntN(4)])
			for i := range b {
				b[i] = hex[rng.IntN(16)]
			}
			return string(b)
		case r < 7:
			return rng.IntN(2) == 0
		case r < 8 && depth < 2:
			l := make([]any, rng.IntN(5))
			for i := range l {
				l[i] = value(depth + 1)
			}
			return l
		case r < 9 && depth < 2:
			m := map[string]any{}
			for range 1 + rng.IntN(3) {
				m[words[rng.IntN(len(words))]] = value(depth + 1)
			}
			return m
		}
		b := make([]byte, 1+rng.IntN(12))
		for i := range b {
			b[i] = byte('A' + rng.IntN(58))
		}
		return string(b)
	}
	var out [][]byte
	for range 1500 {
		m := map[string]any{}
		for range 1 + rng.IntN(6) {
			m[words[rng.IntN(len(words))]] = value(0)
		}
		if rng.IntN(5) == 0 {
			m["_flashes"] = []any{map[string]any{" t": []string{"message", "Welcome back"}}}
		}
		b, err := json.Marshal(m)
		if err != nil {
			panic(err)
		}
		out = append(out, b)
	}
	for n := range 120 {
		out = append(out, bytes.Repeat([]byte("a"), n), bytes.Repeat([]byte("ab"), n/2), bytes.Repeat([]byte(`{"k":1},`), n/8))
	}
	for _, n := range []int{1, 2, 3, 8, 9, 10, 16, 30, 44, 64, 65, 100, 200, 255, 256, 500, 1000, maxProofSize - 1, maxProofSize, maxProofSize + 1} {
		random, printable, high := make([]byte, n), make([]byte, n), make([]byte, n)
		for i := range n {
			random[i] = byte(rng.Uint32())
			printable[i] = byte(' ' + rng.IntN(95))
			high[i] = byte(144 + rng.IntN(112))
		}
		out = append(out, random, printable, high)
	}
	every := make([]byte, 256)
	for i := range every {
		every[i] = byte(i)
	}
	return append(out, every, []byte(`{"cart":[1,2,3],"name":"Alice","user_id":42}`))
}

// writersByLevel keeps one compressor per level for compressAt; the tests
// that use it do not run in parallel.
var writersByLevel = map[int]*zlib.Writer{}

func compressAt(t *testing.T, data []byte, level int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := writersByLevel[level]
	if w == nil {
		var err error
		if w, err = zlib.NewWriterLevel(&buf, level); err != nil {
			t.Fatal(err)
		}
		writersByLevel[level] = w
	}
	w.Reset(&buf) // a new writer per call costs its megabyte of tables, slow under -race
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

// TestDeflateLowerBoundHoldsForGoCompressors: no stream compress/flate
// writes, at any level, is shorter than the bound (the data is in one
// block, then an empty one), nor is the stream trimmed to one block.
func TestDeflateLowerBoundHoldsForGoCompressors(t *testing.T) {
	for _, d := range testPayloads() {
		bound, ok := deflateLowerBound(d)
		if ok != (len(d) <= maxProofSize) {
			t.Fatalf("%d bytes: bound computed = %v", len(d), ok)
		}
		if !ok {
			continue
		}
		for _, level := range []int{zlib.HuffmanOnly, zlib.BestSpeed, zlib.DefaultCompression, zlib.BestCompression} {
			z := compressAt(t, d, level)
			streams := [][]byte{z}
			for _, trim := range [...]func([]byte) []byte{trimEmptyFinalBlock, trimEmptyFixedFinalBlock} {
				if trimmed := trim(z); trimmed != nil && inflatesTo(trimmed, d) {
					streams = append(streams, trimmed)
				}
			}
			for _, s := range streams {
				if bits := 8 * (len(s) - 6); bound > bits {
					t.Fatalf("level %d wrote %d bits of deflate for %q, under the lower bound %d", level, bits, d, bound)
				}
			}
		}
	}
}

// TestCannotCompressKeepsTheDecision: skipping the compressor when the
// proof holds gives what compressing would have given.
func TestCannotCompressKeepsTheDecision(t *testing.T) {
	proved := 0
	for _, d := range testPayloads() {
		if !cannotCompress(d) {
			continue
		}
		proved++
		if z := zlibCompress(d); len(z) < len(d)-1 {
			t.Fatalf("proved incompressible, yet zlib shortens %q from %d to %d bytes", d, len(d), len(z))
		}
	}
	if proved < 100 {
		t.Fatalf("the proof held for only %d payloads", proved)
	}
}

// TestCannotCompressTypicalSessions: the small sessions of a typical app
// skip the compressor.
func TestCannotCompressTypicalSessions(t *testing.T) {
	for _, s := range []string{
		`{}`,
		`{"user_id":42}`,
		`{"_permanent":true,"user_id":42}`,
		`{"cart":[1,2,3],"name":"Alice","user_id":42}`,
		`{"cart":[1,2,3],"name":"Alicia","user_id":42}`,
		`{"_signed_in":1764144000,"_user_id":"42"}`,
	} {
		if !cannotCompress([]byte(s)) {
			t.Errorf("%s: not proved incompressible", s)
		}
		if enc := EncodePayload([]byte(s)); enc[0] == '.' {
			t.Errorf("%s: compressed", s)
		}
	}
	for _, s := range []string{strings.Repeat("a", 20), strings.Repeat(`{"qty":1,"sku":"widget"},`, 4)} {
		if cannotCompress([]byte(s)) {
			t.Errorf("%q: proved incompressible, yet it compresses", s)
		}
	}
}

func TestHuffmanBits(t *testing.T) {
	for _, tt := range []struct {
		w    []uint16
		want int
	}{
		{[]uint16{1, 1}, 2},
		{[]uint16{5, 1, 1}, 9},                       // 1, 2, 2 bits
		{[]uint16{1, 1, 1, 1}, 8},                    // 2 bits each
		{[]uint16{8, 4, 2, 1, 1}, 8 + 8 + 6 + 4 + 4}, // 1, 2, 3, 4, 4 bits
		{[]uint16{3, 3, 3}, 15},                      // 1, 2, 2 bits
	} {
		if got := huffmanBits(append([]uint16(nil), tt.w...)); got != tt.want {
			t.Errorf("huffmanBits(%v) = %d, want %d", tt.w, got, tt.want)
		}
	}
}

func TestGapHalfBits(t *testing.T) {
	for g, want := range map[int]int{0: 0, 1: 1, 8: 8, 9: 8, 10: 8, 11: 9, 20: 16, 21: 16, 138: 16, 139: 17, 256: 32} {
		if got := gapHalfBits(g); got != want {
			t.Errorf("gapHalfBits(%d) = %d, want %d", g, got, want)
		}
	}
}

// FuzzDeflateLowerBound: for any data, no stream compress/flate writes is
// under the bound, and data proved incompressible does not compress.
func FuzzDeflateLowerBound(f *testing.F) {
	for _, s := range []string{"", "a", "aaaaaaaaaaaaaaaaaaaaaaaa", `{"cart":[1,2,3],"name":"Alice","user_id":42}`, "\xff\xfe\x00\x01abcabc"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		bound, ok := deflateLowerBound(data)
		if !ok {
			return
		}
		for _, level := range []int{zlib.HuffmanOnly, zlib.BestSpeed, zlib.DefaultCompression} {
			if bits := 8 * (len(compressAt(t, data, level)) - 6); bound > bits {
				t.Fatalf("level %d wrote %d bits of deflate, under the lower bound %d", level, bits, bound)
			}
		}
		if cannotCompress(data) && len(zlibCompress(data)) < len(data)-1 {
			t.Fatalf("proved incompressible, yet zlib shortens it to %d bytes", len(zlibCompress(data)))
		}
	})
}
