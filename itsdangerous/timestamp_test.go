package itsdangerous_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/websession/session/itsdangerous"
)

var t0 = time.Unix(1700000000, 0).UTC()

func mustTimestampSigner(t testing.TB, opts itsdangerous.SignerOptions) *itsdangerous.TimestampSigner {
	t.Helper()
	s, err := itsdangerous.NewTimestampSigner(keys("secret-key"), opts)
	if err != nil {
		t.Fatalf("NewTimestampSigner: %v", err)
	}
	return s
}

func TestTimestampSignerMatchesPython(t *testing.T) {
	s := mustTimestampSigner(t, itsdangerous.SignerOptions{})
	// Python: TimestampSigner("secret-key") with get_timestamp() = 1700000000.
	const want = "hello.ZVPxAA.UQx3EIPGLNk6IyY28rz4wwlRRWI"
	if got := string(s.SignAt([]byte("hello"), t0.Add(999*time.Millisecond))); got != want {
		t.Fatalf("SignAt = %q, want %q (time truncated to seconds)", got, want)
	}
	v, ts, err := s.UnsignAt([]byte(want), time.Minute, t0.Add(time.Minute))
	if err != nil || string(v) != "hello" || !ts.Equal(t0) || ts.Location() != time.UTC {
		t.Fatalf("UnsignAt = %q, %v, %v", v, ts, err)
	}
}

func TestTimestampZeroIsEmpty(t *testing.T) {
	s := mustTimestampSigner(t, itsdangerous.SignerOptions{})
	for _, at := range []time.Time{time.Unix(0, 0), time.Unix(-5, 0)} {
		token := s.SignAt([]byte("v"), at)
		if !bytes.HasPrefix(token, []byte("v..")) {
			t.Fatalf("timestamp 0 must be encoded as no bytes, as in Python: %q", token)
		}
		_, ts, err := s.UnsignAt(token, 0, t0)
		if err != nil || ts.Unix() != 0 {
			t.Fatalf("UnsignAt = %v, %v", ts, err)
		}
	}
}

func TestTimestampMaxAge(t *testing.T) {
	s := mustTimestampSigner(t, itsdangerous.SignerOptions{})
	token := s.SignAt([]byte("v"), t0)
	tests := []struct {
		name    string
		maxAge  time.Duration
		now     time.Time
		wantErr string // "" = valid
	}{
		{"no check, old", 0, t0.Add(100 * 365 * 24 * time.Hour), ""},
		{"no check, future", 0, t0.Add(-time.Hour), ""},
		{"same second", time.Second, t0, ""},
		{"exactly max age", 10 * time.Second, t0.Add(10 * time.Second), ""},
		{"fraction of a second past max age", 10 * time.Second, t0.Add(10*time.Second + 999*time.Millisecond), ""},
		{"one second past max age", 10 * time.Second, t0.Add(11 * time.Second), "signature age 11 > 10 seconds"},
		{"fractional max age", 1500 * time.Millisecond, t0.Add(2 * time.Second), "signature age 2 > 1.5 seconds"},
		{"fractional max age ok", 1500 * time.Millisecond, t0.Add(time.Second), ""},
		{"one second in the future", time.Hour, t0.Add(-time.Second), "signature age -1 < 0 seconds"},
		{"far in the future", time.Hour, t0.Add(-2 * time.Hour), "signature age -7200 < 0 seconds"},
		{"negative max age", -time.Second, t0, "signature age 0 > -1 seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ts, err := s.UnsignAt(token, tt.maxAge, tt.now)
			if tt.wantErr == "" {
				if err != nil || string(v) != "v" || !ts.Equal(t0) {
					t.Fatalf("UnsignAt = %q, %v, %v", v, ts, err)
				}
				return
			}
			var e *itsdangerous.Error
			if !errors.As(err, &e) || e.Kind != itsdangerous.ErrSignatureExpired {
				t.Fatalf("err = %v, want ErrSignatureExpired", err)
			}
			if e.Message != tt.wantErr {
				t.Fatalf("message = %q, want %q", e.Message, tt.wantErr)
			}
			if !e.DateSigned.Equal(t0) || string(e.Payload) != "v" {
				t.Fatalf("DateSigned = %v, Payload = %q", e.DateSigned, e.Payload)
			}
			if v != nil || !ts.IsZero() {
				t.Fatal("an expired token returned a value")
			}
			for _, class := range []error{itsdangerous.ErrBadTimeSignature, itsdangerous.ErrBadSignature, itsdangerous.ErrBadData} {
				if !errors.Is(err, class) {
					t.Fatalf("expired error does not match %v", class)
				}
			}
		})
	}
}

