package session

import "github.com/websession/session/internal/state"

// Format is a cookie format: the way a cookie session becomes a cookie value
// and back. Config.Format selects one; the default is Encrypted. The package
// provides Encrypted and Signed; package flask provides Flask's format.
//
// A Format is a recipe. New calls Bind once with the configured secrets and
// cookie name and uses the returned Sealer for every request.
type Format interface {
	Bind(p state.Params) (state.Sealer, error)
}

// Flash is a one-time message stored in the session until it is shown, as
// Flask's flash() and get_flashed_messages() do.
type Flash = state.Flash

// ErrInvalidCookie is wrapped by every error a Format returns for a cookie
// it cannot accept. The Manager treats such a cookie as absent: the visitor
// gets an empty session and a security event is logged.
var ErrInvalidCookie = state.ErrInvalidCookie
