package flask

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"time"

	"github.com/websession/session/internal/jsonscan"
	"github.com/websession/session/internal/state"
)

// The tag keys of Flask's TaggedJSONSerializer (flask/json/tag.py). A dict
// is tagged as {key: json} with exactly one key.
const (
	tagDict  = " di" // a dict whose only key is a tag key: {" di": {key + "__": value}}
	tagTuple = " t"
	tagBytes = " b"
	tagMkup  = " m"
	tagUUID  = " u"
	tagDate  = " d"
)

func isTagKey(k string) bool {
	switch k {
	case tagDict, tagTuple, tagBytes, tagMkup, tagUUID, tagDate:
		return true
	}
	return false
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// tag converts v into a JSON tree as TaggedJSONSerializer.tag converts
// Python values. depth is the number of arrays and objects the tree will be
// nested in; deeper than state.MaxDepth (a cycle, say) is an error.
func tag(v any, depth int) (any, error) {
	switch x := v.(type) {
	case nil, bool, string, int64, float64, float32:
		return x, nil
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint:
		return uintTree(uint64(x)), nil
	case uint64:
		return uintTree(x), nil
	case uintptr:
		return uintTree(uint64(x)), nil
	case *big.Int:
		if x == nil {
			return nil, nil
		}
		return new(big.Int).Set(x), nil
	case big.Int:
		return new(big.Int).Set(&x), nil
	case json.Number:
		return parseNumber(string(x))
	case json.RawMessage:
		return tagJSON(x, depth)
	case Markup:
		return wrap(tagMkup, string(x), depth)
	case UUID:
		return wrap(tagUUID, x.hex(), depth)
	case time.Time:
		s, err := formatHTTPDate(x)
		if err != nil {
			return nil, err
		}
		return wrap(tagDate, s, depth)
	case []byte:
		if x == nil {
			return nil, nil
		}
		return wrap(tagBytes, base64.StdEncoding.EncodeToString(x), depth)
	case Tuple:
		if depth+2 > state.MaxDepth {
			return nil, tooDeep()
		}
		items, err := tagSlice(x, depth+2)
		if err != nil {
			return nil, err
		}
		return map[string]any{tagTuple: items}, nil
	case []any:
		if x == nil {
			return nil, nil
		}
		if depth+1 > state.MaxDepth {
			return nil, tooDeep()
		}
		return tagSlice(x, depth+1)
	case map[string]any:
		if x == nil {
			return nil, nil
		}
		return tagMap(len(x), func(yield func(string, any) bool) {
			for k, e := range x {
				if !yield(k, e) {
					return
				}
			}
		}, depth)
	}
	return tagReflect(reflect.ValueOf(v), depth)
}

// wrap returns {key: s}.
func wrap(key, s string, depth int) (any, error) {
	if depth+1 > state.MaxDepth {
		return nil, tooDeep()
	}
	return map[string]any{key: s}, nil
}

func tooDeep() error {
	return fmt.Errorf("%w: a value may nest at most %d levels of arrays and objects (tags count)", errTooDeep, state.MaxDepth)
}

func uintTree(u uint64) any {
	if u <= math.MaxInt64 {
		return int64(u)
	}
	return new(big.Int).SetUint64(u)
}

func tagSlice(x []any, depth int) ([]any, error) {
	out := make([]any, len(x))
	for i, e := range x {
		t, err := tag(e, depth)
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}

// tagMap tags a dict: PassDict, or TagDict when its only key is a tag key,
// so Flask does not mistake it for a tagged value.
func tagMap(n int, entries func(yield func(string, any) bool), depth int) (any, error) {
	if depth+1 > state.MaxDepth {
		return nil, tooDeep()
	}
	if n == 1 {
		for k, e := range entries {
			if !isTagKey(k) {
				break
			}
			if depth+2 > state.MaxDepth {
				return nil, tooDeep()
			}
			t, err := tag(e, depth+2)
			if err != nil {
				return nil, err
			}
			return map[string]any{tagDict: map[string]any{k + "__": t}}, nil
		}
	}
	out := make(map[string]any, n)
	var err error
	entries(func(k string, e any) bool {
		out[k], err = tag(e, depth+1)
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// tagReflect handles the types the switch in tag does not name: pointers,
// interfaces, named basic types, maps with string keys, slices and arrays
// element by element; structs and anything with its own JSON or text form
// through encoding/json.
func tagReflect(rv reflect.Value, depth int) (any, error) {
	t := rv.Type()
	switch {
	case t.Kind() == reflect.Pointer:
		if rv.IsNil() {
			return nil, nil
		}
		if marshals(t) && !marshals(t.Elem()) {
			return tagViaJSON(rv.Interface(), depth) // pointer-receiver MarshalJSON
		}
		// Follow pointers and interfaces, stopping at a cycle of them.
		for range maxPointerChain {
			rv = rv.Elem()
			if k := rv.Kind(); k != reflect.Pointer && k != reflect.Interface {
				return tag(rv.Interface(), depth)
			}
			if rv.IsNil() {
				return nil, nil
			}
		}
		return nil, fmt.Errorf("flask: %s: pointers chained more than %d deep (a cycle?)", t, maxPointerChain)
	case marshals(t):
		return tagViaJSON(rv.Interface(), depth)
	}
	switch t.Kind() {
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return uintTree(rv.Uint()), nil
	case reflect.Float32:
		return float32(rv.Float()), nil
	case reflect.Float64:
		return rv.Float(), nil
	case reflect.Slice:
		if rv.IsNil() {
			return nil, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return tag(rv.Bytes(), depth)
		}
		fallthrough
	case reflect.Array:
		if depth+1 > state.MaxDepth {
			return nil, tooDeep()
		}
		out := make([]any, rv.Len())
		for i := range out {
			e, err := tag(rv.Index(i).Interface(), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return tagViaJSON(rv.Interface(), depth)
		}
		if rv.IsNil() {
			return nil, nil
		}
		return tagMap(rv.Len(), func(yield func(string, any) bool) {
			it := rv.MapRange()
			for it.Next() {
				if !yield(it.Key().String(), it.Value().Interface()) {
					return
				}
			}
		}, depth)
	case reflect.Struct:
		return tagViaJSON(rv.Interface(), depth)
	}
	return nil, fmt.Errorf("flask: a %s cannot be stored in a Flask session; store JSON-like data (maps, slices, strings, numbers, structs)", t)
}

const maxPointerChain = 64

// marshals reports whether t has its own JSON or text form.
func marshals(t reflect.Type) bool {
	return t.Implements(jsonMarshaler) || t.Implements(textMarshaler)
}

// tagViaJSON stores v as its encoding/json form, tagged like any other
// plain JSON (so a map key that is a tag key is still escaped).
func tagViaJSON(v any, depth int) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("flask: cannot encode %T: %w", v, err)
	}
	return tagJSON(b, depth)
}

func tagJSON(b []byte, depth int) (any, error) {
	tree, err := parse(b, state.MaxDepth-depth)
	if err != nil {
		return nil, err
	}
	return tag(tree, depth)
}

// parseNumber reads a JSON number (from a json.Number).
func parseNumber(s string) (any, error) {
	p := parser{Scanner: jsonscan.Scanner{Data: []byte(s)}}
	if len(s) == 0 || !(s[0] == '-' || jsonscan.IsDigit(s[0])) {
		return nil, fmt.Errorf("flask: json.Number %q is not a number", s)
	}
	v, err := p.number()
	if err != nil || p.Pos != len(s) {
		return nil, fmt.Errorf("flask: json.Number %q is not a number", s)
	}
	return v, nil
}
