package flask

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// MaxIntDigits is the most decimal digits an integer may have, as in
// Python 3.11+ (sys.int_info.default_max_str_digits): Flask can neither
// write nor read a longer one, so neither does this package.
const MaxIntDigits = 4300

// This file writes a JSON tree (the output of tag or parse: nil, bool,
// string, int64, *big.Int, float64, float32, map[string]any, []any) exactly
// as Flask's session serializer does:
//
//	json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=True)

// dump returns the JSON text of tree.
func dump(tree any) ([]byte, error) {
	return appendJSON(make([]byte, 0, 64), tree)
}

func appendJSON(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		if x {
			return append(b, "true"...), nil
		}
		return append(b, "false"...), nil
	case string:
		return appendString(b, canonical(x)), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case *big.Int:
		return appendBigInt(b, x)
	case float64:
		return appendFloat(b, x, 64), nil
	case float32:
		return appendFloat(b, float64(x), 32), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		return appendObject(b, x)
	}
	return nil, fmt.Errorf("flask: internal error: unexpected %T in JSON tree", v)
}

type member struct {
	key string // canonical
	val any
}

// appendObject writes m with its keys sorted by code point, as sort_keys
// does.
func appendObject(b []byte, m map[string]any) ([]byte, error) {
	ms := make([]member, 0, len(m))
	for k, v := range m {
		ms = append(ms, member{canonical(k), v})
	}
	slices.SortFunc(ms, func(a, b member) int { return strings.Compare(a.key, b.key) })
	b = append(b, '{')
	for i, e := range ms {
		if i > 0 {
			if ms[i-1].key == e.key {
				return nil, fmt.Errorf("flask: two map keys are the same string once invalid UTF-8 is replaced; use valid UTF-8 keys")
			}
			b = append(b, ',')
		}
		b = appendString(b, e.key)
		b = append(b, ':')
		var err error
		if b, err = appendJSON(b, e.val); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendBigInt(b []byte, x *big.Int) ([]byte, error) {
	if x == nil {
		return append(b, "null"...), nil
	}
	start := len(b)
	b = x.Append(b, 10)
	digits := len(b) - start
	if x.Sign() < 0 {
		digits--
	}
	if digits > MaxIntDigits {
		return nil, fmt.Errorf("flask: integer has more than %d digits, which Python refuses to convert; store it as a string", MaxIntDigits)
	}
	return b, nil
}

// appendFloat writes f as Python's float.__repr__ does (json.dumps uses it):
// the shortest digits that round-trip, positional with at least one digit
// after the point ("1.0", "0.0001", "123456789.123") when the decimal
// exponent is in [-4, 16), otherwise scientific with a signed two-digit or
// longer exponent and no ".0" ("1e+16", "1e-05", "1.5e+300"). Non-finite
// values are written as Python's NaN, Infinity and -Infinity tokens.
// bitSize 32 writes a float32's own shortest digits.
func appendFloat(b []byte, f float64, bitSize int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, bitSize) // [-]d[.ddd]e±dd
	if e[0] == '-' {
		b = append(b, '-')
		e = e[1:]
	}
	mant, expText, _ := strings.Cut(string(e), "e")
	exp, _ := strconv.Atoi(expText) // AppendFloat always writes a valid exponent
	if exp < -4 || exp >= 16 {
		b = append(b, mant...)
		b = append(b, 'e')
		return append(b, expText...) // sign and at least two digits, as Python writes them
	}
	digits := strings.Replace(mant, ".", "", 1)
	if exp < 0 {
		b = append(b, "0."...)
		for range -exp - 1 {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	if len(digits) <= exp+1 {
		b = append(b, digits...)
		for range exp + 1 - len(digits) {
			b = append(b, '0')
		}
		return append(b, ".0"...)
	}
	b = append(b, digits[:exp+1]...)
	b = append(b, '.')
	return append(b, digits[exp+1:]...)
}
