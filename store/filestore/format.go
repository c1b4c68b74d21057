package filestore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"time"

	session "github.com/websession/session"
)

// The session file format. All integers are big-endian. A record with no
// user is written in format version 1; a record bound to a user (see
// session.Record.User) in version 2, which adds the user's name. Both are
// read.
//
// Version 1:
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
//
// Version 2:
//
//	offset size
//	  0..35      as in version 1, with format version 2
//	    36    4  user length u
//	    40    4  CRC-32C of bytes 0..39 followed by the user and the data
//	    44    u  user, as given to Save
//	  44+u    n  data
const (
	magic        = "WSES"
	headerSize   = 40 // version 1
	headerSizeV2 = 44
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorrupt marks a file that is not a valid session file.
var errCorrupt = errors.New("filestore: corrupt session file")

// errUserTooLong is returned by Save for a user name the format cannot hold.
var errUserTooLong = errors.New("filestore: user name longer than 4 GiB; bind sessions to an account ID")

// encode returns the file contents for rec.
func encode(rec session.Record) []byte {
	size := headerSize
	if rec.User != "" {
		size = headerSizeV2
	}
	b := make([]byte, size, size+len(rec.User)+len(rec.Data))
	copy(b, magic)
	binary.BigEndian.PutUint64(b[8:], uint64(rec.Expires.Unix()))
	binary.BigEndian.PutUint32(b[16:], uint32(rec.Expires.Nanosecond()))
	binary.BigEndian.PutUint64(b[20:], rec.Version)
	binary.BigEndian.PutUint64(b[28:], uint64(len(rec.Data)))
	if rec.User == "" {
		b[4] = 1
		crc := crc32.Update(crc32.Checksum(b[:36], castagnoli), castagnoli, rec.Data)
		binary.BigEndian.PutUint32(b[36:], crc)
		return append(b, rec.Data...)
	}
	b[4] = 2
	binary.BigEndian.PutUint32(b[36:], uint32(len(rec.User)))
	b = append(append(b, rec.User...), rec.Data...)
	crc := crc32.Update(crc32.Checksum(b[:40], castagnoli), castagnoli, b[headerSizeV2:])
	binary.BigEndian.PutUint32(b[40:], crc)
	return b
}

// checkUser reports whether encode can hold user.
func checkUser(user string) error {
	if uint64(len(user)) > math.MaxUint32 {
		return errUserTooLong
	}
	return nil
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
	var user, data []byte
	switch b[4] {
	case 1:
		data = b[headerSize:]
		crc := crc32.Update(crc32.Checksum(b[:36], castagnoli), castagnoli, data)
		if n := binary.BigEndian.Uint64(b[28:]); n != uint64(len(data)) {
			return session.Record{}, fmt.Errorf("%w: header says %d data bytes, file has %d (truncated?)", errCorrupt, n, len(data))
		}
		if crc != binary.BigEndian.Uint32(b[36:]) {
			return session.Record{}, fmt.Errorf("%w: checksum mismatch", errCorrupt)
		}
	case 2:
		if len(b) < headerSizeV2 {
			return session.Record{}, fmt.Errorf("%w: %d bytes, shorter than the %d-byte header", errCorrupt, len(b), headerSizeV2)
		}
		rest := uint64(len(b) - headerSizeV2)
		n, u := binary.BigEndian.Uint64(b[28:]), uint64(binary.BigEndian.Uint32(b[36:]))
		if n > rest || u != rest-n {
			return session.Record{}, fmt.Errorf("%w: header says %d user and %d data bytes, file has %d (truncated?)", errCorrupt, u, n, rest)
		}
		crc := crc32.Update(crc32.Checksum(b[:40], castagnoli), castagnoli, b[headerSizeV2:])
		if crc != binary.BigEndian.Uint32(b[40:]) {
			return session.Record{}, fmt.Errorf("%w: checksum mismatch", errCorrupt)
		}
		user, data = b[headerSizeV2:headerSizeV2+u], b[headerSizeV2+u:]
	default:
		return session.Record{}, fmt.Errorf("%w: unknown format version %d", errCorrupt, b[4])
	}
	nsec := binary.BigEndian.Uint32(b[16:])
	if nsec >= 1e9 {
		return session.Record{}, fmt.Errorf("%w: bad expiry", errCorrupt)
	}
	return session.Record{
		Data:    data,
		Expires: time.Unix(int64(binary.BigEndian.Uint64(b[8:])), int64(nsec)),
		Version: binary.BigEndian.Uint64(b[20:]),
		User:    string(user),
	}, nil
}
