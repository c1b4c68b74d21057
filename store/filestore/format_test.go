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

// TestFormatVersion2 pins the bytes of format version 2, written for a
// record bound to a user.
func TestFormatVersion2(t *testing.T) {
	rec := session.Record{Data: []byte("hi"), Expires: time.Unix(1700000000, 123456789), Version: 7, User: "al"}
	const want = "5753455302000000" + // "WSES", version 2, reserved
		"000000006553f100" + "075bcd15" + // expiry seconds, nanoseconds
		"0000000000000007" + "0000000000000002" + // record version, data length
		"00000002" + "b26d7209" + "616c" + "6869" // user length, CRC-32C, user, data
	b := encode(rec)
	if got := hex.EncodeToString(b); got != want {
		t.Fatalf("encode = %s\nwant       %s", got, want)
	}
	back, err := decode(b)
	if err != nil || string(back.Data) != "hi" || !back.Expires.Equal(rec.Expires) || back.Version != 7 || back.User != "al" {
		t.Fatalf("decode(encode(rec)) = %+v, %v", back, err)
	}
	for name, bad := range map[string][]byte{
		"ShortHeader": b[:43],
		"Truncated":   b[:len(b)-1],
		"UserTooLong": append(append([]byte(nil), b[:36]...), append([]byte{0xff, 0xff, 0xff, 0xff}, b[40:]...)...),
		"DataTooLong": append(append(append([]byte(nil), b[:28]...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), b[36:]...),
		"FlippedUser": append(append([]byte(nil), b[:44]...), 'A', 'l', 'h', 'i'),
	} {
		if _, err := decode(bad); err == nil {
			t.Errorf("%s: decode accepted a damaged version 2 file", name)
		}
	}
}
