package itsdangerous_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/websession/session/itsdangerous"
)

// A password-reset link: the token carries the user ID, is bound to its
// purpose by the salt, and expires after an hour. Python's
// URLSafeTimedSerializer(secret, salt="password-reset") makes the same token.
func Example_passwordReset() {
	secret := []byte("a long random secret key")
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	s, err := itsdangerous.NewURLSafeTimedSerializer([][]byte{secret}, itsdangerous.SerializerOptions{
		Salt: "password-reset",
		Now:  func() time.Time { return now }, // leave nil for time.Now
	})
	if err != nil {
		panic(err)
	}

	token, err := s.Dumps(map[string]any{"user_id": 42})
	if err != nil {
		panic(err)
	}
	fmt.Println("https://example.com/reset/" + token)

	// When the link is followed, 20 minutes later:
	now = now.Add(20 * time.Minute)
	var data struct {
		UserID int `json:"user_id"`
	}
	signedAt, err := s.Loads(token, &data, time.Hour)
	fmt.Println(data.UserID, signedAt, err)

	// Two hours later the link has expired:
	now = now.Add(2 * time.Hour)
	_, err = s.Loads(token, &data, time.Hour)
	var e *itsdangerous.Error
	if errors.Is(err, itsdangerous.ErrSignatureExpired) && errors.As(err, &e) {
		fmt.Println("expired; it was signed at", e.DateSigned)
	}

	// A tampered token is refused:
	_, err = s.Loads(token[:len(token)-1]+"x", &data, time.Hour)
	fmt.Println(errors.Is(err, itsdangerous.ErrBadSignature))
	// Output:
	// https://example.com/reset/eyJ1c2VyX2lkIjo0Mn0.Z3YCJQ._7dJKEDNr5yJpITYXztpGTBvVJQ
	// 42 2025-01-02 03:04:05 +0000 UTC <nil>
	// expired; it was signed at 2025-01-02 03:04:05 +0000 UTC
	// true
}

// Rotating keys: the new key signs, the old one still verifies until it is
// removed from the list.
func ExampleSigner_rotation() {
	oldSigner, _ := itsdangerous.NewSigner([][]byte{[]byte("old key")}, itsdangerous.SignerOptions{})
	issued := oldSigner.Sign([]byte("user:42"))

	rotated, _ := itsdangerous.NewSigner([][]byte{[]byte("new key"), []byte("old key")}, itsdangerous.SignerOptions{})
	value, err := rotated.Unsign(issued)
	fmt.Printf("%s %v\n", value, err)
	fmt.Printf("%s\n", rotated.Sign([]byte("user:42")))
	// Output:
	// user:42 <nil>
	// user:42.NaZznczWOiXGh18E4Klj66H0yPM
}

func ExampleTimestampSigner() {
	s, _ := itsdangerous.NewTimestampSigner([][]byte{[]byte("secret")}, itsdangerous.SignerOptions{})
	signedAt := time.Unix(1700000000, 0)
	token := s.SignAt([]byte("hello"), signedAt)
	fmt.Printf("%s\n", token)

	value, ts, err := s.UnsignAt(token, 5*time.Minute, signedAt.Add(time.Minute))
	fmt.Printf("%s %d %v\n", value, ts.Unix(), err)

	_, _, err = s.UnsignAt(token, 5*time.Minute, signedAt.Add(time.Hour))
	fmt.Println(err)
	// Output:
	// hello.ZVPxAA.0pZnxd2yvPSFX93jOV9WdHNP6nk
	// hello 1700000000 <nil>
	// itsdangerous: signature age 3600 > 300 seconds
}

// Python's salt=b"" is EmptySalt; an empty Salt means the default salt.
func ExampleSignerOptions_emptySalt() {
	s, _ := itsdangerous.NewSigner([][]byte{[]byte("secret")}, itsdangerous.SignerOptions{EmptySalt: true})
	fmt.Printf("%s\n", s.Sign([]byte("v")))
	// Output:
	// v.lp_Q__6KgAT_3c9MfkEQ0eWsV5o
}

// The second payload is compressed, marked by the leading '.'. (All the
// outputs in these examples are what Python's itsdangerous 2.2 produces.)
func ExampleEncodePayload() {
	fmt.Printf("%s\n", itsdangerous.EncodePayload([]byte(`{"user_id":42}`)))
	fmt.Printf("%s\n", itsdangerous.EncodePayload([]byte(`{"cart":["apple","apple","apple","apple","apple"]}`)))
	data, err := itsdangerous.DecodePayload([]byte("eyJ1c2VyX2lkIjo0Mn0"), itsdangerous.DefaultMaxPayloadSize)
	fmt.Printf("%s %v\n", data, err)
	// Output:
	// eyJ1c2VyX2lkIjo0Mn0
	// .eJyrVkpOLCpRsopWSiwoyElV0iFAx9YCAJvDEDc
	// {"user_id":42} <nil>
}
