package storeurl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"
)

// Help lists the URL forms, one a line, for a command's flag help.
const Help = `memory                          in this process; lost when it stops
file:DIR                        one file per session in DIR
sqlite:PATH                     an SQLite database file
redis://[:PASS@]HOST:PORT/DB    Redis; rediss:// for TLS; ?prefix=P for the key prefix
postgres://USER[:PASS]@HOST:PORT/DB?sslmode=disable
mysql://USER[:PASS]@HOST:PORT/DB   MySQL or MariaDB
SQL URLs take ?table=NAME for the table
Percent-encode / ? # @ % and spaces in a password: p%2Fss for p/ss`

// The kinds of store a URL can name, as Spec.Kind holds them.
const (
	Memory   = "memory"
	File     = "file"
	SQLite   = "sqlite"
	Redis    = "redis"
	Postgres = "postgres"
	MySQL    = "mysql"
)

// ErrUnknownURL is wrapped by Parse's error for a string that is none of
// the forms, so a program that takes other values in the same flag (a
// "cookie" for no store) can tell them apart.
var ErrUnknownURL = errors.New("storeurl: unknown store URL")

// Spec is a parsed store URL. Parse makes one; its Open opens the store.
type Spec struct {
	// Kind is Memory, File, SQLite, Redis, Postgres or MySQL.
	Kind string
	// Target is what the store is opened on: the directory (File), the
	// database/sql DSN (SQLite, Postgres, MySQL) or the go-redis URL
	// (Redis), without the table= and prefix= parameters. Empty for
	// Memory. It may hold a password: never log it.
	Target string
	// Name describes the store for logs and status pages: for servers, the
	// URL without password and query, as in "postgres://app@db:5432/app".
	Name string
	// Table is the URL's table= parameter, or "" when it has none. Open
	// then uses WithTable's name, or sqlstore.DefaultTable.
	Table string
	// Prefix is the URL's prefix= parameter, or "" when it has none. Open
	// then uses WithPrefix's prefix, or redisstore.DefaultPrefix.
	Prefix string
}

