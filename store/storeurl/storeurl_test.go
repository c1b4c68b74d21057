package storeurl

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in                 string
		kind, target, name string
		table, prefix      string
	}{
		{in: "memory", kind: Memory, name: "memory: in this process, lost when it stops"},
		{in: "file:./sessions", kind: File, target: "./sessions", name: "file: one file per session in ./sessions"},
		{in: "sqlite:shop.db", kind: SQLite, target: "file:shop.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)", name: "sqlite: database file shop.db"},
		{in: "sqlite:/var/lib/app/s.db?table=app_sessions", kind: SQLite, target: "file:/var/lib/app/s.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)", name: "sqlite: database file /var/lib/app/s.db", table: "app_sessions"},
		{in: "redis://127.0.0.1:6379/2", kind: Redis, target: "redis://127.0.0.1:6379/2", name: "redis://127.0.0.1:6379/2"},
		{in: "redis://:s3cret@cache:6379/0", kind: Redis, target: "redis://:s3cret@cache:6379/0", name: "redis://cache:6379/0"},
		{in: "rediss://cache:6380", kind: Redis, target: "rediss://cache:6380", name: "rediss://cache:6380"},
		{in: "redis://cache:6379/1?dial_timeout=3s&prefix=app:s:&pool_size=4", kind: Redis, target: "redis://cache:6379/1?dial_timeout=3s&pool_size=4", name: "redis://cache:6379/1", prefix: "app:s:"},
		{in: "postgres://shop:s3cret@db:5432/shop?sslmode=disable", kind: Postgres, target: "postgres://shop:s3cret@db:5432/shop?sslmode=disable", name: "postgres://shop@db:5432/shop"},
		{in: "postgresql://db/shop", kind: Postgres, target: "postgresql://db/shop", name: "postgresql://db/shop"},
		{in: "postgres://db/shop?table=shop_sessions&sslmode=disable", kind: Postgres, target: "postgres://db/shop?sslmode=disable", name: "postgres://db/shop", table: "shop_sessions"},
		{in: "mysql://root@127.0.0.1:3306/test", kind: MySQL, target: "root@tcp(127.0.0.1:3306)/test", name: "mysql://root@127.0.0.1:3306/test"},
		{in: "mysql://shop:p%40ss@db/shop", kind: MySQL, target: "shop:p@ss@tcp(db:3306)/shop", name: "mysql://shop@db/shop"},
		{in: "mysql://root@db:3307/test?timeout=5s&table=t1", kind: MySQL, target: "root@tcp(db:3307)/test?timeout=5s", name: "mysql://root@db:3307/test", table: "t1"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		want := Spec{Kind: tt.kind, Target: tt.target, Name: tt.name, Table: tt.table, Prefix: tt.prefix}
		if got != want {
			t.Errorf("Parse(%q) =\n  %+v\nwant\n  %+v", tt.in, got, want)
		}
		if strings.Contains(got.Name, "s3cret") || strings.Contains(got.Name, "p@ss") {
			t.Errorf("Parse(%q): the name shows the password", tt.in)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "unknown store URL"},
		{"memcached", "unknown store URL; use one of\nmemory "},
		{"cookie", "unknown store URL"},
		{"file:", "needs a directory"},
		{"sqlite:", "needs a file path"},
		{"sqlite:x.db#frag", "without #"},
		{"sqlite:x.db?mode=ro", `unknown parameter "mode"`},
		{"sqlite:x.db?table=", "empty table="},
		{"mongodb://u:s3cret@db/x", "unknown store URL: scheme \"mongodb\""},
		{"postgres://u:s3cret@/db", "has no host"},
		{"postgres://u:s3cret@db:port/x", "port is not a number"},
		{"postgres://u:s3cret@db/x?prefix=a", "takes table=, not prefix="},
		{"postgres://u:s3cret@db/x?table=", "empty table="},
		{"redis://:s3cret@cache:6379/x", "invalid database number"},
		{"redis://:s3cret@cache:6379/0?table=t", "takes prefix=, not table="},
		{"redis://:s3cret@cache:6379/0?prefix=", "empty prefix="},
		{"redis://:s3cret@cache:6379/0?colour=red", "unexpected option"},
		{"mysql://u:s3cret@db", "needs a database name"},
		{"mysql://u:s3cret@db/x?timeout=soon", "mysql URL parameters"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) accepted it", tt.in)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "storeurl: ") {
			t.Errorf("Parse(%q): %q, want a storeurl: error saying %q", tt.in, err, tt.want)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Parse(%q): the error shows the password: %v", tt.in, err)
		}
		if unknown := strings.Contains(tt.want, "unknown store URL"); errors.Is(err, ErrUnknownURL) != unknown {
			t.Errorf("Parse(%q): errors.Is(err, ErrUnknownURL) = %v, want %v", tt.in, !unknown, unknown)
		}
	}
}
