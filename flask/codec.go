package flask

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/websession/session/internal/state"
)

// TaggedJSON is the Codec of the Flask format: Flask's TaggedJSONSerializer
// (flask/json/tag.py), writing exactly the text Flask writes.
//
// Marshal accepts JSON-like Go values and Flask's extra types:
//
//	nil, bool, string        None, True/False, str
//	all int and uint kinds,  int (uint64 above MaxInt64 and *big.Int too,
//	*big.Int, json.Number    up to MaxIntDigits digits)
//	float64, float32         float (NaN and ±Inf as Python writes them)
//	map[string]T, []T, [N]T  dict, list
//	Tuple                    tuple
//	[]byte                   bytes
//	Markup                   markupsafe.Markup
//	UUID                     uuid.UUID
//	time.Time                datetime, in UTC, whole seconds, years 100..9999
//
// Pointers are followed. Structs, maps with non-string keys and types with
// their own MarshalJSON or MarshalText are stored as their encoding/json
// form (so a struct's float field 1.0 is stored as the int 1, and a
// time.Time field as an RFC 3339 string): UnmarshalTo reads them back.
// Nesting is limited to state.MaxDepth arrays and objects, tags included
// (a Tuple is two).
//
// Unmarshal returns the natural Go value: map[string]any, []any, Tuple,
// []byte, Markup, UUID, time.Time, string, bool, nil, int (or *big.Int when
// it does not fit) and float64. It reads what Python's json.loads reads, so
// NaN, Infinity and duplicate keys (the last wins) are accepted; lone
// surrogates in strings are kept as WTF-8 bytes, so they reach Flask
// unchanged if written back.
var TaggedJSON state.Codec = taggedJSON{}

type taggedJSON struct{}

// Marshal encodes v as Flask's tagged JSON.
func (taggedJSON) Marshal(v any) ([]byte, error) {
	tree, err := tag(v, 0)
	if err != nil {
		return nil, err
	}
	return dump(tree)
}

// Unmarshal decodes tagged JSON into its natural Go value.
func (taggedJSON) Unmarshal(data []byte) (any, error) {
	tree, err := parse(data, state.MaxDepth)
	if err != nil {
		return nil, err
	}
	return untag(tree, 0)
}

// UnmarshalTo decodes data into the value dst points to. When the natural
// value is assignable to it (an int into an int, a Tuple into an any, a
// time.Time into a time.Time), it is assigned; otherwise it is converted
// through plain JSON with encoding/json: a Tuple becomes an array, []byte
// base64, Markup a string, UUID its canonical string, time.Time RFC 3339.
func (c taggedJSON) UnmarshalTo(data []byte, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("flask: UnmarshalTo needs a non-nil pointer, got %T", dst)
	}
	v, err := c.Unmarshal(data)
	if err != nil {
		return err
	}
	if v != nil && reflect.TypeOf(v).AssignableTo(rv.Elem().Type()) {
		rv.Elem().Set(reflect.ValueOf(v))
		return nil
	}
	plain, err := json.Marshal(v)
	if err != nil {
		var unsupported *json.UnsupportedValueError
		if errors.As(err, &unsupported) {
			return fmt.Errorf("flask: cannot decode into %T: the value holds NaN or Infinity, which only a float64 or any can hold", dst)
		}
		return fmt.Errorf("flask: cannot decode into %T: %w", dst, err)
	}
	if err := json.Unmarshal(plain, dst); err != nil {
		return fmt.Errorf("flask: cannot decode into %T: %w", dst, err)
	}
	return nil
}
