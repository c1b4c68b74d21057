package main

import (
	"context"
	"fmt"
	"io"

	"github.com/websession/session"
	"github.com/websession/session/store/storeurl"
)

const sweepUsage = `Usage: sessionctl sweep [flags]

Deletes the store's expired records and prints how many. Expired sessions
never load, swept or not; sweeping frees their space. Run it from cron or a
systemd timer. Redis expires records on its own: sweep says so and deletes
nothing (exit code 0).

Examples:
  sessionctl sweep --store sqlite:/var/lib/shop/sessions.db
  SESSIONCTL_STORE='postgres://app:s3cret@db/app?sslmode=disable' sessionctl sweep --json`

// swept is what sweep prints with --json.
type swept struct {
	Deleted int `json:"deleted"`
	// SelfExpiring is true for a store that deletes expired records on its
	// own (Redis), which sweep leaves alone.
	SelfExpiring bool `json:"self_expiring"`
}

func runSweep(args []string, stdout, stderr io.Writer) int {
	return storeCommand("sweep", sweepUsage, args, stdout, stderr, nil, 0, func(ctx context.Context, c *storeCmd, _ []string) error {
		if c.kind == storeurl.Redis {
			if c.flags.json {
				return writeJSON(c.out, swept{SelfExpiring: true})
			}
			fmt.Fprintln(c.out, "nothing to sweep: Redis deletes each session when its expiry (TTL) passes")
			return nil
		}
		sw, ok := c.st.(session.Sweeper)
		if !ok {
			return fmt.Errorf("%w: this store cannot delete expired records in bulk (no session.Sweeper)", session.ErrNotSupported)
		}
		n, err := sw.DeleteExpired(ctx)
		if err != nil {
			return fmt.Errorf("deleting expired records (%d deleted before the error): %w", n, err)
		}
		if c.flags.json {
			return writeJSON(c.out, swept{Deleted: n})
		}
		fmt.Fprintf(c.out, "deleted %d expired record(s)\n", n)
		return nil
	})
}
