package sessiontest

import (
	"net/http"
	"net/http/httptest"
)

// Request serves a GET of path through h, in process, with the given
// cookies (those of a previous response, say), and returns the response:
// what a browser would see, for tests and examples of handlers that use
// sessions.
func Request(h http.Handler, path string, cookies []*http.Cookie) *http.Response {
	req := httptest.NewRequest("GET", path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}
