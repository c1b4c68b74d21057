package flask

import (
	"encoding/hex"
	"errors"
	"strings"
)

// UUID is a Python uuid.UUID. Flask writes it as {" u": "<32 hex digits>"};
// it decodes to a UUID and a UUID written by Go reaches Flask as a
// uuid.UUID. The zero value is the nil UUID.
type UUID [16]byte

// String returns the canonical form, as Python's str(uuid):
// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in lowercase hex.
func (u UUID) String() string {
	h := u.hex()
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// hex returns the 32 lowercase hex digits Flask writes (uuid.hex).
func (u UUID) hex() string { return hex.EncodeToString(u[:]) }

var errBadUUID = errors.New("flask: not a UUID: want 32 hex digits, optionally with hyphens, braces or a urn:uuid: prefix")

// ParseUUID parses the forms Python's uuid.UUID(str) accepts: 32 hex
// digits in either case with any hyphens, optionally in braces or after
// "urn:uuid:".
func ParseUUID(s string) (UUID, error) {
	s = strings.ReplaceAll(s, "urn:", "")
	s = strings.ReplaceAll(s, "uuid:", "")
	s = strings.Trim(s, "{}")
	s = strings.ReplaceAll(s, "-", "")
	var u UUID
	if len(s) != 32 {
		return u, errBadUUID
	}
	if _, err := hex.Decode(u[:], []byte(s)); err != nil {
		return u, errBadUUID
	}
	return u, nil
}

// MarshalText returns the canonical form, so a UUID inside a struct is
// stored as that string.
func (u UUID) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// UnmarshalText parses the forms ParseUUID accepts.
func (u *UUID) UnmarshalText(b []byte) error {
	p, err := ParseUUID(string(b))
	if err != nil {
		return err
	}
	*u = p
	return nil
}
