package flask

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

// Keys of the session dict that Flask itself manages.
const (
	keyPermanent = "_permanent" // True for a permanent session (session.permanent)
	keyFlashes   = "_flashes"   // [(category, message), ...] (flash())
	// keyUser holds State.User. It is the key Flask-Login keeps the
	// logged-in user's ID in, so a Flask app using Flask-Login and a Go app
	// using Session.SetUser see the same signed-in user.
	keyUser = "_user_id"
	// keySignedIn holds State.SignedIn in Unix seconds, and
	// keySignedInNsec its nanoseconds within that second (when not 0).
	keySignedIn     = "_signed_in"
	keySignedInNsec = "_signed_in_nsec"
	// keyRevocationID holds State.ID, the random identifier by which a
	// Manager with Config.Revocations records that the session ended.
	keyRevocationID = "_revocation_id"
	// keyCreated holds State.Created in Unix seconds when the Manager has
	// an AbsoluteTimeout to enforce.
	keyCreated = "_created"
)

// reserved reports whether k is a session key the format manages itself.
func reserved(k string) bool {
	switch k {
	case keyPermanent, keyFlashes, keyUser, keySignedIn, keySignedInNsec, keyRevocationID:
		return true
	}
	return false
}

// encodeSession returns the session dict's JSON text, as Flask writes it.
// Each value is State.Values' codec encoding, re-read so the text is
// canonical whatever wrote it.
func encodeSession(st *state.State) ([]byte, error) {
	for k := range st.Values {
		if reserved(k) {
			return nil, fmt.Errorf("flask: the session key %q is managed by the format; use State.Permanent, State.Flashes or Session.SetUser", k)
		}
	}
	if b, ok := encodePlainSession(st); ok {
		return b, nil
	}
	return encodeSessionTree(st)
}

// encodeSessionTree is encodeSession for any session, through JSON trees.
func encodeSessionTree(st *state.State) ([]byte, error) {
	dict := make(map[string]any, len(st.Values)+2)
	for k, v := range st.Values {
		tree, err := parse(v, state.MaxDepth)
		if err != nil {
			return nil, fmt.Errorf("flask: value of key %q is not tagged JSON: %w", k, err)
		}
		dict[k] = tree
	}
	if st.Permanent {
		dict[keyPermanent] = true
	}
	if st.User != "" {
		dict[keyUser] = st.User
		if userIsNumber(st) {
			n, _ := new(big.Int).SetString(st.User, 10)
			dict[keyUser] = n
		}
		if !st.SignedIn.IsZero() {
			dict[keySignedIn] = st.SignedIn.Unix()
			if ns := st.SignedIn.Nanosecond(); ns != 0 {
				dict[keySignedInNsec] = ns
			}
		}
	}
	if st.ID != "" {
		dict[keyRevocationID] = st.ID
	}
	if len(st.Flashes) > 0 {
		flashes := make([]any, len(st.Flashes))
		for i, f := range st.Flashes {
			flashes[i] = flashTree(f)
		}
		dict[keyFlashes] = flashes
	}
	if len(dict) == 1 {
		for k, v := range dict {
			if isTagKey(k) { // TagDict, as for any other dict
				return dump(map[string]any{tagDict: map[string]any{k + "__": v}})
			}
		}
	}
	return dump(dict)
}

