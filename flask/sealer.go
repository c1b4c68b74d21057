package flask

import (
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
	"github.com/websession/session/itsdangerous"
)

// sealer reads and writes Flask session cookies with bound keys.
type sealer struct {
	taggedJSON
	current *itsdangerous.TimestampSigner // SECRET_KEY: signs and verifies
	old     *itsdangerous.TimestampSigner // SECRET_KEY_FALLBACKS, or nil
	maxAge  time.Duration
	created bool // carry State.Created under keyCreated
}

func (s *sealer) Name() string { return "flask" }

// Seal returns the cookie Flask's session interface would write for st at
// st.Issued. Uncompressed cookies are byte-identical to Flask's; when
// compression pays, Go's zlib may pick other (equally valid) bytes.
func (s *sealer) Seal(st *state.State) (string, error) {
	if st.Issued.IsZero() {
		return "", errors.New("flask: State.Issued is zero; it must be the current time")
	}
	st = st.Valued()
	if s.created && !st.Created.IsZero() {
		withCreated := *st
		withCreated.Values = maps.Clone(st.Values)
		if withCreated.Values == nil {
			withCreated.Values = make(map[string][]byte, 1)
		}
		withCreated.Values[keyCreated] = strconv.AppendInt(nil, st.Created.Unix(), 10)
		st = &withCreated
	}
	data, err := encodeSession(st)
	if err != nil {
		return "", err
	}
	return string(s.current.SignAt(itsdangerous.EncodePayload(data), st.Issued)), nil
}

// Open verifies value as Flask does (signature, then age against the
// lifetime), then decodes it. Every error wraps session.ErrInvalidCookie
// and the itsdangerous error class (ErrBadSignature, ErrSignatureExpired,
// ErrBadPayload), and never contains the value.
func (s *sealer) Open(value string, now time.Time) (*state.State, error) {
	if len(value) > MaxValueSize {
		return nil, fmt.Errorf("%w: flask: cookie is %d bytes, over the %d-byte limit", session.ErrInvalidCookie, len(value), MaxValueSize)
	}
	payload, issued, oldKey, err := s.unsign([]byte(value), now)
	if err != nil {
		return nil, invalid(err)
	}
	data, err := itsdangerous.DecodePayload(payload, MaxPayloadSize)
	if err != nil {
		return nil, invalid(err)
	}
	st, err := decodeSession(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: %w", session.ErrInvalidCookie, itsdangerous.ErrBadPayload, err)
	}
	st.Issued = issued
	st.OldKey = oldKey
	if s.created {
		if n, ok := plainUnix(st.Values[keyCreated]); ok {
			st.Created = time.Unix(n, 0)
			delete(st.Values, keyCreated)
		}
	}
	return st, nil
}

// unsign checks the signature with the current key, then the old ones.
func (s *sealer) unsign(value []byte, now time.Time) (payload []byte, issued time.Time, oldKey bool, err error) {
	payload, issued, err = s.current.UnsignAt(value, s.maxAge, now)
	if err == nil || s.old == nil || errors.Is(err, itsdangerous.ErrSignatureExpired) {
		return payload, issued, false, err
	}
	payload, issued, err = s.old.UnsignAt(value, s.maxAge, now)
	return payload, issued, err == nil, err
}

// invalid wraps an itsdangerous error as an invalid cookie. Only its class
// and message are kept: the error itself carries the unverified payload.
func invalid(err error) error {
	var e *itsdangerous.Error
	if errors.As(err, &e) {
		return fmt.Errorf("%w: flask: %w (%s)", session.ErrInvalidCookie, e.Kind, e.Message)
	}
	return fmt.Errorf("%w: flask: %w", session.ErrInvalidCookie, itsdangerous.ErrBadData)
}

// CheckKey refuses, for session.Session.Set, the keys the format manages
// itself.
func (s *sealer) CheckKey(key string) error {
	var use string
	switch key {
	case keyPermanent:
		use = "Session.SetPermanent sets it"
	case keyFlashes:
		use = "Session.Flash adds to it"
	case keyUser, keySignedIn, keySignedInNsec, keyFresh, keyLoginID:
		use = "Session.SetUser sets it, as Flask-Login's login_user() does"
	case keyRevocationID:
		use = "it identifies the session for Config.Revocations"
	case keyCreated:
		if !s.created {
			return nil
		}
		use = "it holds the creation time that Config.AbsoluteTimeout is counted from"
	default:
		return nil
	}
	return fmt.Errorf("flask: the key %q belongs to the session format (%s); store your value under another key", key, use)
}

// plainUnix reads a JSON integer of Unix seconds.
func plainUnix(b []byte) (int64, bool) {
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil && n > 0
}
