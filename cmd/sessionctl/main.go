// Command sessionctl is the operator's tool for session: decode and verify
// a session cookie from a bug report, sign one for a test, generate a
// secret; list, inspect and revoke the sessions of a server-side store, and
// sweep its expired records.
//
//	sessionctl keygen
//	SECRET=... sessionctl decode --secret-env SECRET 'session=AZ3k...'
//	sessionctl decode --format flask --no-verify 'eyJ1c2VyX2lkIjo0Mn0.Z3k...'
//	sessionctl sign --format flask --secret-file key.txt '{"user_id": 42}'
//	export SESSIONCTL_STORE='postgres://app:s3cret@db/app?sslmode=disable'
//	sessionctl ls --user alice
//	sessionctl show 3f9a0c1d2e4b
//	sessionctl revoke 3f9a0c1d2e4b
//	sessionctl revoke-user alice
//	sessionctl sweep --json
//
// Store commands take the store's URL (package storeurl) from --store or
// SESSIONCTL_STORE, print tables for people and JSON with --json, and never
// print a session ID. Secrets are read from an environment variable or a
// file (at most 64 KiB; one secret a line, as text or, with
// --secret-encoding, as hex or base64), never from the command line, where
// other users of the machine could see them. Exit codes: 0 success, 1 the
// cookie is invalid (decode) or the store failed, 2 usage or setup error, 3
// no such session (show, revoke).
package main

import (
	"fmt"
	"io"
	"os"
)

// Exit codes.
const (
	exitOK       = 0
	exitInvalid  = 1 // the cookie did not verify or decode
	exitFailure  = 1 // the store failed or cannot do what was asked
	exitUsage    = 2 // bad flags, missing secret, unreadable file
	exitNotFound = 3 // no live session with that ID or hash
)

// command is one sessionctl subcommand.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = []command{
	{"decode", "verify a session cookie and print its content as JSON", runDecode},
	{"sign", "make a session cookie from JSON (for tests and migrations)", runSign},
	{"keygen", "print a fresh random secret for Config.Secret or Flask's SECRET_KEY", runKeygen},
	{"ls", "list a store's sessions, the most recent first", runLs},
	{"show", "print one stored session: its metadata, values and flashes", runShow},
	{"revoke", "end one stored session", runRevoke},
	{"revoke-user", "end every stored session of a user (log out everywhere)", runRevokeUser},
	{"sweep", "delete a store's expired records", runSweep},
}

func main() {
	quietRedis()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "sessionctl: unknown command %q; run 'sessionctl --help' for the list\n", args[0])
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "sessionctl: inspect and make session cookies; list, inspect and revoke stored sessions.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: sessionctl COMMAND [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'sessionctl COMMAND --help' for a command's flags and examples.")
	fmt.Fprintln(w, "Exit codes: 0 success, 1 invalid cookie or store failure, 2 usage or setup error,")
	fmt.Fprintln(w, "3 no such session (show, revoke).")
}
