package itsdangerous_test

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"testing"
	"time"

	"github.com/websession/session/itsdangerous"
)

// benchPayloads are session-sized JSON texts: one too short for zlib to
// help (Flask leaves it plain), one of the same shape with a few more keys,
// and one that compresses well.
var benchPayloads = []struct {
	name string
	data []byte
}{
	{"small", []byte(`{"cart":[1,2,3],"name":"Alice","user_id":42}`)},
	{"medium", []byte(`{"_fresh":true,"_id":"8c5b4f1e2a7d9e3f","_user_id":"1017","csrf_token":"4b2d0c8e6f1a3b5d7c9e0f2a4b6c8d0e1f3a5b7c","locale":"en_GB"}`)},
	{"compressible", bytes.Repeat([]byte(`{"qty":1,"sku":"widget"},`), 40)},
}

func BenchmarkEncodePayload(b *testing.B) {
	for _, p := range benchPayloads {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(p.data)))
			for b.Loop() {
				itsdangerous.EncodePayload(p.data)
			}
		})
	}
}

func BenchmarkDecodePayload(b *testing.B) {
	for _, p := range benchPayloads {
		enc := itsdangerous.EncodePayload(p.data)
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(p.data)))
			for b.Loop() {
				if _, err := itsdangerous.DecodePayload(enc, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchSigner is the signer of Flask's session cookies.
func benchSigner(b *testing.B) *itsdangerous.TimestampSigner {
	s, err := itsdangerous.NewTimestampSigner([][]byte{[]byte("a secret key of some length")},
		itsdangerous.SignerOptions{Salt: "cookie-session", KeyDerivation: itsdangerous.HMAC, Digest: sha1.New})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkTimestampSigner(b *testing.B) {
	s := benchSigner(b)
	value := itsdangerous.EncodePayload(benchPayloads[0].data)
	t := time.Unix(1700000000, 0)
	b.Run("SignAt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s.SignAt(value, t)
		}
	})
	token := s.SignAt(value, t)
	b.Run("UnsignAt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := s.UnsignAt(token, time.Hour, t); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkURLSafeTimedSerializer(b *testing.B) {
	s, err := itsdangerous.NewURLSafeTimedSerializer([][]byte{[]byte("a secret key of some length")}, itsdangerous.SerializerOptions{})
	if err != nil {
		b.Fatal(err)
	}
	v := map[string]any{"cart": []int{1, 2, 3}, "name": "Alice", "user_id": 42}
	b.Run("Dumps", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Dumps(v); err != nil {
				b.Fatal(err)
			}
		}
	})
	tok, _ := s.Dumps(v)
	b.Run("Loads", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got map[string]any
			if _, err := s.Loads(tok, &got, 0); err != nil {
				b.Fatal(fmt.Sprint(err))
			}
		}
	})
}
