package filestore

import (
	"bytes"
	"testing"
	"time"

	session "github.com/websession/session"
)

// FuzzDecode feeds any bytes to the reader of session files: a file cut
// short by a crash or changed on disk never panics, and what decode
// accepts is a record that encodes and decodes to itself.
func FuzzDecode(f *testing.F) {
	for _, rec := range []session.Record{
		{Data: []byte("hi"), Expires: time.Unix(1700000000, 123456789), Version: 7},
		{Expires: time.Unix(0, 0)},
		{Data: bytes.Repeat([]byte{0xff}, 300), Expires: time.Unix(-1, 999999999), Version: 1<<64 - 1},
	} {
		b := encode(rec)
		f.Add(b)
		f.Add(b[:len(b)-1])
		f.Add(b[:headerSize-1])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := decode(b)
		if err != nil {
			return
		}
		again, err := decode(encode(rec))
		if err != nil || !bytes.Equal(again.Data, rec.Data) || !again.Expires.Equal(rec.Expires) || again.Version != rec.Version {
			t.Fatalf("decode accepted %x as %+v, which does not survive encode and decode (%+v, %v)", b, rec, again, err)
		}
	})
}
