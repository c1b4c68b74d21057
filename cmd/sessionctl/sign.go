package main

import (
	"encoding/json"
	"errors"
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
(" t" tuples, " b" bytes, " d" dates..., NaN and Infinity as Python writes
them, a top-level " di" wrapper), and "_permanent", "_flashes" and
"_user_id" mean what they mean to Flask and Flask-Login (an integer
"_user_id" stays an integer). JSON may also be exactly what decode printed,
recognised by its "format", "verified" and "session" members before any
value is read: its session, user (a number stays a number), sign-in time,
permanence and flashes are signed again (its issue time is not: see
--timestamp). The first line of the secret's variable or file
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
	st.Issued = now
	if st.Created.IsZero() && *format != "flask" { // Flask's cookie has none of its own
		st.Created = now
	}
	value, err := sealer.Seal(st)
	if err != nil {
		fmt.Fprintln(stderr, "sessionctl:", err)
		return exitUsage
	}
	fmt.Fprintln(stdout, value)
	return exitOK
}

// stateFromJSON reads the session to sign: a session dict, or what decode
// prints (an object whose "format" is text, "verified" true or false and
// "session" an object), whose user, sign-in time, creation time,
// permanence and flashes are kept too. decode's output is recognised
// before any value is decoded, so a session key that looks like one of
// Flask's tags (" t", " m", " di") stays a key. Each value goes through the
// format's codec, so what is sealed is what the format would write itself.
// With flaskKeys the text is Flask's tagged JSON (Python's NaN and
// Infinity, a top-level " di" wrapper), and "_permanent", "_flashes",
// "_user_id" and the format's other keys are Flask's.
func stateFromJSON(codec state.Codec, text []byte, flaskKeys bool) (*state.State, error) {
	if env, ok := decodeOutput(text); ok {
		st, err := stateFromDecoded(codec, env, flaskKeys)
		if err != nil {
			return nil, fmt.Errorf("reading decode's output: %w", err)
		}
		return st, nil
	}
	v, err := codec.Unmarshal(text)
	if err != nil {
		return nil, fmt.Errorf("the session must be a JSON object: %v", err)
	}
	dict, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("the session must be a JSON object")
	}
	return stateFromDict(codec, dict, flaskKeys)
}

// decodeOutput returns the members of text, undecoded, when text has the
// shape of what decode prints.
func decodeOutput(text []byte) (map[string][]byte, bool) {
	ms, err := objectMembers(text)
	if err != nil {
		return nil, false
	}
	env := make(map[string][]byte, len(ms))
	for _, m := range ms {
		env[m.key] = m.raw
	}
	format, verified, values := env["format"], string(env["verified"]), env["session"]
	if len(format) == 0 || format[0] != '"' || verified != "true" && verified != "false" || len(values) == 0 || values[0] != '{' {
		return nil, false
	}
	return env, true
}

// stateFromDict reads a session dict.
func stateFromDict(codec state.Codec, dict map[string]any, flaskKeys bool) (*state.State, error) {
	st := &state.State{Values: make(map[string][]byte, len(dict))}
	var signedIn, signedInNsec int
	for k, v := range dict {
		if flaskKeys {
			done, err := flaskKey(st, k, v, &signedIn, &signedInNsec)
			if err != nil {
				return nil, err
			}
			if done {
				continue
			}
		}
		enc, err := codec.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("value of %q: %w", k, err)
		}
		st.Values[k] = enc
	}
	if signedIn != 0 {
		st.SignedIn = time.Unix(int64(signedIn), int64(signedInNsec))
	}
	return st, nil
}

