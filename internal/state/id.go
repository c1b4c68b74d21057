package state

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// idLen is the length of a session ID in the cookie: 32 random bytes in
// base64url without padding.
var idLen = base64.RawURLEncoding.EncodedLen(32)

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
	// 43 characters carry 258 bits: the last character's 2 bits past the
	// 256 must be zero, so each ID has one spelling.
	return strings.IndexByte(base64URL, id[len(id)-1])%4 == 0
}

// base64URL is the base64url alphabet, in the order of the values.
const base64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// StoreKey returns the key under which a store keeps the session with the
// given ID: the lowercase hex SHA-256 of the ID. Stores never see the raw
// ID, so reading a store does not yield cookies that work.
func StoreKey(id string) string {
	var in [64]byte // an ID fits: no allocation for the bytes
	var sum [sha256.Size]byte
	if len(id) <= len(in) {
		sum = sha256.Sum256(in[:copy(in[:], id)])
	} else {
		sum = sha256.Sum256([]byte(id))
	}
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// ValidKey reports whether key has the form of StoreKey's keys: 64
// lowercase hex characters.
func ValidKey(key string) bool {
	if len(key) != 64 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