// userIsNumber reports whether st's user goes into the cookie as a JSON
// integer: it came as one (Flask-Login with a get_id() that returns an
// int) and is still the same user. The text of such a user is its decimal
// integer, so UserRaw equals User.
func userIsNumber(st *state.State) bool {
	if st.UserRaw == "" || st.UserRaw != st.User {
		return false
	}
	digits := strings.TrimPrefix(st.User, "-")
	if digits == "" || len(digits) > 1 && digits[0] == '0' || digits == "0" && st.User != "0" {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// decodeSession reads the session dict Flask wrote. It checks every value
// as TaggedJSON.Unmarshal would, so a cookie Flask could not load is refused
// as a whole, as Flask refuses it. The values may share data's memory.
func decodeSession(data []byte) (*state.State, error) {
	if st, ok := decodePlainSession(data); ok {
		return st, nil
	}
	return decodeSessionTree(data)
}

// decodeSessionTree is decodeSession for any session dict, through a JSON
// tree.
func decodeSessionTree(data []byte) (*state.State, error) {
	tree, err := parse(data, state.MaxDepth+2) // the dict, maybe in a " di" tag
	if err != nil {
		return nil, err
	}
	dict, ok := tree.(map[string]any)
	if !ok {
		return nil, errors.New("flask: the session is not a JSON object")
	}
	if len(dict) == 1 {
		for k, v := range dict {
			if !isTagKey(k) {
				break
			}
			if k != tagDict {
				return nil, fmt.Errorf("flask: the session is a %q-tagged value, not a dict", k)
			}
			inner, ok := v.(map[string]any)
			if !ok || len(inner) != 1 {
				return nil, errors.New("flask: malformed \" di\" tag around the session")
			}
			for ik, iv := range inner {
				key, ok := strings.CutSuffix(ik, "__")
				if !ok {
					return nil, errors.New("flask: malformed \" di\" tag around the session")
				}
				dict = map[string]any{key: iv}
			}
		}
	}
	st := &state.State{Values: make(map[string][]byte, len(dict))}
	var signedIn, signedInNsec int64
	for k, v := range dict {
		natural, err := untag(v, 0)
		if err != nil {
			return nil, fmt.Errorf("flask: session key %q: %w", k, err)
		}
		switch k {
		case keyPermanent:
			p, ok := natural.(bool)
			if !ok {
				return nil, fmt.Errorf("flask: %q is not a boolean", k)
			}
			st.Permanent = p
		case keyFlashes:
			if st.Flashes, err = decodeFlashes(v, natural); err != nil {
				return nil, err
			}
		case keyUser:
			switch user := natural.(type) {
			case string:
				st.User = user
			case int: // an app whose get_id() returns an int
				st.User = strconv.Itoa(user)
				st.UserRaw = st.User // written back as the number it is
			case *big.Int:
				st.User = user.String()
				st.UserRaw = st.User
			default:
				return nil, fmt.Errorf("flask: %q is neither a string nor an integer", k)
			}
		case keySignedIn, keySignedInNsec:
			n, ok := natural.(int)
			if !ok {
				return nil, fmt.Errorf("flask: %q is not an integer", k)
			}
			if k == keySignedIn {
				signedIn = int64(n)
			} else if n < 0 || n >= 1e9 {
				return nil, fmt.Errorf("flask: %q is not a count of nanoseconds within a second", k)
			} else {
				signedInNsec = int64(n)
			}
		case keyRevocationID:
			id, ok := natural.(string)
			if !ok {
				return nil, fmt.Errorf("flask: %q is not a string", k)
			}
			st.ID = id
		default:
			if st.Values[k], err = dump(v); err != nil {
				return nil, err
			}
		}
	}
	if signedIn != 0 {
		st.SignedIn = time.Unix(signedIn, signedInNsec)
	}
	return st, nil
}

// decodeFlashes reads Flask's list of (category, message) tuples, given
// as its JSON tree and as natural values. A Markup message is kept as its
// text; a message of another type as its JSON text. A flash that is not a
// tuple of two strings keeps its tagged JSON in Flash.Raw, so that it goes
// back to Flask as it came when Go passes it on unread.
func decodeFlashes(tree, v any) ([]session.Flash, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("flask: %q is not a list", keyFlashes)
	}
	trees, _ := tree.([]any) // a list comes from a JSON array
	var flashes []session.Flash
	for i, e := range list {
		f, err := flashOf(e)
		if err != nil {
			return nil, err
		}
		if i < len(trees) {
			raw, err := dump(trees[i])
			if err != nil {
				return nil, err
			}
			if plain, err := dump(flashTree(f)); err != nil || !bytes.Equal(plain, raw) {
				f.Raw = string(raw)
			}
		}
		flashes = append(flashes, f)
	}
	return flashes, nil
}

// flashOf reads one (category, message) pair, a tuple or a list.
func flashOf(e any) (session.Flash, error) {
	var pair []any
	switch x := e.(type) {
	case Tuple:
		pair = x
	case []any:
		pair = x
	}
	if len(pair) != 2 {
		return session.Flash{}, fmt.Errorf("flask: %q holds something other than (category, message) pairs", keyFlashes)
	}
	category, err := flashText(pair[0])
	if err != nil {
		return session.Flash{}, err
	}
	message, err := flashText(pair[1])
	if err != nil {
		return session.Flash{}, err
	}
	return session.Flash{Category: category, Message: message}, nil
}

// flashTree returns the JSON tree of flash f as Flask stores it: f.Raw
// when it holds the same category and message, else a tuple of two
// strings.
func flashTree(f session.Flash) any {
	if f.Raw != "" {
		if tree, err := parse([]byte(f.Raw), state.MaxDepth); err == nil {
			if v, err := untag(tree, 1); err == nil {
				if g, err := flashOf(v); err == nil && g.Category == f.Category && g.Message == f.Message {
					return tree
				}
			}
		}
	}
	return map[string]any{tagTuple: []any{f.Category, f.Message}}
}

func flashText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case Markup:
		return string(x), nil
	}
	b, err := TaggedJSON.Marshal(v)
	return string(b), err
}
