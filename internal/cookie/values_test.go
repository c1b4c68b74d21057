package cookie

import (
	"net/http"
	"slices"
	"testing"
)

// TestCookieValuesAgreesWithNetHTTP checks the allocation-free cookie
// reader against net/http's own on headers a browser, a proxy or an
// attacker might send: the same values in the same order, but for those
// net/http drops for their bytes, which Values yields for the formats to
// refuse.
func TestCookieValuesAgreesWithNetHTTP(t *testing.T) {
	headers := [][]string{
		{"session=abc"},
		{"a=1; session=abc; b=2"},
		{"session=abc; session=def"},
		{"session=abc", "session=def"},
		{`session="quoted"`},
		{`session="half`},
		{"session="},
		{";;session=x;;"},
		{"  session = x "},
		{"session=a b"},
		{"session=a\\b"},
		{"session=a\x00b; session=ok"},
		{"session=\xff\xfe"},
		{"Session=upper; session=lower"},
		{"sessionx=1; xsession=2"},
		{"=session; session"},
		{"session=a=b"},
		{"session=a,b"},
		{""},
	}
	for _, h := range headers {
		r := &http.Request{Header: http.Header{"Cookie": h}}
		if got, want := acceptedValues(r); !slices.Equal(got, want) {
			t.Errorf("Cookie: %q\ngot  %q\nwant %q (net/http)", h, got, want)
		}
	}
}

// TestCookieValuesYieldsWhatNetHTTPDrops: a value net/http drops for its
// bytes still comes out of Values, in its place, for the session cookie's
// reader to refuse and report; the valid value after it comes out too.
func TestCookieValuesYieldsWhatNetHTTPDrops(t *testing.T) {
	r := &http.Request{Header: http.Header{"Cookie": {"session=a\x00b; session=\"c\\d\"; session=ok"}}}
	got := slices.Collect(Values(r, "session"))
	if want := []string{"a\x00b", `c\d`, "ok"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
