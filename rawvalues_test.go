package session_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/websession/session"
	"github.com/websession/session/internal/testkit"
)

// TestUnchangedValuesKeepTheirBytes: a request that changes one key writes
// every other value back as the exact bytes it arrived as, never decoded
// and encoded again. The values here are valid JSON that encoding would
// change (spacing, key order, 1.50, a \u escape), in a Signed cookie, whose
// body a test can read.
func TestUnchangedValuesKeepTheirBytes(t *testing.T) {
	a := testkit.NewApp(t, func(c *session.Config) { c.Format = session.Signed })
	unchanged := map[string]string{
		"obj":   `{"b": 1,  "a": [1 ,2]}`,
		"price": `1.50`,
		"city":  `"caf\u00e9"`,
		"big":   `123456789012345678901234567890`,
	}
	values := map[string]string{"n": `1`}
	for k, v := range unchanged {
		values[k] = v
	}
	cookie := sealFor(t, session.Signed, values, a.Clock.Now())
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		n, _ := session.Get[int](s, "n")
		if err := s.Set("n", n+1); err != nil {
			t.Error(err)
		}
		if v, _ := s.Get("price"); v != 1.5 { // reading a value decodes a copy
			t.Errorf("price = %v, want 1.5", v)
		}
	}, &http.Cookie{Name: "session", Value: cookie})
	c := testkit.OneCookie(t, resp, "session")
	if c == nil {
		t.Fatal("the writing request set no cookie")
	}
	b64body, _, _ := strings.Cut(c.Value, ".")
	body, err := base64.RawURLEncoding.DecodeString(b64body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"n":2`) {
		t.Errorf("body %s lacks the changed key n=2", body)
	}
	for k, v := range unchanged {
		if !strings.Contains(string(body), `"`+k+`":`+v) {
			t.Errorf("body %s: %s is no longer %s as it arrived", body, k, v)
		}
	}
}
