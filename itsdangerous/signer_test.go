package itsdangerous_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"strings"
	"sync"
	"testing"

	"github.com/websession/session/itsdangerous"
)

func keys(ks ...string) [][]byte {
	out := make([][]byte, len(ks))
	for i, k := range ks {
		out[i] = []byte(k)
	}
	return out
}

func mustSigner(t testing.TB, ks [][]byte, opts itsdangerous.SignerOptions) *itsdangerous.Signer {
	t.Helper()
	s, err := itsdangerous.NewSigner(ks, opts)
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	return s
}

// Vectors made by Python's itsdangerous 2.2, so that these tests check
// compatibility even where python3 is not installed.
func TestSignerMatchesPythonVectors(t *testing.T) {
	tests := []struct {
		name string
		keys [][]byte
		opts itsdangerous.SignerOptions
		want string
	}{
		{"defaults", keys("secret-key"), itsdangerous.SignerOptions{}, "hello.GIG_I5genEs4rf1bcDRWLO8Yso4"},
		{"hmac sha256 salt", keys("secret-key"),
			itsdangerous.SignerOptions{Salt: "s", KeyDerivation: itsdangerous.HMAC, Digest: sha256.New},
			"hello.SMBoZ_gV4D_Am0uRT0AbRkkqh8QtrGsgqgoGIpQLyPk"},
		{"newest key signs", keys("new", "old"), itsdangerous.SignerOptions{}, "hello.3S3AbKx0zUYog4zQWu2AIL7B3GY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustSigner(t, tt.keys, tt.opts)
			if got := string(s.Sign([]byte("hello"))); got != tt.want {
				t.Fatalf("Sign = %q, want %q", got, tt.want)
			}
			v, err := s.Unsign([]byte(tt.want))
			if err != nil || string(v) != "hello" {
				t.Fatalf("Unsign = %q, %v", v, err)
			}
		})
	}
}

func TestSignerRotation(t *testing.T) {
	old := mustSigner(t, keys("old"), itsdangerous.SignerOptions{})
	rotated := mustSigner(t, keys("new", "old"), itsdangerous.SignerOptions{})
	newOnly := mustSigner(t, keys("new"), itsdangerous.SignerOptions{})

	oldToken := old.Sign([]byte("v"))
	if v, err := rotated.Unsign(oldToken); err != nil || string(v) != "v" {
		t.Fatalf("token of the old key must still verify after rotation: %q, %v", v, err)
	}
	newToken := rotated.Sign([]byte("v"))
	if _, err := newOnly.Unsign(newToken); err != nil {
		t.Fatalf("rotated signer must sign with keys[0]: %v", err)
	}
	if _, err := old.Unsign(newToken); !errors.Is(err, itsdangerous.ErrBadSignature) {
		t.Fatalf("old-only signer accepted a token of the new key: %v", err)
	}
	if _, err := newOnly.Unsign(oldToken); !errors.Is(err, itsdangerous.ErrBadSignature) {
		t.Fatalf("a retired key's token still verifies: %v", err)
	}
}

func TestSignerOptionsSeparateSignatures(t *testing.T) {
	base := itsdangerous.SignerOptions{}
	variants := map[string]itsdangerous.SignerOptions{
		"salt":       {Salt: "other"},
		"empty salt": {EmptySalt: true},
		"concat":     {KeyDerivation: itsdangerous.Concat},
		"hmac":       {KeyDerivation: itsdangerous.HMAC},
		"none":       {KeyDerivation: itsdangerous.None},
		"sha256":     {Digest: sha256.New},
		"sha512":     {Digest: sha512.New},
	}
	token := mustSigner(t, keys("k"), base).Sign([]byte("value"))
	for name, opts := range variants {
		t.Run(name, func(t *testing.T) {
			s := mustSigner(t, keys("k"), opts)
			if _, err := s.Unsign(token); !errors.Is(err, itsdangerous.ErrBadSignature) {
				t.Fatalf("a token made with other options verified: %v", err)
			}
			if v, err := s.Unsign(s.Sign([]byte("value"))); err != nil || string(v) != "value" {
				t.Fatalf("round trip = %q, %v", v, err)
			}
		})
	}
}

