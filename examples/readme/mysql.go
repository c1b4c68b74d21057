package readme

import (
	"context"
	"database/sql"

	_ "github.com/go-sql-driver/mysql" // the driver, registered as "mysql"
	"github.com/websession/session"
	"github.com/websession/session/store/sqlstore"
)

// newMySQLManager keeps sessions in MySQL or MariaDB, e.g.
// dsn = "app:PASSWORD@tcp(127.0.0.1:3306)/app?parseTime=true".
func newMySQLManager(ctx context.Context, secret []byte, dsn string) (*session.Manager, *sql.DB, error) {
	db, err := sql.Open("mysql", dsn)
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
