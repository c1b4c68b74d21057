package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

const testKey = "6f1c2a9e0b7d4c3f8a5e2d1b0c9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7"

// ctl runs sessionctl with args and returns its exit code and output.
func ctl(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func keyFile(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestKeygenGivesAKeyNewAccepts(t *testing.T) {
	code, out, _ := ctl(t, "keygen")
	key := strings.TrimSpace(out)
	if code != exitOK || len(key) != 64 {
		t.Fatalf("keygen: exit %d, %q", code, out)
	}
	if _, err := session.New(session.Config{Secret: []byte(key)}); err != nil {
		t.Fatalf("session.New refuses keygen's key: %v", err)
	}
	_, out2, _ := ctl(t, "keygen")
	if out2 == out {
		t.Fatal("two keygen runs printed the same key")
	}
}

func TestSignThenDecodeEveryFormat(t *testing.T) {
	kf := keyFile(t, testKey)
	for _, format := range []string{"encrypted", "signed", "flask"} {
		t.Run(format, func(t *testing.T) {
			code, cookie, errs := ctl(t, "sign", "--format", format, "--secret-file", kf, "--permanent", `{"user_id": 42, "name": "Alice"}`)
			if code != exitOK {
				t.Fatalf("sign: exit %d: %s", code, errs)
			}
			code, out, errs := ctl(t, "decode", "--format", format, "--secret-file", kf, "session="+strings.TrimSpace(cookie))
			if code != exitOK {
				t.Fatalf("decode: exit %d: %s", code, errs)
			}
			var d decoded
			if err := json.Unmarshal([]byte(out), &d); err != nil {
				t.Fatalf("decode printed no JSON: %v\n%s", err, out)
			}
			if string(d.Session["user_id"]) != "42" || string(d.Session["name"]) != `"Alice"` || !d.Permanent || !d.Verified {
				t.Fatalf("decoded %s", out)
			}
		})
	}
}

func TestDecodeRefusesBadCookies(t *testing.T) {
	kf := keyFile(t, testKey)
	other := keyFile(t, strings.Repeat("0123456789abcdef", 4)[1:]+"x")
	old := strconv.FormatInt(time.Now().Add(-40*24*time.Hour).Unix(), 10)
	_, signed, _ := ctl(t, "sign", "--format", "signed", "--secret-file", kf, `{"a": 1}`)
	_, aged, _ := ctl(t, "sign", "--format", "flask", "--secret-file", kf, "--timestamp", old, `{"a": 1}`)
	signed, aged = strings.TrimSpace(signed), strings.TrimSpace(aged)
	flipped := []byte(signed)
	flipped[3] ^= 1
	cases := []struct {
		name, format, key, cookie, why string
	}{
		{"tampered", "signed", kf, string(flipped), "invalid cookie"},
		{"wrong key", "signed", other, signed, "bad signature"},
		{"other cookie name", "signed", kf, "admin=" + signed, "bad signature"},
		{"expired", "flask", kf, aged, "expired"},
		{"garbage", "encrypted", kf, "not-a-cookie", "invalid cookie"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := ctl(t, "decode", "--format", c.format, "--secret-file", c.key, c.cookie)
			if code != exitInvalid || out != "" || !strings.Contains(errs, c.why) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1 saying %q", code, out, errs, c.why)
			}
			if strings.Contains(errs, testKey) {
				t.Fatal("the key appears in the error output")
			}
		})
	}
}

func TestDecodeOldKeyVerifies(t *testing.T) {
	oldKey := strings.Repeat("fedcba9876543210", 4)
	_, cookie, _ := ctl(t, "sign", "--format", "flask", "--secret-file", keyFile(t, oldKey), `{"a": 1}`)
	code, _, errs := ctl(t, "decode", "--format", "flask", "--secret-file", keyFile(t, testKey, oldKey), strings.TrimSpace(cookie))
	if code != exitOK || !strings.Contains(errs, "old key") {
		t.Fatalf("exit %d, stderr %q; want success with a note about the old key", code, errs)
	}
}

