package itsdangerous

import (
	"fmt"
	"io"
)

// DefaultMaxPayloadSize bounds a decoded (and decompressed) payload when no
// other limit is given: 1 MiB.
const DefaultMaxPayloadSize = 1 << 20

// EncodePayload encodes data as Python's URL-safe serializers do: it is
// zlib-compressed when that saves more than one byte (len(compressed) <
// len(data)-1, exactly Python's rule), then base64url-encoded without
// padding, and a compressed payload is marked with a leading '.'.
//
// The compressed bytes come from Go's compress/zlib, which is not
// byte-identical to the C zlib behind Python: each side reads
// the other's payloads, but a compressed token may differ from Python's,
// and within a byte or so of the threshold the two may decide differently.
//
// A short payload that provably cannot compress enough, as most session
// cookies, is encoded without running the compressor, with the same result.
func EncodePayload(data []byte) []byte {
	if !cannotCompress(data) {
		if z := zlibCompress(data); len(z) < len(data)-1 {
			out := make([]byte, 1+b64.EncodedLen(len(z)))
			out[0] = '.'
			b64.Encode(out[1:], z)
			return out
		}
	}
	return base64Encode(data)
}

// DecodePayload reverses EncodePayload. maxSize bounds the decoded payload,
// after decompression, so a zlib bomb costs at most maxSize bytes of work;
// maxSize <= 0 means DefaultMaxPayloadSize. Errors match ErrBadPayload. As
// in Python, bytes after the end of the zlib stream are ignored.
func DecodePayload(p []byte, maxSize int) ([]byte, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxPayloadSize
	}
	compressed := len(p) > 0 && p[0] == '.'
	if compressed {
		p = p[1:]
	}
	// A legitimate payload is never larger encoded than decoded (zlib is
	// only used when it shrinks the data), so refuse before decoding.
	if b64.DecodedLen(len(p)) > maxSize {
		return nil, payloadTooLarge(maxSize)
	}
	data, err := base64Decode(p)
	if err != nil {
		return nil, &Error{Kind: badPayload, Message: "could not base64 decode the payload", Err: err}
	}
	if !compressed {
		return data, nil
	}
	zr, err := inflate(data)
	if err != nil {
		return nil, zlibError(err)
	}
	defer releaseInflater(zr)
	out, err := io.ReadAll(io.LimitReader(zr, int64(maxSize)+1))
	if err != nil {
		return nil, zlibError(err)
	}
	if len(out) > maxSize {
		return nil, payloadTooLarge(maxSize)
	}
	return out, nil
}

func zlibError(err error) error {
	return &Error{Kind: badPayload, Message: "could not zlib decompress the payload", Err: err}
}

func payloadTooLarge(maxSize int) error {
	return newError(badPayload, fmt.Sprintf("payload is larger than the limit of %d bytes; raise the limit if this payload is legitimate", maxSize))
}
