package main

import (
	"testing"
)

func TestCookieInsecure(t *testing.T) {
	tests := []struct {
		addr string
		tls  bool
		want bool
	}{
		{"127.0.0.1:8080", false, true},
		{"127.0.0.2:8080", false, true},
		{"[::1]:8080", false, true},
		{"localhost:8080", false, true},
		{"127.0.0.1:8443", true, false},
		{":8080", false, false}, // every interface
		{"0.0.0.0:8080", false, false},
		{"192.168.1.10:8080", false, false},
		{"shop.example:80", false, false},
		{"not an address", false, false},
	}
	for _, tt := range tests {
		if got := cookieInsecure(tt.addr, tt.tls); got != tt.want {
			t.Errorf("cookieInsecure(%q, tls=%t) = %v, want %v", tt.addr, tt.tls, got, tt.want)
		}
	}
}
