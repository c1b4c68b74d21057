package itsdangerous

import (
	"time"
)

// TimedSerializer is a Serializer that records when each token was signed,
// so tokens can expire, byte-compatible with Python's
// itsdangerous.TimedSerializer. It is safe for concurrent use.
type TimedSerializer struct {
	signer *TimestampSigner
	pc     payloadCodec
}

// NewTimedSerializer returns a TimedSerializer. keys lists the secret keys
// newest first: keys[0] signs and all verify.
func NewTimedSerializer(keys [][]byte, opts SerializerOptions) (*TimedSerializer, error) {
	return newTimedSerializer(keys, opts, false)
}

func newTimedSerializer(keys [][]byte, opts SerializerOptions, urlSafe bool) (*TimedSerializer, error) {
	so, err := opts.signerOptions()
	if err != nil {
		return nil, err
	}
	s, err := NewTimestampSigner(keys, so)
	if err != nil {
		return nil, err
	}
	return &TimedSerializer{signer: s, pc: newPayloadCodec(opts, urlSafe)}, nil
}

// Dumps serializes v and signs it with the current time.
func (s *TimedSerializer) Dumps(v any) (string, error) {
	p, err := s.pc.dump(v)
	if err != nil {
		return "", err
	}
	return string(s.signer.Sign(p)), nil
}

// Loads verifies token, decodes its value into v (a pointer, as for
// json.Unmarshal) and returns when the token was signed. With maxAge 0 the
// age is not checked; otherwise a token older than maxAge or dated in the
// future fails with ErrSignatureExpired, as in Python. A bad token matches
// ErrBadSignature; a payload that cannot be decoded matches ErrBadPayload.
func (s *TimedSerializer) Loads(token string, v any, maxAge time.Duration) (time.Time, error) {
	p, ts, err := s.signer.Unsign([]byte(token), maxAge)
	if err != nil {
		return time.Time{}, err
	}
	if err := s.pc.load(p, v); err != nil {
		return time.Time{}, err
	}
	return ts, nil
}

// URLSafeTimedSerializer is a TimedSerializer whose tokens hold only
// URL-safe characters, byte-compatible with Python's
// itsdangerous.URLSafeTimedSerializer, the serializer behind Flask's session
// cookie and most password-reset links.
type URLSafeTimedSerializer struct {
	TimedSerializer
}

// NewURLSafeTimedSerializer returns a URLSafeTimedSerializer; see
// NewTimedSerializer.
func NewURLSafeTimedSerializer(keys [][]byte, opts SerializerOptions) (*URLSafeTimedSerializer, error) {
	s, err := newTimedSerializer(keys, opts, true)
	if err != nil {
		return nil, err
	}
	return &URLSafeTimedSerializer{TimedSerializer: *s}, nil
}
