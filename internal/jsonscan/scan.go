// Package jsonscan is the module's one JSON scanner. It passes over JSON
// text checking its syntax and bounding its nesting, without decoding it:
// the session body reader of package state and the readers of package
// flask (the tree decoder and the plain fast path) are built on it.
//
// A Scanner reads one of three dialects of the same grammar: JSON as
// encoding/json reads it, JSON whose strings must be valid UTF-8 (as
// Python's json.loads reads a decoded cookie), and plain JSON, the subset
// Flask's encoder writes without conversion (see Plain).
package jsonscan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// Mode selects the dialect a Scanner reads. The zero Mode reads JSON as
// encoding/json does: any byte but a control character, the quote and the
// backslash may stand in a string.
type Mode uint8

const (
	// UTF8 refuses strings that are not valid UTF-8, UTF-8 encoded
	// surrogates included.
	UTF8 Mode = 1 << iota
	// Plain reads only plain JSON: no white space; strings of printable
	// ASCII (' ' to '~') without escapes; integers of at most 18 digits,
	// not -0, and no other numbers; object keys in strictly increasing
	// byte order (so sorted and without duplicates), none starting with a
	// space.
	Plain
)

// Fault says why a Scanner stopped; the Scanner's Pos is then where.
type Fault uint8

const (
	// Syntax is any text outside the dialect (the zero Fault: a method
	// that fails without saying more leaves it).
	Syntax Fault = iota
	// TooDeep is an array or object nested deeper than allowed; Pos is at
	// its opening bracket.
	TooDeep
	// Unterminated is a string that runs to the end of the input; Pos is
	// at the end, or at a backslash that ends it.
	Unterminated
	// Control is a raw control character in a string.
	Control
	// BadUTF8 is invalid UTF-8 in a string (mode UTF8).
	BadUTF8
	// BadEscape is a backslash followed by a byte that starts no escape;
	// Pos is at the backslash.
	BadEscape
	// BadUnicode is a \u not followed by four hex digits; Pos is after
	// the u.
	BadUnicode
)

// Scanner reads JSON text from Data at Pos. Its methods advance Pos past
// what they read and report whether it was well formed; on failure Pos and
// Fault say where and why, and the Scanner is not used further.
type Scanner struct {
	Data  []byte
	Pos   int
	Mode  Mode
	Fault Fault
}

// fail records fault at pos and returns false.
func (s *Scanner) fail(f Fault, pos int) bool {
	s.Fault, s.Pos = f, pos
	return false
}

// Peek returns the byte at Pos, or 0 at the end.
func (s *Scanner) Peek() byte {
	if s.Pos < len(s.Data) {
		return s.Data[s.Pos]
	}
	return 0
}

// Space passes over white space (none in mode Plain).
func (s *Scanner) Space() {
	if s.Mode&Plain != 0 {
		return
	}
	for s.Pos < len(s.Data) {
		switch s.Data[s.Pos] {
		case ' ', '\t', '\n', '\r':
			s.Pos++
		default:
			return
		}
	}
}

// Literal passes over word if the input continues with it.
func (s *Scanner) Literal(word string) bool {
	if len(s.Data)-s.Pos >= len(word) && string(s.Data[s.Pos:s.Pos+len(word)]) == word {
		s.Pos += len(word)
		return true
	}
	return false
}

