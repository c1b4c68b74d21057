package memstore_test

import (
	"testing"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/internal/golden"
	"github.com/websession/session/store/memstore"
)

// TestGoldenRecords opens the server-side sessions an earlier version
// wrote, each record handed to the store as that version's Manager handed
// it: an upgrade logs no one out.
func TestGoldenRecords(t *testing.T) {
	for _, v := range golden.Versions(t) {
		t.Run(v.Name, func(t *testing.T) {
			st := memstore.New()
			for _, r := range v.Records.Records {
				rec := session.Record{Data: []byte(r.Data), Expires: time.UnixMilli(r.Expires), User: r.User}
				if err := st.Save(t.Context(), r.Key, rec); err != nil {
					t.Fatal(err)
				}
			}
			golden.CheckRecords(t, st, v.Records)
		})
	}
}
