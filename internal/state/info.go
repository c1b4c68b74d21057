package state

import (
	"fmt"
	"time"
)

// Info describes one session for a "your devices" page or an
// operator's listing. It never holds the session ID: Handle names the
// session without being usable as a cookie.
type Info struct {
	// Handle is the session's handle, the hex SHA-256 of its ID (also its
	// record's key in the store). Pass it to Manager.DestroySession to end
	// this session.
	Handle string
	// User is the user the session is bound to, or "".
	User string
	// Created is when the session was first saved.
	Created time.Time
	// SignedIn is when SetUser bound the session to User.
	SignedIn time.Time
	// LastSeen is when a request last used the session, as far as the
	// record tells: to within the refresh throttle for read-only requests.
	LastSeen time.Time
	// Expires is when the store stops returning the session.
	Expires time.Time
	// Agent summarizes the browser that signed in ("Firefox on Linux").
	Agent string
	// Size is the size of the stored record in bytes.
	Size int
	// Renewed marks the record an ID leaves behind when it is renewed,
	// kept for Config.RenewGrace. Listings for people usually hide it.
	Renewed bool
}

// Describe describes the record data stored under key, expiring at
// expires. LastSeen is the time of the last write; Manager.Sessions refines
// it with the refresh settings.
func Describe(key string, data []byte, expires time.Time) (Info, error) {
	st, err := ParseBody(data)
	if err != nil {
		return Info{}, fmt.Errorf("session: stored record cannot be decoded: %w", err)
	}
	return Info{
		Handle:   key,
		User:     st.User,
		Created:  st.Created,
		SignedIn: st.SignedIn,
		LastSeen: st.Issued,
		Expires:  expires,
		Agent:    st.Agent,
		Size:     len(data),
		Renewed:  st.MovedTo != "",
	}, nil
}
