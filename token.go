package session

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/websession/session/internal/state"
)

// Save tokens make a server-side save exactly-once. Every save attempt
// carries a random token, which the record keeps with the tokens of the
// saves before it (pruned by age and count). A client library that timed
// out and sent a compare-and-set again, or a reply lost on the way, makes
// the Manager see a conflict for a save that was in fact applied; the token
// in the stored record tells it so, and the change is not applied a second
// time, even when other saves landed in between.

const (
	// tokenBytes is the entropy of a save token: 72 bits, 12 characters.
	tokenBytes = 9
	// maxTokens bounds how many recent save tokens a record keeps: more
	// than the saves that can land between a save and its reading back
	// under any contention a session sees.
	maxTokens = 64
	// minTokenAge is the shortest time a token is kept; longer when the
	// Manager's commits may take longer (Config.StoreTimeout).
	minTokenAge = time.Minute
)

// newToken returns a fresh save token.
func newToken() (string, error) {
	var b [tokenBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("session: cannot read random bytes for a save token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// stampToken returns tokens with tok added at now, dropping tokens older
// than keep and, past maxTokens, the oldest. tokens is not changed.
func stampToken(tokens state.Tokens, tok string, now time.Time, keep time.Duration) state.Tokens {
	return tokens.Stamp(tok, now, keep, maxTokens)
}

// hasToken reports whether the record body data carries the save token
// tok.
func hasToken(data []byte, tok string) (bool, error) {
	st, err := state.ParseBody(data)
	if err != nil {
		return false, err
	}
	return st.Tokens.Has(tok), nil
}
