// Package seal holds the root package's own cookie formats, Encrypted and
// Signed: how a session becomes a cookie value under keys derived from
// Config.Secret, and back.
package seal

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/websession/session/internal/state"
)

// keyIDSize is the length of the key id written into Encrypted and Signed
// cookies, so a cookie names the secret that made it and rotation costs one
// attempt, not one per old secret.
const keyIDSize = 4

// derivedKey is one configured secret turned into a key for one purpose.
type derivedKey struct {
	id  [keyIDSize]byte
	key []byte
}

// deriveKeys turns the current secret and the old ones (newest first) into
// 32-byte keys for purpose with HKDF-SHA256, each with its key id. The
// purpose string keeps keys of different formats apart: a Signed cookie's key
// never decrypts an Encrypted one.
func deriveKeys(purpose string, secret []byte, old [][]byte) ([]derivedKey, error) {
	all := append([][]byte{secret}, old...)
	keys := make([]derivedKey, 0, len(all))
	for _, s := range all {
		k, err := hkdf.Key(sha256.New, s, nil, "websession/session "+purpose, 32)
		if err != nil {
			return nil, fmt.Errorf("session: deriving a key: %w", err)
		}
		id, err := hkdf.Key(sha256.New, s, nil, "websession/session key id", keyIDSize)
		if err != nil {
			return nil, fmt.Errorf("session: deriving a key id: %w", err)
		}
		dk := derivedKey{key: k}
		copy(dk.id[:], id)
		keys = append(keys, dk)
	}
	return keys, nil
}

// strictB64 decodes cookie values: base64url without padding, refusing
// non-zero trailing bits, so each cookie has exactly one spelling. Use it
// through decodeB64.
var strictB64 = base64.RawURLEncoding.Strict()

// decodeB64 decodes a cookie value with strictB64, refusing the line
// breaks encoding/base64 would otherwise skip: with them a value could have
// many spellings, and its length would not tell the decoded length.
func decodeB64(s string) ([]byte, error) {
	b := make([]byte, strictB64.DecodedLen(len(s)))
	n, err := decodeB64To(b, s)
	return b[:n], err
}

// decodeB64To is decodeB64 into dst, which has room for
// strictB64.DecodedLen(len(s)) bytes; it returns how many it wrote.
func decodeB64To(dst []byte, s string) (int, error) {
	if strings.IndexByte(s, '\r') >= 0 || strings.IndexByte(s, '\n') >= 0 {
		return 0, errors.New("line break in base64")
	}
	return strictB64.Decode(dst, []byte(s))
}

// decodePooled is decodeB64 into a pooled buffer (state.GetBuffer), which
// the caller lends (State.Lend) or puts back. On error it is put back.
func decodePooled(s string) (*[]byte, []byte, error) {
	p := state.GetBuffer(strictB64.DecodedLen(len(s)))
	n, err := decodeB64To((*p)[:cap(*p)], s)
	if err != nil {
		state.PutBuffer(p)
		return nil, nil, err
	}
	return p, (*p)[:n], nil
}
