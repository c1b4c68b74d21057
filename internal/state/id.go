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
	return all(id, inBase64URL) &&
		// 43 characters carry 258 bits: the last character's 2 bits past
		// the 256 must be zero, so each ID has one spelling.
		strings.IndexByte(base64URL, id[len(id)-1])%4 == 0
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
	return len(key) == 64 && all(key, inLowerHex)
}

// The alphabets of IDs and keys, as bits of alphabets' entries.
const (
	inBase64URL = 1 << iota
	inLowerHex
)

// alphabets marks each byte with the alphabets it belongs to.
var alphabets = func() (t [256]uint8) {
	for _, c := range []byte(base64URL) {
		t[c] |= inBase64URL
	}
	for _, c := range []byte("0123456789abcdef") {
		t[c] |= inLowerHex
	}
	return t
}()

// all reports whether every byte of s is in alphabet. It looks at every
// byte, with no branch on what it finds: a branch per byte on random
// characters is mispredicted often enough to cost more than the lookups.
func all(s string, alphabet uint8) bool {
	in := alphabet
	for i := 0; i < len(s); i++ {
		in &= alphabets[s[i]]
	}
	return in != 0
}
