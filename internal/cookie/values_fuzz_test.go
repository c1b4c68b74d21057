package cookie

import (
	"net/http"
	"slices"
	"testing"
)

// FuzzCookieValuesAgreesWithNetHTTP checks the allocation-free Cookie
// header reader against net/http's on any header: both find the same
// session cookies, in the same order, once the values net/http drops for
// their bytes are left out.
func FuzzCookieValuesAgreesWithNetHTTP(f *testing.F) {
	for _, h := range []string{
		"session=abc", "a=1; session=abc; b=2", "session=abc; session=def", `session="quoted"`, `session="half`,
		";;session=x;;", "  session = x ", "session=a b", "session=a\x00b; session=ok", "session=\xff\xfe",
		"Session=upper; session=lower", "=session; session", "session=a=b", "session=a,b", "",
		"session=\r\n", "session=\t x", `session=""`,
	} {
		f.Add(h, "")
	}
	f.Add("session=abc", "session=def")
	f.Fuzz(func(t *testing.T, h1, h2 string) {
		r := &http.Request{Header: http.Header{"Cookie": {h1, h2}}}
		if got, want := acceptedValues(r); !slices.Equal(got, want) {
			t.Fatalf("Cookie: %q\ngot  %q\nwant %q (net/http)", r.Header["Cookie"], got, want)
		}
	})
}
