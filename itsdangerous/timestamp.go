package itsdangerous

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// maxTimestamp is the last second Python's datetime can represent
// (9999-12-31T23:59:59Z). Python cannot turn a later timestamp into a date,
// so such tokens are refused as malformed.
const maxTimestamp = 253402300799

// TimestampSigner is a Signer that also records when the value was signed,
// so that signatures can expire, byte-compatible with Python's
// itsdangerous.TimestampSigner. It is safe for concurrent use.
//
// A token is value + sep + base64(timestamp) + sep + signature, where the
// timestamp is whole Unix seconds, big-endian, without leading zero bytes.
type TimestampSigner struct {
	signer *Signer
	now    func() time.Time
}

// NewTimestampSigner returns a TimestampSigner; keys and opts are as for
// NewSigner (default salt "itsdangerous.Signer"), and opts.Now is the clock
// of Sign and Unsign (default time.Now).
func NewTimestampSigner(keys [][]byte, opts SignerOptions) (*TimestampSigner, error) {
	s, err := NewSigner(keys, opts)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &TimestampSigner{signer: s, now: now}, nil
}

// Sign signs value with the current time (see SignAt).
func (s *TimestampSigner) Sign(value []byte) []byte {
	return s.SignAt(value, s.now())
}

// SignAt signs value as of t, truncated to whole seconds as Python's
// int(time.time()). Times before 1970 are recorded as 0 (Python cannot sign
// them at all).
func (s *TimestampSigner) SignAt(value []byte, t time.Time) []byte {
	var buf [8]byte
	ts := intToBytes(&buf, uint64(max(t.Unix(), 0)))
	out := make([]byte, 0, len(value)+1+b64.EncodedLen(len(ts))+1+s.signer.sigSize)
	out = append(out, value...)
	out = append(out, s.signer.sep)
	out = b64.AppendEncode(out, ts)
	return s.signer.appendSign(out)
}

// Unsign verifies signed against the current time (see UnsignAt).
func (s *TimestampSigner) Unsign(signed []byte, maxAge time.Duration) (value []byte, ts time.Time, err error) {
	return s.UnsignAt(signed, maxAge, s.now())
}

// UnsignAt verifies signed and returns the value and when it was signed
// (UTC). With maxAge 0 the age is not checked, like Python's max_age=None.
// Otherwise, as in Python, a token older than maxAge, or dated in the future
// at all (age < 0), fails with ErrSignatureExpired; the error's DateSigned
// tells when it was signed. Other failures match ErrBadSignature, and
// ErrBadTimeSignature when the token got as far as having a timestamp.
func (s *TimestampSigner) UnsignAt(signed []byte, maxAge time.Duration, now time.Time) (value []byte, ts time.Time, err error) {
	sep := s.signer.sep
	result, sigErr := s.signer.Unsign(signed)
	var sigError *Error
	if sigErr != nil {
		if !errors.As(sigErr, &sigError) {
			return nil, time.Time{}, sigErr
		}
		result = sigError.Payload
	}

	i := bytes.LastIndexByte(result, sep)
	if i < 0 {
		if sigError != nil {
			return nil, time.Time{}, sigError
		}
		e := newError(badTimeSignature, "timestamp missing")
		e.Payload = result
		return nil, time.Time{}, e
	}
	value, tsField := result[:i], result[i+1:]
	tsInt, tsOK := parseTimestamp(tsField)

	if sigError != nil {
		e := newError(badTimeSignature, sigError.Message)
		e.Payload = value
		if tsOK {
			if tsInt > maxTimestamp {
				e.Message = "malformed timestamp"
			} else {
				e.DateSigned = time.Unix(int64(tsInt), 0).UTC()
			}
		}
		return nil, time.Time{}, e
	}
	if !tsOK || tsInt > maxTimestamp {
		e := newError(badTimeSignature, "malformed timestamp")
		e.Payload = value
		return nil, time.Time{}, e
	}
	ts = time.Unix(int64(tsInt), 0).UTC()

	if maxAge != 0 {
		age := now.Unix() - int64(tsInt)
		var msg string
		switch {
		case float64(age) > maxAge.Seconds():
			msg = fmt.Sprintf("signature age %d > %s seconds", age, strconv.FormatFloat(maxAge.Seconds(), 'f', -1, 64))
		case age < 0:
			msg = fmt.Sprintf("signature age %d < 0 seconds", age)
		}
		if msg != "" {
			e := newError(signatureExpired, msg)
			e.Payload = value
			e.DateSigned = ts
			return nil, time.Time{}, e
		}
	}
	return value, ts, nil
}

// Validate reports whether signed is valid and, if maxAge is not 0, not
// expired at the current time.
func (s *TimestampSigner) Validate(signed []byte, maxAge time.Duration) bool {
	_, _, err := s.Unsign(signed, maxAge)
	return err == nil
}

func parseTimestamp(field []byte) (uint64, bool) {
	// More than 11 characters decode to more than 8 bytes, which
	// bytesToInt refuses; this bounds the buffer.
	var raw [8]byte
	if len(field) > 11 || bytes.ContainsAny(field, "\r\n") {
		return 0, false
	}
	n, err := b64.Decode(raw[:], field)
	if err != nil {
		return 0, false
	}
	ts, err := bytesToInt(raw[:n])
	return ts, err == nil
}
