package flask_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"testing"

	"github.com/websession/session/flask"
)

// loginIdentifierPy is Flask-Login 0.6.3's _get_remote_addr() and
// _create_identifier() on WSGI's view of a request: header values are the
// request's bytes decoded as Latin-1, REMOTE_ADDR the address without port.
const loginIdentifierPy = `
import json, sys
from hashlib import sha512
out = []
for c in json.loads(sys.stdin.read()):
    hdr = lambda k: None if c.get(k) is None else bytes.fromhex(c[k]).decode("latin-1")
    address = hdr("xff")
    if address is None:
        address = c.get("remote")
    if address is not None:
        address = address.encode("utf-8").split(b",")[0].strip()
    user_agent = hdr("ua")
    if user_agent is not None:
        user_agent = user_agent.encode("utf-8")
    base = f"{address}|{user_agent}"
    out.append(sha512(base.encode("utf8")).hexdigest())
print(json.dumps(out))
`

// TestLoginIdentifierIsFlaskLogins compares LoginIdentifier with Flask-Login
// 0.6.3's code, run by python3, on the requests whose Python reprs differ:
// quotes, backslashes, control and non-ASCII bytes, IPv6, missing headers,
// a list in X-Forwarded-For.
func TestLoginIdentifierIsFlaskLogins(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		skip(t, "python3 not found; the identifier test needs python3")
	}
	type tc struct {
		Remote  *string `json:"remote"`
		XFF     *string `json:"xff"` // hex
		UA      *string `json:"ua"`  // hex
		remote  string
		xff, ua *string
	}
	str := func(s string) *string { return &s }
	cases := []tc{
		{remote: "127.0.0.1:5000", ua: str("Mozilla/5.0 (X11; Linux x86_64)")},
		{remote: "127.0.0.1:5000"},
		{remote: "[::1]:5000", ua: str("curl/8.0")},
		{remote: "", ua: str("no address")},
		{remote: "10.0.0.1:1", xff: str(" 203.0.113.7\t, 10.0.0.1"), ua: str("it's")},
		{remote: "10.0.0.1:1", xff: str(""), ua: str(`both ' and "`)},
		{remote: "10.0.0.1:1", ua: str("back\\slash and \x01 \x7f")},
		{remote: "10.0.0.1:1", ua: str("caf\xc3\xa9 \xff")},
		{remote: "10.0.0.1:1", xff: str("\xe2\x98\x95, x")},
	}
	hexOf := func(s *string) *string {
		if s == nil {
			return nil
		}
		h := hex.EncodeToString([]byte(*s))
		return &h
	}
	for i := range cases {
		c := &cases[i]
		if c.remote != "" {
			host := c.remote
			if h, _, err := net.SplitHostPort(host); err == nil {
				host = h
			}
			c.Remote = &host
		}
		c.XFF, c.UA = hexOf(c.xff), hexOf(c.ua)
	}
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", loginIdentifierPy)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil || len(want) != len(cases) {
		t.Fatalf("python3 printed %s (%v)", out, err)
	}
	show := func(p *string) string {
		if p == nil {
			return "none"
		}
		return strconv.Quote(*p)
	}
	for i, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != nil {
			r.Header["X-Forwarded-For"] = []string{*c.xff}
		}
		if c.ua != nil {
			r.Header["User-Agent"] = []string{*c.ua}
		}
		if got := flask.LoginIdentifier(r); got != want[i] {
			t.Errorf("case %d (remote %q, X-Forwarded-For %s, User-Agent %s): Go %s…, Flask-Login %s…", i, c.remote, show(c.xff), show(c.ua), got[:16], want[i][:16])
		}
	}
}
