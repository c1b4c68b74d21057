package adversarial

import (
	"context"
	"time"

	"github.com/websession/session"
)

// clockedStore makes a store's expiry follow a test clock: a record whose
// Expires has passed on the clock loads as missing, so a test can move time
// by hours in a moment. The store itself keeps real time.
type clockedStore struct {
	session.Store
	now func() time.Time
}

func (c *clockedStore) Load(ctx context.Context, key string) (session.Record, error) {
	rec, err := c.Store.Load(ctx, key)
	if err == nil && !c.now().Before(rec.Expires) {
		return session.Record{}, session.ErrNotFound
	}
	return rec, err
}

func (c *clockedStore) Touch(ctx context.Context, key string, exp time.Time) error {
	if _, err := c.Load(ctx, key); err != nil {
		return err
	}
	return c.Store.(session.Toucher).Touch(ctx, key, exp)
}