// String passes over the string at Pos and returns its text, quotes
// included, and whether it holds an escape. Nothing is unescaped, but the
// escapes are checked.
func (s *Scanner) String() (raw []byte, escaped, ok bool) {
	data, start := s.Data, s.Pos
	if start >= len(data) || data[start] != '"' {
		return nil, false, s.fail(Syntax, start)
	}
	// Bytes from 0x80 up end a run of plain text too, but in the zero
	// Mode; from 0x7f up in mode Plain, where adding 1 sets their top bit
	// (0xff has it, and its carry only marks bytes above it).
	var high, add uint64
	if s.Mode != 0 {
		high = hiBits
	}
	plain := s.Mode&Plain != 0
	if plain {
		add = loBits
	}
	quote, long := -1, true // see longRun
	for i := start + 1; ; {
		// Eight bytes at a time through plain text, to the first byte that
		// ends it; past the first 32, a long run is passed over at once.
		for words := 1; i+8 <= len(data); words++ {
			x := binary.LittleEndian.Uint64(data[i:])
			if m := ((x|(x+add))&high | below(x, 0x20) | below(x^loBits*'"', 1) | below(x^loBits*'\\', 1)) & hiBits; m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
			if words == 4 && long {
				var n int
				n, long = longRun(data, i, &quote, high, add)
				i += n
			}
		}
		if i >= len(data) {
			return nil, false, s.fail(Unterminated, len(data))
		}
		switch c := data[i]; {
		case c == '"':
			s.Pos = i + 1
			return data[start : i+1], escaped, true
		case c < 0x20:
			return nil, false, s.fail(Control, i)
		case c == '\\':
			switch {
			case plain:
				return nil, false, s.fail(Syntax, i)
			case i+1 >= len(data):
				return nil, false, s.fail(Unterminated, i)
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, ok := Hex4(data[i+2:]); !ok {
					return nil, false, s.fail(BadUnicode, i+2)
				}
				i += 6
			default:
				return nil, false, s.fail(BadEscape, i)
			}
			escaped = true
		case c < 0x7f || s.Mode == 0:
			i++
		case plain: // DEL or not ASCII
			return nil, false, s.fail(Syntax, i)
		case c == 0x7f:
			i++
		default:
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n == 1 {
				return nil, false, s.fail(BadUTF8, i)
			}
			i += n
		}
	}
}

// longRun passes over a long run of plain text in a string, from i: it
// finds where the run can end, the next quote or backslash, with
// bytes.IndexByte (which the standard library vectorizes), then checks the
// bytes before it with plainText. It returns the run's length, or 0 and
// false when a byte in it ends plain text (a control byte, or per the mode
// a high one): the caller then walks the run itself and tries no more.
// *quote is where the next quote is once looked up (-1 before): each quote
// and backslash is found once, so a string costs time linear in its length
// however many escapes it holds.
func longRun(data []byte, i int, quote *int, high, add uint64) (int, bool) {
	if *quote < i {
		*quote = len(data)
		if q := bytes.IndexByte(data[i:], '"'); q >= 0 {
			*quote = i + q
		}
	}
	end := *quote
	if b := bytes.IndexByte(data[i:end], '\\'); b >= 0 {
		end = i + b
	}
	if !plainText(data[i:end], high, add) {
		return 0, false
	}
	return end - i, true
}

// plainText reports whether text, which holds no quote and no backslash,
// holds no control byte and no byte that high and add mark (see String),
// sixteen bytes at a time.
func plainText(text []byte, high, add uint64) bool {
	var a, b uint64
	for len(text) >= 16 {
		x := binary.LittleEndian.Uint64(text)
		y := binary.LittleEndian.Uint64(text[8:16])
		a |= (x|(x+add))&high | below(x, 0x20)
		b |= (y|(y+add))&high | below(y, 0x20)
		text = text[16:]
	}
	if len(text) >= 8 {
		x := binary.LittleEndian.Uint64(text)
		a |= (x|(x+add))&high | below(x, 0x20)
		text = text[8:]
	}
	for _, c := range text {
		x := uint64(c) // one byte: only its own top bit counts
		b |= ((x|(x+add))&high | below(x, 0x20)) & 0x80
	}
	return (a|b)&hiBits == 0
}

// Hex4 decodes four hex digits (either case) at the start of b.
func Hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// IsDigit reports whether c is a decimal digit.
func IsDigit(c byte) bool { return c >= '0' && c <= '9' }

