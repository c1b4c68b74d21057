package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/redis/go-redis/v9"
	_ "modernc.org/sqlite" // registers the "sqlite" driver: pure Go, no cgo

	session "github.com/websession/session"
	"github.com/websession/session/store/filestore"
	"github.com/websession/session/store/memstore"
	"github.com/websession/session/store/redisstore"
	"github.com/websession/session/store/sqlstore"
)

// storeHelp documents the -store flag.
const storeHelp = `where sessions live:
  cookie                          the whole session in the cookie, no server (default)
  memory                          in this process; lost when it stops
  file:DIR                        one file per session in DIR (created, mode 0700)
  sqlite:PATH                     an SQLite database file (created)
  redis://[:PASS@]HOST:PORT/DB    Redis; rediss:// for TLS
  postgres://USER[:PASS]@HOST:PORT/DB?sslmode=disable
  mysql://USER[:PASS]@HOST:PORT/DB   MySQL or MariaDB
SQL stores create the table shop_sessions if missing; Redis keys start with "shop:session:"`

// Where the shop keeps sessions in SQL databases and in Redis, unless
// storeOptions says otherwise.
const (
	defaultTable  = "shop_sessions"
	defaultPrefix = "shop:session:"
)

// storeSpec is a parsed -store value.
type storeSpec struct {
	// Kind is cookie, memory, file, sqlite, redis, postgres or mysql.
	Kind string
	// Target is what to open: a directory, a file path, a Redis URL or a
	// database/sql DSN. It may hold a password: never log it.
	Target string
	// Name describes the store in logs and the "How this works" panel:
	// for servers, the URL without password or query.
	Name string
}

// parseStore parses a -store value. It opens nothing. Errors never repeat
// the value, which may hold a password.
func parseStore(v string) (storeSpec, error) {
	switch {
	case v == "" || v == "cookie":
		return storeSpec{Kind: "cookie"}, nil
	case v == "memory":
		return storeSpec{Kind: "memory", Target: "", Name: "memory: in this process, lost when it stops"}, nil
	case strings.HasPrefix(v, "file:"):
		dir := strings.TrimPrefix(v, "file:")
		if dir == "" {
			return storeSpec{}, errors.New("shop: -store file: needs a directory, as in file:./sessions")
		}
		return storeSpec{Kind: "file", Target: dir, Name: "file: one file per session in " + dir}, nil
	case strings.HasPrefix(v, "sqlite:"):
		path := strings.TrimPrefix(v, "sqlite:")
		if path == "" || strings.ContainsAny(path, "?#") {
			return storeSpec{}, errors.New("shop: -store sqlite: needs a file path without ? or #, as in sqlite:shop.db")
		}
		dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
		return storeSpec{Kind: "sqlite", Target: dsn, Name: "sqlite: database file " + path}, nil
	}
	scheme, _, ok := strings.Cut(v, "://")
	if !ok {
		return storeSpec{}, fmt.Errorf("shop: unknown -store value; use one of\n%s", storeHelp)
	}
	u, err := url.Parse(v)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error repeats the URL, password included
		}
		return storeSpec{}, fmt.Errorf("shop: -store %s URL: %v", scheme, err)
	}
	if u.Host == "" {
		return storeSpec{}, fmt.Errorf("shop: -store %s URL has no host, as in %s://127.0.0.1/...", scheme, scheme)
	}
	name := scheme + "://"
	if u.User != nil && u.User.Username() != "" {
		name += u.User.Username() + "@"
	}
	name += u.Host + u.Path
	switch scheme {
	case "redis", "rediss":
		if _, err := redis.ParseURL(v); err != nil {
			return storeSpec{}, fmt.Errorf("shop: -store %s URL: %v", scheme, err)
		}
		return storeSpec{Kind: "redis", Target: v, Name: name}, nil
	case "postgres", "postgresql":
		return storeSpec{Kind: "postgres", Target: v, Name: name}, nil
	case "mysql":
		dsn, err := mysqlDSN(u)
		if err != nil {
			return storeSpec{}, err
		}
		return storeSpec{Kind: "mysql", Target: dsn, Name: name}, nil
	}
	return storeSpec{}, fmt.Errorf("shop: unknown -store scheme %q; use one of\n%s", scheme, storeHelp)
}

