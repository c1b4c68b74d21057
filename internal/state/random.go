package state

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"time"
)

const (
	// idBytes is the entropy of a server-side session ID: 256 bits.
	idBytes = 32
	// tokenBytes is the entropy of a save token or a cookie session's
	// identifier: 72 bits, 12 characters.
	tokenBytes = 9

	// MaxTokens bounds how many recent save tokens a record keeps: more
	// than the saves that can land between a save and its reading back
	// under any contention a session sees.
	MaxTokens = 64
	// MinTokenAge is the shortest time a save token is kept; longer when a
	// Manager's commits may take longer (Config.StoreTimeout).
	MinTokenAge = time.Minute
)

// Save tokens make a server-side save exactly-once. Every save attempt
// carries a random token, which the record keeps with the tokens of the
// saves before it (pruned by age and count). A client library that timed
// out and sent a compare-and-set again, or a reply lost on the way, makes
// the Manager see a conflict for a save that was in fact applied; the token
// in the stored record tells it so, and the change is not applied a second
// time, even when other saves landed in between.

// NewID returns a fresh session ID from crypto/rand. A failing random
// source is an error, never a weaker ID.
func NewID() (string, error) {
	var b [idBytes]byte
	if _, err := io.ReadFull(rand.Reader, b[:]); err != nil {
		return "", fmt.Errorf("session: cannot read random bytes for a session ID: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// NewToken returns a fresh save token, also used as a cookie session's
// identifier in revocation records. It reads crypto/rand.Read, whose
// buffer stays on the stack: a token is made on every save.
func NewToken() (string, error) {
	var b [tokenBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("session: cannot read random bytes for a save token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// HasToken reports whether the record body data carries the save token
// tok.
func HasToken(data []byte, tok string) bool {
	st, err := ParseBody(data)
	return err == nil && st.Tokens.Has(tok)
}
