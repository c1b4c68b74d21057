package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Dialect is the SQL flavour a Store speaks. Pass one with WithDialect;
// without it, New detects the dialect from the type of db.Driver().
type Dialect int

const (
	// Postgres is PostgreSQL, for example through
	// github.com/jackc/pgx/v5/stdlib (driver name "pgx").
	Postgres Dialect = iota + 1
	// MySQL is MySQL or MariaDB through github.com/go-sql-driver/mysql.
	MySQL
	// SQLite is SQLite, for example through the pure-Go modernc.org/sqlite
	// (driver name "sqlite"). See the package documentation for the DSN
	// pragmas it needs under concurrent use.
	SQLite
)

// String returns the dialect's name: "postgres", "mysql" or "sqlite".
func (d Dialect) String() string {
	switch d {
	case Postgres:
		return "postgres"
	case MySQL:
		return "mysql"
	case SQLite:
		return "sqlite"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

func (d Dialect) valid() bool { return d == Postgres || d == MySQL || d == SQLite }

// driverDialects maps the import path of a database/sql driver's package,
// or of a module holding it, to its dialect.
var driverDialects = []struct {
	pkg     string
	dialect Dialect
}{
	{"github.com/jackc/pgx", Postgres},
	{"github.com/lib/pq", Postgres},
	{"github.com/go-sql-driver/mysql", MySQL},
	{"modernc.org/sqlite", SQLite},
	{"github.com/mattn/go-sqlite3", SQLite},
	{"github.com/ncruces/go-sqlite3", SQLite},
}

// detectDialect names the dialect of db from the package its driver type
// lives in, without importing any driver.
func detectDialect(db *sql.DB) (Dialect, error) {
	typ := reflect.TypeOf(db.Driver())
	if typ == nil {
		return 0, errors.New("sqlstore: the *sql.DB has no driver; open it with sql.Open or sql.OpenDB")
	}
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	pkg := typ.PkgPath()
	for _, d := range driverDialects {
		if pkg == d.pkg || strings.HasPrefix(pkg, d.pkg+"/") {
			return d.dialect, nil
		}
	}
	return 0, fmt.Errorf("sqlstore: cannot tell the SQL dialect of driver %s; "+
		"pass sqlstore.WithDialect(sqlstore.Postgres), (sqlstore.MySQL) or (sqlstore.SQLite)",
		reflect.TypeOf(db.Driver()))
}
