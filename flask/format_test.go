package flask

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
	"github.com/websession/session/itsdangerous"
)

func TestSealOpen(t *testing.T) {
	s := bind(t, testSecret, nil, 0)
	if s.Name() != "flask" {
		t.Errorf("Name() = %q", s.Name())
	}
	st := stateOf(t, map[string]any{"user_id": 42, "cart": Tuple{"a", 1}}, true,
		[]session.Flash{{Category: "message", Message: "hi"}})
	st.Issued = testTime.Add(750 * time.Millisecond) // Flask keeps whole seconds
	cookie, err := s.Seal(st)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Open(cookie, testTime.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Issued.Equal(testTime) || !got.Created.IsZero() || got.OldKey || !got.Permanent ||
		!slices.Equal(got.Flashes, st.Flashes) || len(got.Values) != 2 ||
		string(got.Values["user_id"]) != "42" || string(got.Values["cart"]) != `{" t":["a",1]}` {
		t.Errorf("Open = %+v", got)
	}
}

func TestKeyRotation(t *testing.T) {
	st := stateOf(t, map[string]any{"user_id": 42}, false, nil)
	oldCookie, err := bind(t, oldSecret, nil, 0).Seal(st)
	if err != nil {
		t.Fatal(err)
	}
	rotated := bind(t, testSecret, [][]byte{[]byte("another retired key"), oldSecret}, 0)

	got, err := rotated.Open(oldCookie, testTime)
	if err != nil {
		t.Fatalf("cookie signed with a fallback key: %v", err)
	}
	if !got.OldKey || string(got.Values["user_id"]) != "42" {
		t.Errorf("Open = %+v, want OldKey and the value", got)
	}

	newCookie, err := rotated.Seal(got)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := bind(t, testSecret, nil, 0).Open(newCookie, testTime); err != nil || got.OldKey {
		t.Errorf("Seal did not use the current key: %v", err)
	}
	if _, err := bind(t, oldSecret, nil, 0).Open(newCookie, testTime); !errors.Is(err, itsdangerous.ErrBadSignature) {
		t.Errorf("old key opened a new cookie: %v", err)
	}
	if _, err := bind(t, testSecret, nil, 0).Open(oldCookie, testTime); !errors.Is(err, itsdangerous.ErrBadSignature) {
		t.Errorf("retired key accepted without being configured: %v", err)
	}
}

func TestOpenAge(t *testing.T) {
	st := stateOf(t, map[string]any{"x": 1}, false, nil)
	for _, tt := range []struct {
		name     string
		lifetime time.Duration
		now      time.Time
		expired  bool
	}{
		{"fresh", time.Hour, testTime, false},
		{"exactly the lifetime", time.Hour, testTime.Add(time.Hour), false},
		{"a second over", time.Hour, testTime.Add(time.Hour + time.Second), true},
		{"dated in the future", time.Hour, testTime.Add(-time.Second), true},
		{"default 31 days", 0, testTime.Add(31 * 24 * time.Hour), false},
		{"default 31 days and a second", 0, testTime.Add(31*24*time.Hour + time.Second), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := bind(t, testSecret, nil, tt.lifetime)
			cookie, err := s.Seal(st)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Open(cookie, tt.now)
			if tt.expired != errors.Is(err, itsdangerous.ErrSignatureExpired) || tt.expired != (err != nil) {
				t.Errorf("Open: %v, want expired %v", err, tt.expired)
			}
			if err != nil && !errors.Is(err, session.ErrInvalidCookie) {
				t.Errorf("%v does not wrap ErrInvalidCookie", err)
			}
		})
	}
}

// signed signs data as Flask's serializer would, so tests can reach the
// decoding stage with payloads Flask never writes.
func signed(t *testing.T, payload []byte) string {
	t.Helper()
	ts, err := itsdangerous.NewTimestampSigner([][]byte{testSecret},
		itsdangerous.SignerOptions{Salt: Salt, KeyDerivation: itsdangerous.HMAC, Digest: sha1.New})
	if err != nil {
		t.Fatal(err)
	}
	return string(ts.SignAt(payload, testTime))
}

