package storeurl

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// encodeHint says what most often makes a store URL unparsable: a password
// that was not percent-encoded.
const encodeHint = "a password with / ? # @ : % [ ] or a space must be percent-encoded, as in p%2Fss for p/ss"

// checkShape reports a server URL that cannot be read safely, before it
// is parsed. Its error never repeats the URL: when a URL is malformed,
// where its password ends is not known, so any piece of it may be one.
//
// An '@' after the first '/', '?' or '#' of the part after "//" is the
// usual sign of a password holding one of those characters unencoded:
// the URL would parse, but with the password's tail read as the host's
// port, the path or the query, and shown wherever those are. So it is
// refused, even where it would be a legal '@' in a path or query: there,
// too, write %40.
func checkShape(scheme, afterSlashes string) error {
	if i := strings.IndexAny(afterSlashes, "/?#"); i >= 0 && strings.Contains(afterSlashes[i:], "@") {
		return unparsable(scheme, "an '@' follows a '/', '?' or '#', so part of the user name or password would be read as the host, path or query")
	}
	return nil
}

// unparsable is the error for a URL that cannot be parsed: it says what is
// wrong, never where, since that would show part of the URL.
func unparsable(scheme, problem string) error {
	return fmt.Errorf("storeurl: cannot parse the %s URL (%s): %s", scheme, encodeHint, problem)
}

// urlProblems turn net/url's errors, which quote the offending part of the
// URL (a piece of the password, perhaps), into descriptions that quote
// nothing. They are matched by prefix.
var urlProblems = []struct{ prefix, problem string }{
	{"invalid port", "the host's port is not a number"},
	{"invalid URL escape", "a '%' is not followed by two hex digits"},
	{"invalid character", "the host name holds a character it may not"},
	{"net/url: invalid userinfo", "the user name or password holds a character it may not"},
	{"net/url: invalid control character", "it holds a control character, such as a line break"},
	{"missing ']'", "the host has a '[' without its ']'"},
	{"invalid IP-literal", "the host is not a valid IPv6 address"},
	{"invalid host", "the host is not a valid IPv6 address"},
}

// urlProblem describes the error url.Parse returned, without repeating
// any of the URL.
func urlProblem(err error) string {
	if uerr, ok := errors.AsType[*url.Error](err); ok {
		err = uerr.Err
	}
	for _, p := range urlProblems {
		if strings.HasPrefix(err.Error(), p.prefix) {
			return p.problem
		}
	}
	return "it is malformed"
}

// validScheme reports whether s has the form of a URL scheme (RFC 3986: a
// letter, then letters, digits, '+', '-' or '.'), so that it can be shown
// in an error without showing something else the operator typed.
func validScheme(s string) bool {
	for i, c := range s {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}
