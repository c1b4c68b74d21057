package sqlstore_test

import (
	"database/sql"
	"net/url"
	"testing"

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
