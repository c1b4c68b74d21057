package flask

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"net"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// Keys Flask-Login 0.6's login_user() writes besides "_user_id".
const (
	keyFresh   = "_fresh" // True after a log-in with credentials
	keyLoginID = "_id"    // LoginIdentifier of the request that logged in
)

// LoginIdentifier returns the identifier Flask-Login 0.6.3 computes for a
// request (_create_identifier) and keeps under "_id" at log-in: the
// SHA-512, in hex, of the Python text f"{addr}|{user_agent}", where addr is
// the first entry of the X-Forwarded-For header (else the remote address,
// without its port) and user_agent the User-Agent header, both as Python
// bytes reprs (b'127.0.0.1'), or None when absent. Session.SetUser stores
// it, and Flask-Login's session protection compares it with the one of
// each later request: under "basic" protection a mismatch makes the login
// not fresh; under "strong" protection it logs the user out.
func LoginIdentifier(r *http.Request) string {
	var addr []byte
	hasAddr := false
	if xff, ok := r.Header["X-Forwarded-For"]; ok && len(xff) > 0 {
		addr, hasAddr = wsgiBytes(xff[0]), true
	} else if r.RemoteAddr != "" {
		host := r.RemoteAddr
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		addr, hasAddr = wsgiBytes(host), true
	}
	if hasAddr {
		addr, _, _ = bytes.Cut(addr, []byte(","))
		addr = bytes.Trim(addr, " \t\n\r\v\f")
	}
	var base []byte
	base = appendBytesRepr(base, addr, hasAddr)
	base = append(base, '|')
	ua, hasUA := r.Header["User-Agent"]
	hasUA = hasUA && len(ua) > 0
	if hasUA {
		base = appendBytesRepr(base, wsgiBytes(ua[0]), true)
	} else {
		base = appendBytesRepr(base, nil, false)
	}
	sum := sha512.Sum512(base)
	return hex.EncodeToString(sum[:])
}

// wsgiBytes returns a header value as Flask-Login sees it after
// .encode("utf-8"): WSGI hands each header byte over as the Latin-1
// character of that value, so a byte over 0x7f becomes two bytes.
func wsgiBytes(s string) []byte {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		b = utf8.AppendRune(b, rune(s[i]))
	}
	return b
}

// appendBytesRepr appends Python's repr() of the bytes b, or None when
// !present.
func appendBytesRepr(dst, b []byte, present bool) []byte {
	if !present {
		return append(dst, "None"...)
	}
	quote := byte('\'')
	if bytes.IndexByte(b, '\'') >= 0 && bytes.IndexByte(b, '"') < 0 {
		quote = '"'
	}
	dst = append(dst, 'b', quote)
	for _, c := range b {
		switch {
		case c == quote || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\t':
			dst = append(dst, `\t`...)
		case c == '\n':
			dst = append(dst, `\n`...)
		case c == '\r':
			dst = append(dst, `\r`...)
		case c < ' ' || c >= 0x7f:
			dst = append(dst, `\x`...)
			dst = append(dst, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, quote)
}

// SignInValues returns, for session.Session.SetUser, the values
// Flask-Login's login_user() writes besides the user: "_fresh" true and
// "_id" the request's LoginIdentifier.
func (s *sealer) SignInValues(r *http.Request) map[string][]byte {
	return map[string][]byte{
		keyFresh:   []byte("true"),
		keyLoginID: strconv.AppendQuote(nil, LoginIdentifier(r)),
	}
}

// SignOutKeys returns the keys Flask-Login's logout_user() removes besides
// the user.
func (s *sealer) SignOutKeys() []string { return []string{keyFresh, keyLoginID} }

// Fresh reports whether values hold a fresh log-in for request r, as
// Flask-Login's login_fresh() would see it after its default "basic"
// session protection: "_fresh" is true and "_id" is r's LoginIdentifier.
func (s *sealer) Fresh(values map[string][]byte, r *http.Request) bool {
	return string(values[keyFresh]) == "true" &&
		string(values[keyLoginID]) == strconv.Quote(LoginIdentifier(r))
}
