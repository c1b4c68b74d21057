package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/websession/session/internal/jsonscan"
)

// MaxDepth is the deepest nesting of arrays and objects a session value may
// have. Deeper input is refused before it is decoded, so a hostile payload
// costs bounded work.
const MaxDepth = 64

// JSON is the Codec of the Encrypted and Signed formats and of server-side
// records: encoding/json, with integers read back as int (not float64) and
// nesting depth bounded by MaxDepth.
var JSON Codec = JSONCodec{}

type JSONCodec struct{}

func (JSONCodec) Marshal(v any) ([]byte, error) {
	// Fast paths for the scalar values sessions hold most often.
	switch x := v.(type) {
	case string:
		if plainString(x) {
			b := make([]byte, 0, len(x)+2)
			b = append(b, '"')
			b = append(b, x...)
			return append(b, '"'), nil
		}
	case int:
		return strconv.AppendInt(nil, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(nil, x, 10), nil
	case bool:
		return strconv.AppendBool(nil, x), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("session: value cannot be stored as JSON: %w", err)
	}
	if err := checkDepth(b, MaxDepth); err != nil {
		return nil, err // it could be written but never read back
	}
	return b, nil
}

// plainString reports whether s needs no escaping in JSON.
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

func (JSONCodec) Unmarshal(data []byte) (any, error) {
	// Fast paths: small integers and plain strings, which nest nothing.
	if len(data) > 0 && (data[0] == '-' || data[0] >= '0' && data[0] <= '9') {
		if n, err := strconv.Atoi(string(data)); err == nil {
			return n, nil
		}
	}
	if len(data) >= 2 && data[0] == '"' && data[len(data)-1] == '"' && bytes.IndexByte(data[1:len(data)-1], '\\') < 0 && bytes.IndexByte(data[1:len(data)-1], '"') < 0 {
		return string(data[1 : len(data)-1]), nil
	}
	if err := checkDepth(data, MaxDepth); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("session: bad JSON value: %w", err)
	}
	if dec.More() {
		return nil, errors.New("session: bad JSON value: trailing data")
	}
	return fromNumbers(v), nil
}

// fromNumbers replaces json.Number with int where the number is an integer
// that fits, and float64 otherwise.
func fromNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := strconv.Atoi(string(x)); err == nil {
			return n
		}
		f, err := x.Float64()
		if err != nil {
			return string(x) // out of float64 range: keep the digits
		}
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = fromNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = fromNumbers(e)
		}
	}
	return v
}

func (JSONCodec) UnmarshalTo(data []byte, dst any) error {
	if err := checkDepth(data, MaxDepth); err != nil {
		return err
	}
	// A copy: a type's UnmarshalJSON may keep what it is given, and data
	// may be read in place from a pooled buffer (Loan).
	if err := json.Unmarshal(bytes.Clone(data), dst); err != nil {
		return fmt.Errorf("session: cannot decode value into %T: %w", dst, err)
	}
	return nil
}

// errTooDeep is returned for JSON nested deeper than MaxDepth.
var errTooDeep = fmt.Errorf("session: JSON nested deeper than %d levels", MaxDepth)

// checkDepth refuses a JSON value nested deeper than max, in the scanner's
// one pass. Text the scanner stops on for another reason is left to the
// decoder, which refuses it too.
func checkDepth(data []byte, max int) error {
	sc := jsonscan.Scanner{Data: data}
	if _, ok := sc.Value(max); !ok && sc.Fault == jsonscan.TooDeep {
		return errTooDeep
	}
	return nil
}
