// Package cookie reads and writes the session cookie: the values of one
// name in a request's Cookie headers, the Set-Cookie header with the
// Manager's options, Vary: Cookie, and the checks of those options that
// browsers would otherwise fail silently.
package cookie

import (
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// Options are the session cookie's attributes, with the defaults already
// applied.
type Options struct {
	Name, Path, Domain string
	Secure, HTTPOnly   bool
	SameSite           http.SameSite
	Partitioned        bool
}

// Header returns the Set-Cookie header value for value. With lifetime > 0
// the cookie is persistent, expiring lifetime after now; with del it is a
// deletion.
func (o *Options) Header(value string, now time.Time, lifetime time.Duration, del bool) string {
	var b strings.Builder
	b.Grow(len(o.Name) + len(value) + 128)
	b.WriteString(o.Name)
	b.WriteByte('=')
	b.WriteString(value)
	b.WriteString("; Path=")
	b.WriteString(o.Path)
	if o.Domain != "" {
		b.WriteString("; Domain=")
		b.WriteString(o.Domain)
	}
	switch {
	case del:
		b.WriteString("; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0")
	case lifetime > 0:
		b.WriteString("; Expires=")
		b.WriteString(now.Add(lifetime).UTC().Format(http.TimeFormat))
		b.WriteString("; Max-Age=")
		b.WriteString(strconv.FormatInt(int64(lifetime/time.Second), 10))
	}
	if o.HTTPOnly {
		b.WriteString("; HttpOnly")
	}
	if o.Secure {
		b.WriteString("; Secure")
	}
	switch o.SameSite {
	case http.SameSiteLaxMode:
		b.WriteString("; SameSite=Lax")
	case http.SameSiteStrictMode:
		b.WriteString("; SameSite=Strict")
	case http.SameSiteNoneMode:
		b.WriteString("; SameSite=None")
	}
	if o.Partitioned {
		b.WriteString("; Partitioned")
	}
	return b.String()
}

// Check refuses options a browser would reject or a header could not
// carry, saying what to change.
func (o *Options) Check() error {
	name := o.Name
	if !validName(name) {
		return fmt.Errorf("session: cookie name %q is not a valid cookie name; use letters, digits and !#$%%&'*+-.^_`|~ only", name)
	}
	if strings.ContainsAny(o.Path, ";\r\n") || !strings.HasPrefix(o.Path, "/") {
		return fmt.Errorf("session: cookie path %q must start with / and contain no ';' or line breaks", o.Path)
	}
	if strings.ContainsAny(o.Domain, "; \r\n\t") {
		return fmt.Errorf("session: cookie domain %q contains a character a domain cannot have", o.Domain)
	}
	if strings.HasPrefix(name, "__Host-") {
		if o.Domain != "" {
			return fmt.Errorf("session: cookie %q has the __Host- prefix, which browsers reject with a Domain; remove Cookie.Domain or rename the cookie", name)
		}
		if o.Path != "/" {
			return fmt.Errorf("session: cookie %q has the __Host- prefix, which requires Path=/; set Cookie.Path to \"/\" or rename the cookie", name)
		}
		if !o.Secure {
			return fmt.Errorf("session: cookie %q has the __Host- prefix, which requires Secure; drop Cookie.Insecure or rename the cookie", name)
		}
	}
	if strings.HasPrefix(name, "__Secure-") && !o.Secure {
		return fmt.Errorf("session: cookie %q has the __Secure- prefix, which requires Secure; drop Cookie.Insecure or rename the cookie", name)
	}
	if o.SameSite == http.SameSiteNoneMode && !o.Secure {
		return errors.New("session: SameSite=None requires Secure (browsers drop such cookies); drop Cookie.Insecure or choose SameSite Lax or Strict")
	}
	if o.Partitioned && !o.Secure {
		return errors.New("session: a Partitioned cookie requires Secure; drop Cookie.Insecure or Partitioned")
	}
	if o.SameSite < http.SameSiteDefaultMode || o.SameSite > http.SameSiteNoneMode {
		return fmt.Errorf("session: Cookie.SameSite %d is not one of net/http's SameSite modes", o.SameSite)
	}
	return nil
}

// validName reports whether name is a cookie name (an RFC 6265 token).
func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return false
		}
	}
	return true
}

// AddVary adds "Cookie" to the Vary header unless it is there already.
func AddVary(h http.Header) {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if f == "*" || strings.EqualFold(f, "Cookie") {
				return
			}
		}
	}
	if _, ok := h["Vary"]; !ok {
		h["Vary"] = varyCookie
		return
	}
	h.Add("Vary", "Cookie")
}

// varyCookie is the Vary header value shared by all responses that have no
// Vary of their own. Header values are read, not changed in place, by
// net/http; Add and Set replace the slice, so sharing it is safe.
var varyCookie = []string{"Cookie"}

// Values yields the values of the cookies named name in r, in header
// order, as net/http's Request.CookiesNamed finds them, without allocating
// a Cookie for each; but it does not check a value's bytes. net/http drops
// a value holding a byte a cookie value may not (a control byte, '"',
// '\\', DEL or any byte above it): every reader of the session
// cookie decodes its value with an alphabet of cookie bytes alone
// (base64url and '.', or a session ID's), which refuses those bytes, so
// checking them first would read a 3 KB value twice. Each format's Open and
// state.ValidID are tested to refuse them.
func Values(r *http.Request, name string) iter.Seq[string] {
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
				if !yield(v) {
					return
				}
			}
		}
	}
}

// RejectReason maps the text logged for a rejected session cookie or ID
// to the short code Event.Reason reports: "unknown_id", "revoked",
// "expired", "malformed", "too_long", "too_many", "duplicate", or else
// "invalid".
func RejectReason(detail string) string {
	for _, r := range [...]struct{ text, code string }{
		{"unknown or expired session ID", "unknown_id"},
		{"revoked", "revoked"},
		{"expired", "expired"},
		{"malformed", "malformed"},
		{"longer than", "too_long"},
		{"session cookies in one request", "too_many"},
		{"more than one", "duplicate"},
	} {
		if strings.Contains(detail, r.text) {
			return r.code
		}
	}
	return "invalid"
}
