package state

import (
	"bytes"
	"cmp"
	"slices"
	"strconv"
	"time"
)

// Tokens are the save tokens of a server-side record's latest saves, each
// with the Unix time of its save, oldest first, kept as the record body
// carries them: the inside of its "t" object, `"tok":1700000000,...`. A
// save that a client library sent twice, or whose reply was lost, is
// recognised as applied by its token. Reading a record never decodes them;
// only a save stamps a new one. Each token is plain base64url text, so a
// token is found with one search.
type Tokens []byte

// tokenChar reports whether c may appear in a save token (base64url).
func tokenChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// Has reports whether tok is among the tokens.
func (t Tokens) Has(tok string) bool {
	if len(t) == 0 {
		return false
	}
	needle := make([]byte, 0, len(tok)+3)
	needle = append(needle, '"')
	needle = append(needle, tok...)
	needle = append(needle, '"', ':')
	return bytes.Contains(t, needle)
}

// tokenEntry is one token of Tokens: where its text, `"tok":at`, starts
// and ends, and its time. Offsets, not slices, so a buffer of them holds no
// pointers.
type tokenEntry struct {
	start, end int
	at         int64
}

// entries returns t's tokens and whether they are oldest first. t is well
// formed: ParseBody and Stamp make no other.
func (t Tokens) entries(buf []tokenEntry) (es []tokenEntry, sorted bool) {
	es, sorted = buf[:0], true
	for start := 0; start < len(t); {
		end := bytes.IndexByte(t[start:], ',')
		if end < 0 {
			end = len(t)
		} else {
			end += start
		}
		e := t[start:end]
		at := parseAt(e[bytes.LastIndexByte(e, ':')+1:])
		if n := len(es); n > 0 && es[n-1].at > at {
			sorted = false
		}
		es = append(es, tokenEntry{start, end, at})
		start = end + 1
	}
	return es, sorted
}

// parseAt reads a token's time: an integer of at most 18 digits, perhaps
// negative, as ParseBody admits.
func parseAt(b []byte) int64 {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	var n int64
	for _, c := range b {
		n = n*10 + int64(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

// Stamp returns the tokens with tok added at now, dropping tokens older
// than keep and, past maxTokens (at least one), the oldest. t is not
// changed.
func (t Tokens) Stamp(tok string, now time.Time, keep time.Duration, maxTokens int) Tokens {
	maxTokens = max(maxTokens, 1)
	oldest := now.Add(-keep).Unix()
	var buf [80]tokenEntry
	es, sorted := t.entries(buf[:])
	if !sorted {
		// Written in another order (by an earlier version): oldest first
		// from now on.
		slices.SortStableFunc(es, func(a, b tokenEntry) int { return cmp.Compare(a.at, b.at) })
	}
	kept := es[:0]
	for _, e := range es {
		if e.at >= oldest {
			kept = append(kept, e)
		}
	}
	kept = kept[max(len(kept)-(maxTokens-1), 0):]
	size := len(tok) + 24
	for _, e := range kept {
		size += e.end - e.start + 1
	}
	out := make(Tokens, 0, size)
	for _, e := range kept {
		out = append(out, t[e.start:e.end]...)
		out = append(out, ',')
	}
	out = append(out, '"')
	out = append(out, tok...)
	out = append(out, '"', ':')
	return strconv.AppendInt(out, now.Unix(), 10)
}

// compactTokens reads a "t" object at the start of b as this version
// writes it, `{"tok":1700000000,...}` with plain tokens, integer times and
// no space, and returns its inside and its length. Anything else is left
// to the general reader (ok false).
func compactTokens(b []byte) (t Tokens, n int, ok bool) {
	if len(b) < 2 || b[0] != '{' {
		return nil, 0, false
	}
	if b[1] == '}' {
		return nil, 2, true
	}
	for i := 1; ; i++ {
		if i >= len(b) || b[i] != '"' {
			return nil, 0, false
		}
		start := i + 1
		for i = start; i < len(b) && tokenChar(b[i]); i++ {
		}
		if i == start || i+1 >= len(b) || b[i] != '"' || b[i+1] != ':' {
			return nil, 0, false
		}
		i += 2
		if i < len(b) && b[i] == '-' {
			i++
		}
		digits := i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		}
		if n := i - digits; n == 0 || n > 18 || (n > 1 && b[digits] == '0') || i >= len(b) {
			return nil, 0, false
		}
		if b[i] == '}' {
			return Tokens(b[1:i]), i + 1, true
		}
		if b[i] != ',' {
			return nil, 0, false
		}
	}
}

// parseTokens checks the members of a body's "t" object and returns them
// as Tokens: as they stand when every key is a plain token and every value
// an integer, as written; else rebuilt of the members that are, in order.
func parseTokens(inner []byte, ms []member) (Tokens, bool) {
	plain := true
	for _, mb := range ms {
		if _, err := strconv.ParseInt(string(mb.value), 10, 64); err != nil {
			return nil, false
		}
		k := mb.key[1 : len(mb.key)-1]
		for i := range k {
			if !tokenChar(k[i]) {
				plain = false
			}
		}
	}
	if plain && len(inner) == expectedLen(ms) {
		return Tokens(inner), true
	}
	var out Tokens
	for _, mb := range ms {
		k := mb.key[1 : len(mb.key)-1]
		if bytes.ContainsFunc(k, func(r rune) bool { return r > 0x7f || !tokenChar(byte(r)) }) {
			continue // not a save token: nothing to recognise
		}
		if len(out) > 0 {
			out = append(out, ',')
		}
		out = append(out, mb.key...)
		out = append(out, ':')
		out = append(out, mb.value...)
	}
	return out, true
}

// expectedLen is the length of ms written compactly, `"k":v,"k":v`.
func expectedLen(ms []member) int {
	n := max(len(ms)-1, 0)
	for _, mb := range ms {
		n += len(mb.key) + 1 + len(mb.value)
	}
	return n
}
