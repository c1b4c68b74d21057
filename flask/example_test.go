package flask_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/flask"
)

func ExampleTaggedJSON() {
	b, err := flask.TaggedJSON.Marshal(map[string]any{
		"cart":  flask.Tuple{"apple", 2},
		"name":  "café",
		"price": 1.0,
		"seen":  time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))

	v, err := flask.TaggedJSON.Unmarshal([]byte(`{" t":["apple",2]}`))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%#v\n", v)
	// Output:
	// {"cart":{" t":["apple",2]},"name":"caf\u00e9","price":1.0,"seen":{" d":"Sun, 01 Jun 2025 12:00:00 GMT"}}
	// flask.Tuple{"apple", 2}
}

// A Manager on Flask's cookie reads what a Flask view stored: here a cookie
// that Flask set with
//
//	session["user_id"] = 42
//	session["cart"] = ("apple", 2)
//	session.permanent = True
//	flash("Welcome back")
//
// and writes what Flask reads back.
func ExampleFormat() {
	m, err := session.New(session.Config{
		Secret: []byte("change me: 32 random bytes or more"), // Flask's SECRET_KEY
		Format: flask.Format(),
		Now:    func() time.Time { return time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		panic(err)
	}
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		id, _ := session.Get[int](s, "user_id")
		cart, _ := session.Get[flask.Tuple](s, "cart")
		fmt.Println(id, cart[0], cart[1], s.Permanent())
		for _, f := range s.Flashes() {
			fmt.Println(f.Category, f.Message)
		}
	}))
	fromFlask := ".eJw1izsOgCAQBa9iXk1lrLyIhSFkxecnghJWK8PdpbGaKWZeuCWIblT044vmrkCkqqyEwcDgr8hmEn_AFmvgEnOUk2ct7_zQwEuu_r-SUqhna4vBo8xun9F3bfkARfEipA.aDxAwA.5bOMIsqa0R-9x4KwJ5T3S1pEM8M"
	req := httptest.NewRequest("GET", "https://example.com/", nil)
	req.AddCookie(&http.Cookie{Name: "session", Value: fromFlask})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(len(rec.Result().Cookies()), "cookie: the flash was shown, so Flask gets the session without it")
	// Output:
	// 42 apple 2 true
	// message Welcome back
	// 1 cookie: the flash was shown, so Flask gets the session without it
}

// LoginIdentifier is Flask-Login 0.6.3's _create_identifier(): the request's
// address and User-Agent as Python bytes reprs, hashed with SHA-512.
func ExampleLoginIdentifier() {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:5000"
	r.Header.Set("User-Agent", "Mozilla/5.0")
	// hashlib.sha512(b"b'127.0.0.1'|b'Mozilla/5.0'").hexdigest()
	fmt.Println(flask.LoginIdentifier(r)[:32])
	// Output:
	// 4b58f43e05616ba2eb7be4c7562bf7fa
}
