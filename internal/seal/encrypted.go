package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/websession/session/internal/state"
)

// Encrypted is the session.Encrypted format.
var Encrypted = encryptedFormat{}

const encryptedVersion = 1

type encryptedFormat struct{}

func (encryptedFormat) Bind(p state.Params) (state.Sealer, error) {
	keys, err := deriveKeys("encrypted cookie v1", p.Secret, p.OldSecrets)
	if err != nil {
		return nil, err
	}
	s := &encryptedSealer{ad: []byte("websession/encrypted/v1\x00" + p.CookieName)}
	for _, k := range keys {
		block, err := aes.NewCipher(k.key)
		if err != nil {
			return nil, fmt.Errorf("session: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("session: %w", err)
		}
		s.keys = append(s.keys, aeadKey{id: k.id, aead: aead})
	}
	s.sharedIDs = sharedIDs(s.keys)
	return s, nil
}

// sharedIDs reports whether two of keys have the same id.
func sharedIDs(keys []aeadKey) bool {
	for i := range keys {
		for j := range i {
			if keys[i].id == keys[j].id {
				return true
			}
		}
	}
	return false
}

type aeadKey struct {
	id   [keyIDSize]byte
	aead cipher.AEAD
}

var _ state.IntoOpener = (*encryptedSealer)(nil)

type encryptedSealer struct {
	state.JSONCodec
	keys      []aeadKey // keys[0] seals
	ad        []byte
	sharedIDs bool // two keys have the same id
}

const (
	gcmNonceSize    = 12
	gcmTagSize      = 16
	encryptedHeader = 1 + keyIDSize + gcmNonceSize
)

func (s *encryptedSealer) Name() string { return "encrypted" }

func (s *encryptedSealer) Seal(st *state.State) (string, error) {
	k := s.keys[0]
	p := state.GetBuffer(encryptedHeader + state.BodySize(st) + gcmTagSize)
	defer state.PutBuffer(p)
	buf := (*p)[:encryptedHeader]
	buf[0] = encryptedVersion
	copy(buf[1:], k.id[:])
	nonce := buf[1+keyIDSize : encryptedHeader]
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return "", fmt.Errorf("session: reading random nonce: %w", err)
	}
	buf = state.AppendBody(buf, st)
	buf = k.aead.Seal(buf[:encryptedHeader], nonce, buf[encryptedHeader:], s.ad) // in place
	*p = buf
	var out strings.Builder
	out.Grow(base64.RawURLEncoding.EncodedLen(len(buf)))
	encodeTo(&out, buf)
	return out.String(), nil
}

func (s *encryptedSealer) Open(value string, now time.Time) (*state.State, error) {
	return s.OpenInto(new(state.State), value, now)
}

func (s *encryptedSealer) OpenInto(into *state.State, value string, now time.Time) (*state.State, error) {
	if len(value) < base64.RawURLEncoding.EncodedLen(encryptedHeader+gcmTagSize) {
		return nil, fmt.Errorf("%w: too short", state.ErrInvalidCookie)
	}
	p, raw, err := decodePooled(value)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url", state.ErrInvalidCookie)
	}
	st, err := s.open(into, raw)
	if err != nil {
		state.PutBuffer(p)
		return nil, err
	}
	return st.Lend(p, value), nil
}

// open authenticates raw, a decoded cookie, and reads its body in place,
// into into.
func (s *encryptedSealer) open(into *state.State, raw []byte) (*state.State, error) {
	if len(raw) < encryptedHeader+gcmTagSize {
		return nil, fmt.Errorf("%w: too short", state.ErrInvalidCookie)
	}
	if raw[0] != encryptedVersion {
		return nil, fmt.Errorf("%w: unknown version %d", state.ErrInvalidCookie, raw[0])
	}
	nonce := raw[1+keyIDSize : encryptedHeader]
	sealed := raw[encryptedHeader:]
	for i, k := range s.keys {
		if [keyIDSize]byte(raw[1:1+keyIDSize]) != k.id {
			continue
		}
		// In place, unless another key has the same id (one pair in 2^32):
		// a failed Open may clear what it was given, which the next key
		// would then need.
		dst := sealed[:0]
		if s.sharedIDs {
			dst = nil
		}
		body, err := k.aead.Open(dst, nonce, sealed, s.ad)
		if err != nil {
			continue // a key id collision is possible; try the others
		}
		st, err := state.ParseBodyRawInto(into, body)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", state.ErrInvalidCookie, err)
		}
		st.OldKey = i > 0
		return st, nil
	}
	return nil, fmt.Errorf("%w: authentication failed (tampered, or sealed with an unknown key or for another cookie name)", state.ErrInvalidCookie)
}
