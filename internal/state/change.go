package state

import (
	"bytes"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/websession/session/internal/jsonscan"
)

// Change is one request's changes to a stored session, key by key, as an
// Applier applies them. Stores that run Go code under their lock call
// Merge; others (a script in the database) follow the same rules, which
// are those of Merge's documentation.
type Change struct {
	// Token is the save token of this change, unique to it. The record
	// keeps the tokens of its latest changes, so a duplicate is known.
	// Merge leaves the tokens alone when Token is "": a store that keeps
	// the tokens of its changes beside the record calls it so.
	Token string
	// Now is when the change is made; the record's issued-at becomes Now
	// and its tokens are stamped with it.
	Now time.Time
	// Expires is the record's new expiry.
	Expires time.Time
	// TokenAge is how long a token is kept at least; TokensKept is how many
	// of the newest tokens a record keeps. A store may keep a few more, or
	// keep them a while longer, to write them less often (redisstore).
	TokenAge   time.Duration
	TokensKept int

	// Clear removes every value and flash before the rest is applied.
	Clear bool
	// Set lists the new values, each key's encoding by the Manager's
	// codec. The Manager lists them sorted by key, each key once; Merge
	// and SortedSet take them in any order, the last of a repeated key
	// winning.
	Set []KeyValue
	// Delete lists keys to remove.
	Delete []string
	// Expect holds, by key, the value a key must still hold for the change
	// to apply (nil: the key must be missing): the keys an Update read.
	Expect map[string][]byte
	// Recompute, when not nil, gives the values of the keys of Expect
	// anew from the current values (nil for a missing key). Merge then
	// runs it, under the store's lock, instead of checking Expect, so a
	// store that runs Go code under its lock never reports a conflict on
	// a value. A store that edits the record elsewhere (a script in the
	// database) checks Expect and ignores Recompute.
	Recompute func(current map[string][]byte) (map[string][]byte, error)
	// FlashesTaken is how many of the oldest flashes were shown and go;
	// Flashes are added after the rest.
	FlashesTaken int
	Flashes      []Flash
	// Permanent, when not nil, is the session's new permanence.
	Permanent *bool

	// Loaded is the record body the request loaded, at LoadedVersion;
	// nil when it is not known. A store that edits bodies elsewhere (a
	// script in the database) may send MergeLoaded's body along and write
	// it when the stored version is still LoadedVersion, without reading
	// the stored body: the change then applies to the very body Merge
	// read. Stores that run Go under their lock ignore them.
	Loaded        []byte
	LoadedVersion uint64
	parsed        *State // ParseBodyRaw(Loaded), when known (SetLoaded)

	setBuf [2]KeyValue // Set, when it fits: most requests change a key or two
}

// KeyValue is one value a Change sets: the key and its encoding by the
// Manager's codec.
type KeyValue struct {
	Key   string
	Value []byte
}

// SortedSet returns Set sorted by key, each key once: the last value of a
// key Set repeats. It is Set itself when Set is so already, as the Manager
// makes it.
func (c *Change) SortedSet() []KeyValue {
	for i := 1; i < len(c.Set); i++ {
		if c.Set[i-1].Key >= c.Set[i].Key {
			return sortKeyValues(slices.Clone(c.Set))
		}
	}
	return c.Set
}

