package itsdangerous_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/websession/session/itsdangerous"
)

func fixedNow(t time.Time) func() time.Time { return func() time.Time { return t } }

// Tokens made by Python's itsdangerous 2.2 with get_timestamp() = 1700000000.
func TestSerializersMatchPythonVectors(t *testing.T) {
	plain, err := itsdangerous.NewSerializer(keys("secret-key"), itsdangerous.SerializerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reset, err := itsdangerous.NewURLSafeTimedSerializer(keys("secret-key"),
		itsdangerous.SerializerOptions{Salt: "password-reset", Now: fixedNow(t0)})
	if err != nil {
		t.Fatal(err)
	}
	flask, err := itsdangerous.NewURLSafeTimedSerializer(keys("secret-key"),
		itsdangerous.SerializerOptions{Salt: "cookie-session", KeyDerivation: itsdangerous.HMAC, Now: fixedNow(t0)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		dumps func(any) (string, error)
		v     any
		want  string
	}{
		{"Serializer", plain.Dumps, map[string]any{"a": []any{1, "é"}}, `{"a": [1, "\u00e9"]}.dEsr5OmkMBtt9b3st2GCVruCX3U`},
		{"password reset", reset.Dumps, map[string]int{"user_id": 42}, "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.uzjVAguSiZINi55-XL0w0OOpHsY"},
		{"flask cookie", flask.Dumps, map[string]any{"_permanent": true, "user_id": 42},
			"eyJfcGVybWFuZW50Ijp0cnVlLCJ1c2VyX2lkIjo0Mn0.ZVPxAA.uvGZoa-gnaPdbJRiqYW9OBSM8JA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.dumps(tt.v)
			if err != nil || got != tt.want {
				t.Fatalf("Dumps = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	var v struct {
		UserID int `json:"user_id"`
	}
	ts, err := reset.Loads(tests[1].want, &v, time.Hour)
	if err != nil || v.UserID != 42 || !ts.Equal(t0) {
		t.Fatalf("Loads = %+v, %v, %v", v, ts, err)
	}
}

type serializer interface {
	Dumps(any) (string, error)
	Loads(string, any) error
}

// timedAdapter lets the timed types share the untimed tests.
type timedAdapter struct{ s *itsdangerous.TimedSerializer }

func (a timedAdapter) Dumps(v any) (string, error) { return a.s.Dumps(v) }
func (a timedAdapter) Loads(tok string, v any) error {
	_, err := a.s.Loads(tok, v, time.Hour)
	return err
}

func allSerializers(t *testing.T, ks [][]byte, opts itsdangerous.SerializerOptions) map[string]serializer {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedNow(t0)
	}
	s, err1 := itsdangerous.NewSerializer(ks, opts)
	u, err2 := itsdangerous.NewURLSafeSerializer(ks, opts)
	ts, err3 := itsdangerous.NewTimedSerializer(ks, opts)
	uts, err4 := itsdangerous.NewURLSafeTimedSerializer(ks, opts)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		t.Fatal(err)
	}
	return map[string]serializer{
		"Serializer": s, "URLSafeSerializer": u,
		"TimedSerializer": timedAdapter{ts}, "URLSafeTimedSerializer": timedAdapter{&uts.TimedSerializer},
	}
}

func TestSerializersRoundTripAndRotate(t *testing.T) {
	type data struct {
		User  string   `json:"user"`
		Roles []string `json:"roles"`
	}
	in := data{User: "ünïcødé <x>", Roles: []string{strings.Repeat("admin,", 100)}}
	old := allSerializers(t, keys("old"), itsdangerous.SerializerOptions{Salt: "s"})
	rotated := allSerializers(t, keys("new", "old"), itsdangerous.SerializerOptions{Salt: "s"})
	newOnly := allSerializers(t, keys("new"), itsdangerous.SerializerOptions{Salt: "s"})
	otherSalt := allSerializers(t, keys("new", "old"), itsdangerous.SerializerOptions{Salt: "t"})
	for name := range old {
		t.Run(name, func(t *testing.T) {
			tok, err := old[name].Dumps(in)
			if err != nil {
				t.Fatal(err)
			}
			var out data
			if err := rotated[name].Loads(tok, &out); err != nil || out.User != in.User || out.Roles[0] != in.Roles[0] {
				t.Fatalf("old key's token after rotation: %+v, %v", out, err)
			}
			tok, _ = rotated[name].Dumps(in)
			if err := newOnly[name].Loads(tok, &out); err != nil {
				t.Fatalf("rotated serializer must sign with keys[0]: %v", err)
			}
			if err := otherSalt[name].Loads(tok, &out); !errors.Is(err, itsdangerous.ErrBadSignature) {
				t.Fatalf("token verified under another salt: %v", err)
			}
			if strings.Contains(name, "URLSafe") && strings.Trim(tok, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "" {
				t.Fatalf("URL-safe token has other characters: %q", tok)
			}
			if strings.Contains(name, "URLSafe") && tok[0] != '.' {
				t.Fatalf("repetitive payload was not compressed: %q", tok)
			}
		})
	}
}

func TestSerializersRejectEveryByteChange(t *testing.T) {
	for name, s := range allSerializers(t, keys("k"), itsdangerous.SerializerOptions{}) {
		t.Run(name, func(t *testing.T) {
			tok, err := s.Dumps(map[string]int{"id": 7})
			if err != nil {
				t.Fatal(err)
			}
			assertEveryMutationRejected(t, []byte(tok), func(b []byte) error {
				var v any
				return s.Loads(string(b), &v)
			})
		})
	}
}

func TestSerializerEmptySalt(t *testing.T) {
	def := allSerializers(t, keys("k"), itsdangerous.SerializerOptions{})
	explicit := allSerializers(t, keys("k"), itsdangerous.SerializerOptions{Salt: itsdangerous.DefaultSerializerSalt})
	empty := allSerializers(t, keys("k"), itsdangerous.SerializerOptions{EmptySalt: true})
	for name := range def {
		a, _ := def[name].Dumps(1)
		b, _ := explicit[name].Dumps(1)
		c, _ := empty[name].Dumps(1)
		if a != b || a == c {
			t.Fatalf("%s: default salt %q, explicit %q, empty %q", name, a, b, c)
		}
	}
	if _, err := itsdangerous.NewSerializer(keys("k"), itsdangerous.SerializerOptions{Salt: "s", EmptySalt: true}); err == nil {
		t.Fatal("Salt together with EmptySalt must be refused")
	}
}

func TestTimedSerializerExpiry(t *testing.T) {
	now := t0
	s, err := itsdangerous.NewURLSafeTimedSerializer(keys("k"), itsdangerous.SerializerOptions{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := s.Dumps("v")
	var v string
	now = t0.Add(2 * time.Hour)
	_, err = s.Loads(tok, &v, time.Hour)
	var e *itsdangerous.Error
	if !errors.As(err, &e) || e.Kind != itsdangerous.ErrSignatureExpired || !e.DateSigned.Equal(t0) || v != "" {
		t.Fatalf("Loads after max age = %q, %v", v, err)
	}
	if ts, err := s.Loads(tok, &v, 0); err != nil || v != "v" || !ts.Equal(t0) {
		t.Fatalf("Loads without max age = %q, %v, %v", v, ts, err)
	}
	now = t0.Add(-time.Second)
	if _, err := s.Loads(tok, &v, time.Hour); !errors.Is(err, itsdangerous.ErrSignatureExpired) {
		t.Fatalf("token from the future: %v", err)
	}
}

func TestSerializerPayloadErrors(t *testing.T) {
	signer := mustSigner(t, keys("k"), itsdangerous.SignerOptions{Salt: itsdangerous.DefaultSerializerSalt})
	tsigner, err := itsdangerous.NewTimestampSigner(keys("k"), itsdangerous.SignerOptions{Salt: itsdangerous.DefaultSerializerSalt})
	if err != nil {
		t.Fatal(err)
	}
	plain := allSerializers(t, keys("k"), itsdangerous.SerializerOptions{MaxPayloadSize: 64})
	tests := []struct {
		name, serializer, token string
	}{
		{"not json", "Serializer", string(signer.Sign([]byte("{nope")))},
		{"invalid utf-8", "Serializer", string(signer.Sign([]byte("\"\xff\"")))},
		{"bad base64", "URLSafeSerializer", string(signer.Sign([]byte("$$$")))},
		{"bad zlib", "URLSafeSerializer", string(signer.Sign([]byte(".AAAA")))},
		{"over the limit", "URLSafeSerializer", string(signer.Sign(itsdangerous.EncodePayload([]byte(`"` + strings.Repeat("x", 100) + `"`))))},
		{"timed, not json", "URLSafeTimedSerializer", string(tsigner.SignAt([]byte("bm9wZQ"), t0))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v any
			err := plain[tt.serializer].Loads(tt.token, &v)
			if !errors.Is(err, itsdangerous.ErrBadPayload) || errors.Is(err, itsdangerous.ErrBadSignature) {
				t.Fatalf("err = %v, want ErrBadPayload only", err)
			}
		})
	}
	for name, s := range plain {
		if _, err := s.Dumps(func() {}); err == nil || errors.Is(err, itsdangerous.ErrBadData) {
			t.Fatalf("%s: Dumps of a func = %v, want a plain error", name, err)
		}
	}
}

type upperCodec struct{}

func (upperCodec) Marshal(v any) ([]byte, error) { return []byte(strings.ToUpper(v.(string))), nil }
func (upperCodec) Unmarshal(b []byte, v any) error {
	*(v.(*string)) = strings.ToLower(string(b))
	return nil
}

func TestSerializerCustomCodec(t *testing.T) {
	s, err := itsdangerous.NewSerializer(keys("k"), itsdangerous.SerializerOptions{Codec: upperCodec{}})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := s.Dumps("hello")
	if !strings.HasPrefix(tok, "HELLO.") {
		t.Fatalf("Codec not used for Dumps: %q", tok)
	}
	var out string
	if err := s.Loads(tok, &out); err != nil || out != "hello" {
		t.Fatalf("Codec not used for Loads: %q, %v", out, err)
	}
}

func TestSerializerConcurrentUse(t *testing.T) {
	s, err := itsdangerous.NewURLSafeTimedSerializer(keys("new", "old"), itsdangerous.SerializerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			tok, err := s.Dumps(map[string]int{"n": i})
			var out map[string]int
			if err == nil {
				_, err = s.Loads(tok, &out, time.Minute)
			}
			if err == nil && out["n"] != i {
				err = errors.New("value mixed up between goroutines")
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
