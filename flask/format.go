package flask

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
	"github.com/websession/session/itsdangerous"
)

// Limits on a cookie value before and after decoding. Open refuses a value
// over MaxValueSize before any cryptography, and a payload that
// decompresses to more than MaxPayloadSize before parsing it.
const (
	// MaxValueSize is the longest cookie value Open reads: 8 KiB, twice
	// the 4 KiB browsers keep for a whole cookie.
	MaxValueSize = 8 << 10
	// MaxPayloadSize bounds the session JSON once decompressed: 128 KiB.
	MaxPayloadSize = 128 << 10
)

// DefaultLifetime is the maximum cookie age when FormatParams.Lifetime is
// 0: 31 days, Flask's default PERMANENT_SESSION_LIFETIME.
const DefaultLifetime = 31 * 24 * time.Hour

// Salt is the salt of Flask's session cookies
// (SecureCookieSessionInterface.salt).
const Salt = "cookie-session"

// Format returns the cookie format of Flask 3.1's default session
// interface, for session.Config.Format: the session dict as tagged JSON
// (TaggedJSON), signed by itsdangerous's URLSafeTimedSerializer with salt
// "cookie-session", HMAC-SHA1 and HMAC key derivation.
//
// session.Config.Secret plays SECRET_KEY (it signs) and OldSecrets plays
// SECRET_KEY_FALLBACKS (accepted, never used to sign). Config.Lifetime
// plays PERMANENT_SESSION_LIFETIME: as in Flask, it is the maximum age of
// every cookie, permanent or not (default DefaultLifetime). Keep
// Config.Cookie's name at its default, "session", which is also Flask's
// SESSION_COOKIE_NAME.
//
// Flask's "_permanent" key is State.Permanent and its "_flashes" list of
// (category, message) tuples is State.Flashes; every other key is a value.
// Flask's cookie carries no creation time of its own. With
// Config.AbsoluteTimeout set, the Go side keeps it under "_created" (Unix
// seconds, a key Flask carries along untouched) and enforces the timeout,
// counted for a session Flask began from the first request Go saw it in
// (whose response writes "_created");
// Flask itself does not, so a Flask request can still use a session the
// Go side has ended. Without AbsoluteTimeout, State.Created is zero and
// "_created" is an ordinary key. The cookie name is not bound either: any
// cookie Flask signed with these keys and salt is accepted, as Flask
// accepts it. New refuses the format together with Config.Store, whose
// cookie Flask could not read.
func Format() session.Format { return format{} }

// format is Flask's cookie format. created is set when the Manager's
// Config has an AbsoluteTimeout: the cookie then carries the session's
// creation time under keyCreated.
type format struct{ created bool }

// ForConfig is called by session.New with the Manager's Config. It returns
// the format set up for it (a creation time when AbsoluteTimeout is set).
func (f format) ForConfig(c session.Config) (session.Format, error) {
	f.created = c.AbsoluteTimeout > 0
	return f, nil
}

func (f format) Bind(p state.Params) (state.Sealer, error) {
	if len(p.Secret) == 0 {
		return nil, errors.New("flask: the secret key is empty; set session.Config.Secret to Flask's SECRET_KEY")
	}
	lifetime := p.Lifetime
	switch {
	case lifetime == 0:
		lifetime = DefaultLifetime
	case lifetime < time.Second:
		return nil, fmt.Errorf("flask: Lifetime %v is under the one-second resolution of Flask's timestamps", lifetime)
	}
	opts := itsdangerous.SignerOptions{Salt: Salt, KeyDerivation: itsdangerous.HMAC, Digest: sha1.New}
	current, err := itsdangerous.NewTimestampSigner([][]byte{p.Secret}, opts)
	if err != nil {
		return nil, fmt.Errorf("flask: %w", err)
	}
	s := &sealer{current: current, maxAge: lifetime.Truncate(time.Second), created: f.created}
	if len(p.OldSecrets) > 0 {
		if s.old, err = itsdangerous.NewTimestampSigner(p.OldSecrets, opts); err != nil {
			return nil, fmt.Errorf("flask: old secrets: %w", err)
		}
	}
	return s, nil
}
