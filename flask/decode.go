package flask

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"

	"github.com/websession/session/internal/jsonscan"
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
	p := parser{Scanner: jsonscan.Scanner{Data: data, Mode: jsonscan.UTF8}, maxDepth: maxDepth}
	p.Space()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.Space()
	if p.Pos != len(p.Data) {
		return nil, p.errorf("extra data after the value")
	}
	return v, nil
}

// parser reads with the module's JSON scanner, in mode UTF8.
type parser struct {
	jsonscan.Scanner
	depth    int
	maxDepth int
	// items holds the elements of the arrays being read, innermost
	// last, so that each array is allocated once at its final size.
	items []any
}

// errTooDeep is returned for input nested deeper than the limit.
var errTooDeep = errors.New("flask: JSON nested too deeply")

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("flask: invalid JSON at byte %d: %s", p.Pos, fmt.Sprintf(format, args...))
}

func (p *parser) value() (any, error) {
	if p.Pos >= len(p.Data) {
		return nil, p.errorf("unexpected end of input")
	}
	switch c := p.Data[p.Pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == '-' || jsonscan.IsDigit(c):
		if p.Literal("-Infinity") {
			return math.Inf(-1), nil
		}
		return p.number()
	case p.Literal("null"):
		return nil, nil
	case p.Literal("true"):
		return true, nil
	case p.Literal("false"):
		return false, nil
	case p.Literal("NaN"):
		return math.NaN(), nil
	case p.Literal("Infinity"):
		return math.Inf(1), nil
	}
	return nil, p.errorf("expected a value")
}

// enter passes over an opening bracket, one level deeper.
func (p *parser) enter() error {
	p.depth++
	if p.depth > p.maxDepth {
		return fmt.Errorf("%w: more than %d levels of arrays and objects", errTooDeep, p.maxDepth)
	}
	p.Pos++
	return nil
}

func (p *parser) object() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	m := make(map[string]any)
	for n := 0; ; n++ {
		if more, ok := p.More('}', n); !ok {
			return nil, p.errorf("expected ',' or '}'")
		} else if !more {
			p.depth--
			return m, nil
		}
		if p.Peek() != '"' {
			return nil, p.errorf("expected a string key")
		}
		k, escaped, ok := p.Key(nil)
		if !ok && p.Fault == jsonscan.Syntax {
			return nil, p.errorf("expected ':'")
		} else if !ok {
			return nil, p.stringError()
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		m[unquote(k, escaped)] = v
	}
}

func (p *parser) array() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	base := len(p.items)
	for n := 0; ; n++ {
		if more, ok := p.More(']', n); !ok {
			return nil, p.errorf("expected ',' or ']'")
		} else if !more {
			p.depth--
			a := make([]any, len(p.items)-base)
			copy(a, p.items[base:])
			clear(p.items[base:]) // let the elements go with the array
			p.items = p.items[:base]
			return a, nil
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.items = append(p.items, v)
	}
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?.
func (p *parser) number() (any, error) {
	start := p.Pos
	intDigits, isFloat, ok := p.Number()
	if !ok {
		return nil, p.errorf("expected a digit")
	}
	if !isFloat && intDigits <= 18 { // always fits in an int64
		return plainInt(p.Data[start:p.Pos]), nil
	}
	text := string(p.Data[start:p.Pos])
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
	raw, escaped, ok := p.String()
	if !ok {
		return "", p.stringError()
	}
	return unquote(raw, escaped), nil
}

func (p *parser) stringError() error { return p.errorf("%s", stringFaults[p.Fault]) }

// stringFaults says what is wrong with a string the scanner refused.
var stringFaults = [...]string{
	jsonscan.Unterminated: "unterminated string",
	jsonscan.Control:      "control character in string",
	jsonscan.BadUTF8:      "invalid UTF-8",
	jsonscan.BadEscape:    "invalid escape",
	jsonscan.BadUnicode:   "invalid \\uXXXX escape",
}

// unquote returns the string whose text, quotes included, the scanner
// read and checked.
func unquote(raw []byte, escaped bool) string {
	s := raw[1 : len(raw)-1]
	if !escaped {
		return string(s)
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		c = s[i+1]
		i += 2
		switch c {
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		case 'u':
			r, _ := jsonscan.Hex4(s[i:])
			i += 4
			if r >= 0xd800 && r < 0xdc00 && i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
				if lo, _ := jsonscan.Hex4(s[i+2:]); lo >= 0xdc00 && lo < 0xe000 {
					b = utf8.AppendRune(b, 0x10000+(r-0xd800)<<10+(lo-0xdc00))
					i += 6
					continue
				}
			}
			if r >= 0xd800 && r < 0xe000 {
				b = appendSurrogate(b, r)
			} else {
				b = utf8.AppendRune(b, r)
			}
			continue
		}
		b = append(b, c) // ", \\ or /
	}
	return string(b)
}
