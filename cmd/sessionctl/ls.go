package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

const lsUsage = `Usage: sessionctl ls [flags]

Lists the live sessions of a server-side store, the most recently saved
first: HASH (the first 12 characters of the store key; --json has all 64),
USER (from Session.SetUser, "-" for anonymous sessions), CREATED, LAST SEEN
(the last time a request saved the session; a request that only read it may
have extended EXPIRES without changing LAST SEEN), EXPIRES and SIZE (bytes).
Session IDs are never shown: the store does not have them.

The old ID a renewed session leaves behind for a few seconds (RenewGrace) is
hidden; --all shows it, with STATE "renewed".

Examples:
  sessionctl ls --store sqlite:/var/lib/shop/sessions.db
  SESSIONCTL_STORE='postgres://app:s3cret@db/app?sslmode=disable' sessionctl ls --user alice
  sessionctl ls --store 'redis://127.0.0.1:6379/0?prefix=shop:session:' --json --limit 10`

func runLs(args []string, stdout, stderr io.Writer) int {
	var (
		user  string
		limit int
		all   bool
	)
	extra := func(fs *flag.FlagSet) {
		fs.StringVar(&user, "user", "", "list only the sessions of `USER` (as the application passed it to SetUser)")
		fs.IntVar(&limit, "limit", 0, "print at most `N` sessions, the most recent; 0 prints all")
		fs.BoolVar(&all, "all", false, "also list the old IDs of renewed sessions, kept for RenewGrace")
	}
	return storeCommand("ls", lsUsage, args, stdout, stderr, extra, 0, func(ctx context.Context, c *storeCmd, _ []string) error {
		if limit < 0 {
			return usageErrorf("--limit must be 0 (all) or more, not %d", limit)
		}
		infos, skipped, err := listSessions(ctx, c.st, user, all)
		if err != nil {
			return err
		}
		if skipped > 0 {
			fmt.Fprintf(c.errOut, "sessionctl ls: %d record(s) could not be decoded and are not listed; show HASH tells why\n", skipped)
		}
		if limit > 0 && len(infos) > limit {
			infos = infos[:limit]
		}
		return printList(c, infos, all)
	})
}

// listSessions returns the live sessions of st, the most recently saved
// first, and how many records could not be decoded. With user, only that
// user's, found through the store's UserIndex when it has one. Renewed
// IDs' records are left out unless all.
func listSessions(ctx context.Context, st session.Store, user string, all bool) ([]session.SessionInfo, int, error) {
	var infos []session.SessionInfo
	skipped := 0
	add := func(key string, rec session.Record) error {
		info, err := state.Describe(key, rec.Data, rec.Expires)
		switch {
		case err != nil:
			skipped++
		case info.Renewed && !all:
		case user != "" && info.User != user:
		default:
			infos = append(infos, info)
		}
		return ctx.Err()
	}
	if ix, ok := st.(session.UserIndex); ok && user != "" {
		recs, err := ix.UserRecords(ctx, user)
		if err != nil {
			return nil, 0, fmt.Errorf("listing the sessions of %s: %w", strconv.Quote(user), err)
		}
		for key, rec := range recs {
			if err := add(key, rec); err != nil {
				return nil, 0, err
			}
		}
	} else {
		it, ok := st.(session.Iterator)
		if !ok {
			return nil, 0, fmt.Errorf("%w: this store cannot list its records (no session.Iterator)", session.ErrNotSupported)
		}
		if err := it.Iterate(ctx, add); err != nil {
			return nil, 0, fmt.Errorf("listing the store: %w", err)
		}
	}
	slices.SortFunc(infos, func(a, b session.SessionInfo) int {
		return cmp.Or(b.LastSeen.Compare(a.LastSeen), cmp.Compare(a.Handle, b.Handle))
	})
	return infos, skipped, nil
}

// printList prints the sessions as a table or, with --json, as an array.
func printList(c *storeCmd, infos []session.SessionInfo, all bool) error {
	if c.flags.json {
		rows := make([]sessionRow, len(infos))
		for i, info := range infos {
			rows[i] = rowOf(info)
		}
		return writeJSON(c.out, rows)
	}
	if len(infos) == 0 {
		fmt.Fprintln(c.errOut, "sessionctl ls: no sessions")
		return nil
	}
	tw := newTable(c.out)
	header := "HASH\tUSER\tCREATED\tLAST SEEN\tEXPIRES\tSIZE"
	if all {
		header += "\tSTATE"
	}
	fmt.Fprintln(tw, header)
	for _, info := range infos {
		f := c.flags
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d", shortHash(info.Handle), orDash(info.User),
			f.tableTime(info.Created), f.tableTime(info.LastSeen), f.tableTime(info.Expires), info.Size)
		if all {
			state := "live"
			if info.Renewed {
				state = "renewed"
			}
			fmt.Fprint(tw, "\t"+state)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