// Number passes over the number at Pos, -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?,
// and returns how many digits its integer part has and whether it has a
// fraction or an exponent. A point or an exponent mark without digits
// after it is left unread, for the caller to refuse. It fails, at the
// first byte that is not a digit, when there is no integer part.
func (s *Scanner) Number() (intDigits int, float, ok bool) {
	data, i := s.Data, s.Pos
	neg := i < len(data) && data[i] == '-'
	if neg {
		i++
	}
	start := i
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && IsDigit(data[i]):
		for i < len(data) && IsDigit(data[i]) {
			i++
		}
	default:
		return 0, false, s.fail(Syntax, i)
	}
	intDigits = i - start
	if i+1 < len(data) && data[i] == '.' && IsDigit(data[i+1]) {
		float = true
		for i += 2; i < len(data) && IsDigit(data[i]); i++ {
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		j := i + 1
		if j < len(data) && (data[j] == '+' || data[j] == '-') {
			j++
		}
		if j < len(data) && IsDigit(data[j]) {
			float = true
			for i = j; i < len(data) && IsDigit(data[i]); i++ {
			}
		}
	}
	if s.Mode&Plain != 0 && (float || intDigits > 18 || neg && intDigits == 1 && data[start] == '0') {
		return 0, false, s.fail(Syntax, s.Pos)
	}
	s.Pos = i
	return intDigits, float, true
}

// Key passes over an object key at Pos, the colon after it and the white
// space around the colon, and returns the key's text, quotes included, and
// whether it holds an escape. prev is the text Key returned for the
// previous key of the object (nil for the first), which in mode Plain the
// key must follow.
func (s *Scanner) Key(prev []byte) (key []byte, escaped, ok bool) {
	key, escaped, ok = s.String()
	if !ok {
		return nil, false, false
	}
	if s.Mode&Plain != 0 {
		inner := key[1 : len(key)-1]
		if len(inner) > 0 && inner[0] == ' ' || prev != nil && bytes.Compare(prev[1:len(prev)-1], inner) >= 0 {
			return nil, false, s.fail(Syntax, s.Pos-len(key))
		}
	}
	s.Space()
	if s.Peek() != ':' {
		return nil, false, s.fail(Syntax, s.Pos)
	}
	s.Pos++
	s.Space()
	return key, escaped, true
}

// More is called after an array's or object's opening bracket (n = 0) and
// after each of its n elements. It passes over the white space and the
// comma before the next element and reports whether there is one; at the
// closing bracket close, it passes over it and returns false with ok true.
func (s *Scanner) More(close byte, n int) (more, ok bool) {
	s.Space()
	switch c := s.Peek(); {
	case c == close:
		s.Pos++
		return false, true
	case n == 0:
		return true, true
	case c == ',':
		s.Pos++
		s.Space()
		return true, true
	}
	return false, s.fail(Syntax, s.Pos)
}

// Value passes over white space and the value after it, nested at most
// depth arrays and objects deep, and returns the value's text.
func (s *Scanner) Value(depth int) ([]byte, bool) {
	s.Space()
	start := s.Pos
	if !s.Skip(depth) {
		return nil, false
	}
	return s.Data[start:s.Pos], true
}

// Skip passes over the value at Pos, with no white space before it, and
// reports whether it is well formed and nests at most depth arrays and
// objects deep.
func (s *Scanner) Skip(depth int) bool {
	switch c := s.Peek(); {
	case c == '"':
		_, _, ok := s.String()
		return ok
	case c == '{' || c == '[':
		if depth == 0 {
			return s.fail(TooDeep, s.Pos)
		}
		close := c + 2 // ']' follows '[' but one, as '}' does '{'
		s.Pos++
		s.Space()
		if s.Peek() == close {
			s.Pos++
			return true
		}
		var prev []byte
		for {
			var ok bool
			if c == '{' {
				if prev, _, ok = s.Key(prev); !ok {
					return false
				}
			}
			switch v := s.Peek(); { // strings and numbers without a call to Skip
			case v == '"':
				_, _, ok = s.String()
			case v == '-' || IsDigit(v):
				_, _, ok = s.Number()
			default:
				ok = s.Skip(depth - 1)
			}
			if !ok {
				return false
			}
			s.Space() // then what More does, inlined
			switch s.Peek() {
			case ',':
				s.Pos++
				s.Space()
			case close:
				s.Pos++
				return true
			default:
				return s.fail(Syntax, s.Pos)
			}
		}
	case c == '-' || IsDigit(c):
		_, _, ok := s.Number()
		return ok
	case c == 't' && s.Literal("true"), c == 'f' && s.Literal("false"), c == 'n' && s.Literal("null"):
		return true
	}
	return s.fail(Syntax, s.Pos)
}
