package state

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

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

// TestBodyIntegersAsStrconvReadsThem: the body's integer fields ("c" here)
// read as strconv.ParseInt reads valid JSON numbers, and a body whose
// number is not an int64 written as JSON allows is refused; the digits
// AppendBody writes take a shorter way than the others.
func TestBodyIntegersAsStrconvReadsThem(t *testing.T) {
	for _, num := range []string{
		"0", "-0", "7", "-7", "1700000000", "12345678901234567", "-12345678901234567",
		"123456789012345678", "1234567890123456789", "9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "99999999999999999999", "01", "-01", "-", "", "1.5", "1e3", "1E3", "0x1", "+1", "1 ",
	} {
		body := []byte(`{"c":` + num + `,"v":{}}`)
		n, perr := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		want := json.Valid(body) && perr == nil
		st, err := ParseBodyRaw(body)
		if (err == nil) != want {
			t.Errorf("%s: error %v, want accepted %v", body, err, want)
			continue
		}
		if err == nil && n != 0 && st.Created.Unix() != n || err == nil && n == 0 && !st.Created.IsZero() {
			t.Errorf("%s: created %v, want Unix %d", body, st.Created, n)
		}
	}
}
