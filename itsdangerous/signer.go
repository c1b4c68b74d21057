package itsdangerous

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"errors"
	"fmt"
	"hash"
	"sync"
	"time"
)

// KeyDerivation is how the signing key is derived from a secret key and the
// salt, as Python's key_derivation argument.
type KeyDerivation int

const (
	// DjangoConcat derives digest(salt + "signer" + secret). It is Python's
	// default ("django-concat") and the zero value.
	DjangoConcat KeyDerivation = iota
	// Concat derives digest(salt + secret) ("concat").
	Concat
	// HMAC derives HMAC(secret, salt) with the digest ("hmac"); Flask's
	// session cookies use it.
	HMAC
	// None uses the secret key as it is and ignores the salt ("none").
	None
)

// String returns Python's name for the derivation, such as "django-concat".
func (k KeyDerivation) String() string {
	switch k {
	case DjangoConcat:
		return "django-concat"
	case Concat:
		return "concat"
	case HMAC:
		return "hmac"
	case None:
		return "none"
	}
	return fmt.Sprintf("KeyDerivation(%d)", int(k))
}

// DefaultSignerSalt is the salt of Signer and TimestampSigner when
// SignerOptions.Salt is empty, as in Python.
const DefaultSignerSalt = "itsdangerous.Signer"

// SignerOptions configures a Signer or TimestampSigner. The zero value gives
// Python's defaults: salt "itsdangerous.Signer", django-concat key
// derivation, HMAC-SHA1, separator '.'.
type SignerOptions struct {
	// Salt distinguishes signatures made for different purposes with the
	// same keys. "" means DefaultSignerSalt; set EmptySalt for a truly
	// empty salt.
	Salt string
	// EmptySalt, when true, signs with an empty salt (Python's salt=b"").
	// Salt must then be "".
	EmptySalt bool
	// KeyDerivation derives the signing key; default DjangoConcat.
	KeyDerivation KeyDerivation
	// Digest is the hash used for key derivation and the HMAC; nil means
	// sha1.New, as in Python. sha256.New and the like are accepted.
	Digest func() hash.Hash
	// Sep separates value, timestamp and signature; 0 means '.'. ASCII
	// letters, digits, '-', '_' and '=' are refused, as in Python, since
	// they can appear in a signature.
	Sep byte
	// Now is the clock of TimestampSigner.Sign and Unsign; nil means
	// time.Now. Plain Signers ignore it.
	Now func() time.Time
}

// Signer signs values with HMAC and verifies them, byte-compatible with
// Python's itsdangerous.Signer. It is safe for concurrent use.
type Signer struct {
	sep     byte
	macs    []sync.Pool // of *mac, one pool for each derived key, newest first
	sigSize int         // length of an encoded signature
}

// mac is an HMAC keyed with one derived key, kept between uses: keying an
// HMAC costs two blocks of the digest and several allocations, which
// Reset avoids. sum and enc are its scratch space.
type mac struct {
	hash.Hash
	sum, enc []byte
}

// NewSigner returns a Signer. keys lists the secret keys newest first:
// keys[0] signs, and all of them verify, newest first. (Python lists them
// oldest first and signs with the last.) At least one non-empty key is
// required. The keys are copied.
func NewSigner(keys [][]byte, opts SignerOptions) (*Signer, error) {
	if len(keys) == 0 {
		return nil, errors.New("itsdangerous: no secret key given; pass at least one")
	}
	salt, err := resolveSalt(opts.Salt, opts.EmptySalt, DefaultSignerSalt)
	if err != nil {
		return nil, err
	}
	sep := opts.Sep
	if sep == 0 {
		sep = '.'
	}
	if isBase64Alphabet(sep) {
		return nil, fmt.Errorf("itsdangerous: separator %q cannot be used because it may be contained in the signature itself; "+
			"ASCII letters, digits and '-_=' must not be used", sep)
	}
	digest := opts.Digest
	if digest == nil {
		digest = sha1.New
	}
	h := digest()
	if h == nil {
		return nil, errors.New("itsdangerous: Digest returned a nil hash; pass a constructor such as sha256.New")
	}
	s := &Signer{sep: sep, macs: make([]sync.Pool, len(keys)), sigSize: b64.EncodedLen(h.Size())}
	for i, k := range keys {
		if len(k) == 0 {
			return nil, fmt.Errorf("itsdangerous: secret key %d is empty; use a long random key", i)
		}
		dk, err := deriveKey(opts.KeyDerivation, digest, salt, k)
		if err != nil {
			return nil, err
		}
		s.macs[i].New = func() any {
			h := hmac.New(digest, dk)
			return &mac{Hash: h, sum: make([]byte, 0, h.Size()), enc: make([]byte, 0, s.sigSize)}
		}
	}
	return s, nil
}

