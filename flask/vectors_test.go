package flask

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/websession/session"
)

// flaskCase is one session, written as a Python expression for Flask and as
// the natural Go values that must be its exact counterpart.
type flaskCase struct {
	py        string
	values    map[string]any
	permanent bool
	flashes   []session.Flash
	user      string // State.User
	// readOnly marks sessions Go reads as Flask does but cannot write back
	// byte for byte ("_permanent": False, an integer "_user_id").
	readOnly bool
}

var flaskCases = map[string]flaskCase{
	"empty": {py: `{}`, values: map[string]any{}},
	"string": {
		py:     `{"v": "hello", "user_id": 42}`,
		values: map[string]any{"v": "hello", "user_id": 42},
	},
	"escapes": {
		py:     `{"v": "h\u00e9llo \u2713 \U0001F600 \u2028 \x00\x1f\x7f\x80 </script> &'\"\\ / \b\f\n\r\t \ufeff \uffff"}`,
		values: map[string]any{"v": "h\u00e9llo \u2713 \U0001F600 \u2028 \x00\x1f\x7f\u0080 </script> &'\"\\ / \b\f\n\r\t \ufeff \uffff"},
	},
	"key order by code point": {
		py: `{"b": 1, "a": 2, "\u00e9": 3, "z": 4, "\U0001F600": 5, "\uffff": 6, "\ue000": 7, "A": 8, "": 9, "\ud7ff": 10, "aa": 11, "a\x00": 12, "\U00010000": 13, "~": 14}`,
		values: map[string]any{"b": 1, "a": 2, "\u00e9": 3, "z": 4, "\U0001F600": 5, "\uffff": 6, "\ue000": 7, "A": 8, "": 9,
			"\ud7ff": 10, "aa": 11, "a\x00": 12, "\U00010000": 13, "~": 14},
	},
	"nested key order": {
		py:     `{"v": {"z": {"\U0001F600": 1, "\uffff": 2, "b": [{"y": 1, "x": 2}]}, "a": 0}}`,
		values: map[string]any{"v": map[string]any{"z": map[string]any{"\U0001F600": 1, "\uffff": 2, "b": []any{map[string]any{"y": 1, "x": 2}}}, "a": 0}},
	},
	"floats": {
		py: `{"v": [0.1, 1e16, -0.0, 0.0, 1e-7, 123456789.123, 1e15, 0.0001, 1e-5, 1.5, 5e-324, 1.7976931348623157e308,
			1e22, 123456789012345680.0, 100.0, 2.5e-5, 1/3, 9007199254740993.0, 9.999999999999999e15, -1.25e-300, 1e100, 12345.678e10]}`,
		values: map[string]any{"v": []any{0.1, 1e16, math.Copysign(0, -1), 0.0, 1e-7, 123456789.123, 1e15, 0.0001, 1e-5, 1.5, 5e-324,
			1.7976931348623157e308, 1e22, 123456789012345680.0, 100.0, 2.5e-5, 1.0 / 3, 9007199254740993.0, 9.999999999999999e15,
			-1.25e-300, 1e100, 12345.678e10}},
	},
	"non-finite floats": {
		py:     `{"v": [nan, inf, -inf]}`,
		values: map[string]any{"v": []any{math.NaN(), math.Inf(1), math.Inf(-1)}},
	},
	"integers": {
		py: `{"v": [0, -1, 2**63-1, -2**63, 2**63, 2**64, -(2**70), 10**100]}`,
		values: map[string]any{"v": []any{0, -1, math.MaxInt64, math.MinInt64, bigInt("9223372036854775808"),
			bigInt("18446744073709551616"), bigInt("-1180591620717411303424"), bigInt("1" + strings.Repeat("0", 100))}},
	},
	"scalars": {
		py:     `{"t": True, "f": False, "n": None}`,
		values: map[string]any{"t": true, "f": false, "n": nil},
	},
	"containers": {
		py: `{"list": [1, [2, []], {}], "tuple": (1, "a", (2,), [()]), "empty tuple": (), "nested": {"a": {"b": {"c": [1, {"d": ()}]}}}}`,
		values: map[string]any{
			"list":        []any{1, []any{2, []any{}}, map[string]any{}},
			"tuple":       Tuple{1, "a", Tuple{2}, []any{Tuple{}}},
			"empty tuple": Tuple{},
			"nested":      map[string]any{"a": map[string]any{"b": map[string]any{"c": []any{1, map[string]any{"d": Tuple{}}}}}},
		},
	},
	"bytes": {
		py:     `{"v": b"\x00\xffhello", "e": b"", "long": bytes(range(256))}`,
		values: map[string]any{"v": []byte("\x00\xffhello"), "e": []byte{}, "long": byteRange()},
	},
	"markup": {
		py:     `{"v": Markup("<b>hi</b> & \u00e9")}`,
		values: map[string]any{"v": Markup("<b>hi</b> & \u00e9")},
	},
	"uuid": {
		py:     `{"v": uuid.UUID("12345678-1234-5678-9abc-def012345678"), "nil": uuid.UUID(int=0)}`,
		values: map[string]any{"v": UUID{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78}, "nil": UUID{}},
	},
	"datetime": {
		py: `{"utc": datetime.datetime(2015, 10, 21, 7, 28, tzinfo=utc), "naive": datetime.datetime(2020, 2, 29, 23, 59, 59),
			"offset": datetime.datetime(2020, 1, 1, 2, 0, tzinfo=tz(td(hours=5))), "old": datetime.datetime(999, 1, 1, tzinfo=utc)}`,
		values: map[string]any{
			"utc":    time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC),
			"naive":  time.Date(2020, 2, 29, 23, 59, 59, 0, time.UTC),
			"offset": time.Date(2020, 1, 1, 2, 0, 0, 0, time.FixedZone("+05", 5*3600)),
			"old":    time.Date(999, 1, 1, 0, 0, 0, 0, time.UTC),
		},
	},
	"dicts that look like tags": {
		py: `{"t": {" t": "x"}, "di": {" di": 1}, "b": {" b": {" m": "y"}}, "not a tag": {" x": 1}, "two keys": {" t": 1, " b": 2},
			"in list": [{" u": "not a uuid"}], "suffixed": {" t__": 1}}`,
		values: map[string]any{
			"t":         map[string]any{" t": "x"},
			"di":        map[string]any{" di": 1},
			"b":         map[string]any{" b": map[string]any{" m": "y"}},
			"not a tag": map[string]any{" x": 1},
			"two keys":  map[string]any{" t": 1, " b": 2},
			"in list":   []any{map[string]any{" u": "not a uuid"}},
			"suffixed":  map[string]any{" t__": 1},
		},
	},
	"session whose only key is a tag": {
		py:     `{" t": [1, 2]}`,
		values: map[string]any{" t": []any{1, 2}},
	},
	"lone surrogates": {
		py:     `{"v": "\ud800", "w": "a\udfffb\ud83d", "\udc00": 1}`,
		values: map[string]any{"v": "\xed\xa0\x80", "w": "a\xed\xbf\xbfb\xed\xa0\xbd", "\xed\xb0\x80": 1},
	},
	"permanent": {
		py:        `{"_permanent": True, "user_id": 42}`,
		values:    map[string]any{"user_id": 42},
		permanent: true,
	},
	"flashes": {
		py:      `{"_flashes": [("message", "hi"), ("error", "bad \u2713 <b>")], "x": 1, "_permanent": True}`,
		values:  map[string]any{"x": 1},
		flashes: []session.Flash{{Category: "message", Message: "hi"}, {Category: "error", Message: "bad \u2713 <b>"}},

		permanent: true,
	},
	"compressed": {
		py:     `{"v": "a" * 500, "w": list(range(200))}`,
		values: map[string]any{"v": strings.Repeat("a", 500), "w": intRange(200)},
	},
	"markup flash": {
		py:     `{"_flashes": [("message", Markup("<b>hi</b>"))]}`,
		values: map[string]any{},
		flashes: []session.Flash{{Category: "message", Message: "<b>hi</b>",
			Raw: `{" t":["message",{" m":"<b>hi</b>"}]}`}},
	},
	"number flash": {
		py:      `{"_flashes": [("message", 42), ("error", "plain")]}`,
		values:  map[string]any{},
		flashes: []session.Flash{{Category: "message", Message: "42", Raw: `{" t":["message",42]}`}, {Category: "error", Message: "plain"}},
	},
	"integer user": {
		py:       `{"_user_id": 7, "x": 1}`,
		values:   map[string]any{"x": 1},
		user:     "7",
		readOnly: true,
	},
	"not permanent": {
		py:       `{"_permanent": False, "x": 1}`,
		values:   map[string]any{"x": 1},
		readOnly: true,
	},
}

