package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/websession/session/internal/jsonscan"
)

// ErrBody is returned for a body that is not what AppendBody writes.
var ErrBody = errors.New("session: malformed session body")

// ParseBody decodes a body written by AppendBody. The caller has already
// authenticated it, so this is a strict reader of one known shape, not a
// general JSON decoder: in one pass over data it checks the syntax, refuses
// values nested deeper than MaxDepth and splits the values into their raw
// encodings without decoding them (each is decoded when the handler reads
// it, and written back as these same bytes unless the handler changes it).
// The raw values share data's memory.
func ParseBody(data []byte) (*State, error) {
	p := bodyParser{jsonscan.Scanner{Data: data}}
	st, _, err := p.body(new(State), nil)
	if err != nil && p.Fault == jsonscan.TooDeep {
		return nil, errTooDeep
	}
	return st, err
}

// ParseBodyRaw is ParseBody that leaves the values in place, as a
// ValueSet in st.Raw with st.Values nil, when the body writes its keys as
// AppendBody does; otherwise it makes them into st.Values, as ParseBody.
// A handler that reads a few keys then never pays for a map of them all.
func ParseBodyRaw(data []byte) (*State, error) {
	return ParseBodyRawInto(new(State), data)
}

// ParseBodyRawInto is ParseBodyRaw into st, which it overwrites: a caller
// that keeps a State of its own allocates none. It returns st, or nil and
// the error.
func ParseBodyRawInto(st *State, data []byte) (*State, error) {
	*st = State{}
	var buf [maxInline]member
	p := bodyParser{jsonscan.Scanner{Data: data}}
	st, ms, err := p.body(st, buf[:0])
	if err != nil {
		if p.Fault == jsonscan.TooDeep {
			return nil, errTooDeep
		}
		return nil, err
	}
	if raw, ok := valuesInPlace(data, ms); ok {
		st.Raw = raw
		return st, nil
	}
	values, ok := valueMap(ms)
	if !ok {
		return nil, ErrBody
	}
	st.Values = values
	return st, nil
}

// body reads the body at p.data into st, a zero State. With raw not nil
// (an empty slice), it leaves the values as the members of their object,
// in raw's storage, instead of making them into a map: st.Values is nil,
// and the members are returned.
func (p *bodyParser) body(st *State, raw []member) (*State, []member, error) {
	var signedIn, signedInNsec int64
	if !p.expect('{') {
		return nil, nil, ErrBody
	}
	for n := 0; ; n++ {
		if more, ok := p.More('}', n); !ok {
			return nil, nil, ErrBody
		} else if !more {
			break
		}
		name, ok := p.key()
		if !ok {
			return nil, nil, ErrBody
		}
		switch name {
		case "c", "i", "l", "n":
			n, ok := p.int()
			if !ok {
				return nil, nil, ErrBody
			}
			switch name {
			case "c":
				st.Created = timeOrZero(n)
			case "i":
				st.Issued = timeOrZero(n)
			case "l":
				signedIn = n
			default:
				if n < 0 || n >= 1e9 {
					return nil, nil, ErrBody
				}
				signedInNsec = n
			}
		case "p", "s":
			raw, ok := p.value()
			if !ok || (string(raw) != "true" && string(raw) != "false") {
				return nil, nil, ErrBody
			}
			if name == "p" {
				st.Permanent = string(raw) == "true"
			} else {
				st.Forward = string(raw) == "true"
			}
		case "u", "a", "m", "r":
			s, ok := p.string()
			if !ok {
				return nil, nil, ErrBody
			}
			switch name {
			case "u":
				st.User = s
			case "a":
				st.Agent = s
			case "r":
				st.ID = s
			default:
				st.MovedTo = s
			}
		case "t":
			tokens, ok := p.tokens()
			if !ok {
				return nil, nil, ErrBody
			}
			st.Tokens = tokens
		case "f":
			raw, ok := p.value()
			if !ok {
				return nil, nil, ErrBody
			}
			var pairs [][2]string
			if err := json.Unmarshal(raw, &pairs); err != nil {
				return nil, nil, ErrBody
			}
			st.Flashes = make([]Flash, len(pairs))
			for i, f := range pairs {
				st.Flashes[i] = Flash{Category: f[0], Message: f[1]}
			}
		case "v":
			if raw != nil {
				ms, ok := p.members(raw)
				if !ok {
					return nil, nil, ErrBody
				}
				raw = ms
				break
			}
			values, ok := p.values()
			if !ok {
				return nil, nil, ErrBody
			}
			st.Values = values
		default:
			if _, ok := p.value(); !ok { // a field from a newer version
				return nil, nil, ErrBody
			}
		}
	}
	p.Space()
	if p.Pos != len(p.Data) {
		return nil, nil, ErrBody
	}
	if signedIn != 0 {
		st.SignedIn = time.Unix(signedIn, signedInNsec)
	}
	if st.Values == nil && raw == nil {
		st.Values = map[string][]byte{}
	}
	return st, raw, nil
}

