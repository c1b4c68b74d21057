package cookie

import (
	"net/http"
	"slices"
	"testing"
)

// TestCookieValuesAgreesWithNetHTTP checks the allocation-free cookie
// reader against net/http's own on headers a browser, a proxy or an
// attacker might send.
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
		var want []string
		for _, c := range r.CookiesNamed("session") {
			want = append(want, c.Value)
		}
		got := slices.Collect(Values(r, "session"))
		if !slices.Equal(got, want) {
			t.Errorf("Cookie: %q\ngot  %q\nwant %q (net/http)", h, got, want)
		}
	}
}
