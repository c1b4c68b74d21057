package state

import (
	"encoding/json"
	"testing"
)

// FuzzValueSyntax checks the body parser's one-pass value reader against
// encoding/json: it accepts exactly the valid JSON values nested at most
// MaxDepth deep.
func FuzzValueSyntax(f *testing.F) {
	for _, s := range []string{
		`1`, `-0.5e+3`, `01`, `1.`, `"a\u00e9\n"`, `"\q"`, `"\u12"`, "\"a\x01\"",
		`{"a":[1,{"b":null}],"c":true}`, `[1,]`, `{"a" 1}`, `[]`, `{}`, `[ 1 , 2 ]`,
		`tru`, `nul`, `"`, `{"a":"\\"}`, `[[[[]]]]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := bodyParser{data: data}
		got := p.skip(MaxDepth) && p.pos == len(data)
		want := len(data) > 0 && data[0] > ' ' && data[len(data)-1] > ' ' &&
			json.Valid(data) && checkDepth(data, MaxDepth) == nil
		if got != want {
			t.Fatalf("skip(%q) = %v, encoding/json says %v", data, got, want)
		}
	})
}

// TestValueDepthBounded: a value nested MaxDepth deep is read, one level
// deeper is refused.
func TestValueDepthBounded(t *testing.T) {
	nest := func(n int) []byte {
		b := make([]byte, 0, 2*n)
		for range n {
			b = append(b, '[')
		}
		for range n {
			b = append(b, ']')
		}
		return b
	}
	for _, c := range []struct {
		depth int
		ok    bool
	}{{MaxDepth, true}, {MaxDepth + 1, false}, {10000, false}} {
		body := []byte(`{"c":1,"i":1,"v":{"x":` + string(nest(c.depth)) + `}}`)
		_, err := ParseBody(body)
		if (err == nil) != c.ok {
			t.Errorf("value nested %d deep: err %v, want accepted %v", c.depth, err, c.ok)
		}
	}
}

// TestStringEveryByteEveryPosition: every byte value, at every position of
// a string long enough for the eight-byte scan and its tail, is accepted or
// refused as encoding/json does.
func TestStringEveryByteEveryPosition(t *testing.T) {
	for _, fill := range []byte{'a', 0xc3, '~'} {
		for pos := 1; pos < 20; pos++ {
			for b := range 256 {
				v := []byte(`"` + string(make([]byte, 19)) + `"`)
				for i := 1; i < 20; i++ {
					v[i] = fill
				}
				v[pos] = byte(b)
				p := bodyParser{data: v}
				got := p.skip(MaxDepth) && p.pos == len(v)
				if want := json.Valid(v); got != want {
					t.Fatalf("string %q: read %v, encoding/json says valid %v", v, got, want)
				}
			}
		}
	}
}
