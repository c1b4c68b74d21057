package flask

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/websession/session/internal/state"
)

// Most sessions hold nothing but short ASCII strings, small integers,
// booleans and lists or dicts of them. Their JSON text is "plain": already
// exactly what dump writes, with nothing for untag to convert. The session
// dict is then read and written by slicing and joining the values' text,
// without building trees; anything else takes the general path through
// parse, untag and dump, which gives the same result.

// plainValueEnd returns the end of the plain JSON value that starts at
// b[i], and false if there is none there. A plain value is one of
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
// with no white space, nested at most depth arrays and objects deep.
func plainValueEnd(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		return plainStringEnd(b, i)
	case c == '-' || isDigit(c):
		return plainIntEnd(b, i)
	case c == 't' && bytes.HasPrefix(b[i:], []byte("true")):
		return i + 4, true
	case c == 'f' && bytes.HasPrefix(b[i:], []byte("false")):
		return i + 5, true
	case c == 'n' && bytes.HasPrefix(b[i:], []byte("null")):
		return i + 4, true
	case c == '[' && depth > 0:
		i++
		if i < len(b) && b[i] == ']' {
			return i + 1, true
		}
		for {
			var ok bool
			if i, ok = plainValueEnd(b, i, depth-1); !ok || i >= len(b) {
				return 0, false
			}
			switch b[i] {
			case ',':
				i++
			case ']':
				return i + 1, true
			default:
				return 0, false
			}
		}
	case c == '{' && depth > 0:
		i++
		if i < len(b) && b[i] == '}' {
			return i + 1, true
		}
		var prev []byte
		for n := 0; ; n++ {
			key, end, ok := plainKey(b, i)
			if !ok || n > 0 && bytes.Compare(prev, key) >= 0 {
				return 0, false
			}
			if i, ok = plainValueEnd(b, end, depth-1); !ok || i >= len(b) {
				return 0, false
			}
			switch b[i] {
			case ',':
				i++
			case '}':
				return i + 1, true
			default:
				return 0, false
			}
			prev = key
		}
	}
	return 0, false
}

// plainKey reads a plain object key at b[i] and the colon after it. It
// returns the key without quotes and where its value starts.
func plainKey(b []byte, i int) (key []byte, valueStart int, ok bool) {
	end, ok := plainStringEnd(b, i)
	if !ok || end >= len(b) || b[end] != ':' {
		return nil, 0, false
	}
	key = b[i+1 : end-1]
	if len(key) > 0 && key[0] == ' ' {
		return nil, 0, false
	}
	return key, end + 1, true
}

// plainStringEnd returns the end of the plain string that starts at b[i].
func plainStringEnd(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20 || c > 0x7e || c == '\\':
			return 0, false
		}
	}
	return 0, false
}

// plainIntEnd returns the end of the plain integer that starts at b[i].
func plainIntEnd(b []byte, i int) (int, bool) {
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	start := i
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	switch digits := i - start; {
	case digits == 0 || digits > 18 || digits > 1 && b[start] == '0' || neg && digits == 1 && b[start] == '0':
		return 0, false
	case i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E'):
		return 0, false // a float
	}
	return i, true
}

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

// isPlain reports whether v is exactly one plain value nested at most
// state.MaxDepth deep, as a session value may be.
func isPlain(v []byte) bool {
	end, ok := plainValueEnd(v, 0, state.MaxDepth)
	return ok && end == len(v)
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
		extra = appendString(extra, canonical(st.User))
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
	if len(data) < 2 || data[0] != '{' {
		return nil, false
	}
	st := &state.State{Values: make(map[string][]byte)}
	if data[1] == '}' {
		return st, len(data) == 2
	}
	var signedIn, signedInNsec int64
	var prev []byte
	for i, n := 1, 0; ; n++ {
		key, start, ok := plainKey(data, i)
		if !ok || n > 0 && bytes.Compare(prev, key) >= 0 {
			return nil, false
		}
		prev = key
		switch string(key) {
		case keyFlashes:
			return nil, false
		case keyUser:
			if i, ok = plainStringEnd(data, start); !ok {
				return nil, false
			}
			st.User = string(data[start+1 : i-1])
		case keyRevocationID:
			if i, ok = plainStringEnd(data, start); !ok {
				return nil, false
			}
			st.ID = string(data[start+1 : i-1])
		case keySignedIn, keySignedInNsec:
			if i, ok = plainIntEnd(data, start); !ok {
				return nil, false
			}
			if string(key) == keySignedIn {
				signedIn = plainInt(data[start:i])
			} else if signedInNsec = plainInt(data[start:i]); signedInNsec < 0 || signedInNsec >= 1e9 {
				return nil, false
			}
		case keyPermanent:
			switch {
			case bytes.HasPrefix(data[start:], []byte("true")):
				st.Permanent, i = true, start+4
			case bytes.HasPrefix(data[start:], []byte("false")):
				i = start + 5
			default:
				return nil, false
			}
		default:
			if i, ok = plainValueEnd(data, start, state.MaxDepth); !ok {
				return nil, false
			}
			st.Values[string(key)] = data[start:i:i]
		}
		if i >= len(data) {
			return nil, false
		}
		switch data[i] {
		case ',':
			i++
		case '}':
			if signedIn != 0 {
				st.SignedIn = time.Unix(signedIn, signedInNsec)
			}
			return st, i+1 == len(data)
		default:
			return nil, false
		}
	}
}