func TestDecodeNoVerify(t *testing.T) {
	kf := keyFile(t, testKey)
	for _, format := range []string{"signed", "flask"} {
		_, cookie, _ := ctl(t, "sign", "--format", format, "--secret-file", kf, `{"user_id": 42}`)
		code, out, errs := ctl(t, "decode", "--format", format, "--no-verify", strings.TrimSpace(cookie))
		if code != exitOK || !strings.Contains(out, `"user_id": 42`) || !strings.Contains(errs, "NOT VERIFIED") {
			t.Fatalf("%s --no-verify: exit %d, stdout %q, stderr %q", format, code, out, errs)
		}
	}
	if code, _, _ := ctl(t, "decode", "--format", "encrypted", "--no-verify", "AAAA"); code != exitUsage {
		t.Fatalf("--no-verify on an encrypted cookie: exit %d, want 2", code)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"decode"},
		{"decode", "abc"}, // no secret
		{"decode", "--secret-env", "SESSIONCTL_TEST_UNSET_VAR", "abc"},
		{"decode", "--format", "xml", "--secret-env", "HOME", "abc"},
		{"sign", "--secret-file", "/nonexistent/key", "{}"},
	} {
		if code, _, errs := ctl(t, args...); code != exitUsage || errs == "" && len(args) > 0 {
			t.Errorf("sessionctl %q: exit %d, stderr %q; want 2 with a message", args, code, errs)
		}
	}
	if code, _, _ := ctl(t, "decode", "--help"); code != exitOK {
		t.Errorf("decode --help: exit %d, want 0", code)
	}
}

// TestSignedFlaskCookieOpensInFlask hands a cookie made by `sessionctl sign
// --format flask` to the real Flask.
func TestSignedFlaskCookieOpensInFlask(t *testing.T) {
	python := requirePythonFlask(t)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	_, cookie, errs := ctl(t, "sign", "--format", "flask", "--secret-file", keyFile(t, testKey), "--timestamp", ts,
		`{"_permanent": true, "user_id": 42, "cart": {" t": [1, 2]}, "_flashes": [{" t": ["message", "hi"]}]}`)
	if cookie == "" {
		t.Fatal(errs)
	}
	script := `
import sys, json
from flask import Flask
app = Flask(__name__)
app.secret_key = sys.argv[1]
data = app.session_interface.get_signing_serializer(app).loads(sys.argv[2], max_age=3600)
print(json.dumps({"types": {k: type(v).__name__ for k, v in data.items()}, "data": data}, sort_keys=True))
`
	out, err := exec.Command(python, "-c", script, testKey, strings.TrimSpace(cookie)).CombinedOutput()
	if err != nil {
		t.Fatalf("Flask refused the cookie: %v\n%s", err, out)
	}
	want := `{"data": {"_flashes": [["message", "hi"]], "_permanent": true, "cart": [1, 2], "user_id": 42}, "types": {"_flashes": "list", "_permanent": "bool", "cart": "tuple", "user_id": "int"}}`
	if got := strings.TrimSpace(string(out)); got != want {
		t.Fatalf("Flask read\n%s\nwant\n%s", got, want)
	}
}

// requirePythonFlask returns python3's path, or skips (fails in CI) when
// python3 with Flask is not installed.
func requirePythonFlask(t *testing.T) string {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(python, "-c", "import flask").Run()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 with Flask is required in CI: %v", err)
		}
		t.Skipf("python3 with Flask not available: %v", err)
	}
	return python
}

// One session ID in 64 starts with '-'. Such an argument is what it looks
// like to the operator, not a flag: it works, and it is not echoed back in
// a "flag provided but not defined" error. Flags may also follow it.
func TestArgumentsStartingWithADashAreNotFlags(t *testing.T) {
	id := "-" + strings.Repeat("A", 42) // a valid session ID the store does not hold
	if !state.ValidID(id) {
		t.Fatal("test ID is not a valid session ID")
	}
	dir := filepath.Join(t.TempDir(), "sessions")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"show", "revoke"} {
		code, out, errs := ctl(t, cmd, id, "--store", "file:"+dir)
		if code != exitNotFound {
			t.Errorf("%s of an unknown ID starting with '-': exit %d, want %d (not found):\n%s", cmd, code, exitNotFound, errs)
		}
		if strings.Contains(out+errs, id) {
			t.Errorf("%s echoed the session ID: %s%s", cmd, out, errs)
		}
	}
}
