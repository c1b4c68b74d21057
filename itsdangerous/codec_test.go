package itsdangerous_test

import (
	"errors"
	"testing"

	"github.com/websession/session/itsdangerous"
)

// The wanted outputs are those of Python's json.dumps(v) (JSON{}) and
// json.dumps(v, separators=(",", ":"), ensure_ascii=False) (compact), as
// itsdangerous's serializers use them. TestCompatJSON covers all options.
func TestJSONCodecsWritePythonsBytes(t *testing.T) {
	tests := []struct {
		name        string
		v           any
		json, compt string
	}{
		{"object", map[string]any{"b": []any{1, 2.5, nil, true}, "a": "x"},
			`{"a": "x", "b": [1, 2.5, null, true]}`, `{"a":"x","b":[1,2.5,null,true]}`},
		{"html characters", "<a href='x'>&</a>", `"<a href='x'>&</a>"`, `"<a href='x'>&</a>"`},
		{"control characters", "\x01\b\f\n\r\t\"\\", `"\u0001\b\f\n\r\t\"\\"`, `"\u0001\b\f\n\r\t\"\\"`},
		{"delete", "\x7f", `"\u007f"`, "\"\x7f\""},
		{"non-ascii", "é€", `"\u00e9\u20ac"`, `"é€"`},
		{"astral", "😀", `"\ud83d\ude00"`, `"😀"`},
		{"line separators", "\u2028\u2029", `"\u2028\u2029"`, "\"\u2028\u2029\""},
		{"escaped backslash before u", `\u2028`, `"\\u2028"`, `"\\u2028"`},
		{"separators inside strings", map[string]string{"k:,": "v,:"}, `{"k:,": "v,:"}`, `{"k:,":"v,:"}`},
		{"empty", map[string]any{}, `{}`, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := itsdangerous.JSON{}.Marshal(tt.v)
			if err != nil || string(got) != tt.json {
				t.Errorf("JSON = %s, %v; want %s", got, err, tt.json)
			}
			got, err = itsdangerous.JSON{Compact: true, Unicode: true}.Marshal(tt.v)
			if err != nil || string(got) != tt.compt {
				t.Errorf("compact = %s, %v; want %s", got, err, tt.compt)
			}
		})
	}
}

func TestJSONCodecsUnmarshal(t *testing.T) {
	for _, c := range []itsdangerous.Codec{itsdangerous.JSON{}, itsdangerous.JSON{Compact: true, Unicode: true}} {
		var v map[string]string
		if err := c.Unmarshal([]byte(`{"a": "\u00e9"}`), &v); err != nil || v["a"] != "é" {
			t.Fatalf("%T.Unmarshal = %v, %v", c, v, err)
		}
		if err := c.Unmarshal([]byte("\"\xff\""), &v); err == nil {
			t.Fatalf("%T accepted invalid UTF-8", c)
		}
		if err := c.Unmarshal([]byte(`{} x`), &v); err == nil {
			t.Fatalf("%T accepted trailing data", c)
		}
	}
	if _, err := (itsdangerous.JSON{}).Marshal(func() {}); err == nil {
		t.Fatal("marshalling a func must fail")
	}
	if _, err := (itsdangerous.JSON{Compact: true, Unicode: true}).Marshal(make(chan int)); errors.Is(err, itsdangerous.ErrBadData) || err == nil {
		t.Fatalf("marshal error = %v, want a plain error", err)
	}
}
