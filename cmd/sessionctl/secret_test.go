package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

// TestSecretFileFromDevZeroIsRefusedAtOnce: a file without end is refused
// after 64 KiB, with a message that says what the file should hold,
// instead of being read until memory runs out.
func TestSecretFileFromDevZeroIsRefusedAtOnce(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	start := time.Now()
	code, out, errs := ctl(t, "sign", "--secret-file", "/dev/zero", "{}")
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("refusing /dev/zero took %s", took)
	}
	want := "sessionctl: --secret-file /dev/zero is larger than 64 KiB; it should hold one secret per line\n"
	if code != exitUsage || out != "" || errs != want {
		t.Fatalf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, errs, want)
	}
}

// TestOversizedSecretIsRefused: a 70 KiB file or variable is refused, for
// decode as for sign, and none of it is shown; 64 KiB exactly is read.
func TestOversizedSecretIsRefused(t *testing.T) {
	big := strings.Repeat("Lq7vZx2mNc4bWs8k", 70<<10/16) // 70 KiB of one line
	kf := keyFile(t, big)
	for _, cmd := range [][]string{{"sign", "{}"}, {"decode", "AAAA"}} {
		code, out, errs := ctl(t, append([]string{cmd[0], "--secret-file", kf}, cmd[1:]...)...)
		if code != exitUsage || out != "" || !strings.Contains(errs, "is larger than 64 KiB; it should hold one secret per line") {
			t.Errorf("%s with a 70 KiB --secret-file: exit %d, stdout %q, stderr %q; want exit 2 saying it is larger than 64 KiB", cmd[0], code, out, errs)
		}
		if strings.Contains(errs, "Lq7v") {
			t.Errorf("%s shows the secret: %s", cmd[0], errs)
		}
	}

	t.Setenv("SESSIONCTL_TEST_SECRET", big)
	code, _, errs := ctl(t, "sign", "--secret-env", "SESSIONCTL_TEST_SECRET", "{}")
	if code != exitUsage || !strings.Contains(errs, "environment variable SESSIONCTL_TEST_SECRET holds more than 64 KiB") || strings.Contains(errs, "Lq7v") {
		t.Errorf("a 70 KiB --secret-env: exit %d, stderr %q; want exit 2 saying it holds more than 64 KiB", code, errs)
	}

	// At the limit: a current key and old keys filling 64 KiB are read.
	line := strings.Repeat("k", 63) + "\n"
	exact := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(exact, []byte(strings.Repeat(line, maxSecretInput/len(line))+strings.Repeat("k", maxSecretInput%len(line))), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := ctl(t, "sign", "--secret-file", exact, "{}"); code != exitOK {
		t.Errorf("a --secret-file of exactly 64 KiB: exit %d: %s", code, errs)
	}
}

// binaryKey returns 64 random bytes with one line break, after the 40th,
// as a key from a random generator may hold.
func binaryKey() []byte {
	key := make([]byte, 64)
	rand.Read(key)
	for i, c := range key {
		if c == '\n' || c == '\r' {
			key[i] = 'x'
		}
	}
	key[40] = '\n'
	return key
}

// TestBinaryKeyInHexOrBase64IsOneKey: a binary key holding a newline byte,
// given as one hex or base64 line, is that one key: sign and decode agree,
// and the library opens the cookie with the raw bytes.
func TestBinaryKeyInHexOrBase64IsOneKey(t *testing.T) {
	key := binaryKey()
	for _, enc := range []struct{ name, line, variant string }{
		{"hex", hex.EncodeToString(key), ""},
		{"base64", base64.StdEncoding.EncodeToString(key), " padded"},
		{"base64", base64.RawURLEncoding.EncodeToString(key), " URL-safe unpadded"},
	} {
		t.Run(enc.name+enc.variant, func(t *testing.T) {
			kf := keyFile(t, enc.line)
			code, cookie, errs := ctl(t, "sign", "--format", "signed", "--secret-file", kf, "--secret-encoding", enc.name, `{"user_id": 42}`)
			if code != exitOK {
				t.Fatalf("sign: exit %d: %s", code, errs)
			}
			cookie = strings.TrimSpace(cookie)
			code, out, errs := ctl(t, "decode", "--format", "signed", "--secret-file", kf, "--secret-encoding", enc.name, cookie)
			if code != exitOK || !strings.Contains(out, `"user_id": 42`) {
				t.Fatalf("decode: exit %d: %s%s", code, out, errs)
			}
			sealer, err := session.Signed.Bind(state.Params{Secret: key, CookieName: state.DefaultCookieName, Lifetime: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sealer.Open(cookie, time.Now()); err != nil {
				t.Fatalf("the library, given the binary key, refuses the cookie sign made: %v", err)
			}
		})
	}

	// The same key as raw bytes in a text file is two keys, the first of
	// them the 40 bytes before the line break: the reason for the flag.
	raw := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(raw, key, 0o600); err != nil {
		t.Fatal(err)
	}
	code, cookie, errs := ctl(t, "sign", "--format", "signed", "--secret-file", raw, `{"user_id": 42}`)
	if code != exitOK {
		t.Fatalf("sign with the raw key as text: exit %d: %s", code, errs)
	}
	kf := keyFile(t, hex.EncodeToString(key))
	if code, _, _ := ctl(t, "decode", "--format", "signed", "--secret-file", kf, "--secret-encoding", "hex", strings.TrimSpace(cookie)); code != exitInvalid {
		t.Errorf("a cookie signed with the raw key file read as text verified under the whole key: exit %d", code)
	}
}

// TestBadEncodedSecretLineNamesTheLine: a line that does not decode is an
// error naming its line number and never its content.
func TestBadEncodedSecretLineNamesTheLine(t *testing.T) {
	good := "deadbeef0acafef00dbadc0ffee0ddf00ddeadbeef0acafef00dbadc0ffee0dd" // no run of digits, unlike a temporary directory's name
	for _, tt := range []struct {
		enc, bad string
	}{
		{"hex", "Xq9wPz4kRt7mVb2n"},         // not hex digits
		{"hex", good[:len(good)-1]},         // an odd number of digits
		{"base64", "Xq9w!Pz4k@Rt7mVb2n#"},   // not base64
		{"base64", "===="},                  // nothing
		{"hex", "c0ffee00\x00c0ffee00Lq7v"}, // a binary line in a hex file
	} {
		kf := keyFile(t, good, "", tt.bad) // the blank line 2 counts
		if tt.enc == "base64" {
			kf = keyFile(t, base64.StdEncoding.EncodeToString([]byte(good)), "", tt.bad)
		}
		code, out, errs := ctl(t, "sign", "--secret-file", kf, "--secret-encoding", tt.enc, "{}")
		want := "line 3 of --secret-file " + kf + " is not valid " + tt.enc
		if code != exitUsage || out != "" || !strings.Contains(errs, want) {
			t.Errorf("%s line %q: exit %d, stdout %q, stderr %q; want exit 2 saying %q", tt.enc, tt.bad, code, out, errs, want)
		}
		for _, secret := range []string{tt.bad, good} {
			if len(secret) >= 4 && strings.Contains(errs, secret[:4]) {
				t.Errorf("%s line %q: the error shows a secret: %s", tt.enc, tt.bad, errs)
			}
		}
	}

	t.Setenv("SESSIONCTL_TEST_SECRET", "zz")
	if code, _, errs := ctl(t, "sign", "--secret-env", "SESSIONCTL_TEST_SECRET", "--secret-encoding", "hex", "{}"); code != exitUsage ||
		!strings.Contains(errs, "line 1 of environment variable SESSIONCTL_TEST_SECRET is not valid hex") {
		t.Errorf("bad hex in --secret-env: exit %d, stderr %q", code, errs)
	}
	if code, _, errs := ctl(t, "sign", "--secret-file", keyFile(t, good), "--secret-encoding", "rot13", "{}"); code != exitUsage ||
		!strings.Contains(errs, `unknown --secret-encoding "rot13"; use text, hex or base64`) {
		t.Errorf("an unknown encoding: exit %d, stderr %q", code, errs)
	}
}
