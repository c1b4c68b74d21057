package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/redis/go-redis/v9"

	"github.com/websession/session"
	"github.com/websession/session/store/storeurl"
)

// storeEnv is the environment variable --store defaults to. A URL with a
// password is better given there than on the command line, where other
// users of the machine see it in the process list.
const storeEnv = "SESSIONCTL_STORE"

// storeHelp explains --store and the exit codes, for every store command's
// usage text.
const storeHelp = `The store is given by --store URL, or by the environment variable
SESSIONCTL_STORE (better for a URL with a password: the command line shows
in the process list). Use the URL the application opens its store with:
  file:DIR                        one file per session in DIR
  sqlite:PATH[?table=NAME]        an SQLite database file
  redis://[:PASS@]HOST:PORT/DB[?prefix=P]    Redis; rediss:// for TLS
  postgres://USER[:PASS]@HOST:PORT/DB?sslmode=disable[&table=NAME]
  mysql://USER[:PASS]@HOST:PORT/DB[?table=NAME]    MySQL or MariaDB
table= is the application's SQL table (default "sessions"), prefix= its
Redis key prefix (default "session:"). Nothing is created: a missing
directory, file or table is an error. Percent-encode / ? # @ % and spaces
in a password (p%2Fss for p/ss); messages never show the password.

Sessions are named by their hash, the 64 hex characters of the store key
(ls shows the first 12; any 8 or more of the first ones do), or by the
session ID as the visitor's cookie holds it (43 characters, or NAME=ID as
copied from a browser), which sessionctl never prints.

Exit codes: 0 success, 1 store failure, 2 usage error, 3 session not found.`

// quietRedis stops go-redis from logging each failed dial to stderr;
// sessionctl reports the failure itself, once.
func quietRedis() { redis.SetLogger(discardLog{}) }

type discardLog struct{}

func (discardLog) Printf(context.Context, string, ...any) {}

// storeFlags are the flags every store command takes.
type storeFlags struct {
	url     string
	json    bool
	local   bool
	timeout time.Duration
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.url, "store", "", "the store's `URL`, as the application opens it (default: $"+storeEnv+")")
	fs.BoolVar(&f.json, "json", false, "print JSON for scripts instead of a table; times are RFC 3339 in UTC")
	fs.BoolVar(&f.local, "local", false, "show times in the table in the local time zone instead of UTC")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up on the store after this `duration`")
}

// storeCommand parses the flags of a store command, opens the store and
// runs do with it. do reports its outcome as an error: nil (exit 0), an
// exitError (its code), or any other error (exit 1, a store failure).
func storeCommand(name, usage string, args []string, stdout, stderr io.Writer,
	extra func(fs *flag.FlagSet), nargs int,
	do func(ctx context.Context, c *storeCmd, args []string) error) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f storeFlags
	f.register(fs)
	if extra != nil {
		extra(fs)
	}
	if wantsHelp(args) {
		fmt.Fprintln(stderr, usage)
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, storeHelp)
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Flags:")
		fs.PrintDefaults()
		return exitOK
	}
	// After a flag error, a pointer to the help rather than all of it,
	// which would bury the error.
	fs.Usage = func() { fmt.Fprintf(stderr, "Run 'sessionctl %s --help' for its flags and examples.\n", name) }
	args, err := parseInterleaved(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if len(args) != nargs {
		fmt.Fprintf(stderr, "sessionctl %s: want %d argument(s), got %d; see 'sessionctl %s --help'\n", name, nargs, len(args), name)
		return exitUsage
	}
	if f.timeout <= 0 {
		fmt.Fprintf(stderr, "sessionctl %s: --timeout must be more than 0, as in --timeout 1m\n", name)
		return exitUsage
	}
	if f.url == "" {
		f.url = os.Getenv(storeEnv)
	}
	if f.url == "" {
		fmt.Fprintf(stderr, "sessionctl %s: no store: give --store URL or set %s; see 'sessionctl %s --help'\n", name, storeEnv, name)
		return exitUsage
	}
	spec, err := storeurl.Parse(f.url)
	if err != nil {
		fmt.Fprintf(stderr, "sessionctl %s: %v\n", name, err)
		return exitUsage
	}
	if spec.Kind == storeurl.Memory {
		fmt.Fprintf(stderr, "sessionctl %s: a memory store lives inside the application's process and dies with it; sessionctl reaches file:, sqlite:, redis://, postgres:// and mysql:// stores\n", name)
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	st, closeStore, err := spec.Open(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "sessionctl %s: %v\n", name, err)
		return exitFailure
	}
	defer closeStore()
	err = do(ctx, &storeCmd{st: st, kind: spec.Kind, flags: &f, out: stdout, errOut: stderr}, args)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "sessionctl %s: %v\n", name, err)
	if e, ok := errors.AsType[*exitError](err); ok {
		return e.code
	}
	return exitFailure
}

