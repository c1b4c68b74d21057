package main

import "testing"

func TestAuthenticate(t *testing.T) {
	users := demoUsers()
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
		u, ok := authenticate(users, tt.name, tt.password)
		if ok != tt.ok || (ok && u.Name != tt.name) {
			t.Errorf("authenticate(%q, %q) = %q, %t; want ok %t", tt.name, tt.password, u.Name, ok, tt.ok)
		}
	}
	for name, u := range users {
		if _, ok := authenticate(users, name, u.Password); !ok {
			t.Errorf("the password the log-in page lists for %s does not match its hash", name)
		}
	}
}
