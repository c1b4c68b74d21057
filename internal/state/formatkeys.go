package state

import "net/http"

// A Codec or Sealer may implement these interfaces when its format keeps
// keys of its own in the session dict, as Flask's does.

// KeyChecker is implemented by a Codec whose format keeps keys of its own
// in the session dict: CheckKey refuses them for Set and Update.
type KeyChecker interface{ CheckKey(key string) error }

// LoginKeys is implemented by a Sealer whose format keeps facts of the
// log-in in session values of its own, as Flask's does for Flask-Login.
type LoginKeys interface {
	// SignInValues returns the values SetUser stores for a log-in by
	// request r, encoded by the codec.
	SignInValues(r *http.Request) map[string][]byte
	// SignOutKeys returns the keys SetUser("") removes.
	SignOutKeys() []string
	// Fresh reports whether values show a fresh log-in for request r.
	Fresh(values map[string][]byte, r *http.Request) bool
}