// mysqlDSN turns mysql://user:pass@host:port/db?opts into the DSN of
// github.com/go-sql-driver/mysql. The port defaults to 3306; query
// parameters are the driver's DSN parameters.
func mysqlDSN(u *url.URL) (string, error) {
	cfg := mysql.NewConfig()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	if cfg.DBName == "" || strings.Contains(cfg.DBName, "/") {
		return "", errors.New("shop: -store mysql URL needs a database name, as in mysql://root@127.0.0.1:3306/shop")
	}
	dsn := cfg.FormatDSN()
	if u.RawQuery == "" {
		return dsn, nil
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	parsed, err := mysql.ParseDSN(dsn + sep + u.RawQuery)
	if err != nil {
		return "", fmt.Errorf("shop: -store mysql URL parameters: %v", err)
	}
	return parsed.FormatDSN(), nil
}

// storeOptions tune openStore. The zero value gives the shop's defaults.
type storeOptions struct {
	// Table is the SQL table. Default: "shop_sessions".
	Table string
	// Prefix starts every Redis key. Default: "shop:session:".
	Prefix string
	// Logger gets the file store's reports. Default: slog.Default().
	Logger *slog.Logger
}

// openStore opens the store spec names, creating the SQL table if it is
// missing. It returns a nil Store for cookie sessions. close releases the
// connection; it is never nil.
func openStore(ctx context.Context, spec storeSpec, opt storeOptions) (st session.Store, close func() error, err error) {
	if opt.Table == "" {
		opt.Table = defaultTable
	}
	if opt.Prefix == "" {
		opt.Prefix = defaultPrefix
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	noop := func() error { return nil }
	switch spec.Kind {
	case "cookie":
		return nil, noop, nil
	case "memory":
		return memstore.New(), noop, nil
	case "file":
		fs, err := filestore.New(spec.Target, filestore.WithLogger(opt.Logger))
		if err != nil {
			return nil, noop, err
		}
		return fs, noop, nil
	case "redis":
		return openRedis(ctx, spec, opt)
	case "sqlite":
		return openSQL(ctx, "sqlite", spec, opt)
	case "postgres":
		return openSQL(ctx, "pgx", spec, opt)
	case "mysql":
		return openSQL(ctx, "mysql", spec, opt)
	}
	return nil, noop, fmt.Errorf("shop: unknown store kind %q", spec.Kind)
}

// openSQL opens and pings a database, then makes a store on it with its
// table created.
func openSQL(ctx context.Context, driver string, spec storeSpec, opt storeOptions) (session.Store, func() error, error) {
	noop := func() error { return nil }
	db, err := sql.Open(driver, spec.Target)
	if err != nil {
		return nil, noop, fmt.Errorf("shop: opening %s: %v", spec.Kind, err)
	}
	st, err := sqlStore(ctx, db, spec, opt)
	if err != nil {
		db.Close()
		return nil, noop, err
	}
	return st, db.Close, nil
}

func sqlStore(ctx context.Context, db *sql.DB, spec storeSpec, opt storeOptions) (*sqlstore.Store, error) {
	if err := db.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("shop: cannot reach the %s database (%s): %v", spec.Kind, spec.Name, err)
	}
	st, err := sqlstore.New(db, sqlstore.WithTable(opt.Table))
	if err != nil {
		return nil, err
	}
	if err := st.CreateTable(ctx); err != nil {
		return nil, err
	}
	return st, nil
}

// openRedis connects to Redis and makes a store on it.
func openRedis(ctx context.Context, spec storeSpec, opt storeOptions) (session.Store, func() error, error) {
	noop := func() error { return nil }
	o, err := redis.ParseURL(spec.Target)
	if err != nil {
		return nil, noop, fmt.Errorf("shop: -store redis URL: %v", err)
	}
	client := redis.NewClient(o)
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, noop, fmt.Errorf("shop: cannot reach Redis (%s): %v", spec.Name, err)
	}
	st, err := redisstore.New(client, redisstore.WithPrefix(opt.Prefix))
	if err != nil {
		client.Close()
		return nil, noop, err
	}
	return st, client.Close, nil
}
