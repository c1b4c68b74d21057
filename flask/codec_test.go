package flask

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"
)

type point struct {
	X, Y float64
	Tag  string    `json:"tag,omitempty"`
	At   time.Time `json:"at"`
}

type role string

type withMarshal struct{ v string }

func (w withMarshal) MarshalJSON() ([]byte, error) { return json.Marshal("custom:" + w.v) }

type ptrMarshal struct{ v int }

func (p *ptrMarshal) MarshalJSON() ([]byte, error) { return []byte(`"ptr"`), nil }

// TestMarshal pins the exact text for Go types Python has no twin of.
func TestMarshal(t *testing.T) {
	when := time.Date(2024, 2, 29, 13, 14, 15, 999_999_999, time.FixedZone("CET", 3600))
	u := UUID{15: 1}
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"float32 keeps its own digits", float32(0.1), `0.1`},
		{"float64 integral", 2.0, `2.0`},
		{"named types", map[role]role{"admin": "yes"}, `{"admin":"yes"}`},
		{"map[string]int sorted", map[string]int{"b": 1, "a": 2, "\u00e9": 3}, `{"a":2,"b":1,"\u00e9":3}`},
		{"typed slice keeps float", []float64{1, 0.5}, `[1.0,0.5]`},
		{"array", [2]int{1, 2}, `[1,2]`},
		{"nil slice", []string(nil), `null`},
		{"nil map", map[string]any(nil), `null`},
		{"nil pointer", (*int)(nil), `null`},
		{"nil Tuple is empty", Tuple(nil), `{" t":[]}`},
		{"empty bytes", []byte{}, `{" b":""}`},
		{"named byte slice", json.RawMessage(`[1]`), `[1]`},
		{"raw JSON is re-tagged", json.RawMessage(`{" t": 1}`), `{" di":{" t__":1}}`},
		{"json.Number", json.Number("1e2"), `100.0`},
		{"uint64 max", uint64(math.MaxUint64), `18446744073709551615`},
		{"big.Int value", *big.NewInt(-7), `-7`},
		{"pointer to time is a datetime", &when, `{" d":"Thu, 29 Feb 2024 12:14:15 GMT"}`},
		{"pointer to UUID", &u, `{" u":"00000000000000000000000000000001"}`},
		{"no HTML escaping", "<a href='/x'>&</a>", `"<a href='/x'>&</a>"`},
		{"invalid UTF-8 replaced", "a\xffb", `"a\ufffdb"`},
		{"WTF-8 surrogate pair joined", "\xed\xa0\xbd\xed\xb8\x80", `"\ud83d\ude00"`},
		{"struct via encoding/json", point{X: 1, Y: 0.5, At: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
			`{"X":1,"Y":0.5,"at":"2024-01-02T03:04:05Z"}`},
		{"struct map key that is a tag", struct {
			M map[string]int `json:"m"`
		}{map[string]int{" b": 1}}, `{"m":{" di":{" b__":1}}}`},
		{"MarshalJSON is used", withMarshal{"x"}, `"custom:x"`},
		{"pointer-receiver MarshalJSON is used", &ptrMarshal{1}, `"ptr"`},
		{"map with int keys via encoding/json", map[int]string{10: "a", 9: "b"}, `{"10":"a","9":"b"}`},
		{"nested any pointer", func() any { v := any(3); return &v }(), `3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TaggedJSON.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestMarshalFloatRepr(t *testing.T) {
	// Python's repr, checked by hand; TestFlaskVectors checks many more
	// against Python itself.
	point1, point2 := 0.1, 0.2
	tests := []struct {
		f    float64
		want string
	}{
		{1e16, "1e+16"}, {1e15, "1000000000000000.0"}, {1e-4, "0.0001"}, {1e-5, "1e-05"}, {1.5e300, "1.5e+300"},
		{0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {123456789.123, "123456789.123"}, {5e-324, "5e-324"},
		{1.0 / 3, "0.3333333333333333"}, {12e15, "1.2e+16"}, {point1 + point2, "0.30000000000000004"}, {-2.5, "-2.5"},
	}
	for _, tt := range tests {
		if got := string(appendFloat(nil, tt.f, 64)); got != tt.want {
			t.Errorf("repr(%v) = %s, want %s", tt.f, got, tt.want)
		}
	}
}

func TestMarshalErrors(t *testing.T) {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	var self any
	self = &self
	deep := any(1)
	for range 65 {
		deep = []any{deep}
	}
	tuples := any(1)
	for range 33 {
		tuples = Tuple{tuples}
	}
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"channel", make(chan int), "cannot be stored"},
		{"func", func() {}, "cannot be stored"},
		{"complex", complex(1, 2), "cannot be stored"},
		{"cyclic map", cyclic, "nested too deeply"},
		{"pointer cycle", &self, "cycle"},
		{"65 nested lists", deep, "nested too deeply"},
		{"33 nested tuples are 66 levels", tuples, "nested too deeply"},
		{"zero time", time.Time{}, "unset time.Time"},
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "year 10000"},
		{"int with 4301 digits", bigInt(strings.Repeat("9", 4301)), "4300 digits"},
		{"keys equal after UTF-8 repair", map[string]int{"\xff": 1, "\ufffd": 2}, "same string"},
		{"struct encoding/json refuses", struct{ C chan int }{}, "cannot encode"},
		{"bad json.Number", json.Number("0x10"), "not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TaggedJSON.Marshal(tt.v)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "flask: ") {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := TaggedJSON.Marshal(bigInt("-" + strings.Repeat("9", 4300))); err != nil {
		t.Errorf("4300 digits and a sign: %v", err)
	}
}

func TestUnmarshal(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want any
	}{
		{"NaN", `NaN`, math.NaN()},
		{"Infinity", `[Infinity,-Infinity]`, []any{math.Inf(1), math.Inf(-1)}},
		{"overflow is infinite", `1e400`, math.Inf(1)},
		{"underflow is zero", `-1e-400`, math.Copysign(0, -1)},
		{"-0 is the int 0", `-0`, 0},
		{"exponent makes a float", `1E2`, 100.0},
		{"big int", `-123456789012345678901234567890`, bigInt("-123456789012345678901234567890")},
		{"int64 edge", `-9223372036854775808`, math.MinInt64},
		{"4300 digits", strings.Repeat("7", 4300), bigInt(strings.Repeat("7", 4300))},
		{"duplicate keys: last wins", `{"a":1,"a":2}`, map[string]any{"a": 2}},
		{"duplicate tag keys: last wins", `{" t":[1]," t":[2]}`, Tuple{2}},
		{"whitespace", " \t\r\n{ \"a\" : [ 1 , 2 ] }\n", map[string]any{"a": []any{1, 2}}},
		{"escapes", `"\/\"\\\b\f\n\r\t\u00E9\ud83d\ude00"`, "/\"\\\b\f\n\r\t\u00e9\U0001F600"},
		{"lone surrogates kept", `"\udc00\ud800x\ud800\ud800"`, "\xed\xb0\x80\xed\xa0\x80x\xed\xa0\x80\xed\xa0\x80"},
		{"raw UTF-8", "\"h\u00e9 \U0001F600\"", "h\u00e9 \U0001F600"},
		{"di unwraps once", `{" di":{" t__":{" b":"AQ=="}}}`, map[string]any{" t": []byte{1}}},
		{"tag inside a bigger dict is a dict", `{" t":[1],"x":2}`, map[string]any{" t": []any{1}, "x": 2}},
		{"uuid forms", `[{" u":"{12345678-1234-5678-1234-567812345678}"},{" u":"urn:uuid:12345678123456781234567812345678"}]`,
			[]any{UUID{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78},
				UUID{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78}}},
		{"two-digit years as Python reads them", `[{" d":"Sat, 01 Jan 0050 00:00:00 GMT"},{" d":"Sat, 01 Jan 0070 00:00:00 GMT"}]`,
			[]any{time.Date(2050, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"Markup", `{" m":"<i>"}`, Markup("<i>")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TaggedJSON.Unmarshal([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !sameValue(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestUnmarshalRejects(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", ``, "unexpected end"},
		{"leading zero", `01`, "extra data"},
		{"bare point", `1.`, "extra data"},
		{"plus sign", `+1`, "expected a value"},
		{"-NaN", `-NaN`, "expected a digit"},
		{"lowercase nan", `nan`, "expected a value"},
		{"trailing comma", `[1,]`, "expected a value"},
		{"trailing comma in object", `{"a":1,}`, "expected a string key"},
		{"single quotes", `{'a':1}`, "expected a string key"},
		{"raw control character", "\"a\x01\"", "control character"},
		{"invalid UTF-8", "\"a\xff\"", "invalid UTF-8"},
		{"UTF-8 encoded surrogate", "\"\xed\xa0\x80\"", "invalid UTF-8"},
		{"BOM", "\ufeff1", "expected a value"},
		{"bad escape", `"\x41"`, "invalid escape"},
		{"short \\u", `"\u12"`, "invalid \\uXXXX"},
		{"unterminated", `"abc`, "unterminated"},
		{"two values", `1 2`, "extra data"},
		{"int over 4300 digits", strings.Repeat("1", 4301), "4300 digits"},
		{"65 levels", strings.Repeat("[", 65) + strings.Repeat("]", 65), "nested too deeply"},
		{"tuple of a string", `{" t":"ab"}`, `malformed " t" tag: want an array, got a string`},
		{"bytes not base64", `{" b":"!!"}`, `malformed " b" tag`},
		{"bytes of a number", `{" b":1}`, `want a string, got a number`},
		{"bad uuid", `{" u":"1234"}`, `malformed " u" tag`},
		{"bad date", `{" d":"2024-01-01"}`, `malformed " d" tag`},
		{"di of a list", `{" di":[1]}`, `malformed " di" tag`},
		{"di without suffix", `{" di":{"a":1}}`, `does not end in "__"`},
		{"di with two keys", `{" di":{"a__":1,"b__":2}}`, `want an object with one key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TaggedJSON.Unmarshal([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestUnmarshalDepthLimit(t *testing.T) {
	at := func(n int) []byte { return []byte(strings.Repeat("[", n) + strings.Repeat("]", n)) }
	if _, err := TaggedJSON.Unmarshal(at(64)); err != nil {
		t.Errorf("64 levels: %v", err)
	}
	if _, err := TaggedJSON.Unmarshal(at(65)); !errors.Is(err, errTooDeep) {
		t.Errorf("65 levels: %v, want errTooDeep", err)
	}
	// A deep hostile input fails fast instead of exhausting the stack.
	if _, err := TaggedJSON.Unmarshal(at(1 << 20)); !errors.Is(err, errTooDeep) {
		t.Errorf("a million levels: %v", err)
	}
}

// TestRoundTrip: every natural value survives Marshal then Unmarshal with
// its type, and Marshal of the result gives the same text.
func TestRoundTrip(t *testing.T) {
	for name, c := range flaskCases {
		for k, v := range c.values {
			b, err := TaggedJSON.Marshal(v)
			if err != nil {
				t.Fatalf("%s/%q: %v", name, k, err)
			}
			got, err := TaggedJSON.Unmarshal(b)
			if err != nil {
				t.Fatalf("%s/%q: Unmarshal(%s): %v", name, k, b, err)
			}
			if tm, ok := v.(time.Time); ok {
				v = tm.UTC()
			}
			if !sameValue(got, v) {
				t.Errorf("%s/%q: got %#v, want %#v", name, k, got, v)
			}
			if b2, _ := TaggedJSON.Marshal(got); string(b2) != string(b) {
				t.Errorf("%s/%q: second Marshal %s, first %s", name, k, b2, b)
			}
		}
	}
}

func TestMarshalTimeDropsSubSecondsAndZone(t *testing.T) {
	in := time.Date(2024, 5, 6, 23, 59, 59, 999_000_000, time.FixedZone("EST", -5*3600))
	b, err := TaggedJSON.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := TaggedJSON.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2024, 5, 7, 4, 59, 59, 0, time.UTC)
	if tm, ok := got.(time.Time); !ok || !tm.Equal(want) || tm.Location() != time.UTC {
		t.Errorf("got %v, want %v in UTC", got, want)
	}
}

func TestUnmarshalTo(t *testing.T) {
	t.Run("int into int and int64 and float64", func(t *testing.T) {
		var i int
		var i64 int64
		var f float64
		for _, dst := range []any{&i, &i64, &f} {
			if err := TaggedJSON.UnmarshalTo([]byte(`42`), dst); err != nil {
				t.Fatal(err)
			}
		}
		if i != 42 || i64 != 42 || f != 42 {
			t.Errorf("got %d %d %v", i, i64, f)
		}
	})
	t.Run("struct from a Flask dict", func(t *testing.T) {
		var p point
		in := `{"X":1,"Y":2.5,"at":{" d":"Wed, 21 Oct 2015 07:28:00 GMT"},"tag":{" m":"<b>"}}`
		if err := TaggedJSON.UnmarshalTo([]byte(in), &p); err != nil {
			t.Fatal(err)
		}
		want := point{X: 1, Y: 2.5, Tag: "<b>", At: time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)}
		if p.X != want.X || p.Y != want.Y || p.Tag != want.Tag || !p.At.Equal(want.At) {
			t.Errorf("got %+v, want %+v", p, want)
		}
	})
	t.Run("natural values are assigned", func(t *testing.T) {
		var tm time.Time
		var a any
		var u UUID
		var b []byte
		var n *big.Int
		checks := []struct {
			in  string
			dst any
		}{
			{`{" d":"Wed, 21 Oct 2015 07:28:00 GMT"}`, &tm},
			{`{" t":[1,"a"]}`, &a},
			{`{" u":"12345678123456781234567812345678"}`, &u},
			{`{" b":"AP8="}`, &b},
			{`123456789012345678901234567890`, &n},
		}
		for _, c := range checks {
			if err := TaggedJSON.UnmarshalTo([]byte(c.in), c.dst); err != nil {
				t.Fatalf("%s: %v", c.in, err)
			}
		}
		if !sameValue(a, Tuple{1, "a"}) || u.String() != "12345678-1234-5678-1234-567812345678" ||
			string(b) != "\x00\xff" || n.String() != "123456789012345678901234567890" || tm.Year() != 2015 {
			t.Errorf("got %v %#v %v %q %v", tm, a, u, b, n)
		}
	})
	t.Run("converted through JSON", func(t *testing.T) {
		var s []string
		var m Markup
		var str string
		var u UUID
		if err := TaggedJSON.UnmarshalTo([]byte(`{" t":["a","b"]}`), &s); err != nil || len(s) != 2 || s[1] != "b" {
			t.Errorf("tuple into []string: %v %v", s, err)
		}
		if err := TaggedJSON.UnmarshalTo([]byte(`"<i>"`), &m); err != nil || m != "<i>" {
			t.Errorf("str into Markup: %v %v", m, err)
		}
		if err := TaggedJSON.UnmarshalTo([]byte(`{" m":"<i>"}`), &str); err != nil || str != "<i>" {
			t.Errorf("Markup into string: %v %v", str, err)
		}
		if err := TaggedJSON.UnmarshalTo([]byte(`"12345678-1234-5678-1234-567812345678"`), &u); err != nil || u[15] != 0x78 {
			t.Errorf("str into UUID: %v %v", u, err)
		}
	})
	t.Run("errors", func(t *testing.T) {
		var i int
		var p point
		var i64 int64
		if err := TaggedJSON.UnmarshalTo([]byte(`1`), i); err == nil || !strings.Contains(err.Error(), "non-nil pointer") {
			t.Errorf("non-pointer: %v", err)
		}
		if err := TaggedJSON.UnmarshalTo([]byte(`{"X":NaN}`), &p); err == nil || !strings.Contains(err.Error(), "NaN") {
			t.Errorf("NaN into a struct: %v", err)
		}
		if err := TaggedJSON.UnmarshalTo([]byte(`99999999999999999999`), &i64); err == nil {
			t.Error("big int into int64: no error")
		}
		if err := TaggedJSON.UnmarshalTo([]byte(`"x"`), &i); err == nil || !strings.HasPrefix(err.Error(), "flask: ") {
			t.Errorf("string into int: %v", err)
		}
	})
}

func TestUUID(t *testing.T) {
	want := "12345678-9abc-def0-1234-56789abcdef0"
	for _, in := range []string{want, "123456789ABCDEF0123456789ABCDEF0", "{" + want + "}", "urn:uuid:" + want} {
		u, err := ParseUUID(in)
		if err != nil || u.String() != want {
			t.Errorf("ParseUUID(%q) = %v, %v", in, u, err)
		}
	}
	for _, in := range []string{"", "1234", want + "0", "g2345678-9abc-def0-1234-56789abcdef0"} {
		if _, err := ParseUUID(in); err == nil {
			t.Errorf("ParseUUID(%q) succeeded", in)
		}
	}
}
