package flask

import (
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"

	"github.com/websession/session/internal/state"
)

// untag converts a JSON tree into the natural Go values of this package, as
// TaggedJSONSerializer._untag_scan does: children first, then a one-key
// dict whose key is a tag becomes the tagged type. Objects become
// map[string]any, arrays []any, integers int (or *big.Int when they do not
// fit), other numbers float64. depth counts the arrays and objects around
// v; deeper than state.MaxDepth is an error.
//
// Tags Flask never writes are refused rather than guessed at: a " t" that
// is not an array, a " b", " m", " u" or " d" that is not a string in the
// form Flask writes, a " di" that is not a one-key object whose key ends in
// "__".
func untag(v any, depth int) (any, error) {
	switch x := v.(type) {
	case int64:
		if int64(int(x)) == x {
			return int(x), nil
		}
		return big.NewInt(x), nil
	case *big.Int:
		if x.IsInt64() && int64(int(x.Int64())) == x.Int64() {
			return int(x.Int64()), nil
		}
		return x, nil
	case []any:
		if depth+1 > state.MaxDepth {
			return nil, tooDeep()
		}
		out := make([]any, len(x))
		for i, e := range x {
			n, err := untag(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case map[string]any:
		if depth+1 > state.MaxDepth {
			return nil, tooDeep()
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			n, err := untag(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		if len(out) != 1 {
			return out, nil
		}
		for k, e := range out {
			if isTagKey(k) {
				return fromTag(k, e)
			}
		}
		return out, nil
	}
	return v, nil // nil, bool, string, float64
}

// fromTag converts the (already untagged) value of tag key k.
func fromTag(k string, v any) (any, error) {
	bad := func(want string) error {
		return fmt.Errorf("flask: malformed %q tag: want %s, got %s", k, want, typeName(v))
	}
	if k == tagTuple {
		a, ok := v.([]any)
		if !ok {
			return nil, bad("an array")
		}
		return Tuple(a), nil
	}
	if k == tagDict {
		m, ok := v.(map[string]any)
		if !ok || len(m) != 1 {
			return nil, bad("an object with one key")
		}
		for key, e := range m {
			inner, ok := strings.CutSuffix(key, "__")
			if !ok {
				return nil, fmt.Errorf("flask: malformed %q tag: key does not end in \"__\"", k)
			}
			return map[string]any{inner: e}, nil
		}
	}
	s, ok := v.(string)
	if !ok {
		return nil, bad("a string")
	}
	switch k {
	case tagBytes:
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("flask: malformed %q tag: not standard base64", k)
		}
		return b, nil
	case tagMkup:
		return Markup(s), nil
	case tagUUID:
		u, err := ParseUUID(s)
		if err != nil {
			return nil, fmt.Errorf("flask: malformed %q tag: %w", k, err)
		}
		return u, nil
	default: // tagDate
		t, err := parseHTTPDate(s)
		if err != nil {
			return nil, fmt.Errorf("flask: malformed %q tag: %w", k, err)
		}
		return t, nil
	}
}

// typeName names a JSON tree value's type for error messages without
// showing the value.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string, Markup:
		return "a string"
	case []any, Tuple:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "a number"
}
