package main

import (
	"crypto/rand"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// user is a demo account. Real applications keep only the password hash;
// the demo also keeps the password itself so the log-in page can list it.
type user struct {
	Name     string // log-in name, bound to the session with SetUser
	Display  string
	Password string // shown on the log-in page: this is a demo
	hash     []byte // bcrypt
}

// demoAccounts are the shop's users, as the log-in page lists them.
var demoAccounts = []struct{ name, display, password string }{
	{"alice", "Alice Liddell", "wonderland"},
	{"bob", "Bob the Builder", "builder"},
}

// bcryptCost is the bcrypt work factor of the password hashes:
// bcrypt.DefaultCost (10), some 50 ms per hash or check. The tests lower it
// to bcrypt.MinCost to stay fast.
var bcryptCost = bcrypt.DefaultCost

// users is the shop's user database: the demo accounts with bcrypt hashes.
type users struct {
	byName map[string]user
	// dummy is the hash of a random password, checked for unknown names.
	dummy []byte
}

// newUsers hashes the demo passwords with bcrypt at start-up. A real
// application reads the hashes from its user database and never sees the
// passwords.
func newUsers() (*users, error) {
	db := &users{byName: make(map[string]user, len(demoAccounts))}
	for _, a := range demoAccounts {
		h, err := bcrypt.GenerateFromPassword([]byte(a.password), bcryptCost)
		if err != nil {
			return nil, fmt.Errorf("shop: hashing the demo password of %s: %w", a.name, err)
		}
		db.byName[a.name] = user{Name: a.name, Display: a.display, Password: a.password, hash: h}
	}
	h, err := bcrypt.GenerateFromPassword([]byte(rand.Text()), bcryptCost)
	if err != nil {
		return nil, fmt.Errorf("shop: hashing a dummy password: %w", err)
	}
	db.dummy = h
	return db, nil
}

// lookup returns the user named name.
func (db *users) lookup(name string) (user, bool) {
	u, ok := db.byName[name]
	return u, ok
}

// list returns the users sorted by name, for the log-in page.
func (db *users) list() []user {
	list := make([]user, 0, len(db.byName))
	for _, u := range db.byName {
		list = append(list, u)
	}
	slices.SortFunc(list, func(x, y user) int { return strings.Compare(x.Name, y.Name) })
	return list
}

// authenticate returns the user named name if password is theirs. For an
// unknown name it checks the password against a dummy hash of the same
// cost, so the time taken does not reveal which names exist.
func (db *users) authenticate(name, password string) (user, bool) {
	u, known := db.byName[name]
	hash := u.hash
	if !known {
		hash = db.dummy
	}
	match := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	return u, known && match
}
