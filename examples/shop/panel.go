package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	session "github.com/websession/session"
)

// panel is the "How this works" box: the session as the server sees it on
// this request, and the cookie this response sends.
type panel struct {
	Values    []panelValue
	User      string // bound by SetUser, or ""
	SignedIn  string // when SetUser bound it
	Handle    string // server-side: the store key, SHA-256 of the ID
	IsNew     bool
	Permanent bool
	Format    string
	Store     string
	Cookie    cookieInfo
}

// panelValue is one session key and its value as JSON.
type panelValue struct {
	Key, JSON string
}

// cookieInfo describes the session cookie of this exchange. The cookie's
// value is never shown, only its size.
type cookieInfo struct {
	Name     string
	Sent     bool   // this response sets the cookie
	Deleted  bool   // ... and the setting deletes it
	Header   string // the Set-Cookie header, value elided
	Size     int    // bytes of the Set-Cookie header value
	Received int    // bytes of the cookie the browser sent ("name=value"), 0 if none
	Limit    int    // the Manager's MaxCookieSize
	Percent  int    // Size (or Received) as a share of Limit
}

// panel describes s once it is committed; h holds the response headers,
// including the session's Set-Cookie if the commit sent one.
func (a *app) panel(r *http.Request, s *session.Session, h http.Header) panel {
	p := panel{
		User:      s.User(),
		Handle:    s.Handle(),
		IsNew:     s.IsNew(),
		Permanent: s.Permanent(),
		Format:    a.format,
		Store:     a.storeName,
		Cookie:    cookieInfo{Name: cookieName, Limit: defaultMaxCookieSize},
	}
	if t := s.SignedInAt(); !t.IsZero() {
		p.SignedIn = relative(time.Until(t))
	}
	for _, k := range s.Keys() {
		v, _ := s.Get(k)
		b, err := json.Marshal(v)
		if err != nil {
			b = []byte(fmt.Sprintf("(cannot show: %v)", err))
		}
		p.Values = append(p.Values, panelValue{Key: k, JSON: string(b)})
	}
	if cs := r.CookiesNamed(cookieName); len(cs) > 0 {
		p.Cookie.Received = len(cs[0].Name) + 1 + len(cs[0].Value)
	}
	for _, line := range h.Values("Set-Cookie") {
		rest, ok := strings.CutPrefix(line, cookieName+"=")
		if !ok {
			continue
		}
		value, attrs, _ := strings.Cut(rest, ";")
		p.Cookie.Sent = true
		p.Cookie.Size = len(line)
		p.Cookie.Deleted = strings.Contains(attrs, "Max-Age=0")
		p.Cookie.Header = fmt.Sprintf("%s=<%d bytes>;%s", cookieName, len(value), attrs)
	}
	n := p.Cookie.Received
	if p.Cookie.Sent {
		n = p.Cookie.Size
	}
	p.Cookie.Percent = n * 100 / p.Cookie.Limit
	return p
}

// defaultMaxCookieSize is Config.MaxCookieSize's default, which the shop
// keeps.
const defaultMaxCookieSize = 4093
