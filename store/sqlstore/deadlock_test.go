package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/websession/session/internal/testservers"
	"github.com/websession/session/store/sqlstore"
)

// TestRolledBackKnowsRealDeadlocks makes PostgreSQL and MariaDB break a
// real deadlock between two transactions and checks that rolledBack
// recognises the victim's error through each driver, and nothing else:
// exec runs such a statement again, which is safe only because the
// database rolled it back.
func TestRolledBackKnowsRealDeadlocks(t *testing.T) {
	for _, b := range []struct {
		name, driver, dsn, create, lock string
	}{
		{"Postgres", "pgx", testservers.PostgresDSN(), "CREATE TABLE %s (id INT PRIMARY KEY, n INT)", "UPDATE %s SET n = n + 1 WHERE id = $1"},
		{"MySQL", "mysql", testservers.MySQLDSN(), "CREATE TABLE %s (id INT PRIMARY KEY, n INT) ENGINE=InnoDB", "UPDATE %s SET n = n + 1 WHERE id = ?"},
	} {
		t.Run(b.name, func(t *testing.T) {
			db := testservers.OpenDB(t, b.driver, b.dsn)
			table := fmt.Sprintf("deadlock_test_%d", time.Now().UnixNano())
			ctx := t.Context()
			if _, err := db.ExecContext(ctx, fmt.Sprintf(b.create, table)); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.ExecContext(context.Background(), "DROP TABLE "+table) })
			if _, err := db.ExecContext(ctx, "INSERT INTO "+table+" VALUES (1, 0), (2, 0)"); err != nil {
				t.Fatal(err)
			}
			lock := fmt.Sprintf(b.lock, table)
			// Each transaction locks one row, then waits for the other's.
			var wg sync.WaitGroup
			errs := make([]error, 2)
			locked := make(chan struct{}, 2)
			both := make(chan struct{})
			for i := range 2 {
				wg.Go(func() {
					tx, err := db.BeginTx(ctx, nil)
					if err != nil {
						errs[i] = err
						return
					}
					defer tx.Rollback()
					if _, err := tx.ExecContext(ctx, lock, i+1); err != nil {
						errs[i] = err
						return
					}
					locked <- struct{}{}
					<-both
					if _, err := tx.ExecContext(ctx, lock, 2-i); err != nil {
						errs[i] = err
						return
					}
					errs[i] = tx.Commit()
				})
			}
			<-locked
			<-locked
			close(both)
			wg.Wait()
			var victim error
			for _, err := range errs {
				if err != nil {
					victim = err
				}
			}
			if victim == nil {
				t.Fatal("no transaction was chosen as a deadlock victim")
			}
			if !sqlstore.RolledBack(victim) {
				t.Fatalf("rolledBack does not recognise the deadlock victim's error %q (%T)", victim, victim)
			}
			if sqlstore.RolledBack(fmt.Errorf("wrapped: %w", sql.ErrNoRows)) || sqlstore.RolledBack(errors.New("Error 1213: looks like one")) {
				t.Fatal("rolledBack recognises errors that carry no SQLSTATE of a rolled-back transaction")
			}
		})
	}
}
