package main

import (
	"bytes"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestAuthenticate(t *testing.T) {
	db, err := newUsers()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, password string
		ok             bool
	}{
		{"alice", "wonderland", true},
		{"bob", "builder", true},
		{"alice", "builder", false},
		{"alice", "", false},
		{"Alice", "wonderland", false},
		{"mallory", "wonderland", false},
		{"", "", false},
	}
	for _, tt := range tests {
		u, ok := db.authenticate(tt.name, tt.password)
		if ok != tt.ok || (ok && u.Name != tt.name) {
			t.Errorf("authenticate(%q, %q) = %q, %t; want ok %t", tt.name, tt.password, u.Name, ok, tt.ok)
		}
	}
	for _, u := range db.list() {
		if _, ok := db.authenticate(u.Name, u.Password); !ok {
			t.Errorf("the password the log-in page lists for %s does not match its hash", u.Name)
		}
	}
}

func TestPasswordsHashedWithBcrypt(t *testing.T) {
	db, err := newUsers()
	if err != nil {
		t.Fatal(err)
	}
	if len(db.list()) != len(demoAccounts) {
		t.Fatalf("%d users, want the %d demo accounts", len(db.list()), len(demoAccounts))
	}
	for _, u := range db.list() {
		cost, err := bcrypt.Cost(u.hash)
		if err != nil || cost != bcryptCost {
			t.Errorf("%s: the hash is not bcrypt of cost %d (cost %d, %v)", u.Name, bcryptCost, cost, err)
		}
		if bytes.Contains(u.hash, []byte(u.Password)) {
			t.Errorf("%s: the hash contains the password", u.Name)
		}
	}
	if cost, err := bcrypt.Cost(db.dummy); err != nil || cost != bcryptCost {
		t.Errorf("the dummy hash for unknown names has cost %d (%v), want %d like the real ones", cost, err, bcryptCost)
	}
}
