package sqlstore_test

import (
	"database/sql"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/sqlstore"
)

func TestCreateTableIsIdempotent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		st := newStore(t, db)
		key := sessiontest.Key(t)
		rec := session.Record{Data: []byte("kept"), Expires: time.Now().Add(time.Hour)}
		if err := st.Save(t.Context(), key, rec); err != nil {
			t.Fatalf("Save: %v", err)
		}
		for range 2 {
			if err := st.CreateTable(t.Context()); err != nil {
				t.Fatalf("CreateTable over an existing table: %v", err)
			}
		}
		got, err := st.Load(t.Context(), key)
		if err != nil || string(got.Data) != "kept" {
			t.Fatalf("Load after CreateTable again: %q, %v; want the record kept", got.Data, err)
		}
	})
}

// expiresIndexes counts the indexes on the expires column of a table.
var expiresIndexes = map[sqlstore.Dialect]string{
	sqlstore.Postgres: "SELECT count(*) FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%(expires)'",
	sqlstore.MySQL: "SELECT count(*) FROM information_schema.statistics " +
		"WHERE table_schema = DATABASE() AND table_name = ? AND column_name = 'expires' AND seq_in_index = 1",
	sqlstore.SQLite: "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql LIKE '%(expires)'",
}

func TestCreateTableIndexesExpires(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		st := newStore(t, db)
		var n int
		if err := db.QueryRowContext(t.Context(), expiresIndexes[st.Dialect()], st.Table()).Scan(&n); err != nil {
			t.Fatalf("reading the catalog: %v", err)
		}
		if n != 1 {
			t.Errorf("%d indexes on expires, want 1 so DeleteExpired needs no full scan", n)
		}
	})
}

func TestNewRunsNoQuery(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		st, err := sqlstore.New(db, sqlstore.WithTable(tableName(t)))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		var n int
		err = db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+quoteTable(st)).Scan(&n)
		if err == nil {
			dropTable(t, db, st)
			t.Fatal("New created the table; it must only be created by CreateTable")
		}
	})
}
