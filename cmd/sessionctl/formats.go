package main

import (
	"fmt"
	"io"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

// formatNames lists the cookie formats sessionctl knows, for help texts.
const formatNames = "encrypted, signed or flask"

// formatByName returns the session.Format called name.
func formatByName(name string) (session.Format, error) {
	switch name {
	case "encrypted":
		return session.Encrypted, nil
	case "signed":
		return session.Signed, nil
	case "flask":
		return flaskFormat(), nil
	}
	return nil, fmt.Errorf("unknown format %q; use %s", name, formatNames)
}

// bindSealer binds the format called format to the keys of sec, for cookies
// named cookieName no older than lifetime. It prints what went wrong and
// reports false when it cannot.
func bindSealer(format string, sec *secretFlags, cookieName string, lifetime time.Duration, stderr io.Writer) (state.Sealer, bool) {
	sealer, err := func() (state.Sealer, error) {
		f, err := formatByName(format)
		if err != nil {
			return nil, err
		}
		keys, err := sec.keys()
		if err != nil {
			return nil, err
		}
		return f.Bind(state.Params{Secret: keys[0], OldSecrets: keys[1:], CookieName: cookieName, Lifetime: lifetime})
	}()
	if err != nil {
		fmt.Fprintln(stderr, "sessionctl:", err)
		return nil, false
	}
	return sealer, true
}
