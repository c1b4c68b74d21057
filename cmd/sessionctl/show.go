package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

const showUsage = `Usage: sessionctl show [flags] HASH|ID

Prints one stored session: its hash, user, browser, times, size, whether it
is permanent, its flash messages and its values as JSON. Exit code 3 when no
live session has that hash or ID.

An ID from a cookie is turned into its hash and never printed back. An ID
that starts with '-' goes after --, or as NAME=ID.

Examples:
  sessionctl show --store sqlite:/var/lib/shop/sessions.db 3f9a0c1d2e4b
  sessionctl show --store file:/var/lib/shop/sessions --json -- -Zk3...   # an ID from a cookie
  sessionctl show 'session=AZ3k...'                                  # with SESSIONCTL_STORE set`

// shown is what show prints with --json.
type shown struct {
	sessionRow
	Permanent bool                       `json:"permanent"`
	Flashes   []flashJSON                `json:"flashes"`
	Values    map[string]json.RawMessage `json:"values"`
}

func runShow(args []string, stdout, stderr io.Writer) int {
	return storeCommand("show", showUsage, args, stdout, stderr, nil, 1, func(ctx context.Context, c *storeCmd, args []string) error {
		key, rec, err := find(ctx, c.st, args[0])
		if err != nil {
			return err
		}
		info, err := state.Describe(key, rec.Data, rec.Expires)
		if err != nil {
			return fmt.Errorf("session %s (%d bytes, expires %s): %w", key, len(rec.Data), c.flags.tableTime(rec.Expires), err)
		}
		st, err := state.ParseBody(rec.Data)
		if err != nil {
			return err
		}
		out := shown{sessionRow: rowOf(info), Permanent: st.Permanent,
			Flashes: flashesJSON(st.Flashes), Values: make(map[string]json.RawMessage, len(st.Values))}
		for k, v := range st.Values {
			out.Values[k] = v
		}
		if c.flags.json {
			return writeJSON(c.out, out)
		}
		return printShown(c, info, out)
	})
}

// find returns the store key that arg names (a session ID, a hash or a
// hash prefix: see resolve) and the live record under it, or a not-found
// error that names the hash. Errors never repeat arg.
func find(ctx context.Context, st session.Store, arg string) (key string, rec session.Record, err error) {
	key, err = resolve(ctx, st, arg)
	if err != nil {
		return "", rec, err
	}
	rec, err = st.Load(ctx, key)
	if errors.Is(err, session.ErrNotFound) {
		return key, rec, notFoundf("no live session with hash %s", key)
	}
	if err != nil {
		return key, rec, fmt.Errorf("loading the session: %w", err)
	}
	return key, rec, nil
}

// printShown prints one session for people.
func printShown(c *storeCmd, info session.SessionInfo, s shown) error {
	f := c.flags
	yes := map[bool]string{true: "yes", false: "no"}
	tw := newTable(c.out)
	fmt.Fprintf(tw, "hash\t%s\n", info.Handle)
	fmt.Fprintf(tw, "user\t%s\n", orDash(info.User))
	fmt.Fprintf(tw, "browser\t%s\n", orDash(info.Agent))
	fmt.Fprintf(tw, "signed in\t%s\n", f.tableTime(info.SignedIn))
	fmt.Fprintf(tw, "created\t%s\n", f.tableTime(info.Created))
	fmt.Fprintf(tw, "last seen\t%s\n", f.tableTime(info.LastSeen))
	fmt.Fprintf(tw, "expires\t%s\n", f.tableTime(info.Expires))
	fmt.Fprintf(tw, "size\t%d bytes\n", info.Size)
	fmt.Fprintf(tw, "permanent\t%s\n", yes[s.Permanent])
	if info.Renewed {
		fmt.Fprintf(tw, "renewed\tyes: the old ID of a renewed session, kept for RenewGrace\n")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "\nflashes (%d)\n", len(s.Flashes))
	tw = newTable(c.out)
	for _, fl := range s.Flashes {
		fmt.Fprintf(tw, "  %s\t%s\n", orDash(fl.Category), safe(fl.Message))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "\nvalues (%d)\n", len(s.Values))
	tw = newTable(c.out)
	for _, k := range slices.Sorted(maps.Keys(s.Values)) {
		fmt.Fprintf(tw, "  %s\t%s\n", safe(k), safe(string(s.Values[k])))
	}
	return tw.Flush()
}
