package sqlstore

import (
	"errors"
	"fmt"
	"reflect"
)

// sqliteBusy is SQLite's result code for "database is locked".
const sqliteBusy = 5

// fail wraps a database error from operation op. For SQLite's "database is
// locked" it adds what usually fixes it.
func (s *Store) fail(op string, err error) error {
	var coded interface{ Code() int } // modernc.org/sqlite's *Error
	if s.dialect == SQLite && errors.As(err, &coded) && coded.Code()&0xff == sqliteBusy {
		return fmt.Errorf("sqlstore: %s: %w (if the DSN lacks them, add "+
			"_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL) so writers wait for each other)", op, err)
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

// rolledBack reports whether err says the database rolled the statement's
// transaction back to resolve a conflict between transactions: SQLSTATE
// 40001 (serialization failure; MySQL and MariaDB report deadlocks so) or
// 40P01 (PostgreSQL's deadlock_detected). The drivers are not imported:
// the state is read from each error in the chain as pgx and lib/pq expose
// it (a SQLState method) or as go-sql-driver/mysql does (a SQLState field
// of five bytes).
func rolledBack(err error) bool {
	for _, e := range chain(err) {
		switch state := sqlState(e); state {
		case "40001", "40P01":
			return true
		}
	}
	return false
}

// chain lists err and every error it wraps.
func chain(err error) []error {
	var out []error
	for len(out) < 32 && err != nil {
		out = append(out, err)
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				out = append(out, chain(e)...)
			}
			return out
		default:
			err = nil
		}
	}
	return out
}

// sqlState returns the SQLSTATE code err carries itself, or "".
func sqlState(err error) string {
	if s, ok := err.(interface{ SQLState() string }); ok {
		return s.SQLState()
	}
	v := reflect.ValueOf(err)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	f := v.FieldByName("SQLState")
	if f.IsValid() && f.Kind() == reflect.Array && f.Len() == 5 && f.Type().Elem().Kind() == reflect.Uint8 {
		b := make([]byte, 5)
		for i := range b {
			b[i] = byte(f.Index(i).Uint())
		}
		return string(b)
	}
	return ""
}