func TestDefaultSaltIsPythons(t *testing.T) {
	def := mustSigner(t, keys("k"), itsdangerous.SignerOptions{})
	explicit := mustSigner(t, keys("k"), itsdangerous.SignerOptions{Salt: itsdangerous.DefaultSignerSalt})
	if !bytes.Equal(def.Sign([]byte("x")), explicit.Sign([]byte("x"))) {
		t.Fatal(`Salt "" must mean "itsdangerous.Signer"`)
	}
}

func TestSignerCustomSeparator(t *testing.T) {
	s := mustSigner(t, keys("k"), itsdangerous.SignerOptions{Sep: '|'})
	token := s.Sign([]byte("a.b"))
	if !bytes.HasPrefix(token, []byte("a.b|")) {
		t.Fatalf("token %q does not use the separator", token)
	}
	if v, err := s.Unsign(token); err != nil || string(v) != "a.b" {
		t.Fatalf("Unsign = %q, %v", v, err)
	}
}

func TestNewSignerRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		keys [][]byte
		opts itsdangerous.SignerOptions
		want string
	}{
		{"no keys", nil, itsdangerous.SignerOptions{}, "no secret key"},
		{"empty key", keys("k", ""), itsdangerous.SignerOptions{}, "secret key 1 is empty"},
		{"letter separator", keys("k"), itsdangerous.SignerOptions{Sep: 'a'}, "separator"},
		{"digit separator", keys("k"), itsdangerous.SignerOptions{Sep: '7'}, "separator"},
		{"dash separator", keys("k"), itsdangerous.SignerOptions{Sep: '-'}, "separator"},
		{"underscore separator", keys("k"), itsdangerous.SignerOptions{Sep: '_'}, "separator"},
		{"equals separator", keys("k"), itsdangerous.SignerOptions{Sep: '='}, "separator"},
		{"unknown derivation", keys("k"), itsdangerous.SignerOptions{KeyDerivation: 9}, "unknown key derivation"},
		{"salt and empty salt", keys("k"), itsdangerous.SignerOptions{Salt: "s", EmptySalt: true}, "EmptySalt"},
		{"nil hash", keys("k"), itsdangerous.SignerOptions{Digest: func() hash.Hash { return nil }}, "nil hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := itsdangerous.NewSigner(tt.keys, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "itsdangerous: ") {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
	if _, err := itsdangerous.NewTimestampSigner(nil, itsdangerous.SignerOptions{}); err == nil {
		t.Fatal("NewTimestampSigner accepted no keys")
	}
}

func TestSignerKeysAreCopied(t *testing.T) {
	k := []byte("secret")
	s := mustSigner(t, [][]byte{k}, itsdangerous.SignerOptions{KeyDerivation: itsdangerous.None})
	token := s.Sign([]byte("v"))
	k[0] = 'X'
	if _, err := s.Unsign(token); err != nil {
		t.Fatalf("changing the caller's key slice changed the signer: %v", err)
	}
}

func TestUnsignRejectsEveryByteChange(t *testing.T) {
	s := mustSigner(t, keys("k"), itsdangerous.SignerOptions{})
	token := s.Sign([]byte("user:42"))
	assertEveryMutationRejected(t, token, func(b []byte) error {
		_, err := s.Unsign(b)
		return err
	})
}

// assertEveryMutationRejected changes each byte of token to every other
// value, and cuts token at every length, and expects ErrBadSignature.
func assertEveryMutationRejected(t *testing.T, token []byte, unsign func([]byte) error) {
	t.Helper()
	if err := unsign(token); err != nil {
		t.Fatalf("the untouched token must verify: %v", err)
	}
	b := bytes.Clone(token)
	for i := range b {
		orig := b[i]
		for v := 0; v < 256; v++ {
			if byte(v) == orig {
				continue
			}
			b[i] = byte(v)
			if err := unsign(b); !errors.Is(err, itsdangerous.ErrBadSignature) {
				t.Fatalf("byte %d changed from %q to %q: err = %v, want ErrBadSignature", i, orig, byte(v), err)
			}
		}
		b[i] = orig
	}
	for n := 0; n < len(token); n++ {
		if err := unsign(token[:n]); !errors.Is(err, itsdangerous.ErrBadSignature) {
			t.Fatalf("token cut to %d bytes: err = %v, want ErrBadSignature", n, err)
		}
	}
	if err := unsign(append(bytes.Clone(token), 'A')); !errors.Is(err, itsdangerous.ErrBadSignature) {
		t.Fatalf("token with an extra byte: err = %v", err)
	}
}

func TestUnsignErrors(t *testing.T) {
	s := mustSigner(t, keys("k"), itsdangerous.SignerOptions{})
	good := s.Sign([]byte("hello"))
	sig := good[len("hello."):]
	tests := []struct {
		name        string
		token       string
		wantPayload string // "" means nil
		wantMsg     string
	}{
		{"empty", "", "", "no '.' separator"},
		{"no separator", "hello", "", "no '.' separator"},
		{"empty signature", "hello.", "hello", "does not match"},
		{"wrong signature", "hello.AAAAAAAAAAAAAAAAAAAAAAAAAAA", "hello", "does not match"},
		{"bad base64", "hello.!!!!!!!!!!!!!!!!!!!!!!!!!!!", "hello", "does not match"},
		{"padded signature", "hello." + string(sig) + "=", "hello", "does not match"},
		{"other value", "hellO." + string(sig), "hellO", "does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := s.Unsign([]byte(tt.token))
			if v != nil {
				t.Fatalf("got value %q with an error", v)
			}
			var e *itsdangerous.Error
			if !errors.As(err, &e) || e.Kind != itsdangerous.ErrBadSignature {
				t.Fatalf("err = %#v, want *Error of kind ErrBadSignature", err)
			}
			if errors.Is(err, itsdangerous.ErrBadTimeSignature) || errors.Is(err, itsdangerous.ErrBadPayload) {
				t.Fatal("a plain signature error matched a more specific class")
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("message %q does not say %q", err, tt.wantMsg)
			}
			if tt.wantPayload == "" && e.Payload != nil || tt.wantPayload != "" && string(e.Payload) != tt.wantPayload {
				t.Fatalf("Payload = %q, want %q", e.Payload, tt.wantPayload)
			}
			if len(sig) > 4 && strings.Contains(err.Error(), string(sig[:4])) {
				t.Fatal("error message echoes the signature")
			}
		})
	}
}

