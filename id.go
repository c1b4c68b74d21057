package session

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
)

// idBytes is the entropy of a server-side session ID: 256 bits.
const idBytes = 32

// idLen is the length of an ID in the cookie: base64url without padding.
var idLen = base64.RawURLEncoding.EncodedLen(idBytes)

// newID returns a fresh session ID from crypto/rand. A failing random
// source is an error, never a weaker ID.
func newID() (string, error) {
	var b [idBytes]byte
	if _, err := io.ReadFull(rand.Reader, b[:]); err != nil {
		return "", fmt.Errorf("session: cannot read random bytes for a session ID: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// ValidID reports whether id has the form of a session ID the Manager
// issues: 43 base64url characters encoding 32 bytes. The Manager checks it
// before any store call, so a hostile value never reaches a store.
func ValidID(id string) bool {
	if len(id) != idLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	// The last character carries 4 padding bits, which must be zero so
	// each ID has one spelling.
	_, err := base64.RawURLEncoding.Strict().DecodeString(id)
	return err == nil
}

// StoreKey returns the key under which a store keeps the session with the
// given ID: the lowercase hex SHA-256 of the ID. Stores never see the raw
// ID, so reading a store does not yield cookies that work.
func StoreKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}
