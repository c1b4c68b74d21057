package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// Signed is the cookie format for sessions the visitor may read but not
// change: the body is plain JSON, signed with HMAC-SHA256. Use it when
// client-side code needs to read the session; otherwise prefer Encrypted.
//
// Wire format: base64url(body) "." base64url(version (1 byte, 1) | key id
// (4) | HMAC-SHA256 (32)), without padding. The MAC covers the format
// version, the cookie name, the key id and the body.
var Signed Format = signedFormat{}

const signedVersion = 1

type signedFormat struct{}

func (signedFormat) Bind(p FormatParams) (Sealer, error) {
	keys, err := deriveKeys("signed cookie v1", p.Secret, p.OldSecrets)
	if err != nil {
		return nil, err
	}
	return &signedSealer{keys: keys, context: "websession/signed/v1\x00" + p.CookieName + "\x00"}, nil
}

type signedSealer struct {
	jsonCodec
	keys    []derivedKey // keys[0] signs
	context string
}

const signedTrailer = 1 + keyIDSize + sha256.Size

func (s *signedSealer) Name() string { return "signed" }

func (s *signedSealer) mac(k derivedKey, body []byte) []byte {
	h := hmac.New(sha256.New, k.key)
	h.Write([]byte(s.context))
	h.Write([]byte{signedVersion})
	h.Write(k.id[:])
	h.Write(body)
	return h.Sum(nil)
}

func (s *signedSealer) Seal(st *State) (string, error) {
	k := s.keys[0]
	body := appendBody(make([]byte, 0, 256), st)
	trailer := make([]byte, 0, signedTrailer)
	trailer = append(trailer, signedVersion)
	trailer = append(trailer, k.id[:]...)
	trailer = append(trailer, s.mac(k, body)...)
	enc := base64.RawURLEncoding
	out := make([]byte, enc.EncodedLen(len(body))+1+enc.EncodedLen(len(trailer)))
	enc.Encode(out, body)
	n := enc.EncodedLen(len(body))
	out[n] = '.'
	enc.Encode(out[n+1:], trailer)
	return string(out), nil
}

func (s *signedSealer) Open(value string, now time.Time) (*State, error) {
	b64body, b64trailer, ok := strings.Cut(value, ".")
	if !ok || len(b64trailer) != base64.RawURLEncoding.EncodedLen(signedTrailer) {
		return nil, fmt.Errorf("%w: malformed", ErrInvalidCookie)
	}
	trailer, err := strictB64.DecodeString(b64trailer)
	if err != nil || trailer[0] != signedVersion {
		return nil, fmt.Errorf("%w: malformed signature", ErrInvalidCookie)
	}
	body, err := strictB64.DecodeString(b64body)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url", ErrInvalidCookie)
	}
	id := [keyIDSize]byte(trailer[1 : 1+keyIDSize])
	for i, k := range s.keys {
		if k.id != id || !hmac.Equal(s.mac(k, body), trailer[1+keyIDSize:]) {
			continue
		}
		st, err := parseBody(body)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidCookie, err)
		}
		st.OldKey = i > 0
		return st, nil
	}
	return nil, fmt.Errorf("%w: bad signature (tampered, or signed with an unknown key or for another cookie name)", ErrInvalidCookie)
}
