package main

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
)

// user is a demo account. Real applications keep only the password hash;
// the demo also keeps the password itself so the log-in page can list it.
type user struct {
	Name     string // log-in name, stored in the session under "user"
	Display  string
	Password string // shown on the log-in page: this is a demo
	hash     [sha256.Size]byte
}

// demoUsers returns the demo accounts. The hashes are plain SHA-256 for
// now, compared in constant time; a real application uses a slow password
// hash such as bcrypt or argon2id (a later version of the demo will).
func demoUsers() map[string]user {
	list := []struct{ name, display, password, sha256 string }{
		{"alice", "Alice Liddell", "wonderland", "a71a7c7011f53a1bab3642ec2ce12593f05230ace8de1e3e7645f69efac1443d"},
		{"bob", "Bob the Builder", "builder", "df6b07176a9b17cc4c9afc257bd404732e7d09b76436c7890f7b7be14e579794"},
	}
	users := make(map[string]user, len(list))
	for _, u := range list {
		h, err := hex.DecodeString(u.sha256)
		if err != nil || len(h) != sha256.Size {
			panic("shop: bad demo password hash for " + u.name) // a typo in the table above
		}
		nu := user{Name: u.name, Display: u.display, Password: u.password}
		copy(nu.hash[:], h)
		users[u.name] = nu
	}
	return users
}

// authenticate returns the user named name if password is theirs. It does
// the same work for unknown names, so timing does not reveal which names
// exist.
func authenticate(users map[string]user, name, password string) (user, bool) {
	u, known := users[name]
	got := sha256.Sum256([]byte(password))
	match := subtle.ConstantTimeCompare(got[:], u.hash[:]) == 1
	return u, known && match
}
