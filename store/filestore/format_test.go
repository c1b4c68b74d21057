package filestore

import (
	"encoding/hex"
	"testing"
	"time"

	session "github.com/websession/session"
)

// TestFormatVersion1 pins the bytes of format version 1: files written by
// one release must read in the next. Change the format only with a new
// version number.
func TestFormatVersion1(t *testing.T) {
	rec := session.Record{Data: []byte("hi"), Expires: time.Unix(1700000000, 123456789), Version: 7}
	const want = "5753455301000000" + // "WSES", version 1, reserved
		"000000006553f100" + "075bcd15" + // expiry seconds, nanoseconds
		"0000000000000007" + "0000000000000002" + // record version, data length
		"1b08db93" + "6869" // CRC-32C, data
	if got := hex.EncodeToString(encode(rec)); got != want {
		t.Fatalf("encode = %s\nwant       %s", got, want)
	}
	back, err := decode(encode(rec))
	if err != nil || string(back.Data) != "hi" || !back.Expires.Equal(rec.Expires) || back.Version != 7 {
		t.Fatalf("decode(encode(rec)) = %+v, %v", back, err)
	}
}
