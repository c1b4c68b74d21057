package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session/itsdangerous"
)

// maxCookieInput bounds the cookie sessionctl will look at, as browsers
// bound cookies.
const maxCookieInput = 8192

func runDecode(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("decode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "encrypted", "cookie `format`: "+formatNames)
	name := fs.String("name", "", "cookie `name` the cookie was made for (default: the name in NAME=VALUE, else \"session\")")
	maxAge := fs.Duration("max-age", state.DefaultLifetime, "refuse cookies issued longer ago than this `duration` (Config.Lifetime, Flask's PERMANENT_SESSION_LIFETIME); 0 accepts any age")
	noVerify := fs.Bool("no-verify", false, "decode a signed or flask cookie without a key and without checking it")
	var sec secretFlags
	sec.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: sessionctl decode [flags] COOKIE

Verifies a session cookie and prints its content as JSON: the bound user
and sign-in time, permanence, flashes and values. Flask values are printed
as Flask wrote them, NaN and Infinity included (Python's JSON, not strict
JSON), and "user" is a number when Flask-Login stored the user's ID as an
integer (a get_id() that returns an int), text otherwise. sign takes this
output back as it is and writes the same session, the user's type included.

COOKIE is the cookie's value, or NAME=VALUE as copied from a browser. Exit
code 0 when the cookie is valid, 1 with the reason (bad signature, expired,
malformed) when it is not, 2 on a usage error.

Each non-empty line of the secret's variable or file is a key; the first is
the current one, the others are old keys (OldSecrets, SECRET_KEY_FALLBACKS).
A line is the key's own text, or with --secret-encoding hex or base64 a
binary key (one that may hold a line break) written in that encoding. The
file or variable holds at most 64 KiB.

Examples:
  SESSION_SECRET=$(cat session.key) sessionctl decode --secret-env SESSION_SECRET 'session=AZ3k...'
  sessionctl decode --format flask --secret-file flask.key 'eyJ1c2VyX2lkIjo0Mn0.Z3kx.abc...'
  sessionctl decode --format flask --no-verify 'eyJ1c2VyX2lkIjo0Mn0.Z3kx.abc...'
  sessionctl decode --secret-file binary-key.hex --secret-encoding hex 'session=AZ3k...'

Flags:`)
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitUsage
	}
	cookieName, value := splitCookie(pos[0])
	if *name != "" {
		cookieName = *name
	}
	if len(value) > maxCookieInput {
		fmt.Fprintf(stderr, "sessionctl: invalid cookie: %d bytes, longer than any browser keeps\n", len(value))
		return exitInvalid
	}
	if *noVerify {
		return decodeUnverified(*format, value, stdout, stderr)
	}
	lifetime := *maxAge
	if lifetime == 0 {
		lifetime = 1<<63 - 1
	}
	sealer, ok := bindSealer(*format, &sec, cookieName, lifetime, stderr)
	if !ok {
		return exitUsage
	}
	now := time.Now()
	st, err := sealer.Open(value, now)
	if err != nil {
		fmt.Fprintf(stderr, "sessionctl: invalid cookie: %v\n", err)
		return exitInvalid
	}
	st.ValueMap()
	if age := now.Sub(st.Issued); *maxAge > 0 && age > *maxAge {
		fmt.Fprintf(stderr, "sessionctl: invalid cookie: expired: issued %s ago, more than --max-age %s\n", age.Round(time.Second), *maxAge)
		return exitInvalid
	}
	if st.OldKey {
		fmt.Fprintln(stderr, "sessionctl: note: verified with an old key; the app re-issues it under the current key at the next request")
	}
	sp := newSplicer()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // a flashed "<a href>" reads as it is
	enc.SetIndent("", "  ")
	if err := enc.Encode(describe(sealer.Name(), st, sp)); err != nil {
		fmt.Fprintln(stderr, "sessionctl:", err)
		return exitInvalid
	}
	stdout.Write(sp.splice(b.Bytes()))
	return exitOK
}

// splitCookie accepts VALUE or NAME=VALUE. Cookie values of every format
// are base64url text and never contain '='.
func splitCookie(arg string) (name, value string) {
	arg = strings.TrimSpace(arg)
	if n, v, ok := strings.Cut(arg, "="); ok {
		return n, v
	}
	return state.DefaultCookieName, arg
}

// decoded is what decode prints, and what sign reads back. User is text,
// or a number when Flask-Login stored the user's ID as an integer (an app
// whose get_id() returns an int): sign writes it back as that number.
type decoded struct {
	Format    string                     `json:"format"`
	Verified  bool                       `json:"verified"`
	Issued    *time.Time                 `json:"issued,omitempty"`
	Created   *time.Time                 `json:"created,omitempty"`
	User      json.RawMessage            `json:"user,omitempty"`
	SignedIn  *time.Time                 `json:"signed_in,omitempty"`
	Permanent bool                       `json:"permanent"`
	Flashes   []decodedFlash             `json:"flashes,omitempty"`
	Session   map[string]json.RawMessage `json:"session"`
}

// decodedFlash is a flash as decode prints it. Raw is the flash as the
// cookie holds it, when that is more than two strings (Flask's Markup, a
// number): sign writes it back as it is.
type decodedFlash struct {
	flashJSON
	Raw json.RawMessage `json:"raw,omitempty"`
}

// describe returns what decode prints of st. Values that are Python's JSON
// but not strict JSON (NaN, Infinity) go through sp.
func describe(format string, st *state.State, sp *splicer) decoded {
	d := decoded{Format: format, Verified: true, Permanent: st.Permanent,
		Session: make(map[string]json.RawMessage, len(st.Values))}
	switch {
	case st.User == "":
	case st.UserRaw == st.User && json.Valid([]byte(st.UserRaw)):
		d.User = json.RawMessage(st.UserRaw) // Flask-Login's integer ID, a number as Flask has it
	default:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // as the rest of the output
		enc.Encode(st.User)
		d.User = bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	}
	if len(st.Flashes) > 0 {
		d.Flashes = make([]decodedFlash, len(st.Flashes))
		for i, f := range st.Flashes {
			d.Flashes[i].flashJSON = flashJSON{Category: f.Category, Message: f.Message}
			if f.Raw != "" {
				d.Flashes[i].Raw = sp.value([]byte(f.Raw))
			}
		}
	}
	if !st.Issued.IsZero() {
		t := st.Issued.UTC()
		d.Issued = &t
	}
	if !st.Created.IsZero() {
		t := st.Created.UTC()
		d.Created = &t
	}
	if !st.SignedIn.IsZero() {
		t := st.SignedIn.UTC()
		d.SignedIn = &t
	}
	for k, v := range st.Values {
		d.Session[k] = sp.value(v)
	}
	return d
}

// splicer lets encoding/json print values that are Python's JSON but not
// strict JSON, as Flask writes NaN, Infinity and -Infinity: each such value
// is printed as a unique placeholder string, then spliced back in as it is.
type splicer struct {
	nonce string
	raws  [][]byte
}

func newSplicer() *splicer {
	b := make([]byte, 12)
	rand.Read(b)
	return &splicer{nonce: hex.EncodeToString(b)}
}

// value returns raw, or a placeholder for it when it is not strict JSON.
func (sp *splicer) value(raw []byte) json.RawMessage {
	if json.Valid(raw) {
		return raw
	}
	sp.raws = append(sp.raws, raw)
	return sp.placeholder(len(sp.raws) - 1)
}

func (sp *splicer) placeholder(i int) []byte {
	return []byte(`"` + sp.nonce + "#" + strconv.Itoa(i) + `"`)
}

// splice puts the values back in place of their placeholders in out.
func (sp *splicer) splice(out []byte) []byte {
	for i, raw := range sp.raws {
		out = bytes.Replace(out, sp.placeholder(i), raw, 1)
	}
	return out
}

// decodeUnverified shows a signed or flask cookie's content without a key,
// as an incident responder needs. Encrypted cookies cannot be read so.
func decodeUnverified(format, value string, stdout, stderr io.Writer) int {
	var body []byte
	switch format {
	case "signed":
		b64, _, ok := strings.Cut(value, ".")
		if !ok {
			fmt.Fprintln(stderr, "sessionctl: invalid cookie: malformed (no '.' separator)")
			return exitInvalid
		}
		b, err := base64.RawURLEncoding.DecodeString(b64)
		if err != nil {
			fmt.Fprintln(stderr, "sessionctl: invalid cookie: body is not base64url")
			return exitInvalid
		}
		body = b
	case "flask":
		// payload.timestamp.signature, where a compressed payload starts with '.'.
		i := strings.LastIndexByte(value, '.')
		j := -1
		if i > 0 {
			j = strings.LastIndexByte(value[:i], '.')
		}
		if j <= 0 {
			fmt.Fprintln(stderr, "sessionctl: invalid cookie: malformed (want payload.timestamp.signature)")
			return exitInvalid
		}
		b, err := itsdangerous.DecodePayload([]byte(value[:j]), itsdangerous.DefaultMaxPayloadSize)
		if err != nil {
			fmt.Fprintf(stderr, "sessionctl: invalid cookie: %v\n", err)
			return exitInvalid
		}
		body = b
	case "encrypted":
		fmt.Fprintln(stderr, "sessionctl: an encrypted cookie cannot be read without its key; give --secret-env or --secret-file")
		return exitUsage
	default:
		fmt.Fprintf(stderr, "sessionctl: unknown format %q; use %s\n", format, formatNames)
		return exitUsage
	}
	// Flask's payload is Python's JSON: NaN and Infinity are valid there.
	python := false
	if !json.Valid(body) {
		if _, err := flaskCodec().Unmarshal(body); format != "flask" || err != nil {
			fmt.Fprintln(stderr, "sessionctl: invalid cookie: the payload is not JSON")
			return exitInvalid
		}
		python = true
	}
	fmt.Fprintln(stderr, "sessionctl: NOT VERIFIED: the content below may have been forged")
	if python { // as it is: json.Indent knows no NaN
		stdout.Write(append(body, '\n'))
		return exitOK
	}
	var out bytes.Buffer
	if err := json.Indent(&out, body, "", "  "); err != nil {
		fmt.Fprintln(stderr, "sessionctl:", err)
		return exitInvalid
	}
	out.WriteByte('\n')
	stdout.Write(out.Bytes())
	return exitOK
}
