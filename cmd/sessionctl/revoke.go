package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

const revokeUsage = `Usage: sessionctl revoke [flags] HASH|ID

Ends one stored session: deletes its record, so its cookie no longer works
(the visitor's next request starts an anonymous session). Prints what was
revoked. Exit code 3 when no live session has that hash or ID.

An ID from a cookie is turned into its hash and never printed back. An ID
that starts with '-' goes after --, or as NAME=ID.

Examples:
  sessionctl revoke --store sqlite:/var/lib/shop/sessions.db 3f9a0c1d2e4b
  sessionctl revoke --store 'redis://127.0.0.1:6379/0' --json 'session=AZ3k...'`

const revokeUserUsage = `Usage: sessionctl revoke-user [flags] USER

Ends every stored session of USER (the name the application passed to
Session.SetUser): log out everywhere, after a password change or a stolen
account. Prints how many sessions it ended; 0 is not an error. The store
must keep a user index (session.UserIndex); one that does not is a failure,
exit code 1.

Examples:
  sessionctl revoke-user --store sqlite:/var/lib/shop/sessions.db alice
  SESSIONCTL_STORE='mysql://app:s3cret@db/app' sessionctl revoke-user --json 42`

// revoked is what revoke prints with --json.
type revoked struct {
	Hash    string `json:"hash"`
	User    string `json:"user"`
	Revoked bool   `json:"revoked"`
}

func runRevoke(args []string, stdout, stderr io.Writer) int {
	return storeCommand("revoke", revokeUsage, args, stdout, stderr, nil, 1, func(ctx context.Context, c *storeCmd, args []string) error {
		key, rec, err := find(ctx, c.st, args[0])
		if err != nil {
			return err
		}
		info, _ := state.Describe(key, rec.Data, rec.Expires) // a record that cannot be decoded is revoked all the same
		if err := c.st.Delete(ctx, key); err != nil {
			return fmt.Errorf("deleting session %s: %w", key, err)
		}
		if c.flags.json {
			return writeJSON(c.out, revoked{Hash: key, User: info.User, Revoked: true})
		}
		fmt.Fprintf(c.out, "revoked session %s (user %s, last seen %s)\n", shortHash(key), orDash(info.User), c.flags.tableTime(info.LastSeen))
		return nil
	})
}

// revokedUser is what revoke-user prints with --json.
type revokedUser struct {
	User    string `json:"user"`
	Revoked int    `json:"revoked"`
}

func runRevokeUser(args []string, stdout, stderr io.Writer) int {
	return storeCommand("revoke-user", revokeUserUsage, args, stdout, stderr, nil, 1, func(ctx context.Context, c *storeCmd, args []string) error {
		user := args[0]
		n, err := revokeUser(ctx, c.st, user)
		if err != nil {
			return err
		}
		if c.flags.json {
			return writeJSON(c.out, revokedUser{User: user, Revoked: n})
		}
		switch n {
		case 0:
			fmt.Fprintf(c.out, "no sessions of %s to revoke\n", strconv.Quote(user))
		case 1:
			fmt.Fprintf(c.out, "revoked 1 session of %s\n", strconv.Quote(user))
		default:
			fmt.Fprintf(c.out, "revoked %d sessions of %s\n", n, strconv.Quote(user))
		}
		return nil
	})
}

// revokeUser deletes every record of user through the store's UserIndex
// and reports how many.
func revokeUser(ctx context.Context, st session.Store, user string) (int, error) {
	if user == "" || len(user) > state.MaxUserSize {
		return 0, usageErrorf("USER must be 1 to %d bytes, the name the application passed to SetUser", state.MaxUserSize)
	}
	ix, ok := st.(session.UserIndex)
	if !ok {
		return 0, fmt.Errorf("%w: this store keeps no user index (session.UserIndex), so it cannot find a user's sessions; revoke them one by one (ls --user, then revoke)", session.ErrNotSupported)
	}
	n, err := ix.DeleteUser(ctx, user, "")
	if err != nil {
		return n, fmt.Errorf("deleting the sessions of %s: %w", strconv.Quote(user), err)
	}
	return n, nil
}
