package sqlstore_test

import (
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/sqlstore"
)

// oldSchema is the table as CreateTable made it before the user_id column:
// the shape of tables that already exist in users' databases.
var oldSchema = map[sqlstore.Dialect][]string{
	sqlstore.Postgres: {
		`CREATE TABLE {t} ("key" TEXT PRIMARY KEY, data BYTEA NOT NULL, expires BIGINT NOT NULL, version BIGINT NOT NULL)`,
		`CREATE INDEX {t_expires_idx} ON {t} (expires)`,
	},
	sqlstore.MySQL: {
		"CREATE TABLE {t} (`key` CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY, " +
			"data LONGBLOB NOT NULL, expires BIGINT NOT NULL, version BIGINT NOT NULL, " +
			"INDEX {t_expires_idx} (expires)) ENGINE=InnoDB",
	},
	sqlstore.SQLite: {
		`CREATE TABLE {t} ("key" TEXT NOT NULL PRIMARY KEY, data BLOB NOT NULL, expires INTEGER NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID`,
		`CREATE INDEX {t_expires_idx} ON {t} (expires)`,
	},
}

// userIndexes counts the indexes on the user_id column of a table.
var userIndexes = map[sqlstore.Dialect]string{
	sqlstore.Postgres: "SELECT count(*) FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%(user_id)'",
	sqlstore.MySQL: "SELECT count(*) FROM information_schema.statistics " +
		"WHERE table_schema = DATABASE() AND table_name = ? AND column_name = 'user_id' AND seq_in_index = 1",
	sqlstore.SQLite: "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql LIKE '%(user_id)'",
}

// TestCreateTableUpgradesOldTable runs CreateTable over a table made
// before the user index existed, holding a session: the session survives
// with no user, the column and its index are added once, and the user
// index works.
func TestCreateTableUpgradesOldTable(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		ctx := t.Context()
		st, err := sqlstore.New(db, sqlstore.WithTable(tableName(t)))
		if err != nil {
			t.Fatal(err)
		}
		dropTable(t, db, st)
		names := strings.NewReplacer("{t}", quoteTable(st), "{t_expires_idx}", st.Table()+"_expires_idx")
		for _, stmt := range oldSchema[st.Dialect()] {
			if _, err := db.ExecContext(ctx, names.Replace(stmt)); err != nil {
				t.Fatalf("creating the old table: %v", err)
			}
		}
		old := sessiontest.Key(t)
		insert := "INSERT INTO " + quoteTable(st) + " VALUES (?, ?, ?, 1)"
		if st.Dialect() == sqlstore.Postgres {
			insert = "INSERT INTO " + quoteTable(st) + " VALUES ($1, $2, $3, 1)"
		}
		if _, err := db.ExecContext(ctx, insert, old, []byte("from before"), time.Now().Add(time.Hour).UnixMilli()); err != nil {
			t.Fatalf("inserting an old row: %v", err)
		}
		if _, err := st.Load(ctx, old); err == nil {
			t.Fatal("Load on the old table worked before CreateTable: the test does not reproduce an old table")
		}

		for range 2 {
			if err := st.CreateTable(ctx); err != nil {
				t.Fatalf("CreateTable over an old table: %v", err)
			}
		}
		got, err := st.Load(ctx, old)
		if err != nil || string(got.Data) != "from before" || got.User != "" {
			t.Fatalf("Load of the old row = %q, User %q, %v; want it kept, with no user", got.Data, got.User, err)
		}
		var n int
		if err := db.QueryRowContext(ctx, userIndexes[st.Dialect()], st.Table()).Scan(&n); err != nil {
			t.Fatalf("reading the catalog: %v", err)
		}
		if n != 1 {
			t.Errorf("%d indexes on user_id after the upgrade, want 1", n)
		}

		got.User = "alice"
		if err := st.Save(ctx, old, got); err != nil {
			t.Fatalf("Save binding the old session to a user: %v", err)
		}
		recs, err := st.UserRecords(ctx, "alice")
		if err != nil || len(recs) != 1 || string(recs[old].Data) != "from before" {
			t.Errorf("UserRecords after the upgrade = %d records, %v; want the old session", len(recs), err)
		}
	})
}

// TestCreateTableIndexesUser checks that a new table gets exactly one index
// on user_id, so UserRecords and DeleteUser need no full scan.
func TestCreateTableIndexesUser(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		st := newStore(t, db)
		if err := st.CreateTable(t.Context()); err != nil {
			t.Fatalf("CreateTable again: %v", err)
		}
		var n int
		if err := db.QueryRowContext(t.Context(), userIndexes[st.Dialect()], st.Table()).Scan(&n); err != nil {
			t.Fatalf("reading the catalog: %v", err)
		}
		if n != 1 {
			t.Errorf("%d indexes on user_id, want 1", n)
		}
	})
}

// TestUserNameLimits checks the user names the user_id column cannot hold
// in every dialect: Save refuses them with an error that says why and does
// not repeat the name, and nothing is stored.
func TestUserNameLimits(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		st := newStore(t, db)
		ctx := t.Context()
		longest := strings.Repeat("é", sqlstore.MaxUserLen/2)
		key := sessiontest.Key(t)
		if err := st.Save(ctx, key, session.Record{Data: []byte("x"), Expires: time.Now().Add(time.Hour), User: longest}); err != nil {
			t.Fatalf("Save with a %d-byte user: %v", len(longest), err)
		}
		if recs, err := st.UserRecords(ctx, longest); err != nil || len(recs) != 1 {
			t.Errorf("UserRecords of the longest user = %d records, %v; want 1", len(recs), err)
		}
		for name, user := range map[string]string{
			"TooLong": longest + "x",
			"NUL":     "secret\x00name",
			"NotUTF8": "secret\xffname",
		} {
			key := sessiontest.Key(t)
			err := st.Save(ctx, key, session.Record{Data: []byte("x"), Expires: time.Now().Add(time.Hour), User: user})
			if err == nil || errors.Is(err, session.ErrConflict) || !strings.HasPrefix(err.Error(), "sqlstore: save: ") {
				t.Errorf("%s: Save = %v, want a sqlstore: save: error", name, err)
			} else if strings.Contains(err.Error(), "secret") {
				t.Errorf("%s: the error repeats the user name: %v", name, err)
			}
			if _, err := st.Load(ctx, key); !errors.Is(err, session.ErrNotFound) {
				t.Errorf("%s: Load after the refused save = %v, want session.ErrNotFound", name, err)
			}
			if recs, err := st.UserRecords(ctx, user); err != nil || len(recs) != 0 {
				t.Errorf("%s: UserRecords = %d records, %v; want none, nil", name, len(recs), err)
			}
			if n, err := st.DeleteUser(ctx, user, ""); err != nil || n != 0 {
				t.Errorf("%s: DeleteUser = %d, %v; want 0, nil", name, n, err)
			}
		}
	})
}
