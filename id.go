package session

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
)

// idBytes is the entropy of a server-side session ID: 256 bits.
const idBytes = 32

// newID returns a fresh session ID from crypto/rand. A failing random
// source is an error, never a weaker ID.
func newID() (string, error) {
	var b [idBytes]byte
	if _, err := io.ReadFull(rand.Reader, b[:]); err != nil {
		return "", fmt.Errorf("session: cannot read random bytes for a session ID: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
