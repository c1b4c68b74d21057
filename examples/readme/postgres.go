package readme

import (
	"context"
	"database/sql"

	_ "github.com/jackc/pgx/v5/stdlib" // the driver, registered as "pgx"
	"github.com/websession/session"
	"github.com/websession/session/store/sqlstore"
)

// newPostgresManager keeps sessions in PostgreSQL, e.g.
// dsn = "postgres://app:PASSWORD@127.0.0.1:5432/app?sslmode=disable".
func newPostgresManager(ctx context.Context, secret []byte, dsn string) (*session.Manager, *sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, nil, err
	}
	st, err := sqlstore.New(db)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if err := st.CreateTable(ctx); err != nil {
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
