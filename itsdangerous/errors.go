package itsdangerous

import (
	"time"
)

// class is an error class of Python's itsdangerous exception hierarchy. Each
// class knows its parent, so errors.Is(ErrSignatureExpired, ErrBadSignature)
// holds just as issubclass(SignatureExpired, BadSignature) does in Python.
type class struct {
	name   string
	parent *class
}

func (c *class) Error() string { return "itsdangerous: " + c.name }

// Is reports whether target is one of c's ancestors (c itself is matched by
// errors.Is before this method is called).
func (c *class) Is(target error) bool {
	for p := c.parent; p != nil; p = p.parent {
		if p == target {
			return true
		}
	}
	return false
}

var (
	badData          = &class{name: "bad data"}
	badSignature     = &class{name: "bad signature", parent: badData}
	badTimeSignature = &class{name: "bad time signature", parent: badSignature}
	signatureExpired = &class{name: "signature expired", parent: badTimeSignature}
	badPayload       = &class{name: "bad payload", parent: badData}
)

// Sentinel errors mirroring Python's exception classes. Match them with
// errors.Is; a more specific error also matches every class above it:
//
//	BadData
//	├── BadSignature
//	│   └── BadTimeSignature
//	│       └── SignatureExpired
//	└── BadPayload
//
// Every error returned for bad input is an *Error whose Kind is one of these.
var (
	// ErrBadData is the root of the hierarchy: any bad input.
	ErrBadData error = badData
	// ErrBadSignature: the signature is missing or does not match any key.
	ErrBadSignature error = badSignature
	// ErrBadTimeSignature: a timestamped token is invalid (bad signature,
	// missing or malformed timestamp).
	ErrBadTimeSignature error = badTimeSignature
	// ErrSignatureExpired: the signature is valid but older than the maximum
	// age, or dated in the future.
	ErrSignatureExpired error = signatureExpired
	// ErrBadPayload: the signed payload could not be decoded (bad base64,
	// bad zlib data, too large once decompressed, or rejected by the Codec).
	ErrBadPayload error = badPayload
)

// Error is the error returned for bad input. Its message never contains
// keys, signatures or token contents.
type Error struct {
	// Kind is the most specific class: ErrBadData, ErrBadSignature,
	// ErrBadTimeSignature, ErrSignatureExpired or ErrBadPayload.
	Kind error
	// Message says what went wrong, in the words of Python's itsdangerous.
	Message string
	// Payload is, for signature errors, the value whose signature was
	// checked (Python's BadSignature.payload). It is NOT verified: never
	// trust it, and do not log it. Nil when the token had no separator.
	Payload []byte
	// DateSigned is, for time-signature errors, when the token claims to
	// have been signed (UTC); the zero time when unknown. For
	// ErrSignatureExpired it is always set and verified.
	DateSigned time.Time
	// Err is the underlying cause (Python's original_error), if any.
	Err error
}

// Error returns "itsdangerous: " followed by the message and the cause.
func (e *Error) Error() string {
	msg := "itsdangerous: " + e.Message
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the error's class and its cause, so that errors.Is matches
// both the class hierarchy and the underlying error.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func newError(kind *class, msg string) *Error {
	return &Error{Kind: kind, Message: msg}
}