func byteRange() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func intRange(n int) []any {
	a := make([]any, n)
	for i := range a {
		a[i] = i
	}
	return a
}

// TestFlaskVectors checks, against the installed Flask, that Go writes the
// same session JSON and the same cookie as Flask for the same data, key and
// time, reads every Flask cookie back to the same values, and that Flask
// reads every Go cookie back to the same data.
func TestFlaskVectors(t *testing.T) {
	py := startFlask(t)
	ts := testTime.Unix()
	exprs := map[string]string{}
	for name, c := range flaskCases {
		exprs[name] = c.py
	}
	dumped := py.dump(testSecret, ts, exprs)
	s := bind(t, testSecret, nil, 0)

	goCookies := map[string]string{}
	for name, c := range flaskCases {
		want := dumped[name]
		t.Run(name, func(t *testing.T) {
			// Flask's cookie opens in Go to the same values.
			st, err := s.Open(want.Cookie, testTime)
			if err != nil {
				t.Fatalf("Open(Flask's cookie): %v", err)
			}
			if st.User != c.user {
				t.Errorf("Open: user %q, want %q", st.User, c.user)
			}
			if st.Permanent != c.permanent || !slices.Equal(st.Flashes, c.flashes) || !st.Issued.Equal(testTime) {
				t.Errorf("Open: permanent %v, flashes %q, issued %v; want %v, %q, %v", st.Permanent, st.Flashes, st.Issued, c.permanent, c.flashes, testTime)
			}
			if len(st.Values) != len(c.values) {
				t.Errorf("Open: %d values, want %d", len(st.Values), len(c.values))
			}
			for k, v := range c.values {
				got, err := TaggedJSON.Unmarshal(st.Values[k])
				if err != nil || !sameValue(got, v) {
					t.Errorf("value %q: got %#v (%v), want %#v", k, got, err, v)
				}
			}
			// Sealed again unchanged, Flask's cookie is Flask's cookie: an
			// integer user stays an integer, a Markup flash Markup. (Only
			// "_permanent": False is dropped: Flask reads its absence alike.)
			if again, err := s.Seal(st); err != nil || name != "not permanent" && !strings.HasPrefix(want.Cookie, ".") && again != want.Cookie {
				t.Errorf("Seal(Open(Flask's cookie)) = %s (%v), want Flask's cookie %s", again, err, want.Cookie)
			}
			if c.readOnly {
				return
			}
			// Go writes the same JSON for each value and for the session.
			st = stateOf(t, c.values, c.permanent, c.flashes)
			for k, b := range st.Values {
				if w := want.Values[string(appendString(nil, canonical(k)))]; string(b) != w {
					t.Errorf("Marshal(%q):\n got %s\nwant %s", k, b, w)
				}
			}
			text, err := encodeSession(st)
			if err != nil {
				t.Fatal(err)
			}
			if string(text) != want.Text {
				t.Errorf("session JSON:\n got %s\nwant %s", text, want.Text)
			}
			// Go's cookie is Flask's. Compressed ones may differ: Go's zlib
			// is not C zlib's, so the bytes differ and Go may find that
			// compressing does not pay where Flask finds it does. Flask
			// reads them below.
			cookie, err := s.Seal(st)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(want.Cookie, ".") && cookie != want.Cookie {
				t.Errorf("Seal:\n got %s\nwant %s", cookie, want.Cookie)
			}
			goCookies[name] = cookie
		})
	}

	// Flask reads every Go cookie back to the same session.
	loaded := py.load(testSecret, nil, ts, int64(DefaultLifetime/time.Second), goCookies)
	for name, cookie := range goCookies {
		if got := loaded[name]; got.Error != "" || got.Text != dumped[name].Text {
			t.Errorf("%s: Flask loaded Go's cookie %s as %q (error %q), want %s", name, cookie, got.Text, got.Error, dumped[name].Text)
		}
	}
	if !compressedCovered(dumped) {
		t.Error("no Flask vector was compressed; the compressed path is untested")
	}
}

func compressedCovered(d map[string]pyDumped) bool {
	for _, v := range d {
		if strings.HasPrefix(v.Cookie, ".") {
			return true
		}
	}
	return false
}
