package flask

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/websession/session"
)

// FuzzTaggedJSON: Unmarshal never panics, and whatever it accepts Marshal
// writes back, reads again to the same value, and writes identically.
func FuzzTaggedJSON(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{`{" t":[1,{" u":"12345678123456781234567812345678"}]}`, `{" d":"Wed, 21 Oct 2015 07:28:00 GMT"}`,
		`{" m":"<b>"}`, `{" di":{" di__":{" b":"AA=="}}}`, `[[[[]]]]`, `99999999999999999999999`, `"\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := TaggedJSON.Unmarshal(data)
		if err != nil {
			return
		}
		b, err := TaggedJSON.Marshal(v)
		if err != nil {
			t.Fatalf("Marshal of an accepted value: %v", err)
		}
		v2, err := TaggedJSON.Unmarshal(b)
		if err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if !sameValue(v, v2) {
			t.Fatalf("round trip changed %#v into %#v", v, v2)
		}
		if b2, err := TaggedJSON.Marshal(v2); err != nil || string(b2) != string(b) {
			t.Fatalf("Marshal not stable: %s then %s (%v)", b, b2, err)
		}
	})
}

// FuzzDecodeSession exercises what follows a valid signature: the session
// dict is refused or re-encoded to a dict that reads back the same.
func FuzzDecodeSession(f *testing.F) {
	for _, s := range []string{`{}`, `{"_permanent":true,"_flashes":[{" t":["message","hi"]}],"a":1}`,
		`{" di":{" t__":[1]}}`, `{"_flashes":[["a",{" m":"<b>"}],["b",3]]}`, `{"v":{" b":"AA=="}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := decodeSession(data)
		if err != nil {
			return
		}
		b, err := encodeSession(st)
		if err != nil {
			t.Fatalf("encodeSession of an accepted session: %v", err)
		}
		st2, err := decodeSession(b)
		if err != nil {
			t.Fatalf("decodeSession(%s): %v", b, err)
		}
		if st.Permanent != st2.Permanent || !slices.Equal(st.Flashes, st2.Flashes) || len(st.Values) != len(st2.Values) {
			t.Fatalf("round trip changed %+v into %+v", st, st2)
		}
		for k, v := range st.Values {
			if string(st2.Values[k]) != string(v) {
				t.Fatalf("value %q: %s became %s", k, v, st2.Values[k])
			}
		}
	})
}

// FuzzOpen: Open never panics, refuses with ErrInvalidCookie without
// echoing the value, and a cookie it accepts seals and opens again.
func FuzzOpen(f *testing.F) {
	s := bind(f, testSecret, nil, 0)
	for _, values := range []map[string]any{nil, {"a": 1}, {"v": strings.Repeat("compress me ", 40)}, {" t": Tuple{1}}} {
		c, err := s.Seal(stateOf(f, values, true, []session.Flash{{Category: "message", Message: "hi"}}))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(c)
		f.Add(c[:len(c)-1])
		f.Add(strings.Replace(c, ".", "", 1))
	}
	f.Add("")
	f.Add("..")
	f.Add(".eJxLTEpOSU1JTcvIzMvPAQAZJQSu.ZDzDgA.sig")
	f.Fuzz(func(t *testing.T, value string) {
		st, err := s.Open(value, testTime)
		if err != nil {
			if !errors.Is(err, session.ErrInvalidCookie) {
				t.Fatalf("error does not wrap ErrInvalidCookie: %v", err)
			}
			if len(value) >= 16 && strings.Contains(err.Error(), value) {
				t.Fatalf("error contains the cookie: %v", err)
			}
			return
		}
		st.Issued = testTime
		c, err := s.Seal(st)
		if err != nil {
			t.Fatalf("Seal of an opened session: %v", err)
		}
		if _, err := s.Open(c, testTime); err != nil {
			t.Fatalf("Open of a re-sealed session: %v", err)
		}
	})
}
