package filestore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"time"

	session "github.com/websession/session"
)

// The session file format, version 1. All integers are big-endian.
//
//	offset size
//	     0    4  magic "WSES"
//	     4    1  format version (1)
//	     5    3  reserved, zero
//	     8    8  expiry, Unix seconds (signed)
//	    16    4  expiry, nanoseconds within the second
//	    20    8  record version
//	    28    8  data length n
//	    36    4  CRC-32C (Castagnoli) of bytes 0..35 followed by the data
//	    40    n  data
const (
	magic         = "WSES"
	formatVersion = 1
	headerSize    = 40
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorrupt marks a file that is not a valid session file.
var errCorrupt = errors.New("filestore: corrupt session file")

// encode returns the file contents for rec.
func encode(rec session.Record) []byte {
	b := make([]byte, headerSize, headerSize+len(rec.Data))
	copy(b, magic)
	b[4] = formatVersion
	binary.BigEndian.PutUint64(b[8:], uint64(rec.Expires.Unix()))
	binary.BigEndian.PutUint32(b[16:], uint32(rec.Expires.Nanosecond()))
	binary.BigEndian.PutUint64(b[20:], rec.Version)
	binary.BigEndian.PutUint64(b[28:], uint64(len(rec.Data)))
	crc := crc32.Update(crc32.Checksum(b[:36], castagnoli), castagnoli, rec.Data)
	binary.BigEndian.PutUint32(b[36:], crc)
	return append(b, rec.Data...)
}

// decode parses file contents. Its errors wrap errCorrupt and say why.
// The returned record's Data aliases b.
func decode(b []byte) (session.Record, error) {
	if len(b) < headerSize {
		return session.Record{}, fmt.Errorf("%w: %d bytes, shorter than the %d-byte header", errCorrupt, len(b), headerSize)
	}
	if string(b[:4]) != magic {
		return session.Record{}, fmt.Errorf("%w: bad magic", errCorrupt)
	}
	if b[4] != formatVersion {
		return session.Record{}, fmt.Errorf("%w: unknown format version %d", errCorrupt, b[4])
	}
	data := b[headerSize:]
	if n := binary.BigEndian.Uint64(b[28:]); n != uint64(len(data)) {
		return session.Record{}, fmt.Errorf("%w: header says %d data bytes, file has %d (truncated?)", errCorrupt, n, len(data))
	}
	crc := crc32.Update(crc32.Checksum(b[:36], castagnoli), castagnoli, data)
	if crc != binary.BigEndian.Uint32(b[36:]) {
		return session.Record{}, fmt.Errorf("%w: checksum mismatch", errCorrupt)
	}
	nsec := binary.BigEndian.Uint32(b[16:])
	if nsec >= 1e9 {
		return session.Record{}, fmt.Errorf("%w: bad expiry", errCorrupt)
	}
	return session.Record{
		Data:    data,
		Expires: time.Unix(int64(binary.BigEndian.Uint64(b[8:])), int64(nsec)),
		Version: binary.BigEndian.Uint64(b[20:]),
	}, nil
}
