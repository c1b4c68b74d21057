package flask

import (
	"bytes"
	"math"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

var (
	testSecret = []byte("the current secret key, long enough")
	oldSecret  = []byte("last year's secret key, still accepted")
	testTime   = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
)

// bind returns the Flask sealer for secret, old and lifetime.
func bind(t testing.TB, secret []byte, old [][]byte, lifetime time.Duration) state.Sealer {
	t.Helper()
	s, err := Format().Bind(state.Params{Secret: secret, OldSecrets: old, CookieName: "session", Lifetime: lifetime})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// stateOf builds a State from natural Go values.
func stateOf(t testing.TB, values map[string]any, permanent bool, flashes []session.Flash) *state.State {
	t.Helper()
	st := &state.State{Values: map[string][]byte{}, Permanent: permanent, Flashes: flashes, Issued: testTime}
	for k, v := range values {
		b, err := TaggedJSON.Marshal(v)
		if err != nil {
			t.Fatalf("Marshal(%q): %v", k, err)
		}
		st.Values[k] = b
	}
	return st
}

// sameValue reports whether two natural values are equal in type and value
// (NaN equals NaN, -0.0 differs from 0.0, times compare as instants).
func sameValue(a, b any) bool {
	if reflect.TypeOf(a) != reflect.TypeOf(b) {
		return false
	}
	switch x := a.(type) {
	case float64:
		y := b.(float64)
		return math.IsNaN(x) && math.IsNaN(y) || x == y && math.Signbit(x) == math.Signbit(y)
	case *big.Int:
		return x.Cmp(b.(*big.Int)) == 0
	case time.Time:
		return x.Equal(b.(time.Time))
	case []byte:
		return bytes.Equal(x, b.([]byte))
	case []any:
		return sameSlice(x, b.([]any))
	case Tuple:
		return sameSlice(x, b.(Tuple))
	case map[string]any:
		y := b.(map[string]any)
		if len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	}
	return a == b
}

func sameSlice(x, y []any) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if !sameValue(x[i], y[i]) {
			return false
		}
	}
	return true
}

func bigInt(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("bad test integer " + s)
	}
	return n
}