func zlibPayload(data []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(data)
	w.Close()
	return append([]byte("."), base64.RawURLEncoding.EncodeToString(buf.Bytes())...)
}

// errTooLongCookie marks the test case refused for its size alone.
var errTooLongCookie = errors.New("too long")

func TestOpenRejects(t *testing.T) {
	s := bind(t, testSecret, nil, 0)
	good, err := s.Seal(stateOf(t, map[string]any{"secret_value": "hunter2-hunter2"}, false, nil))
	if err != nil {
		t.Fatal(err)
	}
	js := func(s string) []byte { return itsdangerous.EncodePayload([]byte(s)) }
	bomb := zlibPayload(bytes.Repeat([]byte(" "), MaxPayloadSize+1))
	tests := []struct {
		name  string
		value string
		class error
	}{
		{"empty", "", itsdangerous.ErrBadSignature},
		{"too long: refused before the signature is checked", good + strings.Repeat("A", MaxValueSize), errTooLongCookie},
		{"tampered", strings.Replace(good, good[3:4], string(good[3]^1), 1), itsdangerous.ErrBadSignature},
		{"truncated", good[:len(good)-2], itsdangerous.ErrBadSignature},
		{"signature only", good[strings.LastIndexByte(good, '.'):], itsdangerous.ErrBadSignature},
		{"other key", func() string { c, _ := bind(t, oldSecret, nil, 0).Seal(stateOf(t, nil, false, nil)); return c }(), itsdangerous.ErrBadSignature},
		{"signed non-base64", signed(t, []byte("%%%")), itsdangerous.ErrBadPayload},
		{"signed bad zlib", signed(t, []byte(".AAAA")), itsdangerous.ErrBadPayload},
		{"signed zlib bomb", signed(t, bomb), itsdangerous.ErrBadPayload},
		{"signed non-JSON", signed(t, js("{nope")), itsdangerous.ErrBadPayload},
		{"signed list", signed(t, js("[1]")), itsdangerous.ErrBadPayload},
		{"signed tuple session", signed(t, js(`{" t":[["a",1]]}`)), itsdangerous.ErrBadPayload},
		{"signed deep value", signed(t, js(`{"v":`+strings.Repeat("[", 65)+strings.Repeat("]", 65)+`}`)), itsdangerous.ErrBadPayload},
		{"signed bad tag", signed(t, js(`{"v":{" b":5}}`)), itsdangerous.ErrBadPayload},
		{"signed bad _permanent", signed(t, js(`{"_permanent":"yes"}`)), itsdangerous.ErrBadPayload},
		{"signed bad _flashes", signed(t, js(`{"_flashes":[["only one"]]}`)), itsdangerous.ErrBadPayload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := s.Open(tt.value, testTime)
			if err == nil {
				t.Fatalf("Open accepted it: %+v", st)
			}
			if !errors.Is(err, session.ErrInvalidCookie) {
				t.Errorf("%v does not wrap session.ErrInvalidCookie", err)
			}
			if tt.class == errTooLongCookie {
				if !strings.Contains(err.Error(), "-byte limit") {
					t.Errorf("%v is not the size error", err)
				}
			} else if !errors.Is(err, tt.class) {
				t.Errorf("%v does not wrap %v", err, tt.class)
			}
			if len(tt.value) > 8 && strings.Contains(err.Error(), tt.value[:8]) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows the cookie: %v", err)
			}
			var e *itsdangerous.Error
			if errors.As(err, &e) {
				t.Errorf("error exposes the itsdangerous error and its unverified payload")
			}
		})
	}
}

