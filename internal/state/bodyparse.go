package state

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// ErrBody is returned for a body that is not what AppendBody writes.
var ErrBody = errors.New("session: malformed session body")

// ParseBody decodes a body written by AppendBody. The caller has already
// authenticated it, so this is a strict reader of one known shape, not a
// general JSON decoder: it splits the values into their raw encodings
// without decoding them (each is decoded when the handler reads it), and
// refuses nesting deeper than MaxDepth. The raw values share data's memory.
func ParseBody(data []byte) (*State, error) {
	if err := checkDepth(data, MaxDepth+2); err != nil {
		return nil, err
	}
	p := bodyParser{data: data}
	st := &State{}
	var signedIn, signedInNsec int64
	if !p.expect('{') {
		return nil, ErrBody
	}
	for first := true; ; first = false {
		p.space()
		if p.peek() == '}' {
			p.pos++
			break
		}
		if !first && !p.expect(',') {
			return nil, ErrBody
		}
		name, ok := p.key()
		if !ok {
			return nil, ErrBody
		}
		switch name {
		case "c", "i", "l", "n":
			n, ok := p.int()
			if !ok {
				return nil, ErrBody
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
					return nil, ErrBody
				}
				signedInNsec = n
			}
		case "p", "s":
			raw, ok := p.value()
			if !ok || (string(raw) != "true" && string(raw) != "false") {
				return nil, ErrBody
			}
			if name == "p" {
				st.Permanent = string(raw) == "true"
			} else {
				st.Forward = string(raw) == "true"
			}
		case "u", "a", "m", "r":
			s, ok := p.string()
			if !ok {
				return nil, ErrBody
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
			tokens, ok := p.values()
			if !ok {
				return nil, ErrBody
			}
			st.Tokens = make(map[string]int64, len(tokens))
			for tok, raw := range tokens {
				at, err := strconv.ParseInt(string(raw), 10, 64)
				if err != nil {
					return nil, ErrBody
				}
				st.Tokens[tok] = at
			}
		case "f":
			raw, ok := p.value()
			if !ok {
				return nil, ErrBody
			}
			var pairs [][2]string
			if err := json.Unmarshal(raw, &pairs); err != nil {
				return nil, ErrBody
			}
			st.Flashes = make([]Flash, len(pairs))
			for i, f := range pairs {
				st.Flashes[i] = Flash{Category: f[0], Message: f[1]}
			}
		case "v":
			values, ok := p.values()
			if !ok {
				return nil, ErrBody
			}
			st.Values = values
		default:
			if _, ok := p.value(); !ok { // a field from a newer version
				return nil, ErrBody
			}
		}
	}
	p.space()
	if p.pos != len(p.data) {
		return nil, ErrBody
	}
	if signedIn != 0 {
		st.SignedIn = time.Unix(signedIn, signedInNsec)
	}
	if st.Values == nil {
		st.Values = map[string][]byte{}
	}
	return st, nil
}

// bodyParser reads JSON text from data at pos.
type bodyParser struct {
	data []byte
	pos  int
}

func (p *bodyParser) peek() byte {
	if p.pos < len(p.data) {
		return p.data[p.pos]
	}
	return 0
}

func (p *bodyParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *bodyParser) expect(c byte) bool {
	p.space()
	if p.peek() != c {
		return false
	}
	p.pos++
	return true
}

// key reads an object key and the colon after it.
func (p *bodyParser) key() (string, bool) {
	p.space()
	s, ok := p.string()
	if !ok || !p.expect(':') {
		return "", false
	}
	return s, true
}

// string reads a JSON string.
func (p *bodyParser) string() (string, bool) {
	p.space()
	raw, ok := p.str()
	if !ok {
		return "", false
	}
	for _, c := range raw[1 : len(raw)-1] {
		if c == '\\' {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return "", false
			}
			return s, true
		}
	}
	return string(raw[1 : len(raw)-1]), true
}

// str reads a string, quotes included, without unescaping it.
func (p *bodyParser) str() ([]byte, bool) {
	if p.peek() != '"' {
		return nil, false
	}
	start := p.pos
	for p.pos++; p.pos < len(p.data); p.pos++ {
		switch c := p.data[p.pos]; {
		case c == '\\':
			p.pos++
		case c == '"':
			p.pos++
			return p.data[start:p.pos], true
		case c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

func (p *bodyParser) int() (int64, bool) {
	raw, ok := p.value()
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	return n, err == nil
}

// value reads one JSON value and returns its text. Scalars are checked by
// json.Valid only where they are not plain; containers are matched bracket
// by bracket, their members checked when they are decoded.
func (p *bodyParser) value() ([]byte, bool) {
	p.space()
	start := p.pos
	switch c := p.peek(); {
	case c == '"':
		return p.str()
	case c == '{' || c == '[':
		depth := 0
		for p.pos < len(p.data) {
			switch p.data[p.pos] {
			case '"':
				if _, ok := p.str(); !ok {
					return nil, false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					p.pos++
					raw := p.data[start:p.pos]
					return raw, json.Valid(raw)
				}
			}
			p.pos++
		}
		return nil, false
	default:
		for p.pos < len(p.data) {
			switch p.data[p.pos] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				raw := p.data[start:p.pos]
				return raw, len(raw) > 0 && json.Valid(raw)
			}
			p.pos++
		}
		return nil, false
	}
}

// values reads the "v" object into raw values per key.
func (p *bodyParser) values() (map[string][]byte, bool) {
	if !p.expect('{') {
		return nil, false
	}
	m := make(map[string][]byte)
	for first := true; ; first = false {
		p.space()
		if p.peek() == '}' {
			p.pos++
			return m, true
		}
		if !first && !p.expect(',') {
			return nil, false
		}
		k, ok := p.key()
		if !ok {
			return nil, false
		}
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		m[k] = v
	}
}
