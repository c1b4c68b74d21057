package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// depth returns how deep valid JSON text nests arrays and objects.
func depth(data []byte) int {
	d, deepest, inString := 0, 0, false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			d++
			deepest = max(deepest, d)
		case c == ']' || c == '}':
			d--
		}
	}
	return deepest
}

// FuzzSkip checks Skip in the zero Mode against encoding/json: it accepts
// exactly the valid JSON values nested at most 64 deep.
func FuzzSkip(f *testing.F) {
	for _, s := range []string{
		`1`, `-0.5e+3`, `01`, `1.`, `"a\u00e9\n"`, `"\q"`, `"\u12"`, "\"a\x01\"",
		`{"a":[1,{"b":null}],"c":true}`, `[1,]`, `{"a" 1}`, `[]`, `{}`, `[ 1 , 2 ]`,
		`tru`, `nul`, `"`, `{"a":"\\"}`, `[[[[]]]]`, strings.Repeat("[", 65) + strings.Repeat("]", 65),
		`["` + strings.Repeat("long run ", 8) + `\"` + strings.Repeat("more ", 9) + "\x01\"]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := Scanner{Data: data}
		got := s.Skip(64) && s.Pos == len(data)
		want := len(data) > 0 && data[0] > ' ' && data[len(data)-1] > ' ' && json.Valid(data) && depth(data) <= 64
		if got != want {
			t.Fatalf("Skip(%q) = %v, encoding/json says %v", data, got, want)
		}
		if !got && len(data) > 0 && data[0] > ' ' && json.Valid(data) && depth(data) > 64 && s.Fault != TooDeep {
			t.Fatalf("Skip(%q): fault %v, want TooDeep", data, s.Fault)
		}
	})
}

// TestStringEveryByteEveryPosition: every byte value, at every position of
// a string long enough for the eight-byte scan and its tail (19 bytes), or
// for the pass over a long run too (80), is accepted or refused as
// encoding/json does in the zero Mode, as valid UTF-8 in mode UTF8, and as
// printable ASCII in mode Plain.
func TestStringEveryByteEveryPosition(t *testing.T) {
	for _, n := range []int{19, 80} {
		testStringEveryByteEveryPosition(t, n)
	}
}

func testStringEveryByteEveryPosition(t *testing.T, n int) {
	for _, fill := range []byte{'a', 0xc3, '~'} {
		for pos := 1; pos <= n; pos++ {
			for b := range 256 {
				v := []byte(`"` + string(make([]byte, n)) + `"`)
				for i := 1; i <= n; i++ {
					v[i] = fill
				}
				v[pos] = byte(b)
				s := Scanner{Data: v}
				_, _, ok := s.String()
				if want := json.Valid(v); (ok && s.Pos == len(v)) != want {
					t.Fatalf("string %q: read %v, encoding/json says valid %v", v, ok, want)
				}
				s = Scanner{Data: v, Mode: UTF8}
				_, _, ok = s.String()
				if want := json.Valid(v) && utf8.Valid(v); (ok && s.Pos == len(v)) != want {
					t.Fatalf("string %q: read %v in mode UTF8, want %v", v, ok, want)
				}
				s = Scanner{Data: v, Mode: Plain}
				_, _, ok = s.String()
				printable := b >= 0x20 && b < 0x7f && b != '\\'
				if want := fill != 0xc3 && printable || b == '"' && pos == 1; ok != want {
					t.Fatalf("string %q: read %v in mode Plain, want %v", v, ok, want)
				}
			}
		}
	}
}

// TestStringLongRunsWithEscapes reads strings whose long runs of plain
// text end at escapes, escaped quotes among them, followed by more JSON
// with quotes: each string ends at its own closing quote, wherever the
// escapes fall.
func TestStringLongRunsWithEscapes(t *testing.T) {
	for _, run := range []int{0, 1, 31, 32, 33, 40, 100} {
		text := strings.Repeat("x", run)
		for _, esc := range []string{`\"`, `\\`, `\n`, `\u00e9`, `\\\"`} {
			str := `"` + text + esc + text + esc + text + `"`
			data := []byte(str + `,"` + text + `"`)
			for _, mode := range []Mode{0, UTF8} {
				s := Scanner{Data: data, Mode: mode}
				raw, escaped, ok := s.String()
				if !ok || string(raw) != str || !escaped || s.Pos != len(str) {
					t.Fatalf("String(%q) in mode %d = %q, %v, %v, Pos %d; want the first string, escaped", data, mode, raw, escaped, ok, s.Pos)
				}
			}
		}
	}
}
