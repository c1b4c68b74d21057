package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/websession/session"
)

// sessionRow is one session as ls and show print it in JSON. It holds the
// store key, never the session ID.
type sessionRow struct {
	Hash     string     `json:"hash"`
	User     string     `json:"user"`
	Agent    string     `json:"agent"`
	Created  *time.Time `json:"created"`
	SignedIn *time.Time `json:"signed_in"`
	LastSeen *time.Time `json:"last_seen"`
	Expires  *time.Time `json:"expires"`
	Size     int        `json:"size"`
	Renewed  bool       `json:"renewed"`
}

func rowOf(info session.SessionInfo) sessionRow {
	return sessionRow{
		Hash:     info.Handle,
		User:     info.User,
		Agent:    info.Agent,
		Created:  jsonTime(info.Created),
		SignedIn: jsonTime(info.SignedIn),
		LastSeen: jsonTime(info.LastSeen),
		Expires:  jsonTime(info.Expires),
		Size:     info.Size,
		Renewed:  info.Renewed,
	}
}

// jsonTime returns t in UTC to the second, or nil (null) for the zero time.
func jsonTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC().Truncate(time.Second)
	return &u
}

// shortHash is how tables show a store key: its first 12 characters,
// enough to tell sessions apart and to give to show or revoke.
func shortHash(key string) string {
	if len(key) > 12 {
		return key[:12]
	}
	return key
}

// tableTime formats t for a table: RFC 3339 in UTC, or in the local zone
// with --local; "-" for the zero time.
func (f *storeFlags) tableTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	if f.local {
		return t.Local().Format(time.RFC3339)
	}
	return t.UTC().Format(time.RFC3339)
}

// orDash returns safe(s), or "-" when s is empty, so table columns stay
// aligned.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return safe(s)
}

// safe escapes the runes of s that a terminal would act on or that would
// break a table (control characters, tabs, newlines, invalid UTF-8), as Go
// writes them in a string literal. User names and session values come from
// the application's visitors: printed raw, they could move the cursor or
// forge lines of output.
func safe(s string) string {
	printable := func(r rune, size int) bool { return (r != utf8.RuneError || size > 1) && unicode.IsPrint(r) }
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !printable(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case printable(r, size):
			b.WriteString(s[i : i+size])
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

// newTable returns a writer that aligns tab-separated columns.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the output: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// flashJSON is a flash message as decode and show print it, with keys in
// lower case like every other key of their output.
type flashJSON struct {
	Category string `json:"category"`
	Message  string `json:"message"`
}

// flashesJSON returns flashes as decode and show print them: never nil, so
// an empty list prints as [].
func flashesJSON(flashes []session.Flash) []flashJSON {
	out := make([]flashJSON, len(flashes))
	for i, f := range flashes {
		out[i] = flashJSON{Category: f.Category, Message: f.Message}
	}
	return out
}
