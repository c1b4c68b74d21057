package main

import (
	"fmt"

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
