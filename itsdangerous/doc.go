// Package itsdangerous is a Go port of Python's itsdangerous 2.x with the
// same wire format and semantics: tokens signed here verify in Python and
// the other way round, given the same keys and options. Use it for
// Flask-style signed data such as password-reset links, e-mail confirmation
// links and Flask's session cookie.
//
// The pieces, from the bottom up:
//
//   - Signer appends an HMAC signature to bytes and checks it.
//   - TimestampSigner also records when it signed, so signatures can expire.
//   - EncodePayload and DecodePayload are the URL-safe payload encoding
//     (zlib when it helps, then base64url), with a bounded decompressed size.
//   - Serializer, URLSafeSerializer, TimedSerializer and
//     URLSafeTimedSerializer sign values serialized by a Codec (JSON by
//     default, as in Python).
//
// A password-reset link:
//
//	s, err := itsdangerous.NewURLSafeTimedSerializer(
//		[][]byte{secretKey}, itsdangerous.SerializerOptions{Salt: "password-reset"})
//	token, err := s.Dumps(map[string]any{"user_id": 42})
//	// later, from the link:
//	var data struct{ UserID int `json:"user_id"` }
//	_, err = s.Loads(token, &data, time.Hour)
//	if errors.Is(err, itsdangerous.ErrSignatureExpired) { /* link too old */ }
//
// Differences from Python, all deliberate:
//
//   - Secret keys are listed newest first (Python lists them oldest first);
//     the newest signs and all verify, newest first.
//   - An empty Salt means the type's default salt; set EmptySalt for
//     Python's salt=b"".
//   - A maximum age of 0 means "do not check", like Python's max_age=None.
//   - Signatures and timestamps must be canonical base64: Python's decoder
//     also ignores stray characters and padding bits, so it accepts a few
//     altered spellings of a valid token that are refused here.
//   - Compressed payloads come from Go's compress/zlib rather than C zlib:
//     each side reads the other's, but a compressed token may differ from the
//     one Python makes, and payloads within a byte of the compression
//     threshold may be compressed by one side only. Uncompressed tokens are
//     byte-identical.
//   - Errors are *Error values whose Kind is one of the sentinels ErrBadData,
//     ErrBadSignature, ErrBadTimeSignature, ErrSignatureExpired and
//     ErrBadPayload, arranged as Python's exception classes; messages never
//     contain keys, signatures or token contents.
package itsdangerous
