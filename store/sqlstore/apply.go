package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"time"

	"github.com/websession/session/internal/retry"

	session "github.com/websession/session"
)

var _ session.Applier = (*Store)(nil)

// Apply applies ch to the live record under key in one transaction that
// holds the row's lock (SELECT ... FOR UPDATE; on SQLite the database's
// write lock). Apply calls of this process for one session queue first
// (on SQLite all Apply calls), so they hold no connection while they
// wait: concurrent
// changes to one session wait for each other and never conflict, unless ch
// expects a key to hold a value it no longer holds. A transaction the
// database rolled back to break a deadlock is run again, as other writes
// are. See session.Applier.
func (s *Store) Apply(ctx context.Context, key string, ch *session.Change) (session.Record, error) {
	if !session.ValidKey(key) {
		return session.Record{}, fmt.Errorf("sqlstore: apply: %w", session.ErrInvalidKey)
	}
	release, err := s.applies.acquire(ctx, key, s.dialect == SQLite)
	if err != nil {
		return session.Record{}, fmt.Errorf("sqlstore: apply: waiting for the other changes of the session: %w", err)
	}
	defer release()
	for try := 1; ; try++ {
		rec, err := s.applyTx(ctx, key, ch)
		if err != nil && try < maxDeadlockTries && rolledBack(err) {
			if err := retry.Pause(ctx, try); err != nil {
				return session.Record{}, s.fail("apply", err)
			}
			continue
		}
		if err != nil && !errors.Is(err, session.ErrConflict) && !errors.Is(err, session.ErrNotFound) {
			return session.Record{}, s.fail("apply", err)
		}
		return rec, err
	}
}

// applyTx is one try of Apply.
func (s *Store) applyTx(ctx context.Context, key string, ch *session.Change) (rec session.Record, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return session.Record{}, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if s.q.lockRow != "" {
		if _, err := tx.ExecContext(ctx, s.q.lockRow, key); err != nil {
			return session.Record{}, err
		}
	}
	var (
		data             []byte
		expires, version int64
		user             sql.NullString
	)
	err = tx.QueryRowContext(ctx, s.q.loadLocked, key, s.nowMillis()).Scan(&data, &expires, &version, &user)
	if errors.Is(err, sql.ErrNoRows) {
		return session.Record{}, session.ErrNotFound
	}
	if err != nil {
		return session.Record{}, err
	}
	out, applied, err := ch.Merge(data)
	if errors.Is(err, session.ErrConflict) {
		return session.Record{Data: data, Expires: time.UnixMilli(expires), Version: uint64(version), User: scanUser(user)}, err
	}
	if err != nil {
		return session.Record{}, err
	}
	if applied {
		return session.Record{Version: uint64(version)}, tx.Commit()
	}
	if ch.Expires.UnixMilli() <= s.nowMillis() {
		_, err = tx.ExecContext(ctx, s.q.delete, key)
	} else {
		_, err = tx.ExecContext(ctx, s.q.apply, out, ch.Expires.UnixMilli(), version+1, key)
	}
	if err != nil {
		return session.Record{}, err
	}
	return session.Record{Version: uint64(version + 1)}, tx.Commit()
}

// applyQueues are the queues of Apply; the zero value is ready.
type applyQueues struct {
	once sync.Once
	seed maphash.Seed
	sems [64]chan struct{}
}

// acquire waits for key's queue (all's: the first queue for every key),
// and returns the function that leaves it, or ctx's error.
func (q *applyQueues) acquire(ctx context.Context, key string, all bool) (func(), error) {
	q.once.Do(func() {
		q.seed = maphash.MakeSeed()
		for i := range q.sems {
			q.sems[i] = make(chan struct{}, 1)
		}
	})
	sem := q.sems[0]
	if !all {
		sem = q.sems[maphash.String(q.seed, key)%uint64(len(q.sems))]
	}
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
