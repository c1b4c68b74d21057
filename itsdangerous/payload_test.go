package itsdangerous_test

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/websession/session/itsdangerous"
)

func TestEncodePayload(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"short json stays plain", `{"user_id":42}`, "eyJ1c2VyX2lkIjo0Mn0"},
		{"unpadded base64url", "\xfb\xff", "-_8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(itsdangerous.EncodePayload([]byte(tt.in))); got != tt.want {
				t.Fatalf("EncodePayload = %q, want %q", got, tt.want)
			}
		})
	}
	long := bytes.Repeat([]byte(`{"item":"widget"},`), 50)
	enc := itsdangerous.EncodePayload(long)
	if enc[0] != '.' || len(enc) > len(long)/4 {
		t.Fatalf("repetitive payload not compressed: %d bytes -> %d", len(long), len(enc))
	}
	if strings.ContainsAny(string(enc[1:]), "=+/.") {
		t.Fatalf("encoded payload is not URL-safe: %q", enc)
	}
}

func zlibBytes(data []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

func TestDecodePayloadRoundTrip(t *testing.T) {
	for _, in := range [][]byte{nil, []byte("x"), []byte("hello world"), bytes.Repeat([]byte("z"), 100000), {0, 1, 2, 255}} {
		out, err := itsdangerous.DecodePayload(itsdangerous.EncodePayload(in), 0)
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("round trip of %d bytes: %d bytes, %v", len(in), len(out), err)
		}
	}
}

func TestDecodePayloadErrors(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	valid := zlibBytes([]byte("hello hello hello"))
	badChecksum := bytes.Clone(valid)
	badChecksum[len(badChecksum)-1] ^= 1
	tests := []struct {
		name string
		in   string
		max  int
		msg  string
	}{
		{"bad base64", "ab$d", 0, "base64"},
		{"padding", "YQ==", 0, "base64"},
		{"non-canonical trailing bits", "YR", 0, "base64"},
		{"line break", "YW\nJj", 0, "base64"},
		{"compressed, bad base64", ".!!", 0, "base64"},
		{"compressed, not zlib", "." + b64([]byte("not zlib at all")), 0, "zlib"},
		{"compressed, empty", ".", 0, "zlib"},
		{"compressed, truncated", "." + b64(valid[:len(valid)-3]), 0, "zlib"},
		{"compressed, bad checksum", "." + b64(badChecksum), 0, "zlib"},
		{"plain, over limit", b64([]byte("0123456789")), 9, "limit of 9 bytes"},
		{"compressed, over limit", "." + b64(zlibBytes(bytes.Repeat([]byte("a"), 100))), 99, "limit of 99 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := itsdangerous.DecodePayload([]byte(tt.in), tt.max)
			if !errors.Is(err, itsdangerous.ErrBadPayload) || out != nil {
				t.Fatalf("DecodePayload = %q, %v; want ErrBadPayload", out, err)
			}
			if errors.Is(err, itsdangerous.ErrBadSignature) {
				t.Fatal("payload error matched ErrBadSignature")
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("message %q does not mention %q", err, tt.msg)
			}
		})
	}
}

func TestDecodePayloadLimitIsInclusive(t *testing.T) {
	data := bytes.Repeat([]byte("a"), 100)
	out, err := itsdangerous.DecodePayload([]byte("."+base64.RawURLEncoding.EncodeToString(zlibBytes(data))), 100)
	if err != nil || len(out) != 100 {
		t.Fatalf("payload of exactly the limit refused: %d, %v", len(out), err)
	}
}

func TestDecodePayloadIgnoresBytesAfterZlibStream(t *testing.T) {
	// As Python's zlib.decompress does.
	p := append(zlibBytes([]byte("hello")), "junk"...)
	out, err := itsdangerous.DecodePayload([]byte("."+base64.RawURLEncoding.EncodeToString(p)), 0)
	if err != nil || string(out) != "hello" {
		t.Fatalf("DecodePayload = %q, %v", out, err)
	}
}

func TestDecodePayloadRefusesZlibBomb(t *testing.T) {
	// 4 MiB of zeros compresses to a few KiB.
	var buf bytes.Buffer
	w, _ := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	zeros := make([]byte, 1<<20)
	for range 4 {
		w.Write(zeros)
	}
	w.Close()
	if buf.Len() > 64<<10 {
		t.Fatalf("not a bomb: %d compressed bytes", buf.Len())
	}
	bomb := []byte("." + base64.RawURLEncoding.EncodeToString(buf.Bytes()))

	_, err := itsdangerous.DecodePayload(bomb, 0)
	if !errors.Is(err, itsdangerous.ErrBadPayload) || !strings.Contains(err.Error(), "limit of 1048576 bytes") {
		t.Fatalf("zlib bomb: err = %v, want the default 1 MiB limit to refuse it", err)
	}
	_, err = itsdangerous.DecodePayload(bomb, 4096)
	if !errors.Is(err, itsdangerous.ErrBadPayload) {
		t.Fatalf("zlib bomb with a 4 KiB limit: err = %v", err)
	}
}