func TestOpenDepth(t *testing.T) {
	// A value may nest state.MaxDepth levels, even when the session dict
	// sits in a " di" tag; one more is refused.
	s := bind(t, testSecret, nil, 0)
	deepest := strings.Repeat("[", 64) + strings.Repeat("]", 64)
	for _, body := range []string{`{"v":` + deepest + `}`, `{" di":{" t__":` + deepest + `}}`} {
		st, err := s.Open(signed(t, itsdangerous.EncodePayload([]byte(body))), testTime)
		if err != nil || len(st.Values) != 1 {
			t.Errorf("%.20s...: %v", body, err)
		}
	}
}

func TestSealErrors(t *testing.T) {
	s := bind(t, testSecret, nil, 0)
	for name, st := range map[string]*state.State{
		"zero Issued":     {Values: map[string][]byte{"a": []byte("1")}},
		"reserved key":    {Values: map[string][]byte{"_permanent": []byte("true")}, Issued: testTime},
		"flashes key":     {Values: map[string][]byte{"_flashes": []byte("[]")}, Issued: testTime},
		"not JSON":        {Values: map[string][]byte{"a": []byte("{")}, Issued: testTime},
		"two JSON values": {Values: map[string][]byte{"a": []byte("1 2")}, Issued: testTime},
	} {
		if _, err := s.Seal(st); err == nil || !strings.HasPrefix(err.Error(), "flask: ") {
			t.Errorf("%s: Seal error %v", name, err)
		}
	}
}

func TestSealCanonicalizesValues(t *testing.T) {
	// Values written by another JSON encoder still give Flask's exact text.
	s := bind(t, testSecret, nil, 0)
	st := &state.State{Issued: testTime, Values: map[string][]byte{
		"v": []byte(` { "b" : 1.0 , "a" : "\u00e9\u003c" } `),
	}}
	cookie, err := s.Seal(st)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Open(cookie, testTime)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":"\u00e9<","b":1.0}`; string(got.Values["v"]) != want {
		t.Errorf("got %s, want %s", got.Values["v"], want)
	}
}

func TestBindErrors(t *testing.T) {
	for name, p := range map[string]state.Params{
		"empty secret":     {Lifetime: time.Hour},
		"sub-second":       {Secret: testSecret, Lifetime: 500 * time.Millisecond},
		"empty old secret": {Secret: testSecret, OldSecrets: [][]byte{nil}},
	} {
		if _, err := Format().Bind(p); err == nil || !strings.HasPrefix(err.Error(), "flask: ") {
			t.Errorf("%s: Bind error %v", name, err)
		}
	}
}

// TestRotationAndAgeAgreeWithFlask: Flask and Go accept and refuse the same
// cookies when keys rotate and cookies age.
func TestRotationAndAgeAgreeWithFlask(t *testing.T) {
	py := startFlask(t)
	ts := testTime.Unix()
	const lifetime = 3600
	flaskOld := py.dump(oldSecret, ts, map[string]string{"c": `{"user_id": 42}`})["c"].Cookie
	goNew, err := bind(t, testSecret, [][]byte{oldSecret}, lifetime*time.Second).Seal(stateOf(t, map[string]any{"user_id": 42}, false, nil))
	if err != nil {
		t.Fatal(err)
	}
	cookies := map[string]string{"flask, old key": flaskOld, "go, current key": goNew}
	for _, keys := range []struct {
		name      string
		secret    []byte
		fallbacks [][]byte
	}{
		{"current+fallback", testSecret, [][]byte{oldSecret}},
		{"current only", testSecret, nil},
		{"old only", oldSecret, nil},
	} {
		s := bind(t, keys.secret, keys.fallbacks, lifetime*time.Second)
		for _, age := range []int64{-1, 0, lifetime, lifetime + 1} {
			flask := py.load(keys.secret, keys.fallbacks, ts+age, lifetime, cookies)
			for name, cookie := range cookies {
				_, err := s.Open(cookie, time.Unix(ts+age, 0))
				if (err == nil) != (flask[name].Error == "") {
					t.Errorf("keys %s, age %d, cookie %s: Go error %v, Flask error %q", keys.name, age, name, err, flask[name].Error)
				}
			}
		}
	}
}
