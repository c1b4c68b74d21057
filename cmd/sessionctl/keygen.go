package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
)

// runKeygen prints 32 random bytes as 64 hex characters. The printed text
// itself is the secret: use its bytes as Config.Secret ([]byte(s)) and the
// same string as Flask's SECRET_KEY, so both sides hold the same key.
func runKeygen(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: sessionctl keygen

Prints a fresh secret: 64 hex characters from 32 random bytes. Use the text
as it is, in Go as Config.Secret: []byte(os.Getenv("SESSION_SECRET")), and in
Flask as SECRET_KEY, so both sides share one key.

Example:
  sessionctl keygen > session.key && chmod 600 session.key`)
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	var b [32]byte
	if _, err := io.ReadFull(rand.Reader, b[:]); err != nil {
		fmt.Fprintf(stderr, "sessionctl: reading random bytes: %v\n", err)
		return exitUsage
	}
	fmt.Fprintln(stdout, hex.EncodeToString(b[:]))
	return exitOK
}

// parseExit maps a flag parsing error to an exit code: --help is success.
func parseExit(err error) int {
	if err == flag.ErrHelp {
		return exitOK
	}
	return exitUsage
}
