package itsdangerous_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/websession/session/itsdangerous"
)

// assertBadData fails unless err is nil or an *Error in the hierarchy.
func assertBadData(t *testing.T, err error) {
	t.Helper()
	var e *itsdangerous.Error
	if err != nil && (!errors.As(err, &e) || !errors.Is(err, itsdangerous.ErrBadData)) {
		t.Fatalf("error outside the hierarchy: %#v", err)
	}
}

func FuzzUnsign(f *testing.F) {
	s := mustSigner(f, keys("k"), itsdangerous.SignerOptions{})
	ts := mustTimestampSigner(f, itsdangerous.SignerOptions{})
	for _, seed := range [][]byte{
		nil, []byte("."), []byte(".."), []byte("a.b.c"),
		s.Sign([]byte("hello")), s.Sign(nil),
		ts.SignAt([]byte("hello"), t0), ts.SignAt(nil, time.Unix(0, 0)),
		[]byte("v.__________8.sig"), []byte("v.Ov_0QYA.x"), []byte("v.\n.x"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token []byte) {
		orig := bytes.Clone(token)
		v, err := s.Unsign(token)
		assertBadData(t, err)
		if err == nil && !bytes.Equal(s.Sign(v), token) {
			t.Fatalf("accepted a non-canonical token %q", token)
		}
		v, at, err := ts.UnsignAt(token, time.Hour, t0.Add(time.Minute))
		assertBadData(t, err)
		if err == nil && !bytes.Equal(ts.SignAt(v, at), token) {
			t.Fatalf("accepted a non-canonical timestamped token %q", token)
		}
		if !bytes.Equal(token, orig) {
			t.Fatal("Unsign modified its input")
		}
	})
}

func FuzzLoads(f *testing.F) {
	uts, err := itsdangerous.NewURLSafeTimedSerializer(keys("k"), itsdangerous.SerializerOptions{Now: fixedNow(t0), MaxPayloadSize: 4096})
	if err != nil {
		f.Fatal(err)
	}
	plain, err := itsdangerous.NewSerializer(keys("k"), itsdangerous.SerializerOptions{})
	if err != nil {
		f.Fatal(err)
	}
	// Signs arbitrary payloads, so the fuzzer reaches the decoding behind
	// the signature check.
	tsigner, err := itsdangerous.NewTimestampSigner(keys("k"), itsdangerous.SignerOptions{Salt: itsdangerous.DefaultSerializerSalt})
	if err != nil {
		f.Fatal(err)
	}
	good, _ := uts.Dumps(map[string]any{"user_id": 42, "cart": []string{"a", "b", "a", "b", "a", "b", "a", "b"}})
	goodPlain, _ := plain.Dumps(map[string]any{"a": 1})
	for _, seed := range []struct {
		token   string
		payload []byte
	}{
		{good, []byte("eyJ1c2VyX2lkIjo0Mn0")},
		{goodPlain, []byte(".eJyrVspJLElVslIyMlWqBQAYLAPW")},
		{"", nil},
		{"...", []byte(".")},
		{"a.b.c", []byte(".AAAA")},
		{"x", []byte("eyJ1c2VyX2lkIjo0Mn0!")},
	} {
		f.Add(seed.token, seed.payload)
	}
	f.Fuzz(func(t *testing.T, token string, payload []byte) {
		var v any
		_, err := uts.Loads(token, &v, time.Hour)
		assertBadData(t, err)
		assertBadData(t, plain.Loads(token, &v))
		signed := string(tsigner.SignAt(payload, t0))
		if _, err := uts.Loads(signed, &v, time.Hour); errors.Is(err, itsdangerous.ErrBadSignature) {
			t.Fatalf("validly signed payload failed the signature check: %v", err)
		} else {
			assertBadData(t, err)
		}
	})
}

func FuzzDecodePayload(f *testing.F) {
	for _, seed := range [][]byte{
		nil, []byte("."), []byte("eyJ1c2VyX2lkIjo0Mn0"), []byte(".eJyrVspJLElVslIyMlWqBQAYLAPW"),
		itsdangerous.EncodePayload(bytes.Repeat([]byte("abc"), 100)), []byte("YR"), []byte(".!"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		const limit = 4096
		out, err := itsdangerous.DecodePayload(p, limit)
		assertBadData(t, err)
		if err == nil && len(out) > limit {
			t.Fatalf("decoded %d bytes past the %d-byte limit", len(out), limit)
		}
		if err != nil && !errors.Is(err, itsdangerous.ErrBadPayload) {
			t.Fatalf("error is not ErrBadPayload: %v", err)
		}
		enc := itsdangerous.EncodePayload(p)
		back, err := itsdangerous.DecodePayload(enc, len(p))
		if err != nil || !bytes.Equal(back, p) {
			t.Fatalf("round trip of %q: %q, %v", p, back, err)
		}
	})
}
