package session

import "context"

// backend is where a Manager keeps its sessions, chosen once by New:
// cookieSessions keeps the whole session in the cookie (cookie.go);
// storeSessions keeps it in Config.Store, the cookie holding only a random
// ID (server_load.go, server_commit.go, server_apply.go, server_renew.go).
// Everything else in a request is the same for both.
type backend interface {
	// load reads the request's session into s. A cookie or ID that cannot
	// be used gives an empty session and a security event; a store failure
	// sets s.loadErr. It runs with s.mu held.
	load(s *Session)
	// commit saves s and sets the session cookie. It runs with s.mu held,
	// once, for a session that was loaded without error.
	commit(s *Session) error
	// saved reports whether a successful commit left s stored.
	saved(s *Session) bool
	// formatName names the cookie's format in security events.
	formatName() string
	// replays reports whether a commit may apply the request's changes
	// to a newer version of the session, so they must be logged key by
	// key (state.Log); a cookie is written whole.
	replays() bool

	// userIndex returns what lists and deletes a user's sessions, or why
	// there is nothing that can.
	userIndex() (UserIndex, error)
	// endUser ends every session of user but keep (nil: none), and
	// reports how many it counted. It runs with keep.mu held.
	endUser(ctx context.Context, user string, keep *Session) (int, error)
}
