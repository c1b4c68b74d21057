package itsdangerous

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
)

// b64 is itsdangerous's base64: URL-safe alphabet, padding stripped.
// Decoding is strict (canonical encodings only), which Python's lenient
// decoder also accepts, so every token Python produces decodes here.
var b64 = base64.RawURLEncoding.Strict()

// isBase64Alphabet reports whether c may appear in a base64 string as
// Python's itsdangerous sees it (letters, digits and "-_="), which makes it
// unusable as a separator.
func isBase64Alphabet(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '='
}

func base64Encode(src []byte) []byte {
	dst := make([]byte, b64.EncodedLen(len(src)))
	b64.Encode(dst, src)
	return dst
}

var errNewline = errors.New("line break in base64 data")

func base64Decode(src []byte) ([]byte, error) {
	// Go's decoder skips CR and LF even in strict mode; refuse them so
	// that a value has exactly one encoding.
	if bytes.ContainsAny(src, "\r\n") {
		return nil, errNewline
	}
	dst := make([]byte, b64.DecodedLen(len(src)))
	n, err := b64.Decode(dst, src)
	if err != nil {
		return nil, err
	}
	return dst[:n], nil
}

// intToBytes encodes n big-endian without leading zero bytes, as Python's
// int_to_bytes does (0 encodes to no bytes at all), in buf.
func intToBytes(buf *[8]byte, n uint64) []byte {
	binary.BigEndian.PutUint64(buf[:], n)
	i := 0
	for i < len(buf) && buf[i] == 0 {
		i++
	}
	return buf[i:]
}

var errIntTooLong = errors.New("more than 8 bytes")

// bytesToInt is the inverse of intToBytes; leading zero bytes are allowed
// and more than eight bytes is an error, as in Python.
func bytesToInt(b []byte) (uint64, error) {
	if len(b) > 8 {
		return 0, errIntTooLong
	}
	var buf [8]byte
	copy(buf[8-len(b):], b)
	return binary.BigEndian.Uint64(buf[:]), nil
}
