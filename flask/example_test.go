package flask_test

import (
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/websession/session/internal/state"

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

// A cookie that Flask set with
//
//	session["user_id"] = 42
//	session["cart"] = ("apple", 2)
//	session.permanent = True
//	flash("Welcome back")
func ExampleFormat() {
	sealer, err := flask.Format().Bind(state.Params{
		Secret: []byte("change me: 32 random bytes or more"), // Flask's SECRET_KEY
	})
	if err != nil {
		panic(err)
	}
	fromFlask := ".eJw1izsOgCAQBa9iXk1lrLyIhSFkxecnghJWK8PdpbGaKWZeuCWIblT044vmrkCkqqyEwcDgr8hmEn_AFmvgEnOUk2ct7_zQwEuu_r-SUqhna4vBo8xun9F3bfkARfEipA.aDxAwA.5bOMIsqa0R-9x4KwJ5T3S1pEM8M"
	st, err := sealer.Open(fromFlask, time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	fmt.Println(st.Issued, st.Permanent, st.Flashes[0].Category, st.Flashes[0].Message)
	fmt.Println(string(st.Values["user_id"]), string(st.Values["cart"]))

	var cart flask.Tuple
	if err := sealer.UnmarshalTo(st.Values["cart"], &cart); err != nil {
		panic(err)
	}
	fmt.Println(cart[0], cart[1])

	// Flask writes exactly this cookie for {"user_id": 42} at that second.
	cookie, err := sealer.Seal(&state.State{Values: map[string][]byte{"user_id": []byte("42")}, Issued: st.Issued})
	if err != nil {
		panic(err)
	}
	fmt.Println(cookie)
	// Output:
	// 2025-06-01 12:00:00 +0000 UTC true message Welcome back
	// 42 {" t":["apple",2]}
	// apple 2
	// eyJ1c2VyX2lkIjo0Mn0.aDxAwA.eQuRmy8qSkiTjMo9IByWCH-Lltg
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