// storeCmd is what a store command works with: the open store, what kind
// it is, the common flags and where to print.
type storeCmd struct {
	st    session.Store
	kind  string // storeurl's Kind
	flags *storeFlags
	out   io.Writer // stdout: the result
	// errOut is stderr: notes for people that are not the result.
	errOut io.Writer
}

// wantsHelp reports whether args ask for help (-h or --help, before any
// "--").
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--h", "--help":
			return true
		}
	}
	return false
}

// parseInterleaved parses flags given before, between and after the
// positional arguments, which it returns. Everything after "--" is
// positional. Session IDs and cookie values may start with '-' (one in 64
// do): an argument that is not a flag of fs and is a session ID, or longer
// than any flag name, is positional, so it is neither refused nor echoed
// back in a "flag not defined" message.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos, flags []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := fs.Lookup(name)
		if f == nil && (state.ValidID(a) || len(name) > maxFlagName) {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		if f != nil && !hasValue && !isBoolFlag(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i]) // the flag's value
		}
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return pos, nil
}

// maxFlagName is longer than any flag name of sessionctl.
const maxFlagName = 24

// isBoolFlag reports whether f takes no value, as -json does.
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// exitError is an error that ends a command with its own exit code.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageErrorf reports an error in what the operator typed: exit code 2.
func usageErrorf(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Sprintf(format, args...)}
}

// notFoundf reports that no live session matches: exit code 3.
func notFoundf(format string, args ...any) error {
	return &exitError{exitNotFound, fmt.Sprintf(format, args...)}
}

// minPrefix is the shortest hash prefix sessionctl looks up.
const minPrefix = 8

// resolve returns the store key that arg names: a session ID as the cookie
// holds it (NAME=ID works too), a 64-hex hash, or a prefix of one of at
// least minPrefix characters, looked up among the live records. Errors
// never repeat arg, which may be a working session ID.
func resolve(ctx context.Context, st session.Store, arg string) (string, error) {
	v := strings.TrimSpace(arg)
	if _, after, ok := strings.Cut(v, "="); ok {
		v = after
	}
	if state.ValidID(v) {
		return state.StoreKey(v), nil
	}
	v = strings.ToLower(v)
	if session.ValidKey(v) {
		return v, nil
	}
	if len(v) < minPrefix || len(v) > 64 || strings.Trim(v, "0123456789abcdef") != "" {
		return "", usageErrorf("the argument is neither a session ID (43 characters, as the cookie holds it) nor a session hash (64 hex characters, or at least the first %d as ls shows them)", minPrefix)
	}
	it, ok := st.(session.Iterator)
	if !ok {
		return "", usageErrorf("this store cannot list its records to look up a hash prefix; give all 64 hex characters")
	}
	var found []string
	err := it.Iterate(ctx, func(key string, _ session.Record) error {
		if strings.HasPrefix(key, v) {
			found = append(found, key)
		}
		return nil
	})
	switch {
	case err != nil:
		return "", fmt.Errorf("listing the store: %w", err)
	case len(found) == 0:
		return "", notFoundf("no live session's hash starts with %s", v)
	case len(found) > 1:
		return "", usageErrorf("%d sessions' hashes start with %s; give more characters", len(found), v)
	}
	return found[0], nil
}
