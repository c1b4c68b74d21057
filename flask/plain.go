package flask

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/websession/session/internal/jsonscan"
	"github.com/websession/session/internal/state"
)

// Most sessions hold nothing but short ASCII strings, small integers,
// booleans and lists or dicts of them. Their JSON text is "plain": already
// exactly what dump writes, with nothing for untag to convert. The session
// dict is then read and written by slicing and joining the values' text,
// without building trees; anything else takes the general path through
// parse, untag and dump, which gives the same result.

// plainInt returns the value of a plain integer.
func plainInt(b []byte) int64 {
	var n int64
	for _, c := range bytes.TrimPrefix(b, []byte("-")) {
		n = n*10 + int64(c-'0')
	}
	if b[0] == '-' {
		return -n
	}
	return n
}

// isPlain reports whether v is exactly one plain value, as the JSON
// scanner reads them in mode Plain:
//
//   - a string of printable ASCII (' ' to '~') without '"' or '\\', so
//     without escapes;
//   - an integer of at most 18 digits, without leading zeros, not -0;
//   - true, false or null;
//   - an array of plain values;
//   - an object whose keys are such strings, none starting with a space (as
//     every tag key does), in strictly increasing order (so sorted and
//     without duplicates), and whose values are plain;
//
// with no white space, nested at most state.MaxDepth arrays and objects
// deep, as a session value may be.
func isPlain(v []byte) bool {
	s := jsonscan.Scanner{Data: v, Mode: jsonscan.Plain}
	return s.Skip(state.MaxDepth) && s.Pos == len(v)
}

var jsonTrue = []byte("true")

// rawMember is a member of the session dict with its value's JSON text.
type rawMember struct {
	key string // canonical
	val []byte
}

// encodePlainSession is encodeSession for a session whose values are all
// plain and that holds no flashes; it returns false for any other session.
// The caller has refused the format's own keys in st.Values.
func encodePlainSession(st *state.State) ([]byte, bool) {
	if len(st.Flashes) > 0 {
		return nil, false
	}
	var buf [16]rawMember
	ms := buf[:0]
	for k, v := range st.Values {
		if !isPlain(v) {
			return nil, false
		}
		ms = append(ms, rawMember{canonical(k), v})
	}
	if st.Permanent {
		ms = append(ms, rawMember{keyPermanent, jsonTrue})
	}
	var scratch [64]byte // the user's name and sign-in time as JSON
	extra := scratch[:0]
	if st.User != "" {
		if userIsNumber(st) {
			extra = append(extra, st.User...)
		} else {
			extra = appendString(extra, canonical(st.User))
		}
		ms = append(ms, rawMember{keyUser, extra[:len(extra):len(extra)]})
		if !st.SignedIn.IsZero() {
			start := len(extra)
			extra = strconv.AppendInt(extra, st.SignedIn.Unix(), 10)
			ms = append(ms, rawMember{keySignedIn, extra[start:len(extra):len(extra)]})
			if ns := st.SignedIn.Nanosecond(); ns != 0 {
				start = len(extra)
				extra = strconv.AppendInt(extra, int64(ns), 10)
				ms = append(ms, rawMember{keySignedInNsec, extra[start:len(extra):len(extra)]})
			}
		}
	}
	if st.ID != "" {
		start := len(extra)
		extra = appendString(extra, canonical(st.ID))
		ms = append(ms, rawMember{keyRevocationID, extra[start:len(extra):len(extra)]})
	}
	if len(ms) == 1 && isTagKey(ms[0].key) {
		return nil, false // wrapped in a " di" tag
	}
	slices.SortFunc(ms, func(a, b rawMember) int { return strings.Compare(a.key, b.key) })
	size := 2 // braces
	for _, m := range ms {
		size += len(m.key) + len(m.val) + 4 // quotes, colon, comma; escapes grow it
	}
	out := make([]byte, 0, size)
	out = append(out, '{')
	for i, m := range ms {
		if i > 0 {
			if ms[i-1].key == m.key {
				return nil, false // two keys the same once canonical: an error
			}
			out = append(out, ',')
		}
		out = appendString(out, m.key)
		out = append(out, ':')
		out = append(out, m.val...)
	}
	return append(out, '}'), true
}

// decodePlainSession is decodeSession for a session dict that is plain
// (keys in order, "_permanent" a boolean, "_user_id" a string, "_signed_in"
// an integer) and holds no flashes; it returns false for any other text.
// The values share data's memory.
func decodePlainSession(data []byte) (*state.State, bool) {
	s := jsonscan.Scanner{Data: data, Mode: jsonscan.Plain}
	if s.Peek() != '{' {
		return nil, false
	}
	s.Pos++
	st := &state.State{Values: make(map[string][]byte)}
	var signedIn, signedInNsec int64
	var prev []byte
	for n := 0; ; n++ {
		if more, ok := s.More('}', n); !more {
			if !ok || s.Pos != len(data) {
				return nil, false
			}
			if signedIn != 0 {
				st.SignedIn = time.Unix(signedIn, signedInNsec)
			}
			return st, true
		}
		raw, _, ok := s.Key(prev)
		if !ok {
			return nil, false
		}
		prev = raw
		key, start := raw[1:len(raw)-1], s.Pos
		switch string(key) {
		case keyFlashes:
			return nil, false
		case keyUser, keyRevocationID:
			v, _, ok := s.String()
			if !ok {
				return nil, false
			}
			if string(key) == keyUser {
				st.User = string(v[1 : len(v)-1])
			} else {
				st.ID = string(v[1 : len(v)-1])
			}
		case keySignedIn, keySignedInNsec:
			if _, _, ok := s.Number(); !ok {
				return nil, false
			}
			if string(key) == keySignedIn {
				signedIn = plainInt(data[start:s.Pos])
			} else if signedInNsec = plainInt(data[start:s.Pos]); signedInNsec < 0 || signedInNsec >= 1e9 {
				return nil, false
			}
		case keyPermanent:
			if s.Literal("true") {
				st.Permanent = true
			} else if !s.Literal("false") {
				return nil, false
			}
		default:
			if !s.Skip(state.MaxDepth) {
				return nil, false
			}
			st.Values[string(key)] = data[start:s.Pos:s.Pos]
		}
	}
}
