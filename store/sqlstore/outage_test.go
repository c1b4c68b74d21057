package sqlstore_test

import (
	"database/sql"
	"net/url"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/websession/session/internal/tcpproxy"
	"github.com/websession/session/internal/testservers"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/sqlstore"
)

// TestOutageFailsClosed cuts the connection to the real PostgreSQL
// mid-life: requests get 500 and no cookie while it is down, nothing stored
// is lost, and service is normal once it is back.
func TestOutageFailsClosed(t *testing.T) {
	direct := openPostgres(t) // skips, or fails in CI, without a server
	dsn, err := url.Parse(testservers.PostgresDSN())
	if err != nil {
		t.Fatalf("SESSION_TEST_POSTGRES is not a URL: %v", err)
	}
	proxy, err := tcpproxy.Start(dsn.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	dsn.Host = proxy.Addr()
	db, err := sql.Open("pgx", dsn.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := newStore(t, direct) // creates the table, dropped at the end
	proxied, err := sqlstore.New(db, sqlstore.WithTable(st.Table()), sqlstore.WithDialect(sqlstore.Postgres))
	if err != nil {
		t.Fatal(err)
	}
	sessiontest.RunOutage(t, proxied, proxy.Cut, proxy.Restore)
}

// TestHungServerCostsABoundedTime freezes the connections to the real
// PostgreSQL and MariaDB (a proxy that stops forwarding without closing
// anything): requests fail closed within Config.StoreTimeout instead of
// waiting for as long as the server hangs, and nothing stored changes.
func TestHungServerCostsABoundedTime(t *testing.T) {
	for _, b := range []struct {
		name    string
		dialect sqlstore.Dialect
		direct  func(t *testing.T) *sql.DB
		proxied func(t *testing.T, addr func(string) string) *sql.DB
	}{
		{"Postgres", sqlstore.Postgres, openPostgres, func(t *testing.T, via func(string) string) *sql.DB {
			dsn, err := url.Parse(testservers.PostgresDSN())
			if err != nil {
				t.Fatalf("SESSION_TEST_POSTGRES is not a URL: %v", err)
			}
			dsn.Host = via(dsn.Host)
			return testservers.OpenDB(t, "pgx", dsn.String())
		}},
		{"MySQL", sqlstore.MySQL, openMySQL, func(t *testing.T, via func(string) string) *sql.DB {
			cfg, err := mysql.ParseDSN(testservers.MySQLDSN())
			if err != nil {
				t.Fatalf("SESSION_TEST_MYSQL: %v", err)
			}
			cfg.Addr = via(cfg.Addr)
			return testservers.OpenDB(t, "mysql", cfg.FormatDSN())
		}},
	} {
		t.Run(b.name, func(t *testing.T) {
			direct := b.direct(t)
			var proxy *tcpproxy.Proxy
			db := b.proxied(t, func(target string) string {
				p, err := tcpproxy.Start(target)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(p.Close)
				proxy = p
				return p.Addr()
			})
			st := newStore(t, direct)
			proxied, err := sqlstore.New(db, sqlstore.WithTable(st.Table()), sqlstore.WithDialect(b.dialect))
			if err != nil {
				t.Fatal(err)
			}
			sessiontest.RunHang(t, proxied, proxy.Freeze, proxy.Thaw)
		})
	}
}