// Parse reads a store URL in one of the forms the package documentation
// lists. It opens and contacts nothing. Errors never repeat the URL, which
// may hold a password, nor any part of a URL it cannot parse. A URL with an
// '@' after the first '/', '?' or '#' that follows "//" is refused: it is
// the mark of a password with an unencoded '/', '?' or '#', whose tail
// would otherwise be taken for the host, path or query.
func Parse(rawURL string) (Spec, error) {
	v := rawURL
	switch {
	case v == Memory:
		return Spec{Kind: Memory, Name: "memory: in this process, lost when it stops"}, nil
	case strings.HasPrefix(v, "file:"):
		dir := strings.TrimPrefix(v, "file:")
		if dir == "" {
			return Spec{}, errors.New("storeurl: file: needs a directory, as in file:./sessions")
		}
		return Spec{Kind: File, Target: dir, Name: "file: one file per session in " + dir}, nil
	case strings.HasPrefix(v, "sqlite:"):
		return parseSQLite(strings.TrimPrefix(v, "sqlite:"))
	}
	scheme, rest, ok := strings.Cut(v, "://")
	scheme = strings.ToLower(scheme)
	switch {
	case !ok || !validScheme(scheme):
		// Not shown: what is left of "://" may be anything, a password too.
		return Spec{}, fmt.Errorf("%w; use one of\n%s", ErrUnknownURL, Help)
	case scheme != "redis" && scheme != "rediss" && scheme != "postgres" && scheme != "postgresql" && scheme != "mysql":
		return Spec{}, fmt.Errorf("%w: scheme %q; use one of\n%s", ErrUnknownURL, scheme, Help)
	}
	if err := checkShape(scheme, rest); err != nil {
		return Spec{}, err
	}
	u, err := url.Parse(v)
	if err != nil {
		return Spec{}, unparsable(scheme, urlProblem(err))
	}
	if u.Host == "" {
		//lint:ignore ST1005 the message ends with an example URL whose path is elided, not with punctuation
		return Spec{}, fmt.Errorf("storeurl: %s URL has no host, as in %s://127.0.0.1/...", scheme, scheme)
	}
	name := scheme + "://"
	if u.User != nil && u.User.Username() != "" {
		name += u.User.Username() + "@"
	}
	name += u.Host + u.Path
	query := u.Query()
	switch scheme {
	case "redis", "rediss":
		spec := Spec{Kind: Redis, Name: name, Prefix: query.Get("prefix")}
		if query.Has("prefix") && spec.Prefix == "" {
			return Spec{}, errors.New("storeurl: redis URL has an empty prefix=; give one, as in ?prefix=myapp:session:, or leave it out")
		}
		if query.Has("table") {
			return Spec{}, errors.New("storeurl: redis URL takes prefix=, not table=")
		}
		u.RawQuery = withoutParam(u.RawQuery, "prefix")
		spec.Target = u.String()
		if _, err := redis.ParseURL(spec.Target); err != nil {
			return Spec{}, fmt.Errorf("storeurl: redis URL: %v", err)
		}
		return spec, nil
	}
	spec := Spec{Name: name, Table: query.Get("table")}
	if query.Has("table") && spec.Table == "" {
		return Spec{}, fmt.Errorf("storeurl: %s URL has an empty table=; give one, as in ?table=sessions, or leave it out", scheme)
	}
	if query.Has("prefix") {
		return Spec{}, fmt.Errorf("storeurl: %s URL takes table=, not prefix=", scheme)
	}
	u.RawQuery = withoutParam(u.RawQuery, "table")
	if scheme == "mysql" {
		for k := range query {
			if strings.EqualFold(k, "password") {
				// The driver would send it to the server as SET password=...
				return Spec{}, errors.New("storeurl: mysql URL takes the password before the host, as in mysql://USER:PASS@HOST/DB, not as ?password=")
			}
		}
		dsn, err := mysqlDSN(u)
		if err != nil {
			return Spec{}, err
		}
		spec.Kind, spec.Target = MySQL, dsn
		return spec, nil
	}
	spec.Kind, spec.Target = Postgres, u.String()
	return spec, nil
}

// withoutParam returns rawQuery without the parameter name, the others
// left as they were, in their order.
func withoutParam(rawQuery, name string) string {
	var kept []string
	for part := range strings.SplitSeq(rawQuery, "&") {
		k, _, _ := strings.Cut(part, "=")
		if k, err := url.QueryUnescape(k); part == "" || err == nil && k == name {
			continue
		}
		kept = append(kept, part)
	}
	return strings.Join(kept, "&")
}

// parseSQLite reads the part of a sqlite: URL after the colon.
func parseSQLite(rest string) (Spec, error) {
	path, rawQuery, _ := strings.Cut(rest, "?")
	if path == "" || strings.Contains(path, "#") {
		return Spec{}, errors.New("storeurl: sqlite: needs a file path without # in it, as in sqlite:sessions.db")
	}
	spec := Spec{Kind: SQLite, Name: "sqlite: database file " + path}
	if rawQuery != "" {
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			return Spec{}, fmt.Errorf("storeurl: sqlite: parameters: %v", err)
		}
		for k := range q {
			if k != "table" {
				return Spec{}, fmt.Errorf("storeurl: sqlite: unknown parameter %q; only table= is taken", k)
			}
		}
		if spec.Table = q.Get("table"); spec.Table == "" {
			return Spec{}, errors.New("storeurl: sqlite: empty table=; give one, as in sqlite:sessions.db?table=sessions, or leave it out")
		}
	}
	spec.Target = "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
	return spec, nil
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
		return "", errors.New("storeurl: mysql URL needs a database name, as in mysql://root@127.0.0.1:3306/app")
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
		return "", fmt.Errorf("storeurl: mysql URL parameters: %v", err)
	}
	return parsed.FormatDSN(), nil
}