func TestValidate(t *testing.T) {
	s := mustSigner(t, keys("k"), itsdangerous.SignerOptions{})
	if !s.Validate(s.Sign([]byte("x"))) {
		t.Fatal("Validate rejected a good token")
	}
	if s.Validate([]byte("x.nope")) {
		t.Fatal("Validate accepted a bad token")
	}
}

func TestKeyDerivationString(t *testing.T) {
	want := map[itsdangerous.KeyDerivation]string{
		itsdangerous.DjangoConcat: "django-concat", itsdangerous.Concat: "concat",
		itsdangerous.HMAC: "hmac", itsdangerous.None: "none", 7: "KeyDerivation(7)",
	}
	for k, w := range want {
		if k.String() != w {
			t.Errorf("%d.String() = %q, want %q", int(k), k.String(), w)
		}
	}
}

// TestSignerConcurrentUse: one Signer signs and verifies from many
// goroutines with every key; each signature is the one a fresh Signer of
// that key alone makes, and only the right value verifies.
func TestSignerConcurrentUse(t *testing.T) {
	all := keys("newest", "older", "oldest")
	s, err := itsdangerous.NewSigner(all, itsdangerous.SignerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var want [][]byte // want[i]: "value-i" signed by key i%3 alone
	for i := range 30 {
		one, err := itsdangerous.NewSigner(all[i%3:i%3+1], itsdangerous.SignerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, one.Sign([]byte(fmt.Sprint("value-", i))))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for n := range 200 {
				i := (g + n) % len(want)
				v, err := s.Unsign(want[i])
				if err != nil || string(v) != fmt.Sprint("value-", i) {
					t.Errorf("Unsign(token %d) = %q, %v", i, v, err)
					return
				}
				if i%3 == 0 && !bytes.Equal(s.Sign(v), want[i]) {
					t.Errorf("Sign(%q) differs from the newest key's signature", v)
					return
				}
				forged := bytes.Clone(want[i])
				forged[0] ^= 1
				if s.Validate(forged) {
					t.Errorf("a changed token %d verified", i)
					return
				}
			}
		})
	}
	wg.Wait()
}
