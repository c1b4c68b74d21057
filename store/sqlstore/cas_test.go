package sqlstore_test

import (
	"database/sql"
	"errors"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/sqlstore"
)

// TestSQLiteConcurrentIncrements has 50 goroutines, split over two
// connection pools on one file as two processes would be, each add 1 to a
// counter with load, modify and compare-and-set, retrying on conflict. No
// increment may be lost and none may fail with "database is locked".
func TestSQLiteConcurrentIncrements(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.db")
	var stores [2]*sqlstore.Store
	for i := range stores {
		db, err := sql.Open("sqlite", "file:"+path+sqliteDSN)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if stores[i], err = sqlstore.New(db); err != nil {
			t.Fatalf("New: %v", err)
		}
	}
	ctx := t.Context()
	if err := stores[0].CreateTable(ctx); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	key := sessiontest.Key(t)
	expires := time.Now().Add(time.Hour)
	if err := stores[0].Save(ctx, key, session.Record{Data: []byte("0"), Expires: expires}); err != nil {
		t.Fatalf("Save: %v", err)
	}

	const workers = 50
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := range workers {
		st := stores[i%2]
		wg.Go(func() {
			for {
				rec, err := st.Load(ctx, key)
				if err != nil {
					errs <- err
					return
				}
				n, _ := strconv.Atoi(string(rec.Data))
				rec.Data = []byte(strconv.Itoa(n + 1))
				err = st.Save(ctx, key, rec)
				if errors.Is(err, session.ErrConflict) {
					continue
				}
				errs <- err
				return
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("increment: %v", err)
		}
	}
	rec, err := stores[1].Load(ctx, key)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if string(rec.Data) != strconv.Itoa(workers) || rec.Version != workers+1 {
		t.Errorf("counter %s at version %d, want %d at version %d", rec.Data, rec.Version, workers, workers+1)
	}
}

// TestSaveHugeVersion saves with versions no stored record can have,
// including ones that do not fit the signed BIGINT column.
func TestSaveHugeVersion(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		st := newStore(t, db)
		key := sessiontest.Key(t)
		rec := session.Record{Data: []byte("x"), Expires: time.Now().Add(time.Hour)}
		if err := st.Save(t.Context(), key, rec); err != nil {
			t.Fatalf("Save: %v", err)
		}
		for _, v := range []uint64{math.MaxInt64 - 1, math.MaxInt64, math.MaxInt64 + 1, math.MaxUint64} {
			rec.Version = v
			if err := st.Save(t.Context(), key, rec); !errors.Is(err, session.ErrConflict) {
				t.Errorf("Save with version %d: %v, want ErrConflict", v, err)
			}
		}
		if got, err := st.Load(t.Context(), key); err != nil || got.Version != 1 {
			t.Errorf("Load: version %d, %v; want the record untouched at version 1", got.Version, err)
		}
	})
}

// TestSQLiteLockedErrorSaysWhatToDo saves while another connection holds
// the write lock of a database opened without a busy timeout: the error
// must say which DSN pragmas fix it.
func TestSQLiteLockedErrorSaysWhatToDo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.db")
	db, err := sql.Open("sqlite", "file:"+path) // no busy_timeout: fail at once
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := sqlstore.New(db)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx := t.Context()
	if err := st.CreateTable(ctx); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM "sessions"`); err != nil { // takes the write lock
		t.Fatal(err)
	}
	err = st.Save(ctx, sessiontest.Key(t), session.Record{Data: []byte("x"), Expires: time.Now().Add(time.Hour)})
	if err == nil || !strings.Contains(err.Error(), "_pragma=busy_timeout(5000)") {
		t.Fatalf("Save while the database is locked: %v, want an error naming the busy_timeout pragma", err)
	}
}
