package flask

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// jsonSeeds are JSON texts the differential tests start from.
var jsonSeeds = []string{
	`{"a":[1,2.5,-0.0,1e400,"x\u00e9\ud83d\ude00"],"b":{"c":null,"d":true,"e":false},"f":NaN,"g":-Infinity}`,
	`[0,-1,12345678901234567890123,1E-7,0.1e+2,"\\\/\"\b\f\n\r\t","\udc00\ud800"]`,
	`{" t":[1,{" b":"AAE="}]," di":{"x__":1}}`,
	` { "k" : "v" , "k" : [ ] } `,
	"\"h\u00e9\U0001F600\"",
}

// TestParseAgreesWithPython: for seeds and thousands of mutations of them,
// Go's reader accepts exactly what Python's json.loads accepts, and writes
// back exactly what Python's json.dumps writes.
func TestParseAgreesWithPython(t *testing.T) {
	py := startFlask(t)
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "{}[]\",:\\ \t\n0123456789.eE+-aflnrstuINy\x00\x1f\x7f\xc3\xa9\xed\xff"
	inputs := [][]byte{}
	for _, s := range jsonSeeds {
		inputs = append(inputs, []byte(s))
	}
	for _, tt := range []string{"", "01", "1.", "+1", "-NaN", "nan", "[1,]", `{"a":1,}`, "\ufeff1", `"\x41"`, `"\u12"`, "1 2",
		`"\ud83d\u0041"`, `"\ud83d"`, "-", "-0", "0e", "0e+", "1.5e3", "[-Infinity]", "Infinityx", "\"\xed\xa0\x80\""} {
		inputs = append(inputs, []byte(tt))
	}
	for range 3000 {
		b := []byte(jsonSeeds[rng.IntN(len(jsonSeeds))])
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(b) + 1)
			c := alphabet[rng.IntN(len(alphabet))]
			switch rng.IntN(3) {
			case 0: // insert
				b = append(b[:i], append([]byte{c}, b[i:]...)...)
			case 1: // replace
				if i < len(b) {
					b[i] = c
				}
			default: // delete
				if i < len(b) {
					b = append(b[:i], b[i+1:]...)
				}
			}
		}
		inputs = append(inputs, b)
	}
	want := py.json(inputs)
	accepted := 0
	for i, in := range inputs {
		tree, err := parse(in, 100)
		if (err == nil) != want[i].OK {
			t.Errorf("%q: Go error %v, Python accepts: %v", in, err, want[i].OK)
			continue
		}
		if err != nil {
			continue
		}
		accepted++
		got, err := dump(tree)
		if err != nil || string(got) != want[i].Text {
			t.Errorf("%q: Go writes %s (%v), Python %s", in, got, err, want[i].Text)
		}
	}
	if accepted < 300 {
		t.Errorf("only %d of %d inputs were valid JSON; the mutations are too aggressive to test writing", accepted, len(inputs))
	}
}

// TestRandomFloatsAndKeysAgreeWithFlask compares Python's repr of random
// floats and its ordering of random keys with Go's.
func TestRandomFloatsAndKeysAgreeWithFlask(t *testing.T) {
	py := startFlask(t)
	rng := rand.New(rand.NewPCG(3, 4))
	var floats []any
	var pyFloats []string
	for len(floats) < 3000 {
		var f float64
		switch rng.IntN(3) {
		case 0:
			f = math.Float64frombits(rng.Uint64())
		case 1:
			f = float64(rng.IntN(1_000_000)) / math.Pow(10, float64(rng.IntN(25)))
		default:
			f = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		floats = append(floats, f)
		pyFloats = append(pyFloats, `float.fromhex("`+strconv.FormatFloat(f, 'x', -1, 64)+`")`)
	}
	points := []rune{'\x00', '\x1f', ' ', 'A', 'a', '~', '\x7f', 0x80, 0xe9, 0xff, 0x100, 0x2028, 0xd7ff, 0xe000,
		0xfeff, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff}
	keys := map[string]any{}
	var pyKeys []string
	for i := range 300 {
		var sb strings.Builder
		for range rng.IntN(4) {
			sb.WriteRune(points[rng.IntN(len(points))])
		}
		k := sb.String()
		if _, dup := keys[k]; dup {
			continue
		}
		keys[k] = i
		pyKeys = append(pyKeys, strconv.QuoteToASCII(k)+": "+strconv.Itoa(i))
	}
	dumped := py.dump(testSecret, testTime.Unix(), map[string]string{
		"c": `{"floats": [` + strings.Join(pyFloats, ", ") + `], "keys": {` + strings.Join(pyKeys, ", ") + `}}`,
	})["c"]
	st := stateOf(t, map[string]any{"floats": floats, "keys": keys}, false, nil)
	text, err := encodeSession(st)
	if err != nil {
		t.Fatal(err)
	}
	if string(text) != dumped.Text {
		got, want := string(text), dumped.Text
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("first difference at byte %d:\n got ...%.80s\nwant ...%.80s", i, got[max(i-20, 0):], want[max(i-20, 0):])
	}
}