// resolveSalt applies the "" = default rule and the EmptySalt escape hatch.
func resolveSalt(salt string, empty bool, def string) ([]byte, error) {
	switch {
	case empty && salt != "":
		return nil, errors.New("itsdangerous: EmptySalt is set but Salt is not empty; set only one of them")
	case empty:
		return []byte{}, nil
	case salt == "":
		return []byte(def), nil
	}
	return []byte(salt), nil
}

func deriveKey(kd KeyDerivation, digest func() hash.Hash, salt, secret []byte) ([]byte, error) {
	switch kd {
	case DjangoConcat:
		h := digest()
		h.Write(salt)
		h.Write([]byte("signer"))
		h.Write(secret)
		return h.Sum(nil), nil
	case Concat:
		h := digest()
		h.Write(salt)
		h.Write(secret)
		return h.Sum(nil), nil
	case HMAC:
		m := hmac.New(digest, secret)
		m.Write(salt)
		return m.Sum(nil), nil
	case None:
		return bytes.Clone(secret), nil
	}
	return nil, fmt.Errorf("itsdangerous: unknown key derivation %d; use DjangoConcat, Concat, HMAC or None", int(kd))
}

// appendSignature appends the base64 signature of value under key i to
// dst. value is read before dst is written.
func (s *Signer) appendSignature(dst []byte, i int, value []byte) []byte {
	m := s.macs[i].Get().(*mac)
	m.Write(value)
	dst = b64.AppendEncode(dst, m.Sum(m.sum[:0]))
	m.Reset()
	s.macs[i].Put(m)
	return dst
}

// Sign returns value + sep + signature, signed with the newest key. The
// result is a new slice.
func (s *Signer) Sign(value []byte) []byte {
	out := make([]byte, 0, len(value)+1+s.sigSize)
	return s.appendSign(append(out, value...))
}

// appendSign appends sep and the signature of value, signed with the newest
// key, to value.
func (s *Signer) appendSign(value []byte) []byte {
	n := len(value)
	return s.appendSignature(append(value, s.sep), 0, value[:n])
}

// Unsign verifies signed and returns the value without its signature (a new
// slice). Every key is tried, newest first, with constant-time comparisons.
// Errors match ErrBadSignature; the unverified value is in Error.Payload.
func (s *Signer) Unsign(signed []byte) ([]byte, error) {
	i := bytes.LastIndexByte(signed, s.sep)
	if i < 0 {
		return nil, newError(badSignature, fmt.Sprintf("no %q separator found in value", s.sep))
	}
	value, sig := signed[:i], signed[i+1:]
	if s.verify(value, sig) {
		return bytes.Clone(value), nil
	}
	e := newError(badSignature, "signature does not match")
	e.Payload = bytes.Clone(value)
	return nil, e
}

// Validate reports whether signed carries a valid signature.
func (s *Signer) Validate(signed []byte) bool {
	_, err := s.Unsign(signed)
	return err == nil
}

// verify compares sig with the canonical encoding of the expected signature
// under each key. Comparing encodings rather than decoded bytes refuses the
// non-canonical base64 that Python's lenient decoder would let through.
func (s *Signer) verify(value, sig []byte) bool {
	if len(sig) != s.sigSize {
		return false // lengths are public; skip the HMACs
	}
	ok := false
	for i := range s.macs {
		m := s.macs[i].Get().(*mac)
		m.Write(value)
		m.enc = b64.AppendEncode(m.enc[:0], m.Sum(m.sum[:0]))
		if hmac.Equal(m.enc, sig) {
			ok = true
		}
		m.Reset()
		s.macs[i].Put(m)
	}
	return ok
}
