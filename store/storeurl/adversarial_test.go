package storeurl_test

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
	"github.com/websession/session/internal/adversarial"
	"github.com/websession/session/internal/testservers"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/redisstore"
	"github.com/websession/session/store/sqlstore"
)

// TestAdversarialStores runs the store part of the attack suite
// (internal/adversarial) on the stores whose drivers the root module does
// not require. The servers are the ones the store packages' tests use
// (SESSION_TEST_POSTGRES, SESSION_TEST_MYSQL, SESSION_TEST_REDIS); a
// missing one skips the test, or fails it when CI=true.
func TestAdversarialStores(t *testing.T) {
	adversarial.RunStores(t,
		adversarial.Store{Name: "sqlite", Open: openSQLiteStore},
		adversarial.Store{Name: "postgres", Open: openPostgresStore},
		adversarial.Store{Name: "mysql", Open: openMySQLStore},
		adversarial.Store{Name: "redis", Open: openRedisStore},
	)
}

// randomName returns a table name or key prefix no other test uses.
func randomName(prefix string) string {
	var b [6]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
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
