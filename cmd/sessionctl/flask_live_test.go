package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/flask"
)

// flaskScript is the real Flask's session serializer, with the key given:
//
//	dump EXPR     prints the cookie Flask writes for the session dict EXPR
//	text EXPR     prints the session dict's tagged JSON, as Flask writes it
//	load COOKIE   prints repr() of the session Flask reads, keys sorted
//	flash COOKIE  reads the session, flashes "Welcome back" as flash()
//	              does, and prints the cookie Flask writes for it
const flaskScript = `
import sys
from flask import Flask
from markupsafe import Markup
app = Flask(__name__)
app.secret_key = sys.argv[1]
s = app.session_interface.get_signing_serializer(app)
mode, arg = sys.argv[2], sys.argv[3]
env = {"Markup": Markup, "nan": float("nan"), "inf": float("inf")}
if mode == "dump":
    print(s.dumps(eval(arg, env)))
elif mode == "text":
    print(s.serializer.dumps(eval(arg, env)))
elif mode == "load":
    print(repr(dict(sorted(s.loads(arg, max_age=3600).items()))))
elif mode == "flash":
    data = s.loads(arg, max_age=3600)
    data.setdefault("_flashes", []).append(("message", "Welcome back"))
    print(s.dumps(data))
`

// pyFlask runs flaskScript in mode on arg and returns its output.
func pyFlask(t *testing.T, python, mode, arg string) string {
	t.Helper()
	out, err := exec.Command(python, "-c", flaskScript, testKey, mode, arg).CombinedOutput()
	if err != nil {
		t.Fatalf("Flask (%s): %v\n%s", mode, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestFlaskNaNAndInfinityDecodeAndSignBack: a cookie Flask wrote with
// NaN, Infinity and -Infinity (and a Markup and a numeric flash) decodes;
// sign takes decode's output as it is, and Flask reads the cookie sign
// makes as the session it wrote. sign also takes such values in Flask's
// tagged JSON, the top-level " di" wrapper of a dict whose only key is a
// tag included.
func TestFlaskNaNAndInfinityDecodeAndSignBack(t *testing.T) {
	python := requirePythonFlask(t)
	kf := keyFile(t, testKey)
	const expr = `{"f": [nan, inf, -inf], "_user_id": "alice", "_flashes": [("html", Markup("<a href='/x'>link</a>")), ("message", 42)]}`
	cookie := pyFlask(t, python, "dump", expr)
	want := pyFlask(t, python, "load", cookie)

	code, decodedOut, errs := ctl(t, "decode", "--format", "flask", "--secret-file", kf, cookie)
	if code != exitOK || !strings.Contains(decodedOut, `"f": [NaN,Infinity,-Infinity]`) {
		t.Fatalf("decode of Flask's NaN cookie: exit %d, %s\n%s", code, errs, decodedOut)
	}
	code, signed, errs := ctl(t, "sign", "--format", "flask", "--secret-file", kf, decodedOut)
	if code != exitOK {
		t.Fatalf("sign of decode's output: exit %d, %s", code, errs)
	}
	if got := pyFlask(t, python, "load", strings.TrimSpace(signed)); got != want {
		t.Errorf("Flask reads the cookie signed from decode's output as\n%s\nwant\n%s", got, want)
	}

	for _, tc := range []struct{ name, input, want string }{
		{"NaN and Infinity", `{"f":[NaN,Infinity,-Infinity]}`, "{'f': [nan, inf, -inf]}"},
		{"Flask's own text", pyFlask(t, python, "text", expr), want},
		{"a di wrapper", pyFlask(t, python, "text", `{" t": nan}`), "{' t': nan}"},
	} {
		code, signed, errs := ctl(t, "sign", "--format", "flask", "--secret-file", kf, tc.input)
		if code != exitOK {
			t.Errorf("%s: sign %s: exit %d, %s", tc.name, tc.input, code, errs)
			continue
		}
		if got := pyFlask(t, python, "load", strings.TrimSpace(signed)); got != tc.want {
			t.Errorf("%s: Flask reads the cookie sign made of %s as %s, want %s", tc.name, tc.input, got, tc.want)
		}
	}
}

// TestFlaskSignTakesDecodeOutputOfAnySession: for sessions Flask wrote
// whose keys look like Flask's tags (" t", " di", " m"), whose only other
// content is a flash, that hold an integer Flask-Login user ID, or whose
// keys are decode's own, sign of decode's output makes a cookie Flask
// reads as the session it wrote, and decode shows an integer user as a
// number.
func TestFlaskSignTakesDecodeOutputOfAnySession(t *testing.T) {
	python := requirePythonFlask(t)
	kf := keyFile(t, testKey)
	for _, tc := range []struct{ name, expr, wantUser string }{
		{"a key like the tuple tag", `{" t": nan}`, ""},
		{"a key like the dict tag", `{" di": 1}`, ""},
		{"a key like the Markup tag and a flash", `{" m": "x", "_flashes": [("message", "hi")]}`, ""},
		{"an integer user ID", `{"_user_id": 7, "_fresh": True, "x": 1}`, "7"},
		{"an integer user ID beyond 64 bits", `{"_user_id": 123456789012345678901234567890}`, "123456789012345678901234567890"},
		{"a text user ID", `{"_user_id": "7"}`, `"7"`},
		{"decode's own keys", `{"format": "flask", "verified": True, "session": {" t": [1, 2]}}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cookie := pyFlask(t, python, "dump", tc.expr)
			want := pyFlask(t, python, "load", cookie)
			code, out, errs := ctl(t, "decode", "--format", "flask", "--secret-file", kf, cookie)
			if code != exitOK {
				t.Fatalf("decode of Flask's cookie for %s: exit %d, %s", tc.expr, code, errs)
			}
			if tc.wantUser != "" && !strings.Contains(out, `"user": `+tc.wantUser+",") {
				t.Errorf("decode shows the user of %s other than as %s:\n%s", tc.expr, tc.wantUser, out)
			}
			code, signed, errs := ctl(t, "sign", "--format", "flask", "--secret-file", kf, out)
			if code != exitOK {
				t.Fatalf("sign of decode's output: exit %d, %s\n%s", code, errs, out)
			}
			if got := pyFlask(t, python, "load", strings.TrimSpace(signed)); got != want {
				t.Errorf("Flask reads the cookie signed from decode's output as\n%s\nwant\n%s\ndecode printed:\n%s", got, want, out)
			}
		})
	}
}

// TestDecodeShowsUserSignInAndFlashes: a user signed in by Go and a flash
// Flask added show in decode as "user", "signed_in" and flashes with
// lower-case keys.
func TestDecodeShowsUserSignInAndFlashes(t *testing.T) {
	python := requirePythonFlask(t)
	signedIn := time.Now().Truncate(time.Second)
	m, err := session.New(session.Config{Secret: []byte(testKey), Format: flask.Format(),
		Now: func() time.Time { return signedIn }})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := session.From(r).SetUser("alice"); err != nil {
			t.Error(err)
		}
	})).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	var goCookie string
	for _, c := range rec.Result().Cookies() {
		goCookie = c.Value
	}
	cookie := pyFlask(t, python, "flash", goCookie)

	code, out, errs := ctl(t, "decode", "--format", "flask", "--secret-file", keyFile(t, testKey), cookie)
	if code != exitOK {
		t.Fatalf("decode: exit %d, %s", code, errs)
	}
	var d struct {
		User     string
		SignedIn time.Time `json:"signed_in"`
		Flashes  []map[string]string
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	wantFlash := map[string]string{"category": "message", "message": "Welcome back"}
	if d.User != "alice" || !d.SignedIn.Equal(signedIn) || len(d.Flashes) != 1 || len(d.Flashes[0]) != 2 ||
		d.Flashes[0]["category"] != wantFlash["category"] || d.Flashes[0]["message"] != wantFlash["message"] {
		t.Fatalf("decode shows user %q signed in %v, flashes %v; want alice, %v, [%v]:\n%s", d.User, d.SignedIn, d.Flashes, signedIn, wantFlash, out)
	}
}
