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

// TestErrorsKeepSecrets makes every operation fail (the table was never
// created) and checks the errors name the operation but neither the key
// nor the data.
func TestErrorsKeepSecrets(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		st, err := sqlstore.New(db, sqlstore.WithTable(tableName(t)))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		ctx := t.Context()
		key := sessiontest.Key(t)
		const data = "card=4111111111111111"
		rec := session.Record{Data: []byte(data), Expires: time.Now().Add(time.Hour)}
		_, loadErr := st.Load(ctx, key)
		_, sweepErr := st.DeleteExpired(ctx)
		errs := map[string]error{
			"load":           loadErr,
			"save":           st.Save(ctx, key, rec),
			"delete":         st.Delete(ctx, key),
			"touch":          st.Touch(ctx, key, rec.Expires),
			"iterate":        st.Iterate(ctx, func(string, session.Record) error { return nil }),
			"delete expired": sweepErr,
		}
		for op, err := range errs {
			switch {
			case err == nil:
				t.Errorf("%s over a missing table: nil error", op)
			case !strings.HasPrefix(err.Error(), "sqlstore: "+op+": "):
				t.Errorf("%s: error %q does not start with %q", op, err, "sqlstore: "+op+": ")
			case strings.Contains(err.Error(), key[:16]) || strings.Contains(err.Error(), data):
				t.Errorf("%s: error %q reveals the key or the data", op, err)
			case errors.Is(err, session.ErrNotFound) || errors.Is(err, session.ErrConflict):
				t.Errorf("%s: a database failure reported as %v", op, err)
			}
		}
	})
}

// TestInvalidKeysRefusedBeforeQuery uses a store whose table does not
// exist: any query would fail with a database error, so ErrInvalidKey
// proves the key was refused first.
func TestInvalidKeysRefusedBeforeQuery(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		st, err := sqlstore.New(db, sqlstore.WithTable(tableName(t)))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		ctx := t.Context()
		good := sessiontest.Key(t)
		keys := []string{"", "abc", strings.ToUpper(good), good[:63] + "g", good + "0",
			"' OR '1'='1", "../../etc/passwd", strings.Repeat("a", 1<<20), good[:63] + "\x00"}
		rec := session.Record{Data: []byte("x"), Expires: time.Now().Add(time.Hour)}
		for _, key := range keys {
			_, loadErr := st.Load(ctx, key)
			for op, err := range map[string]error{
				"load":   loadErr,
				"save":   st.Save(ctx, key, rec),
				"delete": st.Delete(ctx, key),
				"touch":  st.Touch(ctx, key, rec.Expires),
			} {
				if !errors.Is(err, session.ErrInvalidKey) {
					t.Errorf("%s of a %d-byte invalid key: %v, want ErrInvalidKey", op, len(key), err)
				}
			}
		}
	})
}
