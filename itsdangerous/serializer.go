package itsdangerous

import (
	"fmt"
	"hash"
	"time"
)

// DefaultSerializerSalt is the salt of every Serializer type when
// SerializerOptions.Salt is empty, as in Python.
const DefaultSerializerSalt = "itsdangerous"

// SerializerOptions configures the Serializer types. The zero value gives
// Python's defaults: salt "itsdangerous", django-concat key derivation,
// HMAC-SHA1, separator '.', JSON as Python writes it.
type SerializerOptions struct {
	// Salt distinguishes tokens made for different purposes with the same
	// keys, such as "password-reset" or Flask's "cookie-session". ""
	// means DefaultSerializerSalt; set EmptySalt for a truly empty salt.
	Salt string
	// EmptySalt, when true, uses an empty salt (Python's salt=b""). Salt
	// must then be "".
	EmptySalt bool
	// KeyDerivation derives the signing key; default DjangoConcat. Flask's
	// session cookies use HMAC.
	KeyDerivation KeyDerivation
	// Digest is the hash of the key derivation and HMAC; nil means sha1.New.
	Digest func() hash.Hash
	// Sep separates the parts of a token; 0 means '.'.
	Sep byte
	// Codec turns values into bytes; nil means JSON{} for Serializer and
	// TimedSerializer and JSON{Compact: true, Unicode: true} for the
	// URL-safe types, as in Python.
	Codec Codec
	// MaxPayloadSize bounds a URL-safe payload once decoded and
	// decompressed; 0 means DefaultMaxPayloadSize (1 MiB).
	MaxPayloadSize int
	// Now is the clock of the timed types; nil means time.Now.
	Now func() time.Time
}

func (o SerializerOptions) signerOptions() (SignerOptions, error) {
	if o.EmptySalt && o.Salt != "" {
		return SignerOptions{}, fmt.Errorf("itsdangerous: EmptySalt is set but Salt is not empty; set only one of them")
	}
	salt := o.Salt
	if salt == "" && !o.EmptySalt {
		salt = DefaultSerializerSalt
	}
	return SignerOptions{
		Salt:          salt,
		EmptySalt:     o.EmptySalt,
		KeyDerivation: o.KeyDerivation,
		Digest:        o.Digest,
		Sep:           o.Sep,
		Now:           o.Now,
	}, nil
}

// payloadCodec is the pipeline between a value and the signed payload:
// Codec, then (URL-safe types only) EncodePayload.
type payloadCodec struct {
	codec   Codec
	urlSafe bool
	maxSize int
}

func newPayloadCodec(o SerializerOptions, urlSafe bool) payloadCodec {
	c := payloadCodec{codec: o.Codec, urlSafe: urlSafe, maxSize: o.MaxPayloadSize}
	if c.codec == nil {
		if urlSafe {
			c.codec = JSON{Compact: true, Unicode: true}
		} else {
			c.codec = JSON{}
		}
	}
	return c
}

func (c payloadCodec) dump(v any) ([]byte, error) {
	b, err := c.codec.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("itsdangerous: cannot serialize the value: %w", err)
	}
	if c.urlSafe {
		b = EncodePayload(b)
	}
	return b, nil
}

func (c payloadCodec) load(p []byte, v any) error {
	if c.urlSafe {
		var err error
		if p, err = DecodePayload(p, c.maxSize); err != nil {
			return err
		}
	}
	if err := c.codec.Unmarshal(p, v); err != nil {
		return &Error{Kind: badPayload, Message: "could not load the payload", Err: err}
	}
	return nil
}

// Serializer signs values serialized with a Codec, byte-compatible with
// Python's itsdangerous.Serializer: the token is the JSON text, the
// separator and the signature. It is safe for concurrent use.
type Serializer struct {
	signer *Signer
	pc     payloadCodec
}

// NewSerializer returns a Serializer. keys lists the secret keys newest
// first: keys[0] signs and all verify.
func NewSerializer(keys [][]byte, opts SerializerOptions) (*Serializer, error) {
	return newSerializer(keys, opts, false)
}

func newSerializer(keys [][]byte, opts SerializerOptions, urlSafe bool) (*Serializer, error) {
	so, err := opts.signerOptions()
	if err != nil {
		return nil, err
	}
	s, err := NewSigner(keys, so)
	if err != nil {
		return nil, err
	}
	return &Serializer{signer: s, pc: newPayloadCodec(opts, urlSafe)}, nil
}

// Dumps serializes v and signs it.
func (s *Serializer) Dumps(v any) (string, error) {
	p, err := s.pc.dump(v)
	if err != nil {
		return "", err
	}
	return string(s.signer.Sign(p)), nil
}

// Loads verifies token and decodes its value into v, which must be a
// pointer as for json.Unmarshal. A bad token matches ErrBadSignature; a
// payload that cannot be decoded matches ErrBadPayload.
func (s *Serializer) Loads(token string, v any) error {
	p, err := s.signer.Unsign([]byte(token))
	if err != nil {
		return err
	}
	return s.pc.load(p, v)
}

// URLSafeSerializer is a Serializer whose tokens hold only URL-safe
// characters (letters, digits, '-', '_' and '.'), byte-compatible with
// Python's itsdangerous.URLSafeSerializer: the payload is compact JSON,
// zlib-compressed when that helps (see EncodePayload), then base64url.
type URLSafeSerializer struct {
	Serializer
}

// NewURLSafeSerializer returns a URLSafeSerializer; see NewSerializer.
func NewURLSafeSerializer(keys [][]byte, opts SerializerOptions) (*URLSafeSerializer, error) {
	s, err := newSerializer(keys, opts, true)
	if err != nil {
		return nil, err
	}
	return &URLSafeSerializer{Serializer: *s}, nil
}
