package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

func runSign(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "encrypted", "cookie `format`: "+formatNames)
	name := fs.String("name", state.DefaultCookieName, "cookie `name` to make the cookie for (bound into encrypted and signed cookies)")
	timestamp := fs.Int64("timestamp", 0, "issue time as Unix `seconds` (default: now)")
	permanent := fs.Bool("permanent", false, "mark the session permanent (for flask, \"_permanent\": true in JSON does the same)")
	var sec secretFlags
	sec.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: sessionctl sign [flags] JSON

Makes a session cookie holding the JSON object's keys and prints its value.
For the flask format the JSON is Flask's session dict as its tagged JSON
(" t" tuples, " b" bytes, " d" dates...), and "_permanent" and "_flashes"
mean what they mean to Flask. The first line of the secret's variable or file
signs: the key's own text, or with --secret-encoding hex or base64 a binary
key (one that may hold a line break) written in that encoding. The file or
variable holds at most 64 KiB.

Examples:
  sessionctl sign --format flask --secret-file flask.key '{"user_id": 42}'
  sessionctl sign --format flask --secret-env SECRET_KEY --timestamp 1767225600 '{"_permanent": true, "cart": {" t": [1, 2]}}'
  sessionctl sign --secret-env SESSION_SECRET --permanent '{"user_id": 42}'
  sessionctl sign --secret-file binary-key.b64 --secret-encoding base64 '{"user_id": 42}'

Flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	sealer, ok := bindSealer(*format, &sec, *name, state.DefaultLifetime, stderr)
	if !ok {
		return exitUsage
	}
	now := time.Now()
	if *timestamp != 0 {
		now = time.Unix(*timestamp, 0)
	}
	st, err := stateFromJSON(sealer, []byte(fs.Arg(0)), *format == "flask")
	if err != nil {
		fmt.Fprintln(stderr, "sessionctl:", err)
		return exitUsage
	}
	st.Permanent = st.Permanent || *permanent
	st.Issued, st.Created = now, now
	value, err := sealer.Seal(st)
	if err != nil {
		fmt.Fprintln(stderr, "sessionctl:", err)
		return exitUsage
	}
	fmt.Fprintln(stdout, value)
	return exitOK
}

// stateFromJSON reads a session dict. Each value goes through the format's
// codec, so what is sealed is what the format would write itself. With
// flaskKeys, "_permanent" and "_flashes" are Flask's.
func stateFromJSON(codec state.Codec, text []byte, flaskKeys bool) (*state.State, error) {
	var dict map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(text))
	if err := dec.Decode(&dict); err != nil || dict == nil {
		return nil, fmt.Errorf("the session must be a JSON object: %v", err)
	}
	st := &state.State{Values: make(map[string][]byte, len(dict))}
	for k, raw := range dict {
		if flaskKeys && k == "_permanent" {
			if err := json.Unmarshal(raw, &st.Permanent); err != nil {
				return nil, fmt.Errorf("_permanent must be true or false")
			}
			continue
		}
		if flaskKeys && k == "_flashes" {
			flashes, err := flaskFlashes(codec, raw)
			if err != nil {
				return nil, err
			}
			st.Flashes = flashes
			continue
		}
		v, err := codec.Unmarshal(raw)
		if err != nil {
			return nil, fmt.Errorf("value of %q: %w", k, err)
		}
		enc, err := codec.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("value of %q: %w", k, err)
		}
		st.Values[k] = enc
	}
	return st, nil
}

// flaskFlashes reads Flask's "_flashes": a list of (category, message)
// pairs, tagged as tuples or plain.
func flaskFlashes(codec state.Codec, raw []byte) ([]session.Flash, error) {
	v, err := codec.Unmarshal(raw)
	if err != nil {
		return nil, fmt.Errorf("_flashes: %w", err)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("_flashes must be a list of [category, message] pairs")
	}
	var out []session.Flash
	for _, item := range list {
		pair, err := pairOf(item)
		if err != nil {
			return nil, err
		}
		out = append(out, pair)
	}
	return out, nil
}
