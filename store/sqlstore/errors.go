package sqlstore

import (
	"errors"
	"fmt"
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
