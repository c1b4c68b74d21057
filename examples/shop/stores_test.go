package main

import (
	"strings"
	"testing"
)

// The URL forms themselves are tested in package storeurl; these tests
// check what the shop adds: cookie sessions, its help and its errors.

func TestParseStoreCookieAndURLs(t *testing.T) {
	tests := []struct{ in, kind, name string }{
		{"", "cookie", ""},
		{"cookie", "cookie", ""},
		{"memory", "memory", "memory: in this process, lost when it stops"},
		{"sqlite:shop.db", "sqlite", "sqlite: database file shop.db"},
		{"postgres://shop:s3cret@db:5432/shop?sslmode=disable", "postgres", "postgres://shop@db:5432/shop"},
	}
	for _, tt := range tests {
		got, err := parseStore(tt.in)
		if err != nil {
			t.Errorf("parseStore(%q): %v", tt.in, err)
			continue
		}
		if got.Kind != tt.kind || got.Name != tt.name {
			t.Errorf("parseStore(%q) = kind %q name %q, want %q %q", tt.in, got.Kind, got.Name, tt.kind, tt.name)
		}
	}
}

func TestParseStoreErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"memcached", "unknown -store value; use one of\nwhere sessions live:\n  cookie "},
		{"mongodb://u:s3cret@db/x", "unknown -store value"},
		{"file:", "shop: -store: storeurl: file: needs a directory"},
		{"mysql://u:s3cret@db", "needs a database name"},
	}
	for _, tt := range tests {
		_, err := parseStore(tt.in)
		if err == nil {
			t.Errorf("parseStore(%q) accepted it", tt.in)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "shop: ") {
			t.Errorf("parseStore(%q): %q, want a shop: error saying %q", tt.in, err, tt.want)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("parseStore(%q): the error shows the password: %v", tt.in, err)
		}
	}
}

func TestStoreHelpListsEveryForm(t *testing.T) {
	for _, form := range []string{"\n  cookie ", "\n  memory ", "\n  file:DIR ", "\n  sqlite:PATH ", "\n  redis://", "\n  postgres://", "\n  mysql://", "shop_sessions", "shop:session:"} {
		if !strings.Contains(storeHelp, form) {
			t.Errorf("-store help lacks %q:\n%s", form, storeHelp)
		}
	}
}
