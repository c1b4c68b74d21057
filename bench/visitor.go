package bench

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
)

// Visitor plays one browser against an App's handler in process, through
// httptest: each request carries the session cookie of the previous
// response that set one. A Visitor is not safe for concurrent use.
type Visitor struct {
	h      http.Handler
	base   *http.Request
	cookie []string // base.Header["Cookie"]: the one "name=value" carried
}

// NewVisitor returns a Visitor of h with no cookie yet.
func NewVisitor(h http.Handler) *Visitor {
	base := httptest.NewRequest(http.MethodGet, "/", nil)
	cookie := []string{""}
	base.Header["Cookie"] = cookie
	return &Visitor{h: h, base: base, cookie: cookie}
}

// Cookie returns the session cookie the next request carries, as
// "session=value", or "" before the first response set one.
func (v *Visitor) Cookie() string { return v.cookie[0] }

// Do sends one request. It reports whether the handler created the
// session, and an error when the response is not the handler's.
//
// Each request is a fresh copy of one prepared request (gorilla/sessions
// stores its registry in the request it is given), sharing its headers.
func (v *Visitor) Do() (created bool, err error) {
	req := new(http.Request)
	*req = *v.base
	rec := httptest.NewRecorder()
	v.h.ServeHTTP(rec, req)
	for _, sc := range rec.Header()["Set-Cookie"] {
		if len(sc) > len(CookieName) && sc[len(CookieName)] == '=' && sc[:len(CookieName)] == CookieName {
			v.cookie[0], _, _ = strings.Cut(sc, ";")
		}
	}
	return check(rec.Code, rec.Body.Bytes())
}

// check reports whether a response is the handler's, and which of its two.
func check(code int, body []byte) (created bool, err error) {
	switch {
	case code != http.StatusOK:
		return false, fmt.Errorf("bench: status %d: %.200s", code, body)
	case bytes.Equal(body, bodyOK):
		return false, nil
	case bytes.Equal(body, bodyNew):
		return true, nil
	}
	return false, fmt.Errorf("bench: unexpected body %.200q", body)
}