// sortKeyValues sorts kvs by key and drops all but the last of each key.
func sortKeyValues(kvs []KeyValue) []KeyValue {
	slices.SortStableFunc(kvs, func(a, b KeyValue) int { return strings.Compare(a.Key, b.Key) })
	out := kvs[:0]
	for i, kv := range kvs {
		if i+1 < len(kvs) && kvs[i+1].Key == kv.Key {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// SetLoaded sets Loaded and LoadedVersion, with parsed, when not nil, the
// State that ParseBodyRaw read from body, which Merge then uses instead of
// reading body again (parsed is not changed).
func (c *Change) SetLoaded(body []byte, version uint64, parsed *State) {
	c.Loaded, c.LoadedVersion, c.parsed = body, version, parsed
}

// MergeLoaded returns Merge(c.Loaded), the body to store when the stored
// version is still c.LoadedVersion. ok is false when nothing is loaded or
// the change cannot be applied to it (a conflict, or c.Token already
// there): apply it to the stored body then.
func (c *Change) MergeLoaded() (body []byte, ok bool) {
	if c.Loaded == nil || c.LoadedVersion == 0 {
		return nil, false
	}
	out, applied, err := c.Merge(c.Loaded)
	if err != nil || applied {
		return nil, false
	}
	return out, true
}

// Merge applies the change to data, a record body as the Manager writes
// it, and returns the new body. It reports applied, and returns data
// unchanged, when data already carries c.Token. It returns ErrConflict when
// a key of c.Expect holds another value (unless c.Recompute gives the
// keys' values anew), or when the record marks a
// renewed or ended session (such records are handled by the Manager).
//
// The rules: a record that carries the token is left alone; with Clear,
// every value and flash goes; otherwise the first FlashesTaken flashes go;
// Set and Delete change their keys; Flashes are appended; Permanent, when
// set, replaces the permanence; issued-at becomes Now; the token is added
// at Now, dropping tokens older than TokenAge and, past TokensKept, the
// oldest. Every other field is kept.
func (c *Change) Merge(data []byte) (out []byte, applied bool, err error) {
	if len(c.Expect) == 0 && !c.Clear {
		if p := c.parsed; p != nil && p.Values == nil && p.Raw.changed == nil && len(data) > 0 &&
			len(data) == len(c.Loaded) && &data[0] == &c.Loaded[0] {
			// data is Loaded, read at load time: splice what was read.
			var buf [maxInline]member
			st := *p
			if out, applied, ok, err := c.spliceRead(data, &st, p.Raw.members(buf[:0])); ok {
				return out, applied, err
			}
		}
		if out, applied, ok, err := c.splice(data); ok {
			return out, applied, err
		}
	}
	return c.mergeAll(data)
}

// mergeAll is Merge by the general path: the values made into a map,
// changed, and written again.
func (c *Change) mergeAll(data []byte) (out []byte, applied bool, err error) {
	st, err := ParseBody(data)
	if err != nil {
		return nil, false, err
	}
	if c.Token != "" && st.Tokens.Has(c.Token) {
		return data, true, nil
	}
	if st.MovedTo != "" {
		return nil, false, ErrConflict
	}
	var fresh map[string][]byte // the values Recompute gives, which win over Set's
	if c.Recompute != nil && len(c.Expect) > 0 {
		if fresh, err = c.Recompute(st.Values); err != nil {
			return nil, false, err
		}
	} else {
		for k, want := range c.Expect {
			got, ok := st.Values[k]
			if ok != (want != nil) || !bytes.Equal(got, want) {
				return nil, false, ErrConflict
			}
		}
	}
	if c.Clear {
		clear(st.Values)
		st.Flashes = nil
	} else {
		st.Flashes = st.Flashes[min(c.FlashesTaken, len(st.Flashes)):]
	}
	for _, k := range c.Delete {
		delete(st.Values, k)
	}
	for _, kv := range c.Set {
		st.Values[kv.Key] = kv.Value
	}
	for k, raw := range fresh {
		st.Values[k] = raw
	}
	st.Flashes = append(st.Flashes, c.Flashes...)
	if c.Permanent != nil {
		st.Permanent = *c.Permanent
	}
	st.Issued = c.Now
	if c.Token != "" {
		st.Tokens = st.Tokens.Stamp(c.Token, c.Now, c.TokenAge, c.TokensKept)
	}
	return AppendBody(nil, st), false, nil
}

// splice is Merge for a change that reads no key and clears nothing, the
// change of almost every request: the record's values are not made into a
// map, sorted and written again, but copied member by member as they
// stand, with the keys of Set put in their sorted places and the keys of
// Delete left out. It gives the bytes the general path gives. It reports
// ok false, and Merge takes the general path, for values it cannot copy
// so: a key written with escapes, or keys out of order.
func (c *Change) splice(data []byte) (out []byte, applied bool, ok bool, err error) {
	var buf [maxInline]member
	p := bodyParser{jsonscan.Scanner{Data: data}}
	st, raw, err := p.body(new(State), buf[:0])
	if err != nil {
		if p.Fault == jsonscan.TooDeep {
			err = errTooDeep
		}
		return nil, false, true, err
	}
	return c.spliceRead(data, st, raw)
}

// spliceRead is splice on data already read: st its State (which it
// changes) and raw the members of its values.
func (c *Change) spliceRead(data []byte, st *State, raw []member) (out []byte, applied bool, ok bool, err error) {
	if c.Token != "" && st.Tokens.Has(c.Token) {
		return data, true, true, nil
	}
	if st.MovedTo != "" {
		return nil, false, true, ErrConflict
	}
	set := c.SortedSet()
	st.Flashes = st.Flashes[min(c.FlashesTaken, len(st.Flashes)):]
	if len(c.Flashes) > 0 {
		st.Flashes = slices.Concat(st.Flashes, c.Flashes) // a new array: st's may be shared
	}
	if c.Permanent != nil {
		st.Permanent = *c.Permanent
	}
	st.Issued = c.Now
	if c.Token != "" {
		st.Tokens = st.Tokens.Stamp(c.Token, c.Now, c.TokenAge, c.TokensKept)
	}
	size := len(data) + len(c.Token) + 32
	for _, kv := range set {
		size += len(kv.Key) + len(kv.Value) + 8
	}
	b := appendHead(make([]byte, 0, size), st)
	b = append(b, `,"v":{`...)
	first := true
	var prev []byte
	put := func(key []byte, quote string, value []byte) {
		if !first {
			b = append(b, ',')
		}
		first = false
		if key != nil {
			b = append(b, key...)
		} else {
			b = AppendJSONString(b, quote)
		}
		b = append(b, ':')
		b = append(b, value...)
	}
	next := 0 // the first value of set not written yet
	for i, m := range raw {
		inner := m.key[1 : len(m.key)-1]
		if !copyable(inner) || (i > 0 && bytes.Compare(inner, prev) <= 0) {
			return nil, false, false, nil
		}
		prev = inner
		for next < len(set) && set[next].Key < string(inner) {
			put(nil, set[next].Key, set[next].Value)
			next++
		}
		switch {
		case next < len(set) && set[next].Key == string(inner):
			put(m.key, "", set[next].Value)
			next++
		case !c.deletes(inner):
			put(m.key, "", m.value)
		}
	}
	for ; next < len(set); next++ {
		put(nil, set[next].Key, set[next].Value)
	}
	return append(b, "}}"...), false, true, nil
}

// copyable reports whether inner is the text of a key as AppendJSONString
// writes it, so splice may copy it and compare it with Set's keys as it
// stands: no escapes, nothing written escaped (control characters, <, >,
// &, U+2028, U+2029), valid UTF-8.
func copyable(inner []byte) bool {
	for i := 0; i < len(inner); {
		c := inner[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(inner[i:])
		if r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += n
	}
	return true
}

// deletes reports whether Delete holds the key whose text is inner.
func (c *Change) deletes(inner []byte) bool {
	for _, d := range c.Delete {
		if d == string(inner) {
			return true
		}
	}
	return false
}

// Quote returns s as a JSON string, written as the Manager writes keys,
// flash categories and messages in a record body, so that a store that
// edits bodies as text (a script in the database) finds the key it
// changes.
func (*Change) Quote(s string) []byte {
	return AppendJSONString(nil, s)
}

// Joinable reports whether c may be joined with other changes into one
// (Join): it sets and deletes keys only, expecting nothing, clearing
// nothing, taking or adding no flash and leaving the permanence.
func (c *Change) Joinable() bool {
	return len(c.Expect) == 0 && !c.Clear && c.FlashesTaken == 0 && len(c.Flashes) == 0 && c.Permanent == nil
}

// Join returns one change that does what the joinable changes chs do
// applied in turn: each key set or deleted as the last of them left it,
// the latest Now and Expires, and a token of its own, so a duplicate of
// the joined change is known like any other. A single change is returned
// as it is.
func Join(chs []*Change) (*Change, error) {
	if len(chs) == 1 {
		return chs[0], nil
	}
	tok, err := NewToken()
	if err != nil {
		return nil, err
	}
	first := chs[0]
	j := &Change{Token: tok, Now: first.Now, Expires: first.Expires, TokenAge: first.TokenAge, TokensKept: first.TokensKept}
	set := make(map[string][]byte)
	deleted := make(map[string]bool)
	for _, c := range chs {
		if c.Now.After(j.Now) {
			j.Now = c.Now
		}
		if c.Expires.After(j.Expires) {
			j.Expires = c.Expires
		}
		for _, k := range c.Delete {
			delete(set, k)
			deleted[k] = true
		}
		for _, kv := range c.Set {
			set[kv.Key] = kv.Value
			delete(deleted, kv.Key)
		}
	}
	for k, v := range set {
		j.Set = append(j.Set, KeyValue{k, v})
	}
	sortKeyValues(j.Set)
	for k := range deleted {
		j.Delete = append(j.Delete, k)
	}
	slices.Sort(j.Delete)
	return j, nil
}
