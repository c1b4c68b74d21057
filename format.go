package session

import (
	"github.com/websession/session/internal/seal"
	"github.com/websession/session/internal/state"
)

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

// Encrypted is the default cookie format: the session is sealed with
// AES-256-GCM, so the visitor can neither read nor change it.
//
// Wire format, base64url without padding:
//
//	version (1 byte, 1) | key id (4) | nonce (12) | ciphertext | tag (16)
//
// The associated data binds the format version and the cookie name, so a
// value copied into a cookie of another name is rejected. Keys come from
// Config.Secret through HKDF-SHA256; nonces are random.
var Encrypted Format = seal.Encrypted

// Signed is the cookie format for sessions the visitor may read but not
// change: the body is plain JSON, signed with HMAC-SHA256. Use it when
// client-side code needs to read the session; otherwise prefer Encrypted.
//
// Wire format: base64url(body) "." base64url(version (1 byte, 1) | key id
// (4) | HMAC-SHA256 (32)), without padding. The MAC covers the format
// version, the cookie name, the key id and the body.
var Signed Format = seal.Signed