// flaskKey reads one of the keys the flask format keeps in the session
// dict into st, and reports whether k was one.
func flaskKey(st *state.State, k string, v any, signedIn, signedInNsec *int) (bool, error) {
	switch k {
	case "_permanent":
		p, ok := v.(bool)
		if !ok {
			return true, fmt.Errorf("_permanent must be true or false")
		}
		st.Permanent = p
	case "_flashes":
		list, ok := v.([]any)
		if !ok {
			return true, fmt.Errorf("_flashes must be a list of (category, message) pairs")
		}
		for _, item := range list {
			f, err := pairOf(item)
			if err != nil {
				return true, err
			}
			st.Flashes = append(st.Flashes, f)
		}
	case "_user_id":
		user, ok := userText(v)
		if !ok {
			return true, fmt.Errorf("_user_id must be text or an integer")
		}
		st.User = user
		if _, text := v.(string); !text {
			st.UserRaw = user // Flask-Login's integer, written back as one
		}
	case "_signed_in", "_signed_in_nsec":
		n, ok := v.(int)
		if !ok || k == "_signed_in_nsec" && (n < 0 || n >= 1e9) {
			return true, fmt.Errorf("%s must be an integer (Unix seconds, and nanoseconds within the second)", k)
		}
		if k == "_signed_in" {
			*signedIn = n
		} else {
			*signedInNsec = n
		}
	case "_revocation_id":
		id, ok := v.(string)
		if !ok {
			return true, fmt.Errorf("_revocation_id must be text")
		}
		st.ID = id
	case "_created":
		n, ok := v.(int)
		if !ok || n <= 0 {
			return true, fmt.Errorf("_created must be a positive integer (Unix seconds)")
		}
		st.Created = time.Unix(int64(n), 0)
	default:
		return false, nil
	}
	return true, nil
}

// stateFromDecoded reads what decode prints, given as the undecoded
// members of its object.
func stateFromDecoded(codec state.Codec, env map[string][]byte, flaskKeys bool) (*state.State, error) {
	ms, err := objectMembers(env["session"])
	if err != nil {
		return nil, fmt.Errorf(`"session": %v`, err)
	}
	values := make(map[string]any, len(ms))
	for _, m := range ms {
		if values[m.key], err = codec.Unmarshal(m.raw); err != nil {
			return nil, fmt.Errorf("value of %q: %v", m.key, err)
		}
	}
	st, err := stateFromDict(codec, values, flaskKeys)
	if err != nil {
		return nil, err
	}
	if raw, ok := env["permanent"]; ok {
		switch string(raw) {
		case "true", "false":
			st.Permanent = string(raw) == "true"
		default:
			return nil, errors.New(`"permanent" must be true or false`)
		}
	}
	if raw, ok := env["user"]; ok {
		v, err := codec.Unmarshal(raw)
		user, ok := userText(v)
		if err != nil || !ok {
			return nil, errors.New(`"user" must be text, or an integer for a Flask-Login user ID stored as one`)
		}
		st.User = user
		if _, text := v.(string); !text {
			st.UserRaw = user // Flask-Login's integer, written back as one
		}
	}
	for _, f := range []struct {
		name string
		into *time.Time
	}{{"signed_in", &st.SignedIn}, {"created", &st.Created}} {
		raw, ok := env[f.name]
		if !ok {
			continue
		}
		var text string
		json.Unmarshal(raw, &text)
		t, err := time.Parse(time.RFC3339Nano, text)
		if err != nil {
			return nil, fmt.Errorf("%q must be a time as decode prints it (RFC 3339)", f.name)
		}
		*f.into = t
	}
	if raw, ok := env["flashes"]; ok {
		if st.Flashes, err = decodedFlashes(codec, raw, flaskKeys); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// decodedFlashes reads decode's "flashes": a list of objects with a
// "category", a "message" and, for the flask format, maybe the "raw" form
// Flask stored.
func decodedFlashes(codec state.Codec, text []byte, flaskKeys bool) ([]session.Flash, error) {
	errFlashes := errors.New(`"flashes" must be a list of {"category", "message"} objects`)
	items, err := arrayElements(text)
	if err != nil {
		return nil, errFlashes
	}
	var flashes []session.Flash
	for _, item := range items {
		ms, err := objectMembers(item)
		if err != nil {
			return nil, errFlashes
		}
		var f session.Flash
		var hasCategory, hasMessage bool
		for _, m := range ms {
			switch m.key {
			case "category":
				hasCategory = m.raw[0] == '"' && json.Unmarshal(m.raw, &f.Category) == nil
			case "message":
				hasMessage = m.raw[0] == '"' && json.Unmarshal(m.raw, &f.Message) == nil
			case "raw":
				if !flaskKeys {
					continue
				}
				v, err := codec.Unmarshal(m.raw)
				if err != nil {
					return nil, fmt.Errorf("flash raw: %w", err)
				}
				b, err := codec.Marshal(v)
				if err != nil {
					return nil, fmt.Errorf("flash raw: %w", err)
				}
				f.Raw = string(b)
			}
		}
		if !hasCategory || !hasMessage {
			return nil, errFlashes
		}
		flashes = append(flashes, f)
	}
	return flashes, nil
}
