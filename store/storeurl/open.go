package storeurl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/redis/go-redis/v9"
	_ "modernc.org/sqlite" // registers the "sqlite" driver: pure Go, no cgo

	session "github.com/websession/session"
	"github.com/websession/session/store/filestore"
	"github.com/websession/session/store/memstore"
	"github.com/websession/session/store/redisstore"
	"github.com/websession/session/store/sqlstore"
)

// An Option changes how Open opens a store.
type Option func(*options)

type options struct {
	create bool
	table  string
	prefix string
	logger *slog.Logger
}

// WithCreate makes Open create what is missing: the directory of a file:
// URL (mode 0700), the database file of a sqlite: URL, and the SQL table
// with its index (sqlstore's CreateTable, which leaves an existing table as
// it is). By default Open creates nothing and reports a missing one as an
// error.
func WithCreate() Option { return func(o *options) { o.create = true } }

// WithTable sets the SQL table used when the URL has no table= parameter.
// The default is sqlstore.DefaultTable ("sessions").
func WithTable(name string) Option { return func(o *options) { o.table = name } }

// WithPrefix sets the Redis key prefix used when the URL has no prefix=
// parameter. The default is redisstore.DefaultPrefix ("session:").
func WithPrefix(prefix string) Option { return func(o *options) { o.prefix = prefix } }

// WithLogger sets the logger a file: store reports corrupt files to. The
// default is slog.Default().
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// Open parses rawURL (see the package documentation for its forms) and opens
// the store it names. It checks that a server is reachable before it
// returns. closeStore releases the connection, if any; it is never nil, and
// the Store must not be used after it is called.
func Open(ctx context.Context, rawURL string, opts ...Option) (st session.Store, closeStore func() error, err error) {
	spec, err := Parse(rawURL)
	if err != nil {
		return nil, noop, err
	}
	return spec.Open(ctx, opts...)
}

func noop() error { return nil }

// Open opens the store spec names, as the package function Open does.
func (spec Spec) Open(ctx context.Context, opts ...Option) (st session.Store, closeStore func() error, err error) {
	o := options{table: sqlstore.DefaultTable, prefix: redisstore.DefaultPrefix}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.Default()
	}
	if spec.Table != "" {
		o.table = spec.Table
	}
	if spec.Prefix != "" {
		o.prefix = spec.Prefix
	}
	switch spec.Kind {
	case Memory:
		return memstore.New(), noop, nil
	case File:
		if !o.create {
			if err := mustExist(spec.Target, "directory"); err != nil {
				return nil, noop, err
			}
		}
		fs, err := filestore.New(spec.Target, filestore.WithLogger(o.logger))
		if err != nil {
			return nil, noop, err
		}
		return fs, noop, nil
	case Redis:
		return openRedis(ctx, spec, o)
	case SQLite:
		if !o.create {
			if err := mustExist(sqlitePath(spec.Target), "SQLite database file"); err != nil {
				return nil, noop, err
			}
		}
		return openSQL(ctx, "sqlite", spec, o)
	case Postgres:
		return openSQL(ctx, "pgx", spec, o)
	case MySQL:
		return openSQL(ctx, "mysql", spec, o)
	}
	return nil, noop, fmt.Errorf("storeurl: unknown store kind %q; make a Spec with Parse", spec.Kind)
}

// mustExist reports a missing path as an error that says what to do.
func mustExist(path, what string) error {
	_, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("storeurl: the %s %s does not exist; check the path (Open creates it only with WithCreate)", what, path)
	}
	if err != nil {
		return fmt.Errorf("storeurl: %v", err)
	}
	return nil
}

// sqlitePath returns the file path of a SQLite DSN Parse made.
func sqlitePath(dsn string) string {
	path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return path
}

// openSQL opens and pings a database, then makes a store on it.
func openSQL(ctx context.Context, driver string, spec Spec, o options) (session.Store, func() error, error) {
	db, err := sql.Open(driver, spec.Target)
	if err != nil {
		return nil, noop, fmt.Errorf("storeurl: opening %s: %v", spec.Name, err)
	}
	st, err := sqlStore(ctx, db, spec, o)
	if err != nil {
		db.Close()
		return nil, noop, err
	}
	return st, db.Close, nil
}

func sqlStore(ctx context.Context, db *sql.DB, spec Spec, o options) (*sqlstore.Store, error) {
	if err := db.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("storeurl: cannot reach the %s database (%s): %v", spec.Kind, spec.Name, err)
	}
	st, err := sqlstore.New(db, sqlstore.WithTable(o.table))
	if err != nil {
		return nil, err
	}
	if o.create {
		if err := st.CreateTable(ctx); err != nil {
			return nil, err
		}
		return st, nil
	}
	// The name passed sqlstore.New's check: plain lowercase letters,
	// digits and underscores, safe to put in the statement.
	if _, err := db.ExecContext(ctx, "SELECT 1 FROM "+st.Table()+" WHERE 1 = 0"); err != nil {
		return nil, fmt.Errorf("storeurl: cannot read table %s in %s (give the application's table with ?table=NAME): %v", st.Table(), spec.Name, err)
	}
	return st, nil
}

// openRedis connects to Redis and makes a store on it.
func openRedis(ctx context.Context, spec Spec, o options) (session.Store, func() error, error) {
	ro, err := redis.ParseURL(spec.Target)
	if err != nil {
		return nil, noop, fmt.Errorf("storeurl: redis URL: %v", err)
	}
	// Every call ends at its context's deadline (Config.StoreTimeout, or
	// the request's), not only at the client's own read and write
	// timeouts, so a hung Redis costs a request a bounded time.
	ro.ContextTimeoutEnabled = true
	client := redis.NewClient(ro)
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, noop, fmt.Errorf("storeurl: cannot reach Redis (%s): %v", spec.Name, err)
	}
	st, err := redisstore.New(client, redisstore.WithPrefix(o.prefix))
	if err != nil {
		client.Close()
		return nil, noop, err
	}
	return st, client.Close, nil
}