// bodyParser reads a body with the module's JSON scanner.
type bodyParser struct{ jsonscan.Scanner }

func (p *bodyParser) expect(c byte) bool {
	p.Space()
	if p.Peek() != c {
		return false
	}
	p.Pos++
	return true
}

// key reads an object key and the colon after it.
func (p *bodyParser) key() (string, bool) {
	raw, escaped, ok := p.Key(nil)
	if !ok {
		return "", false
	}
	return unquote(raw, escaped)
}

// string reads a JSON string.
func (p *bodyParser) string() (string, bool) {
	p.Space()
	raw, escaped, ok := p.String()
	if !ok {
		return "", false
	}
	return unquote(raw, escaped)
}

// unquote returns the string whose checked JSON text is raw.
func unquote(raw []byte, escaped bool) (string, bool) {
	if !escaped {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

// int reads an integer. One of at most 17 digits without a leading zero,
// followed by ',' or '}' (every one AppendBody writes), is read digit by
// digit at once; any other text goes through value and strconv, which
// refuse what is not an int64.
func (p *bodyParser) int() (int64, bool) {
	p.Space()
	d := p.Data[p.Pos:]
	i := 0
	if i < len(d) && d[i] == '-' {
		i++
	}
	start := i
	var n int64
	for i < len(d) && i-start < 18 && jsonscan.IsDigit(d[i]) {
		n = n*10 + int64(d[i]-'0')
		i++
	}
	if digits := i - start; digits > 0 && digits < 18 && (d[start] != '0' || digits == 1) &&
		(i == len(d) || d[i] == ',' || d[i] == '}') {
		p.Pos += i
		if start > 0 {
			n = -n
		}
		return n, true
	}
	raw, ok := p.value()
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	return n, err == nil
}

// value reads one JSON value, checking its syntax and that it nests no
// deeper than MaxDepth, and returns its text. This one pass is all the
// reading a value gets until the handler asks for it.
func (p *bodyParser) value() ([]byte, bool) { return p.Value(MaxDepth) }

// maxInline is how many members of an object values and tokens collect
// without allocating before the map is made at its final size.
const maxInline = 64

// member is one member of an object: its key's text (quotes included)
// and its value's.
type member struct{ key, value []byte }

// members reads an object whose values are read by value, into buf's
// storage when they fit. The keys and values are slices of data.
func (p *bodyParser) members(buf []member) ([]member, bool) {
	if !p.expect('{') {
		return nil, false
	}
	ms := buf[:0]
	for n := 0; ; n++ {
		if more, ok := p.More('}', n); !more {
			return ms, ok
		}
		k, _, ok := p.Key(nil)
		if !ok {
			return nil, false
		}
		v, ok := p.Value(MaxDepth)
		if !ok {
			return nil, false
		}
		ms = append(ms, member{k, v})
	}
}

// keyStrings calls set with each key of ms, unescaped, and its index.
// Keys that need no unescaping share one allocation.
func keyStrings(ms []member, set func(i int, key string)) bool {
	var buf [512]byte
	all := buf[:0]
	for _, m := range ms {
		all = append(all, m.key[1:len(m.key)-1]...)
	}
	joined := string(all)
	at := 0
	for i, m := range ms {
		inner := m.key[1 : len(m.key)-1]
		key := joined[at : at+len(inner)]
		at += len(inner)
		if bytes.IndexByte(inner, '\\') >= 0 {
			var unescaped string
			if json.Unmarshal(m.key, &unescaped) != nil {
				return false
			}
			key = unescaped
		}
		set(i, key)
	}
	return true
}

// values reads the "v" object into raw values per key. The values share
// data's memory; the keys share one string.
func (p *bodyParser) values() (map[string][]byte, bool) {
	var buf [maxInline]member
	ms, ok := p.members(buf[:])
	if !ok {
		return nil, false
	}
	return valueMap(ms)
}

// valueMap makes the members of the "v" object into raw values by key.
// The values share data's memory; the keys share one string.
func valueMap(ms []member) (map[string][]byte, bool) {
	m := make(map[string][]byte, len(ms))
	return m, keyStrings(ms, func(i int, key string) { m[key] = ms[i].value })
}

// tokens reads the "t" object: save tokens and their times.
func (p *bodyParser) tokens() (Tokens, bool) {
	p.Space()
	if t, n, ok := compactTokens(p.Data[p.Pos:]); ok {
		p.Pos += n
		return t, true
	}
	start := p.Pos
	var buf [maxInline]member
	ms, ok := p.members(buf[:])
	if !ok {
		return nil, false
	}
	inner := bytes.TrimSpace(p.Data[start+1 : p.Pos-1])
	return parseTokens(inner, ms)
}
