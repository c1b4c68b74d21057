package main

import (
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
"_user_id" mean what they mean to Flask and Flask-Login. JSON may also be
exactly what decode printed: its session, user, sign-in time, permanence and
flashes are signed again (its issue time is not: see --timestamp). The first line of the secret's variable or file
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
// prints (an object with "format", "verified" and "session"), whose user,
// sign-in time, creation time, permanence and flashes are kept too. Each
// value goes through the format's codec, so what is sealed is what the
// format would write itself. With flaskKeys the text is Flask's tagged JSON
// (Python's NaN and Infinity, a top-level " di" wrapper), and "_permanent",
// "_flashes", "_user_id" and the format's other keys are Flask's.
func stateFromJSON(codec state.Codec, text []byte, flaskKeys bool) (*state.State, error) {
	v, err := codec.Unmarshal(text)
	if err != nil {
		return nil, fmt.Errorf("the session must be a JSON object: %v", err)
	}
	dict, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("the session must be a JSON object")
	}
	if _, ok := dict["format"].(string); ok {
		if _, ok := dict["verified"].(bool); ok {
			if values, ok := dict["session"].(map[string]any); ok {
				return stateFromDecoded(codec, dict, values, flaskKeys)
			}
		}
	}
	return stateFromDict(codec, dict, flaskKeys)
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

// stateFromDecoded reads what decode prints: env is the whole object and
// values its "session".
func stateFromDecoded(codec state.Codec, env, values map[string]any, flaskKeys bool) (*state.State, error) {
	st, err := stateFromDict(codec, values, flaskKeys)
	if err != nil {
		return nil, err
	}
	if p, ok := env["permanent"]; ok {
		if st.Permanent, ok = p.(bool); !ok {
			return nil, errors.New(`"permanent" must be true or false`)
		}
	}
	if u, ok := env["user"]; ok {
		if st.User, ok = u.(string); !ok {
			return nil, errors.New(`"user" must be text`)
		}
	}
	for _, f := range []struct {
		name string
		into *time.Time
	}{{"signed_in", &st.SignedIn}, {"created", &st.Created}} {
		v, ok := env[f.name]
		if !ok {
			continue
		}
		text, _ := v.(string)
		t, err := time.Parse(time.RFC3339Nano, text)
		if err != nil {
			return nil, fmt.Errorf("%q must be a time as decode prints it (RFC 3339)", f.name)
		}
		*f.into = t
	}
	if list, ok := env["flashes"]; ok {
		items, ok := list.([]any)
		if !ok {
			return nil, errors.New(`"flashes" must be a list of {"category", "message"} objects`)
		}
		for _, item := range items {
			obj, _ := item.(map[string]any)
			c, ok1 := obj["category"].(string)
			m, ok2 := obj["message"].(string)
			if !ok1 || !ok2 {
				return nil, errors.New(`"flashes" must be a list of {"category", "message"} objects`)
			}
			f := session.Flash{Category: c, Message: m}
			if raw, ok := obj["raw"]; ok && flaskKeys {
				b, err := codec.Marshal(raw)
				if err != nil {
					return nil, fmt.Errorf("flash raw: %w", err)
				}
				f.Raw = string(b)
			}
			st.Flashes = append(st.Flashes, f)
		}
	}
	return st, nil
}
