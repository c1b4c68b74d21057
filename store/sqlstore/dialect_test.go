package sqlstore_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"
	"testing"

	"github.com/websession/session/store/sqlstore"
)

func TestNewDetectsDialect(t *testing.T) {
	tests := []struct {
		driver string
		want   sqlstore.Dialect
	}{
		{"pgx", sqlstore.Postgres},
		{"mysql", sqlstore.MySQL},
		{"sqlite", sqlstore.SQLite},
	}
	for _, tc := range tests {
		t.Run(tc.driver, func(t *testing.T) {
			db, err := sql.Open(tc.driver, "") // sql.Open does not connect
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			st, err := sqlstore.New(db)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := st.Dialect(); got != tc.want {
				t.Errorf("detected dialect %v, want %v", got, tc.want)
			}
		})
	}
}

// unknownConnector stands for a driver sqlstore has never heard of.
type unknownConnector struct{}

type unknownDriver struct{}

func (unknownConnector) Connect(context.Context) (driver.Conn, error) {
	return nil, errors.New("unknownDriver: cannot connect")
}
func (unknownConnector) Driver() driver.Driver { return unknownDriver{} }
func (unknownDriver) Open(string) (driver.Conn, error) {
	return nil, errors.New("unknownDriver: cannot connect")
}

func TestNewUnknownDriverNeedsDialect(t *testing.T) {
	db := sql.OpenDB(unknownConnector{})
	defer db.Close()
	_, err := sqlstore.New(db)
	if err == nil || !strings.Contains(err.Error(), "WithDialect") {
		t.Fatalf("New over an unknown driver: err = %v, want one that points to WithDialect", err)
	}
	st, err := sqlstore.New(db, sqlstore.WithDialect(sqlstore.Postgres))
	if err != nil {
		t.Fatalf("New with an explicit dialect: %v", err)
	}
	if st.Dialect() != sqlstore.Postgres {
		t.Errorf("Dialect() = %v, want postgres", st.Dialect())
	}
}

func TestExplicitDialectWins(t *testing.T) {
	db, err := sql.Open("sqlite", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := sqlstore.New(db, sqlstore.WithDialect(sqlstore.MySQL))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if st.Dialect() != sqlstore.MySQL {
		t.Errorf("Dialect() = %v, want the explicit mysql over the detected sqlite", st.Dialect())
	}
	if _, err := sqlstore.New(db, sqlstore.WithDialect(sqlstore.Dialect(42))); err == nil {
		t.Error("New accepted Dialect(42)")
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	if _, err := sqlstore.New(nil); err == nil || !strings.HasPrefix(err.Error(), "sqlstore: ") {
		t.Errorf("New(nil): err = %v, want a sqlstore error", err)
	}
	db, err := sql.Open("sqlite", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := sqlstore.New(db, sqlstore.WithNow(nil)); err == nil {
		t.Error("New accepted WithNow(nil)")
	}
}

func TestTableNames(t *testing.T) {
	db, err := sql.Open("sqlite", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		name string
		ok   bool
	}{
		{"sessions", true},
		{"_s", true},
		{"app_sessions_2", true},
		{strings.Repeat("s", 48), true},
		{"", false},
		{strings.Repeat("s", 49), false},
		{"Sessions", false},
		{"2sessions", false},
		{"app.sessions", false},
		{"my sessions", false},
		{"sessions; DROP TABLE users; --", false},
		{`sessions" (x int); --`, false},
		{"sessions` (x int); --", false},
		{"sessions'", false},
		{"sessions\x00", false},
		{"séssions", false},
	}
	for _, tc := range tests {
		st, err := sqlstore.New(db, sqlstore.WithTable(tc.name))
		switch {
		case tc.ok && err != nil:
			t.Errorf("WithTable(%q): %v, want accepted", tc.name, err)
		case tc.ok && st.Table() != tc.name:
			t.Errorf("WithTable(%q): Table() = %q", tc.name, st.Table())
		case !tc.ok && err == nil:
			t.Errorf("WithTable(%q) accepted, want refused", tc.name)
		case !tc.ok && !strings.HasPrefix(err.Error(), "sqlstore: table name"):
			t.Errorf("WithTable(%q): err = %v, want one about the table name", tc.name, err)
		}
	}
	st, err := sqlstore.New(db)
	if err != nil || st.Table() != "sessions" {
		t.Errorf("default table: %v, %v; want sessions", st, err)
	}
}
