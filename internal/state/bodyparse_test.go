package state

import "testing"

// TestValueDepthBounded: a value nested MaxDepth deep is read, one level
// deeper is refused.
func TestValueDepthBounded(t *testing.T) {
	nest := func(n int) []byte {
		b := make([]byte, 0, 2*n)
		for range n {
			b = append(b, '[')
		}
		for range n {
			b = append(b, ']')
		}
		return b
	}
	for _, c := range []struct {
		depth int
		ok    bool
	}{{MaxDepth, true}, {MaxDepth + 1, false}, {10000, false}} {
		body := []byte(`{"c":1,"i":1,"v":{"x":` + string(nest(c.depth)) + `}}`)
		_, err := ParseBody(body)
		if (err == nil) != c.ok {
			t.Errorf("value nested %d deep: err %v, want accepted %v", c.depth, err, c.ok)
		}
	}
}
