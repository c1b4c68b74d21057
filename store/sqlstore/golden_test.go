package sqlstore_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/websession/session/internal/golden"
)

// TestGoldenRecords opens the server-side sessions an earlier version
// wrote, from the rows it left in the sessions table, in every dialect: an
// upgrade logs no one out.
func TestGoldenRecords(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		for _, v := range golden.Versions(t) {
			t.Run(v.Name, func(t *testing.T) {
				st := newStore(t, db)
				dialect := strings.ToLower(st.Dialect().String())
				rows := v.Records.SQL[dialect]
				if len(rows) == 0 {
					t.Fatalf("no golden rows for %s", dialect)
				}
				insert := "INSERT INTO " + quoteTable(st) + " VALUES (?, ?, ?, ?, ?)"
				if dialect == "postgres" {
					insert = "INSERT INTO " + quoteTable(st) + " VALUES ($1, $2, $3, $4, $5)"
				}
				for _, r := range rows {
					user := sql.NullString{String: r.User, Valid: r.User != ""}
					if _, err := db.ExecContext(t.Context(), insert, r.Key, []byte(r.Data), r.Expires, int64(r.Version), user); err != nil {
						t.Fatal(err)
					}
				}
				golden.CheckRecords(t, st, v.Records)
				recs, err := st.UserRecords(t.Context(), "alice")
				if err != nil || len(recs) == 0 {
					t.Errorf("the golden rows list %d records of alice (%v), want some", len(recs), err)
				}
			})
		}
	})
}
