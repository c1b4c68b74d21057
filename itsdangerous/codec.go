package itsdangerous

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// Codec turns values into bytes and back: the pluggable serializer of the
// Serializer types (Python's serializer= argument). Dumps wraps Marshal
// errors (they are not ErrBadData: the value, not the input, is at fault);
// Loads reports Unmarshal errors as ErrBadPayload.
type Codec interface {
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

// JSON is a Codec that writes JSON byte-for-byte as Python's json.dumps
// does; its zero value matches json.dumps(v) with Python's defaults
// (separators ", " and ": ", non-ASCII escaped), the default Codec of
// Serializer and TimedSerializer. The URL-safe types default to
// JSON{Compact: true, Unicode: true}, itsdangerous's compact JSON.
//
// Values are encoded by encoding/json, so map keys come out sorted (as with
// Python's sort_keys=True, or a dict built in that order) and struct fields
// in declaration order. Strings, integers, booleans, null, objects and
// arrays match Python exactly; floats are written as Go writes them (1 where
// Python writes 1.0, 10000000000000000 where it writes 1e+16), which Python
// reads back, integral values as ints. Unmarshal is encoding/json's, except
// that invalid UTF-8 is an error, as in Python.
type JSON struct {
	// Compact uses the separators "," and ":" (Python's
	// separators=(",", ":")) instead of ", " and ": ".
	Compact bool
	// Unicode writes non-ASCII characters as they are (Python's
	// ensure_ascii=False) instead of as \uXXXX escapes.
	Unicode bool
}

// Marshal encodes v as Python's json.dumps would with j's options.
func (j JSON) Marshal(v any) ([]byte, error) {
	b, err := goJSON(v)
	if err != nil {
		return nil, err
	}
	return pythonize(b, !j.Unicode, !j.Compact), nil
}

// Unmarshal decodes JSON into v with encoding/json; invalid UTF-8 is an
// error, as in Python.
func (JSON) Unmarshal(data []byte, v any) error {
	if !utf8.Valid(data) {
		return errInvalidUTF8
	}
	return json.Unmarshal(data, v)
}

var errInvalidUTF8 = errors.New("payload is not valid UTF-8")

// goJSON is encoding/json's compact output without HTML escaping (Python
// does not escape <, > and &) and without the Encoder's trailing newline.
func goJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

const hexDigits = "0123456789abcdef"

// pythonize rewrites compact encoding/json output into what Python's json
// module writes. asciiOnly escapes every character outside ' '..'~' as
// \uXXXX (surrogate pairs above U+FFFF), as ensure_ascii=True does;
// otherwise U+2028 and U+2029, which Go always escapes, are written raw.
// spaced puts a space after ',' and ':' between tokens.
func pythonize(in []byte, asciiOnly, spaced bool) []byte {
	out := make([]byte, 0, len(in)+len(in)/8)
	inString := false
	for i := 0; i < len(in); {
		c := in[i]
		if !inString {
			out = append(out, c)
			if c == '"' {
				inString = true
			} else if spaced && (c == ',' || c == ':') {
				out = append(out, ' ')
			}
			i++
			continue
		}
		switch {
		case c == '"':
			inString = false
			out = append(out, c)
			i++
		case c == '\\' && i+5 < len(in) && in[i+1] == 'u':
			if !asciiOnly && in[i+2] == '2' && in[i+3] == '0' && in[i+4] == '2' && (in[i+5] == '8' || in[i+5] == '9') {
				out = utf8.AppendRune(out, rune(0x2028+int(in[i+5]-'8')))
			} else {
				out = append(out, in[i:i+6]...)
			}
			i += 6
		case c == '\\' && i+1 < len(in):
			out = append(out, in[i:i+2]...)
			i += 2
		case asciiOnly && c == 0x7f:
			out = append(out, `\u007f`...)
			i++
		case asciiOnly && c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(in[i:])
			if r >= 0x10000 {
				hi, lo := utf16.EncodeRune(r)
				out = appendUEscape(out, hi)
				out = appendUEscape(out, lo)
			} else {
				out = appendUEscape(out, r)
			}
			i += size
		default:
			out = append(out, c)
			i++
		}
	}
	return out
}

func appendUEscape(out []byte, r rune) []byte {
	return append(out, '\\', 'u',
		hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}
