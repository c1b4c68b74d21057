package main

import (
	"strings"
	"testing"
)

func TestParseStore(t *testing.T) {
	tests := []struct {
		in                 string
		kind, target, name string
	}{
		{"", "cookie", "", ""},
		{"cookie", "cookie", "", ""},
		{"memory", "memory", "", "memory: in this process, lost when it stops"},
		{"file:./sessions", "file", "./sessions", "file: one file per session in ./sessions"},
		{"sqlite:shop.db", "sqlite", "file:shop.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)", "sqlite: database file shop.db"},
		{"redis://127.0.0.1:6379/2", "redis", "redis://127.0.0.1:6379/2", "redis://127.0.0.1:6379/2"},
		{"redis://:s3cret@cache:6379/0", "redis", "redis://:s3cret@cache:6379/0", "redis://cache:6379/0"},
		{"rediss://cache:6380", "redis", "rediss://cache:6380", "rediss://cache:6380"},
		{"postgres://shop:s3cret@db:5432/shop?sslmode=disable", "postgres", "postgres://shop:s3cret@db:5432/shop?sslmode=disable", "postgres://shop@db:5432/shop"},
		{"postgresql://db/shop", "postgres", "postgresql://db/shop", "postgresql://db/shop"},
		{"mysql://root@127.0.0.1:3306/test", "mysql", "root@tcp(127.0.0.1:3306)/test", "mysql://root@127.0.0.1:3306/test"},
		{"mysql://shop:p%40ss@db/shop", "mysql", "shop:p@ss@tcp(db:3306)/shop", "mysql://shop@db/shop"},
		{"mysql://root@db:3307/test?timeout=5s", "mysql", "root@tcp(db:3307)/test?timeout=5s", "mysql://root@db:3307/test"},
	}
	for _, tt := range tests {
		got, err := parseStore(tt.in)
		if err != nil {
			t.Errorf("parseStore(%q): %v", tt.in, err)
			continue
		}
		if got.Kind != tt.kind || got.Target != tt.target || got.Name != tt.name {
			t.Errorf("parseStore(%q) = %+v, want kind %q target %q name %q", tt.in, got, tt.kind, tt.target, tt.name)
		}
		if strings.Contains(got.Name, "s3cret") {
			t.Errorf("parseStore(%q): the name shows the password", tt.in)
		}
	}
}

func TestParseStoreErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"memcached", "unknown -store value"},
		{"file:", "needs a directory"},
		{"sqlite:", "needs a file path"},
		{"sqlite:x.db?mode=ro", "without ? or #"},
		{"mongodb://u:s3cret@db/x", "unknown -store scheme \"mongodb\""},
		{"postgres://u:s3cret@/db", "has no host"},
		{"postgres://u:s3cret@db:port/x", "invalid port"},
		{"redis://:s3cret@cache:6379/x", "invalid database number"},
		{"mysql://u:s3cret@db", "needs a database name"},
		{"mysql://u:s3cret@db/x?timeout=soon", "mysql URL parameters"},
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
