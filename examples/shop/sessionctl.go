package main

import (
	"net/url"
	"strings"

	"github.com/websession/session/store/storeurl"
)

// sessionctlStoreURL returns the store URL that sessionctl needs to reach
// the sessions the shop keeps in the store raw names (the -store value): raw
// with the shop's table or key prefix added when raw names none, since
// sessionctl's defaults ("sessions", "session:") are another app's. A
// password is replaced by "xxxxx". It returns "" for stores sessionctl
// cannot reach: cookie sessions and memory.
func sessionctlStoreURL(raw string, spec storeSpec) string {
	var param string
	switch spec.Kind {
	case cookieKind, storeurl.Memory:
		return ""
	case storeurl.File:
		return raw
	case storeurl.Redis:
		if spec.Prefix == "" {
			param = "prefix=" + defaultPrefix
		}
	default:
		if spec.Table == "" {
			param = "table=" + defaultTable
		}
	}
	u := raw
	if param != "" {
		sep := "?"
		if strings.Contains(raw, "?") {
			sep = "&"
		}
		u = raw + sep + param
	}
	if p, err := url.Parse(u); err == nil && p.User != nil {
		if _, ok := p.User.Password(); ok {
			return p.Redacted()
		}
	}
	return u
}

// sessionctlHint is the command that shows this shop's sessions: sessionctl
// ls on the store, or for cookie sessions sessionctl decode with the shop's
// secret (from the environment variable or the file secretFrom names) and
// cookie format, for a cookie named as the shop names it: the encrypted
// format binds the cookie's name, so sessionctl must be told it.
func sessionctlHint(raw string, spec storeSpec, format, secretFrom, secretFile string) string {
	if u := sessionctlStoreURL(raw, spec); u != "" {
		return "sessionctl ls --store '" + u + "'"
	}
	if spec.Kind != cookieKind {
		return ""
	}
	cmd := "sessionctl decode"
	if format != "" && format != "encrypted" {
		cmd += " --format " + format
	}
	if secretFrom == "SESSION_SECRET" {
		cmd += " --secret-env SESSION_SECRET"
	} else {
		cmd += " --secret-file " + shellQuote(secretFile)
	}
	return cmd + " '" + cookieName + "=…'"
}

// shellQuote returns s as one shell word: as it is when it holds only
// characters no shell treats specially, else in single quotes.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
