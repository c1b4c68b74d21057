package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"

	_ "github.com/go-sql-driver/mysql" // the "mysql" driver
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	_ "modernc.org/sqlite"             // the "sqlite" driver, pure Go

	"github.com/websession/session"
	"github.com/websession/session/flask"
	"github.com/websession/session/store/filestore"
	"github.com/websession/session/store/memstore"
	"github.com/websession/session/store/redisstore"
	"github.com/websession/session/store/sqlstore"
)

// oursSecret is the Config.Secret of every case of ours: 32 random-looking
// bytes, fixed so that cookie sizes repeat from run to run.
var oursSecret = []byte("bench:7f3a9c1e5b2d8f4a6c0e2b9d1f7a3c5e")

type cookieFormat int

const (
	formatEncrypted cookieFormat = iota
	formatSigned
	formatFlask
)

// oursConfig returns the Config of a case of ours: the given store (nil
// for cookie sessions), every other field at its default except Secure,
// which is off because the benchmarks speak plain HTTP.
func oursConfig(st session.Store) session.Config {
	return session.Config{
		Secret: oursSecret,
		Store:  st,
		Cookie: session.CookieOptions{Name: CookieName, Insecure: true},
	}
}

// oursHandler wraps the benchmark's handler in m's middleware: From,
// Get[int] and Set.
func oursHandler(m *session.Manager) http.Handler {
	return m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if _, ok := session.Get[int](s, "user_id"); !ok {
			s.Set("user_id", UserID)
			s.Set("cart", Cart)
			s.Set("name", Name)
			w.Write(bodyNew)
			return
		}
		name, _ := session.Get[string](s, "name")
		s.Set("name", otherName(name))
		w.Write(bodyOK)
	}))
}

// oursApp builds the app of one of our cases; closers run on Close, last
// first.
func oursApp(cfg session.Config, closers ...func() error) (*App, error) {
	m, err := session.New(cfg)
	if err != nil {
		return nil, err
	}
	return &App{Handler: oursHandler(m), Close: func() error {
		var errs []error
		for i := len(closers) - 1; i >= 0; i-- {
			errs = append(errs, closers[i]())
		}
		return errors.Join(errs...)
	}}, nil
}

func newOursCookie(f cookieFormat) func(context.Context, Env) (*App, error) {
	return func(context.Context, Env) (*App, error) {
		cfg := oursConfig(nil)
		switch f {
		case formatSigned:
			cfg.Format = session.Signed
		case formatFlask:
			cfg.Format = flask.Format()
		}
		return oursApp(cfg)
	}
}

func newOursMemstore(context.Context, Env) (*App, error) {
	return oursApp(oursConfig(memstore.New()))
}

func newOursFilestore(_ context.Context, env Env) (*App, error) {
	st, err := filestore.New(filepath.Join(env.Dir, "ours-sessions"))
	if err != nil {
		return nil, err
	}
	return oursApp(oursConfig(st))
}

func newOursSQLite(ctx context.Context, env Env) (*App, error) {
	// The DSN sqlstore's documentation recommends.
	dsn := "file:" + filepath.Join(env.Dir, "sessions.db") + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	return oursSQLApp(ctx, db)
}

func newOursSQL(driver string) func(context.Context, Env) (*App, error) {
	return func(ctx context.Context, env Env) (*App, error) {
		dsn, envName := env.Postgres, "SESSION_TEST_POSTGRES"
		if driver == "mysql" {
			dsn, envName = env.MySQL, "SESSION_TEST_MYSQL"
		}
		db, err := openDB(ctx, driver, dsn, envName)
		if err != nil {
			return nil, err
		}
		return oursSQLApp(ctx, db)
	}
}

// oursSQLApp keeps sessions in a fresh table of db, dropped on Close.
func oursSQLApp(ctx context.Context, db *sql.DB) (*App, error) {
	st, err := sqlstore.New(db, sqlstore.WithTable(uniqueName("bench_")))
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := st.CreateTable(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("bench: creating the sessions table: %w", err)
	}
	quoted := `"` + st.Table() + `"`
	if st.Dialect() == sqlstore.MySQL {
		quoted = "`" + st.Table() + "`"
	}
	drop := func() error {
		_, err := db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+quoted)
		return err
	}
	return oursApp(oursConfig(st), db.Close, drop)
}

func newOursRedis(ctx context.Context, env Env) (*App, error) {
	client, err := redisClient(ctx, env.Redis)
	if err != nil {
		return nil, err
	}
	prefix := uniqueName("bench-ours:") + ":"
	st, err := redisstore.New(client, redisstore.WithPrefix(prefix))
	if err != nil {
		client.Close()
		return nil, err
	}
	return oursApp(oursConfig(st), client.Close, func() error {
		return deletePrefix(context.Background(), client, prefix)
	})
}
