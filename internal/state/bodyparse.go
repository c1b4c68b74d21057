package state

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strconv"
	"time"
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
	p := bodyParser{data: data}
	st, err := p.body()
	if err != nil && p.tooDeep {
		return nil, errTooDeep
	}
	return st, err
}

// body reads the body at p.data.
func (p *bodyParser) body() (*State, error) {
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
			tokens, ok := p.tokens()
			if !ok {
				return nil, ErrBody
			}
			st.Tokens = tokens
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
	data    []byte
	pos     int
	tooDeep bool // a value nests deeper than MaxDepth
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

// str reads a string, quotes included, without unescaping it, and checks
// its escapes.
func (p *bodyParser) str() ([]byte, bool) {
	if p.peek() != '"' {
		return nil, false
	}
	data := p.data
	start := p.pos
	for i := start + 1; i < len(data); i++ {
		// Eight bytes at a time through plain text.
		for i+8 <= len(data) {
			x := binary.LittleEndian.Uint64(data[i:])
			if HasLess(x, 0x20) || HasByte(x, '"') || HasByte(x, '\\') {
				break
			}
			i += 8
		}
		if i >= len(data) {
			break
		}
		c := data[i]
		if !stringEnd[c] {
			continue
		}
		switch {
		case c == '"':
			p.pos = i + 1
			return data[start:p.pos], true
		case c == '\\' && i+1 < len(data):
			i++
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(data) || !isHex(data[i+1]) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) {
					return nil, false
				}
				i += 4
			default:
				return nil, false
			}
		default: // a control character, or a backslash at the end
			return nil, false
		}
	}
	return nil, false
}

// stringEnd marks the bytes that end a run of plain string content: the
// quote, the backslash and control characters.
var stringEnd = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (p *bodyParser) int() (int64, bool) {
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
func (p *bodyParser) value() ([]byte, bool) {
	p.space()
	start := p.pos
	if !p.skip(MaxDepth) {
		return nil, false
	}
	return p.data[start:p.pos], true
}

// skip passes over one JSON value at pos, with no space before it, and
// reports whether it is well formed and nests at most depth levels.
func (p *bodyParser) skip(depth int) bool {
	switch c := p.peek(); {
	case c == '"':
		_, ok := p.str()
		return ok
	case c == '{' || c == '[':
		if depth == 0 {
			p.tooDeep = true
			return false
		}
		close := byte('}')
		if c == '[' {
			close = ']'
		}
		p.pos++
		p.space()
		if p.peek() == close {
			p.pos++
			return true
		}
		for {
			if c == '{' {
				if _, ok := p.str(); !ok || !p.expect(':') {
					return false
				}
				p.space()
			}
			if !p.skip(depth - 1) {
				return false
			}
			p.space()
			switch p.peek() {
			case ',':
				p.pos++
				p.space()
			case close:
				p.pos++
				return true
			default:
				return false
			}
		}
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	}
	return false
}

// literal passes over the word lit.
func (p *bodyParser) literal(lit string) bool {
	if len(p.data)-p.pos < len(lit) || string(p.data[p.pos:p.pos+len(lit)]) != lit {
		return false
	}
	p.pos += len(lit)
	return true
}

// number passes over a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *bodyParser) number() bool {
	if p.peek() == '-' {
		p.pos++
	}
	switch c := p.peek(); {
	case c == '0':
		p.pos++
	case c >= '1' && c <= '9':
		p.digits()
	default:
		return false
	}
	if p.peek() == '.' {
		p.pos++
		if !p.digits() {
			return false
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if !p.digits() {
			return false
		}
	}
	return true
}

// digits passes over one or more decimal digits.
func (p *bodyParser) digits() bool {
	start := p.pos
	for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
		p.pos++
	}
	return p.pos > start
}

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
	for first := true; ; first = false {
		p.space()
		if p.peek() == '}' {
			p.pos++
			return ms, true
		}
		if !first && !p.expect(',') {
			return nil, false
		}
		p.space()
		k, ok := p.str()
		if !ok || !p.expect(':') {
			return nil, false
		}
		v, ok := p.value()
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
	m := make(map[string][]byte, len(ms))
	return m, keyStrings(ms, func(i int, key string) { m[key] = ms[i].value })
}

// tokens reads the "t" object: save tokens and their times.
func (p *bodyParser) tokens() (Tokens, bool) {
	p.space()
	if t, n, ok := compactTokens(p.data[p.pos:]); ok {
		p.pos += n
		return t, true
	}
	start := p.pos
	var buf [maxInline]member
	ms, ok := p.members(buf[:])
	if !ok {
		return nil, false
	}
	inner := bytes.TrimSpace(p.data[start+1 : p.pos-1])
	return parseTokens(inner, ms)
}
