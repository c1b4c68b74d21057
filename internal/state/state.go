// Package state is the session as the cookie formats and the stores see
// it: State, the Sealer a Format binds, the JSON Codec and the body a
// server-side record or a cookie carries. It is plumbing shared by the
// root package, package flask and sessionctl; applications use the root
// package's API.
package state

import (
	"errors"
	"time"
)

// Params is what New passes to Format.Bind.
type Params struct {
	// Secret signs or encrypts new cookies. New has already checked it.
	Secret []byte
	// OldSecrets are accepted when verifying, newest first, never used to
	// seal.
	OldSecrets [][]byte
	// CookieName is the name of the session cookie. Formats bind it into
	// what they authenticate where they can, so a value minted for another
	// cookie is rejected.
	CookieName string
	// Lifetime is Config.Lifetime: the lifetime of a permanent session.
	// Formats whose cookies carry only a signed timestamp (Flask's) use it
	// as the maximum age of every cookie.
	Lifetime time.Duration
}

// Sealer turns session state into a cookie value and back, with keys bound.
// It must be safe for concurrent use.
type Sealer interface {
	Codec

	// Name names the format in logs and error messages ("encrypted",
	// "signed", "flask").
	Name() string

	// Seal returns the cookie value for st. st.Issued is the current time.
	Seal(st *State) (string, error)

	// Open authenticates and decodes a cookie value. Any cookie it cannot
	// accept (tampered, truncated, wrong key, wrong cookie name, expired for
	// formats that check age themselves, malformed) gives an error that
	// wraps ErrInvalidCookie and never contains the value itself. Open must
	// check the MAC or AEAD tag before decoding anything. The values may
	// come in State.Raw (see ValueMap).
	Open(value string, now time.Time) (*State, error)
}

// IntoOpener is a Sealer that can open a cookie into a State of the
// caller's, which it overwrites (see ParseBodyRawInto): Open, with no
// State to allocate. The Manager opens a request's cookie into a field of
// its Session.
type IntoOpener interface {
	OpenInto(st *State, value string, now time.Time) (*State, error)
}

// Codec encodes single session values. Each Format has one: JSON for
// Encrypted and Signed, Flask's tagged JSON for the Flask format.
type Codec interface {
	// Marshal encodes v. It fails for values the format cannot carry.
	Marshal(v any) ([]byte, error)
	// Unmarshal decodes data into the codec's natural Go value: for JSON,
	// map[string]any, []any, string, float64 or int, bool and nil.
	Unmarshal(data []byte) (any, error)
	// UnmarshalTo decodes data into the value dst points to.
	UnmarshalTo(data []byte, dst any) error
}

// State is a session as a Format carries it.
type State struct {
	// Values holds each key's value, encoded by the format's Codec. It is
	// nil when Raw holds them.
	Values map[string][]byte
	// Raw holds the values when Values is nil: read in place by
	// ParseBodyRaw, perhaps changed since.
	Raw ValueSet
	// Flashes are the messages waiting to be shown, oldest first.
	Flashes []Flash
	// Permanent marks a session whose cookie outlives the browser session.
	Permanent bool
	// Created is when the session was first saved. Zero when the format
	// cannot carry it.
	Created time.Time
	// Issued is when this cookie (or record) was written.
	Issued time.Time
	// OldKey is set by Sealer.Open when the cookie verified under one of
	// the OldSecrets. The Manager then issues it again under Secret.
	OldKey bool
	// User is the user the session is bound to by Session.SetUser, or ""
	// for an anonymous session. Formats must carry it (with SignedIn) for
	// per-user revocation to work.
	User string
	// UserRaw is the user as the format carried it, in the format's
	// encoding, when that is not the text of User: Flask-Login keeps the
	// integer 7 where User is "7". A format that reads it sets it; the
	// Manager passes it back unchanged while the session's user is the one
	// it was loaded with, so the format writes the user as it came. ""
	// otherwise.
	UserRaw string
	// SignedIn is when Session.SetUser bound the session to User. A
	// revocation of the user's sessions (Manager.DestroyUser) ends every
	// session signed in before it, to the nanosecond: formats must carry
	// it exactly.
	SignedIn time.Time
	// ID is a random identifier of a cookie session, kept for as long as
	// the session lives, so that ending it (log-out, renewal) can be
	// recorded in Config.Revocations and every copy of its cookie refused.
	// The Manager sets it when Config.Revocations is set; formats must
	// carry it inside what they authenticate. "" when there is none.
	ID string
	// Agent is a short summary of the browser that signed in ("Firefox on
	// Linux"), kept in server-side records for listing a user's sessions.
	// Cookie formats need not carry it.
	Agent string

	// MovedTo is set in the record an ID leaves behind when it is renewed:
	// the store key of the session's new record. Forward says whether
	// requests still carrying the old ID may use the new record during
	// Config.RenewGrace (same user) or only read the old data (the user
	// changed, as at log-in, where forwarding would undo the fixation
	// defence).
	MovedTo string
	Forward bool

	// Tokens are the save tokens of a server-side record's latest saves
	// (see Manager.saveOnce).
	Tokens Tokens

	// Lent is the pooled buffer Raw's values are read in place from, set
	// by a Sealer that opened the cookie in one (Lend): the Manager gives
	// it back when the request is over. Zero when there is none.
	Lent Loan
}

// Flash is a one-time message stored in the session until it is shown, as
// Flask's flash() and get_flashed_messages() do.
type Flash struct {
	// Category is a free-form label such as "message", "error" or "info".
	Category string
	// Message is the text to show.
	Message string
	// Raw is the flash as the cookie format carried it, set by a format
	// whose flashes may be more than two strings (Flask's Markup, a
	// number), so that a flash passed on unread goes back exactly as it
	// came. Flash leaves it empty; so should code that builds a Flash.
	Raw string `json:"-"`
}

// ErrInvalidCookie is wrapped by every error a Sealer returns for a cookie it
// cannot accept. The Manager treats such a cookie as absent: the visitor gets
// an empty session and a security event is logged.
var ErrInvalidCookie = errors.New("session: invalid cookie")

// ErrConflict is session.ErrConflict: a record changed by another request.
var ErrConflict = errors.New("session: record changed by another request (version conflict)")

// ValueMap makes st.Raw into st.Values when Raw holds the values, and
// returns st.Values.
func (st *State) ValueMap() map[string][]byte {
	if st.Values == nil {
		st.Values = st.Raw.Map()
		st.Raw = ValueSet{}
	}
	return st.Values
}

// Valued returns st when st.Values holds the values, else a copy of st
// with them in Values, for a writer that needs them as a map.
func (st *State) Valued() *State {
	if st.Values != nil {
		return st
	}
	c := *st
	c.ValueMap()
	return &c
}

// SetValues makes v the values of st: in Values when v holds a map
// (ValuesOf), else in Raw. st then shares them with v.
func (st *State) SetValues(v ValueSet) {
	if v.m != nil {
		st.Values, st.Raw = v.m, ValueSet{}
		return
	}
	st.Values, st.Raw = nil, v
}

// ValueSet returns the values of st, which it then shares.
func (st *State) ValueSet() ValueSet {
	if st.Values != nil {
		return ValuesOf(st.Values)
	}
	return st.Raw
}
