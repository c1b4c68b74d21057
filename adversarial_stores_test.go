package session_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/redis/go-redis/v9"
	_ "modernc.org/sqlite"

	"github.com/websession/session"
	"github.com/websession/session/internal/testservers"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/filestore"
	"github.com/websession/session/store/memstore"
	"github.com/websession/session/store/redisstore"
	"github.com/websession/session/store/sqlstore"
)

// advStores are the server-side stores the adversarial tests run against,
// each opened fresh for a test and cleaned up after it. The servers are
// the ones the store packages' tests use (SESSION_TEST_POSTGRES,
// SESSION_TEST_MYSQL, SESSION_TEST_REDIS); a missing one skips the test,
// or fails it when CI=true.
var advStores = []struct {
	name string
	open func(t *testing.T) session.Store
}{
	{"memstore", func(t *testing.T) session.Store { return memstore.New() }},
	{"filestore", openFilestore},
	{"sqlite", openSQLiteStore},
	{"postgres", openPostgresStore},
	{"mysql", openMySQLStore},
	{"redis", openRedisStore},
}

// randomName returns a table name or key prefix no other test uses.
func randomName(prefix string) string {
	var b [6]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

func openFilestore(t *testing.T) session.Store {
	st, err := filestore.New(filepath.Join(t.TempDir(), "sessions"), filestore.WithLogger(discardLogger()))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func openSQLiteStore(t *testing.T) session.Store {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "sessions.db")+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return newSQLStore(t, db)
}

func openPostgresStore(t *testing.T) session.Store {
	return newSQLStore(t, testservers.OpenDB(t, "pgx", testservers.PostgresDSN()))
}

func openMySQLStore(t *testing.T) session.Store {
	return newSQLStore(t, testservers.OpenDB(t, "mysql", testservers.MySQLDSN()))
}

// newSQLStore makes an sqlstore in a table of its own, dropped at the end.
func newSQLStore(t *testing.T, db *sql.DB) session.Store {
	t.Helper()
	st, err := sqlstore.New(db, sqlstore.WithTable(randomName("sessions_adv_")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		q := `DROP TABLE IF EXISTS "` + st.Table() + `"`
		if st.Dialect() == sqlstore.MySQL {
			q = "DROP TABLE IF EXISTS `" + st.Table() + "`"
		}
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			t.Errorf("dropping table %s: %v", st.Table(), err)
		}
	})
	if err := st.CreateTable(t.Context()); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	return st
}

func openRedisStore(t *testing.T) session.Store {
	addr := testservers.RedisAddr()
	client := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { client.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		sessiontest.Unavailable(t, "redis at %s (set SESSION_TEST_REDIS): %v", addr, err)
	}
	prefix := randomName("session-adv-") + ":"
	st, err := redisstore.New(client, redisstore.WithPrefix(prefix))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("cleaning up redis keys under %s: %v", prefix, err)
		}
	})
	return st
}

// clockedStore makes a store's expiry follow a test clock: a record whose
// Expires has passed on the clock loads as missing, so a test can move time
// by hours in a moment. The store itself keeps real time.
type clockedStore struct {
	session.Store
	now func() time.Time
}

func (c clockedStore) Load(ctx context.Context, key string) (session.Record, error) {
	rec, err := c.Store.Load(ctx, key)
	if err == nil && !c.now().Before(rec.Expires) {
		return session.Record{}, session.ErrNotFound
	}
	return rec, err
}

func (c clockedStore) Touch(ctx context.Context, key string, exp time.Time) error {
	if _, err := c.Load(ctx, key); err != nil {
		return err
	}
	return c.Store.(session.Toucher).Touch(ctx, key, exp)
}
