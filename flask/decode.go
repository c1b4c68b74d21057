package flask

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"
)

// This file reads JSON text as Python's json.loads does, into a JSON tree
// (nil, bool, string, int64, *big.Int, float64, map[string]any, []any):
// strict JSON plus the NaN, Infinity and -Infinity tokens, integers of any
// size up to MaxIntDigits digits, numbers with a fraction or exponent as
// float64 (out of range becomes ±Inf, as in Python), the last of duplicate
// keys wins, lone \uXXXX surrogates are kept (see strings.go). Unlike
// Python, nesting deeper than a limit is refused, and errors never quote
// the input.

// parse decodes data, refusing nesting deeper than maxDepth arrays and
// objects.
func parse(data []byte, maxDepth int) (any, error) {
	p := parser{data: data, maxDepth: maxDepth}
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, p.errorf("extra data after the value")
	}
	return v, nil
}

type parser struct {
	data     []byte
	pos      int
	depth    int
	maxDepth int
	// items holds the elements of the arrays being read, innermost
	// last, so that each array is allocated once at its final size.
	items []any
}

// errTooDeep is returned for input nested deeper than the limit.
var errTooDeep = errors.New("flask: JSON nested too deeply")

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("flask: invalid JSON at byte %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// literal consumes word if the input continues with it.
func (p *parser) literal(word string) bool {
	if len(p.data)-p.pos >= len(word) && string(p.data[p.pos:p.pos+len(word)]) == word {
		p.pos += len(word)
		return true
	}
	return false
}

func (p *parser) value() (any, error) {
	if p.pos >= len(p.data) {
		return nil, p.errorf("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		if p.literal("-Infinity") {
			return math.Inf(-1), nil
		}
		return p.number()
	case p.literal("null"):
		return nil, nil
	case p.literal("true"):
		return true, nil
	case p.literal("false"):
		return false, nil
	case p.literal("NaN"):
		return math.NaN(), nil
	case p.literal("Infinity"):
		return math.Inf(1), nil
	}
	return nil, p.errorf("expected a value")
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > p.maxDepth {
		return fmt.Errorf("%w: more than %d levels of arrays and objects", errTooDeep, p.maxDepth)
	}
	p.pos++ // the opening bracket
	p.skipSpace()
	return nil
}

func (p *parser) object() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	m := make(map[string]any)
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return m, nil
	}
	for {
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errorf("expected a string key")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errorf("expected ':'")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		m[k] = v
		p.skipSpace()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			p.skipSpace()
			continue
		}
		if p.pos < len(p.data) && p.data[p.pos] == '}' {
			p.pos++
			p.depth--
			return m, nil
		}
		return nil, p.errorf("expected ',' or '}'")
	}
}

func (p *parser) array() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return []any{}, nil
	}
	base := len(p.items)
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.items = append(p.items, v)
		p.skipSpace()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			p.skipSpace()
			continue
		}
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			p.pos++
			p.depth--
			a := make([]any, len(p.items)-base)
			copy(a, p.items[base:])
			clear(p.items[base:]) // let the elements go with the array
			p.items = p.items[:base]
			return a, nil
		}
		return nil, p.errorf("expected ',' or ']'")
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?.
func (p *parser) number() (any, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digitsStart := p.pos
	switch {
	case p.pos < len(p.data) && p.data[p.pos] == '0':
		p.pos++
	case p.pos < len(p.data) && isDigit(p.data[p.pos]):
		for p.pos < len(p.data) && isDigit(p.data[p.pos]) {
			p.pos++
		}
	default:
		return nil, p.errorf("expected a digit")
	}
	intDigits := p.pos - digitsStart
	isFloat := false
	if p.pos+1 < len(p.data) && p.data[p.pos] == '.' && isDigit(p.data[p.pos+1]) {
		isFloat = true
		p.pos += 2
		for p.pos < len(p.data) && isDigit(p.data[p.pos]) {
			p.pos++
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		i := p.pos + 1
		if i < len(p.data) && (p.data[i] == '+' || p.data[i] == '-') {
			i++
		}
		if i < len(p.data) && isDigit(p.data[i]) {
			isFloat = true
			for i < len(p.data) && isDigit(p.data[i]) {
				i++
			}
			p.pos = i
		}
	}
	if !isFloat && intDigits <= 18 { // always fits in an int64
		return plainInt(p.data[start:p.pos]), nil
	}
	text := string(p.data[start:p.pos])
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, p.errorf("bad number")
		}
		return f, nil // out of range: ±Inf or ±0, as Python's float()
	}
	if intDigits > MaxIntDigits {
		return nil, p.errorf("integer longer than %d digits", MaxIntDigits)
	}
	n, _ := new(big.Int).SetString(text, 10) // the grammar above guarantees a valid integer
	if n.IsInt64() {
		return n.Int64(), nil
	}
	return n, nil
}

// str reads a string. Python's decoder rejects raw control characters
// (strict mode) and invalid UTF-8 (itsdangerous decodes the payload
// before json.loads sees it).
func (p *parser) str() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	// Fast path: printable ASCII without escapes.
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			s := string(p.data[start:p.pos])
			p.pos++
			return s, nil
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			break
		}
		p.pos++
	}
	b := append([]byte(nil), p.data[start:p.pos]...)
	for {
		if p.pos >= len(p.data) {
			return "", p.errorf("unterminated string")
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(b), nil
		case c < 0x20:
			return "", p.errorf("control character in string")
		case c < 0x80:
			if c != '\\' {
				b = append(b, c)
				p.pos++
				continue
			}
			var err error
			if b, err = p.escape(b); err != nil {
				return "", err
			}
		default:
			r, n := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && n == 1 {
				return "", p.errorf("invalid UTF-8")
			}
			b = append(b, p.data[p.pos:p.pos+n]...)
			p.pos += n
		}
	}
}

// escape decodes the escape sequence at p.pos and appends it to b.
func (p *parser) escape(b []byte) ([]byte, error) {
	if p.pos+1 >= len(p.data) {
		return nil, p.errorf("unterminated string")
	}
	c := p.data[p.pos+1]
	p.pos += 2
	switch c {
	case '"', '\\', '/':
		return append(b, c), nil
	case 'b':
		return append(b, '\b'), nil
	case 'f':
		return append(b, '\f'), nil
	case 'n':
		return append(b, '\n'), nil
	case 'r':
		return append(b, '\r'), nil
	case 't':
		return append(b, '\t'), nil
	case 'u':
	default:
		p.pos -= 2
		return nil, p.errorf("invalid escape")
	}
	r, ok := hex4(p.data[p.pos:])
	if !ok {
		return nil, p.errorf("invalid \\uXXXX escape")
	}
	p.pos += 4
	if r >= 0xd800 && r < 0xdc00 && p.pos+6 <= len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
		if lo, ok := hex4(p.data[p.pos+2:]); ok && lo >= 0xdc00 && lo < 0xe000 {
			p.pos += 6
			return utf8.AppendRune(b, 0x10000+(r-0xd800)<<10+(lo-0xdc00)), nil
		}
	}
	if r >= 0xd800 && r < 0xe000 {
		return appendSurrogate(b, r), nil
	}
	return utf8.AppendRune(b, r), nil
}

// hex4 decodes four hex digits (either case) at the start of b.
func hex4(b []byte) (rune, bool) {
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
