package seal

import (
	"encoding/base64"
	"strings"
)

// A cookie is sealed in a pooled buffer (state.GetBuffer), then
// base64url-encoded into the string it is sent as: the buffer goes back to
// the pool, and the encoding is written into the string's own storage in
// chunks, so sealing a 3 KB cookie allocates the string and nothing else of
// its size.

// encodedChunk is how many bytes encodeTo encodes at a time: a multiple of
// three, so the chunks' encodings join with no padding between them.
const encodedChunk = 768

// encodeTo writes the unpadded base64url encoding of src to b.
func encodeTo(b *strings.Builder, src []byte) {
	enc := base64.RawURLEncoding
	var chunk [encodedChunk / 3 * 4]byte
	for len(src) > 0 {
		n := min(len(src), encodedChunk)
		enc.Encode(chunk[:], src[:n])
		b.Write(chunk[:enc.EncodedLen(n)])
		src = src[n:]
	}
}
