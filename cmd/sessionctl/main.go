// Command sessionctl is the operator's tool for session: decode and verify
// a session cookie from a bug report, sign one for a test, generate a
// secret.
//
//	sessionctl keygen
//	SECRET=... sessionctl decode --secret-env SECRET 'session=AZ3k...'
//	sessionctl decode --format flask --no-verify 'eyJ1c2VyX2lkIjo0Mn0.Z3k...'
//	sessionctl sign --format flask --secret-file key.txt '{"user_id": 42}'
//
// Secrets are read from an environment variable or a file, never from the
// command line, where other users of the machine could see them. Exit codes:
// 0 success, 1 the cookie is invalid (decode), 2 usage or setup error.
package main

import (
	"fmt"
	"io"
	"os"
)

// Exit codes.
const (
	exitOK      = 0
	exitInvalid = 1 // the cookie did not verify or decode
	exitUsage   = 2 // bad flags, missing secret, unreadable file
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
}

func main() {
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
	fmt.Fprintln(w, "sessionctl: inspect and make session cookies.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: sessionctl COMMAND [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'sessionctl COMMAND --help' for a command's flags and examples.")
	fmt.Fprintln(w, "Exit codes: 0 success, 1 invalid cookie, 2 usage or setup error.")
}
