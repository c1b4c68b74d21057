package session

import (
	"iter"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/websession/session/internal/state"
)

// cookieValues yields the value of every cookie called name in r's Cookie
// headers, in order, as net/http's Request.CookiesNamed finds them
// (surrounding quotes removed, values with bytes a cookie cannot hold
// skipped), without allocating: a session cookie is read on every request.
func cookieValues(r *http.Request, name string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, line := range r.Header["Cookie"] {
			for len(line) > 0 {
				var part string
				part, line, _ = strings.Cut(line, ";")
				part = textproto.TrimString(part)
				n, v, _ := strings.Cut(part, "=")
				if textproto.TrimString(n) != name {
					continue
				}
				if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
					v = v[1 : len(v)-1]
				}
				if !validCookieValue(v) {
					continue
				}
				if !yield(v) {
					return
				}
			}
		}
	}
}

// validCookieValue reports whether v holds only bytes RFC 6265 allows in a
// cookie value (net/http also lets spaces and commas through). It checks
// eight bytes at a time: session cookies run to kilobytes.
func validCookieValue(v string) bool {
	i := 0
	for ; i+8 <= len(v); i += 8 {
		x := uint64(v[i]) | uint64(v[i+1])<<8 | uint64(v[i+2])<<16 | uint64(v[i+3])<<24 |
			uint64(v[i+4])<<32 | uint64(v[i+5])<<40 | uint64(v[i+6])<<48 | uint64(v[i+7])<<56
		if x&state.HiBits != 0 || state.HasLess(x, 0x20) || state.HasByte(x, 0x7f) || state.HasByte(x, '"') || state.HasByte(x, ';') || state.HasByte(x, '\\') {
			return false
		}
	}
	for ; i < len(v); i++ {
		if b := v[i]; b < 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}
