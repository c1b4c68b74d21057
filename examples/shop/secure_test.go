package main

import (
	"testing"

	session "github.com/websession/session"
)

func TestCookieSecure(t *testing.T) {
	tests := []struct {
		addr string
		tls  bool
		want session.Toggle
	}{
		{"127.0.0.1:8080", false, session.Off},
		{"127.0.0.2:8080", false, session.Off},
		{"[::1]:8080", false, session.Off},
		{"localhost:8080", false, session.Off},
		{"127.0.0.1:8443", true, session.On},
		{":8080", false, session.On}, // every interface
		{"0.0.0.0:8080", false, session.On},
		{"192.168.1.10:8080", false, session.On},
		{"shop.example:80", false, session.On},
		{"not an address", false, session.On},
	}
	for _, tt := range tests {
		if got := cookieSecure(tt.addr, tt.tls); got != tt.want {
			t.Errorf("cookieSecure(%q, tls=%t) = %v, want %v", tt.addr, tt.tls, got, tt.want)
		}
	}
}