func TestTimestampSignerUsesNowOption(t *testing.T) {
	now := t0
	s := mustTimestampSigner(t, itsdangerous.SignerOptions{Now: func() time.Time { return now }})
	token := s.Sign([]byte("v"))
	if !bytes.Equal(token, s.SignAt([]byte("v"), t0)) {
		t.Fatal("Sign did not use the Now option")
	}
	now = t0.Add(time.Hour)
	if !s.Validate(token, 2*time.Hour) {
		t.Fatal("token rejected within max age")
	}
	if _, _, err := s.Unsign(token, time.Minute); !errors.Is(err, itsdangerous.ErrSignatureExpired) {
		t.Fatalf("Unsign did not use the Now option: %v", err)
	}
}

func TestTimestampSignerErrors(t *testing.T) {
	ts := mustTimestampSigner(t, itsdangerous.SignerOptions{})
	plain := mustSigner(t, keys("secret-key"), itsdangerous.SignerOptions{})
	good := ts.SignAt([]byte("v"), t0) // v.ZVPxAA.<sig>
	withTS := func(field string) string { return string(plain.Sign([]byte("v." + field))) }
	tests := []struct {
		name     string
		token    string
		kind     error
		msg      string
		payload  string
		dateSeen bool
	}{
		{"no separator", "garbage", itsdangerous.ErrBadSignature, "no '.' separator", "", false},
		{"bad signature, no timestamp", "v.sig", itsdangerous.ErrBadSignature, "does not match", "v", false},
		{"bad signature with timestamp", "v.ZVPxAA.sig", itsdangerous.ErrBadTimeSignature, "does not match", "v", true},
		{"bad signature, bad timestamp", "v.!!.sig", itsdangerous.ErrBadTimeSignature, "does not match", "v", false},
		{"bad signature, huge timestamp", "v.__________8.sig", itsdangerous.ErrBadTimeSignature, "malformed timestamp", "v", false},
		{"valid signature, timestamp missing", string(plain.Sign([]byte("v"))), itsdangerous.ErrBadTimeSignature, "timestamp missing", "v", false},
		{"valid signature, 9-byte timestamp", withTS("AQIDBAUGBwgJ"), itsdangerous.ErrBadTimeSignature, "malformed timestamp", "v", false},
		{"valid signature, bad base64 timestamp", withTS("Z!"), itsdangerous.ErrBadTimeSignature, "malformed timestamp", "v", false},
		{"valid signature, timestamp after year 9999", withTS("Ov_0QYA"), itsdangerous.ErrBadTimeSignature, "malformed timestamp", "v", false},
		{"tampered timestamp", strings.Replace(string(good), "ZVPxAA", "ZVPxAQ", 1), itsdangerous.ErrBadTimeSignature, "does not match", "v", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _, err := ts.UnsignAt([]byte(tt.token), time.Hour, t0)
			var e *itsdangerous.Error
			if !errors.As(err, &e) || e.Kind != tt.kind || v != nil {
				t.Fatalf("err = %v (value %q), want kind %v", err, v, tt.kind)
			}
			if !strings.Contains(e.Message, tt.msg) {
				t.Fatalf("message %q does not say %q", e.Message, tt.msg)
			}
			if string(e.Payload) != tt.payload {
				t.Fatalf("Payload = %q, want %q", e.Payload, tt.payload)
			}
			if e.DateSigned.IsZero() == tt.dateSeen {
				t.Fatalf("DateSigned = %v, want set: %v", e.DateSigned, tt.dateSeen)
			}
		})
	}
}

func TestTimestampLeadingZeroBytesAccepted(t *testing.T) {
	// Python's bytes_to_int pads to 8 bytes, so a timestamp field with
	// leading zero bytes (never produced, but validly signed) is read.
	ts := mustTimestampSigner(t, itsdangerous.SignerOptions{})
	plain := mustSigner(t, keys("secret-key"), itsdangerous.SignerOptions{})
	token := plain.Sign([]byte("v.AABlU_EA")) // 00 00 65 53 f1 00
	_, got, err := ts.UnsignAt(token, 0, t0)
	if err != nil || !got.Equal(t0) {
		t.Fatalf("UnsignAt = %v, %v", got, err)
	}
}

func TestTimestampSignerRejectsEveryByteChange(t *testing.T) {
	s := mustTimestampSigner(t, itsdangerous.SignerOptions{})
	token := s.SignAt([]byte("user:42"), t0)
	assertEveryMutationRejected(t, token, func(b []byte) error {
		_, _, err := s.UnsignAt(b, time.Hour, t0)
		return err
	})
}

func TestTimestampLastRepresentableSecond(t *testing.T) {
	// 253402300799 is 9999-12-31T23:59:59Z, the last second Python can read.
	ts := mustTimestampSigner(t, itsdangerous.SignerOptions{})
	plain := mustSigner(t, keys("secret-key"), itsdangerous.SignerOptions{})
	_, got, err := ts.UnsignAt(plain.Sign([]byte("v.Ov_0QX8")), 0, t0)
	if err != nil || got.Year() != 9999 {
		t.Fatalf("UnsignAt = %v, %v", got, err)
	}
}
