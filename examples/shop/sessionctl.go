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
// secret (from the environment variable or the file secretFrom names).
func sessionctlHint(raw string, spec storeSpec, secretFrom, secretFile string) string {
	if u := sessionctlStoreURL(raw, spec); u != "" {
		return "sessionctl ls --store '" + u + "'"
	}
	if spec.Kind != cookieKind {
		return ""
	}
	if secretFrom == "SESSION_SECRET" {
		return "sessionctl decode --secret-env SESSION_SECRET 'session=…'"
	}
	return "sessionctl decode --secret-file " + secretFile + " 'session=…'"
}
