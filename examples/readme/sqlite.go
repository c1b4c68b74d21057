package readme

import (
	"context"
	"database/sql"

	"github.com/websession/session"
	"github.com/websession/session/store/sqlstore"
	_ "modernc.org/sqlite" // the driver: without it sql.Open fails with `unknown driver "sqlite"`
)

// newSQLiteManager keeps sessions in an SQLite file, e.g. "sessions.db".
func newSQLiteManager(ctx context.Context, secret []byte, path string) (*session.Manager, *sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
	if err != nil {
		return nil, nil, err
	}
	st, err := sqlstore.New(db)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if err := st.CreateTable(ctx); err != nil { // CREATE TABLE IF NOT EXISTS
		db.Close()
		return nil, nil, err
	}
	m, err := session.New(session.Config{Secret: secret, Store: st})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return m, db, nil
}
