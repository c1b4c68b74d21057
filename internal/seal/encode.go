package seal

import (
	"encoding/base64"
	"strings"
	"sync"
)

// A cookie is sealed in a scratch buffer, then base64url-encoded into the
// string it is sent as: the scratch buffer goes back to a pool, and the
// encoding is written into the string's own storage in chunks, so sealing
// a 3 KB cookie allocates the string and nothing else of its size.

// scratch holds the buffers bodies are sealed in.
var scratch = sync.Pool{New: func() any { return new([]byte) }}

// maxPooled is the largest scratch buffer kept for the next cookie: the
// largest cookie a browser keeps, with room for the format's overhead.
const maxPooled = 8 << 10

// getScratch returns an empty buffer of at least n bytes' capacity.
func getScratch(n int) *[]byte {
	p := scratch.Get().(*[]byte)
	if cap(*p) < n {
		*p = make([]byte, 0, max(n, 512))
	}
	*p = (*p)[:0]
	return p
}

// putScratch returns p to the pool, unless it grew too large to keep.
func putScratch(p *[]byte) {
	if cap(*p) <= maxPooled {
		scratch.Put(p)
	}
}

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
