package seal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"strings"
	"sync"
	"time"

	"github.com/websession/session/internal/state"
)

// Signed is the session.Signed format.
var Signed = signedFormat{}

const signedVersion = 1

type signedFormat struct{}

func (signedFormat) Bind(p state.Params) (state.Sealer, error) {
	keys, err := deriveKeys("signed cookie v1", p.Secret, p.OldSecrets)
	if err != nil {
		return nil, err
	}
	s := &signedSealer{}
	for _, k := range keys {
		prefix := []byte("websession/signed/v1\x00" + p.CookieName + "\x00")
		prefix = append(prefix, signedVersion)
		prefix = append(prefix, k.id[:]...)
		sk := &signingKey{id: k.id, prefix: prefix}
		key := k.key
		sk.macs.New = func() any { return hmac.New(sha256.New, key) }
		s.keys = append(s.keys, sk)
	}
	return s, nil
}

type signedSealer struct {
	state.JSONCodec
	keys []*signingKey // keys[0] signs
}

// signingKey is one key of the Signed format with a pool of its HMACs,
// which are costly to set up for every cookie.
type signingKey struct {
	id     [keyIDSize]byte
	prefix []byte // what the MAC covers before the body: context, version, key id
	macs   sync.Pool
}

const signedTrailer = 1 + keyIDSize + sha256.Size

func (s *signedSealer) Name() string { return "signed" }

// appendMAC appends the MAC of body under k to dst.
func (k *signingKey) appendMAC(dst, body []byte) []byte {
	h := k.macs.Get().(hash.Hash)
	h.Reset()
	h.Write(k.prefix)
	h.Write(body)
	dst = h.Sum(dst)
	k.macs.Put(h)
	return dst
}

func (s *signedSealer) Seal(st *state.State) (string, error) {
	k := s.keys[0]
	p := state.GetBuffer(state.BodySize(st))
	defer state.PutBuffer(p)
	body := state.AppendBody(*p, st)
	*p = body
	var trailer [signedTrailer]byte
	t := append(append(trailer[:0], signedVersion), k.id[:]...)
	t = k.appendMAC(t, body)
	enc := base64.RawURLEncoding
	var out strings.Builder
	out.Grow(enc.EncodedLen(len(body)) + 1 + enc.EncodedLen(len(t)))
	encodeTo(&out, body)
	out.WriteByte('.')
	encodeTo(&out, t)
	return out.String(), nil
}

var _ state.IntoOpener = (*signedSealer)(nil)

func (s *signedSealer) Open(value string, now time.Time) (*state.State, error) {
	return s.OpenInto(new(state.State), value, now)
}

func (s *signedSealer) OpenInto(into *state.State, value string, now time.Time) (*state.State, error) {
	b64body, b64trailer, ok := strings.Cut(value, ".")
	if !ok || len(b64trailer) != base64.RawURLEncoding.EncodedLen(signedTrailer) {
		return nil, fmt.Errorf("%w: malformed", state.ErrInvalidCookie)
	}
	trailer, err := decodeB64(b64trailer)
	if err != nil || len(trailer) != signedTrailer || trailer[0] != signedVersion {
		return nil, fmt.Errorf("%w: malformed signature", state.ErrInvalidCookie)
	}
	p, body, err := decodePooled(b64body)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url", state.ErrInvalidCookie)
	}
	id := [keyIDSize]byte(trailer[1 : 1+keyIDSize])
	for i, k := range s.keys {
		var sum [sha256.Size]byte
		if k.id != id || !hmac.Equal(k.appendMAC(sum[:0], body), trailer[1+keyIDSize:]) {
			continue
		}
		st, err := state.ParseBodyRawInto(into, body)
		if err != nil {
			state.PutBuffer(p)
			return nil, fmt.Errorf("%w: %w", state.ErrInvalidCookie, err)
		}
		st.OldKey = i > 0
		return st.Lend(p, value), nil
	}
	state.PutBuffer(p)
	return nil, fmt.Errorf("%w: bad signature (tampered, or signed with an unknown key or for another cookie name)", state.ErrInvalidCookie)
}
