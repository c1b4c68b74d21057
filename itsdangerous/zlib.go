package itsdangerous

import (
	"bytes"
	"compress/zlib"
	"io"
	"math/bits"
	"sync"
)

// Compressors and decompressors are pooled: a zlib writer allocates close
// to a megabyte of tables, and Flask's format tries compression on every
// cookie it writes.
var (
	zlibWriters = sync.Pool{New: func() any {
		w, _ := zlib.NewWriterLevel(nil, zlibLevel) // the level is valid
		return w
	}}
	zlibReaders sync.Pool // of io.ReadCloser that are zlib.Resetter
)

// zlibLevel is the level that makes Go's compressor write what C zlib's
// default level writes for a cookie-sized input: one Huffman-coded block.
// Up to Go 1.26 that is the default level; from Go 1.27 the default level
// stores inputs of a few dozen bytes uncompressed, while the best level
// still codes them as C zlib does.
var zlibLevel = func() int {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write([]byte(`{"cart":["apple","apple","apple"]}`))
	w.Close()
	const header = 2
	if buf.Bytes()[header]&0b110 == 0 { // BTYPE 00: a stored block
		return zlib.BestCompression
	}
	return zlib.DefaultCompression
}()

// inflate returns a zlib reader of z, from the pool when it can. Give it
// back with releaseInflater.
func inflate(z []byte) (io.ReadCloser, error) {
	if r, ok := zlibReaders.Get().(io.ReadCloser); ok {
		if err := r.(zlib.Resetter).Reset(bytes.NewReader(z), nil); err != nil {
			zlibReaders.Put(r)
			return nil, err
		}
		return r, nil
	}
	return zlib.NewReader(bytes.NewReader(z))
}

func releaseInflater(r io.ReadCloser) {
	r.Close()
	zlibReaders.Put(r)
}

// zlibCompress compresses data at zlib's default level, like Python's
// zlib.compress(data).
//
// Go's writer ends every stream with an empty final block (a stored one up
// to Go 1.26, a fixed-Huffman one from Go 1.27), which C zlib does not
// write; that costs two to five bytes, enough to change the compress-or-not
// decision for small payloads. When the data fitted in one block,
// zlibCompress removes the empty block and marks the data block final
// instead, and keeps the result only if it decompresses to data. For tiny
// inputs the output is then byte-identical to C zlib's.
func zlibCompress(data []byte) []byte {
	var buf bytes.Buffer
	w := zlibWriters.Get().(*zlib.Writer)
	w.Reset(&buf)
	w.Write(data) // writes to a bytes.Buffer cannot fail
	w.Close()
	zlibWriters.Put(w)
	z := buf.Bytes()
	// The header's level field is informative only; say "default", as
	// C zlib does, whichever level made the stream.
	z[0], z[1] = 0x78, 0x9c
	for _, trim := range [...]func([]byte) []byte{trimEmptyFinalBlock, trimEmptyFixedFinalBlock} {
		if t := trim(z); t != nil && inflatesTo(t, data) {
			return t
		}
	}
	return z
}

// trimEmptyFinalBlock rewrites a zlib stream ending in an empty final stored
// block (header bits 1,0,0 at some bit position p, zero padding to the byte
// boundary, then LEN 0000 and NLEN ffff) into one whose first block is
// final. It returns nil when the stream does not have that shape.
func trimEmptyFinalBlock(z []byte) []byte {
	const header, trailer = 2, 4 // zlib header; Adler-32 checksum
	n := len(z)
	if n < header+5+trailer || !bytes.Equal(z[n-trailer-4:n-trailer], []byte{0, 0, 0xff, 0xff}) {
		return nil
	}
	out := bytes.Clone(z[:n-trailer-4])
	if out[len(out)-1] == 0 {
		// The three header bits straddled a byte boundary (p%8 >= 6):
		// this byte holds only zero header bits and padding.
		out = out[:len(out)-1]
	}
	last := out[len(out)-1]
	if len(out) <= header || last == 0 {
		return nil
	}
	p := bits.Len8(last) - 1 // the empty block's BFINAL bit: the highest set bit
	if last &^= 1 << p; p == 0 {
		out = out[:len(out)-1] // the previous block ended on a byte boundary
	} else {
		out[len(out)-1] = last
	}
	if len(out) <= header {
		return nil // the stream had no other block
	}
	out[header] |= 1 // BFINAL of the first block
	return append(out, z[n-trailer:]...)
}

// trimEmptyFixedFinalBlock rewrites a zlib stream ending in an empty final
// fixed-Huffman block (bits 1, 1, 0 for BFINAL and BTYPE 01, then the
// seven zero bits of end-of-block, then zero padding) into one whose first
// block is final. The block's BTYPE bit is the highest set bit of the
// stream's tail, so the block starts one bit below it. It returns nil when
// the stream does not have that shape.
func trimEmptyFixedFinalBlock(z []byte) []byte {
	const header, trailer = 2, 4 // zlib header; Adler-32 checksum
	n := len(z)
	if n < header+3+trailer {
		return nil
	}
	body := z[header : n-trailer]
	end := len(body) - 1 // the last byte with a set bit
	for end >= 0 && body[end] == 0 {
		end--
	}
	if end < 0 || len(body)-end > 2 { // ten bits and padding fill at most two bytes past it
		return nil
	}
	top := end*8 + bits.Len8(body[end]) - 1 // BTYPE's low bit
	p := top - 1                            // BFINAL of the empty block
	if p < 3 || body[p/8]&(1<<(p%8)) == 0 || len(body)*8-p < 10 {
		return nil
	}
	out := make([]byte, header, header+(p+7)/8+trailer)
	copy(out, z[:header])
	out = append(out, body[:(p+7)/8]...)
	if p%8 != 0 {
		out[len(out)-1] &= 1<<(p%8) - 1 // clear the empty block's bits
	}
	out[header] |= 1 // BFINAL of the first block
	return append(out, z[n-trailer:]...)
}

func inflatesTo(z, data []byte) bool {
	r, err := inflate(z)
	if err != nil {
		return false
	}
	defer releaseInflater(r)
	got, err := io.ReadAll(io.LimitReader(r, int64(len(data))+1))
	return err == nil && bytes.Equal(got, data)
}
