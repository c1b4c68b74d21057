package session

import (
	"errors"
	"fmt"
)

var (
	// ErrCommitted is returned by a change made after the session was
	// committed (the response had started). The change is not saved. Make
	// session changes before writing the response.
	ErrCommitted = errors.New("session: changed after the response started, so the change cannot be saved; change the session before writing the response")

	// ErrSuperseded is returned by Renew and SetUser in a request that
	// carries a session ID or cookie which a renewal replaced moments ago
	// (within Config.RenewGrace): the request may use the session, but
	// renewing or re-binding it from there would take it over from the
	// browser that holds the new one. Nothing is changed.
	ErrSuperseded = errors.New("session: this request's session ID or cookie was renewed moments ago by another request; it can use the session but not renew or re-bind it")

	// ErrCookieTooLarge is matched (errors.Is) by the *CookieTooLargeError
	// a commit fails with when the session does not fit in a cookie.
	ErrCookieTooLarge = errors.New("session: cookie too large")
)

// CookieTooLargeError reports a session that would not fit in
// Config.MaxCookieSize. It matches ErrCookieTooLarge.
type CookieTooLargeError struct {
	Size, Limit int
}

// Error says how large the cookie would have been, the limit, and what to
// do: store less, or keep the session on the server.
func (e *CookieTooLargeError) Error() string {
	return fmt.Sprintf("session: cookie would be %d bytes, over the %d-byte limit; store less or use a server-side store", e.Size, e.Limit)
}

// Unwrap makes errors.Is(err, ErrCookieTooLarge) true.
func (e *CookieTooLargeError) Unwrap() error { return ErrCookieTooLarge }
