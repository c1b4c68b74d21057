package state

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"strings"
)

// ValueSet holds a session's values by key, each in the codec's encoding:
// those a body held, read in place (each key's text and its value's, in
// sorted key order, found by binary search), and the changes made to them
// since, kept apart. A request that reads one key of forty, or sets one,
// builds no map of the forty, and a body written from it copies the
// unchanged members as they stand. ParseBodyRaw reads a body into one;
// ValuesOf makes one of a map. The zero value holds no values.
type ValueSet struct {
	data    []byte
	spans   []valueSpan // the members read in place, sorted by key
	changed []keyValue  // over spans, sorted by key: the value set, or nil when deleted

	// m holds the values instead, in a ValueSet made by ValuesOf: a format
	// that decodes into a map (Flask's) gets it back as it was, changed.
	m map[string][]byte
}

// keyValue is one key's value in the codec's encoding.
type keyValue struct {
	key string
	raw []byte
}

// valueSpan locates one member in ValueSet.data: the key's text without
// its quotes, and the value's.
type valueSpan struct{ key, keyEnd, value, valueEnd int32 }

// ValuesOf returns a ValueSet holding m, which it then owns.
func ValuesOf(m map[string][]byte) ValueSet { return ValueSet{m: m} }

// change returns where key is in v.changed, or would be inserted.
func (v *ValueSet) change(key string) (int, bool) {
	return slices.BinarySearchFunc(v.changed, key, func(c keyValue, key string) int { return strings.Compare(c.key, key) })
}

// valuesInPlace returns ms, members of data, as a ValueSet, or false when
// a key is not written as AppendJSONString writes it unescaped
// (copyable), the keys are not in strictly increasing order, or data is
// too long for the offsets.
func valuesInPlace(data []byte, ms []member) (ValueSet, bool) {
	if len(data) > math.MaxInt32 {
		return ValueSet{}, false
	}
	spans := make([]valueSpan, len(ms))
	var prev []byte
	for i, m := range ms {
		inner := m.key[1 : len(m.key)-1]
		if !copyable(inner) || (i > 0 && bytes.Compare(inner, prev) <= 0) {
			return ValueSet{}, false
		}
		prev = inner
		k, v := offset(data, inner), offset(data, m.value)
		spans[i] = valueSpan{k, k + int32(len(inner)), v, v + int32(len(m.value))}
	}
	return ValueSet{data: data, spans: spans}, true
}

// members returns the values read in place as the members of their
// object, in buf's storage when they fit.
func (v *ValueSet) members(buf []member) []member {
	for _, s := range v.spans {
		buf = append(buf, member{key: v.data[s.key-1 : s.keyEnd+1], value: v.data[s.value:s.valueEnd]})
	}
	return buf
}

// offset returns where part, a slice of data, starts in data.
func offset(data, part []byte) int32 {
	return int32(cap(data) - cap(part))
}

// Get returns the encoding of key's value.
func (v *ValueSet) Get(key string) ([]byte, bool) {
	if v.m != nil {
		raw, ok := v.m[key]
		return raw, ok
	}
	if i, ok := v.change(key); ok {
		raw := v.changed[i].raw
		return raw, raw != nil
	}
	return v.loaded(key)
}

// loaded returns the value of key as read in place.
func (v *ValueSet) loaded(key string) ([]byte, bool) {
	i, ok := slices.BinarySearchFunc(v.spans, key, func(s valueSpan, key string) int {
		return compareText(v.data[s.key:s.keyEnd], key)
	})
	if !ok {
		return nil, false
	}
	s := v.spans[i]
	return v.data[s.value:s.valueEnd:s.valueEnd], true
}

// compareText compares b with s as strings, without making one.
func compareText(b []byte, s string) int {
	for i := range min(len(b), len(s)) {
		if b[i] != s[i] {
			return cmp.Compare(b[i], s[i])
		}
	}
	return cmp.Compare(len(b), len(s))
}

// Set stores raw, not nil, under key.
func (v *ValueSet) Set(key string, raw []byte) {
	if v.m != nil {
		v.m[key] = raw
		return
	}
	i, ok := v.change(key)
	if ok {
		v.changed[i].raw = raw
		return
	}
	v.changed = slices.Insert(v.changed, i, keyValue{key, raw})
	v.fewChanges()
}

// fewChanges keeps v.changed short: past manyChanges keys, the values move
// to a map, where a change costs no copying of the others.
func (v *ValueSet) fewChanges() {
	if len(v.changed) > manyChanges {
		*v = ValuesOf(v.Map())
	}
}

// Delete removes key and reports whether it held a value.
func (v *ValueSet) Delete(key string) bool {
	if _, ok := v.Get(key); !ok {
		return false
	}
	if v.m != nil {
		delete(v.m, key)
		return true
	}
	i, changed := v.change(key)
	_, loaded := v.loaded(key)
	switch {
	case loaded && changed:
		v.changed[i].raw = nil // hides the loaded value
	case loaded:
		v.changed = slices.Insert(v.changed, i, keyValue{key, nil})
		v.fewChanges()
	default:
		v.changed = slices.Delete(v.changed, i, i+1)
	}
	return true
}

// Clear removes every value.
func (v *ValueSet) Clear() {
	v.data, v.spans, v.changed, v.m = nil, nil, nil, nil
}

// Len returns the number of values.
func (v *ValueSet) Len() int {
	if v.m != nil {
		return len(v.m)
	}
	n := len(v.spans)
	for _, c := range v.changed {
		_, was := v.loaded(c.key)
		switch raw := c.raw; {
		case raw == nil && was:
			n--
		case raw != nil && !was:
			n++
		}
	}
	return n
}

// Keys returns the keys in sorted order.
func (v *ValueSet) Keys() []string {
	keys := make([]string, 0, v.Len())
	v.each(func(key string, _ []byte) { keys = append(keys, key) })
	if len(v.changed) > 0 || v.m != nil {
		slices.Sort(keys)
	}
	return keys
}

// Map returns the values in a new map.
func (v *ValueSet) Map() map[string][]byte {
	m := make(map[string][]byte, v.Len())
	v.each(func(key string, raw []byte) { m[key] = raw })
	return m
}

// each calls fn with every key and its value: those read in place in
// sorted order, their keys sharing one string, then the others.
func (v *ValueSet) each(fn func(key string, raw []byte)) {
	for key, raw := range v.m {
		fn(key, raw)
	}
	n := 0
	for _, s := range v.spans {
		n += int(s.keyEnd - s.key)
	}
	all := make([]byte, 0, n)
	for _, s := range v.spans {
		all = append(all, v.data[s.key:s.keyEnd]...)
	}
	joined := string(all)
	at := 0
	for _, s := range v.spans {
		n := int(s.keyEnd - s.key)
		key := joined[at : at+n]
		at += n
		if _, ok := v.change(key); !ok {
			fn(key, v.data[s.value:s.valueEnd:s.valueEnd])
		}
	}
	for _, c := range v.changed {
		if c.raw != nil {
			fn(c.key, c.raw)
		}
	}
}

// appendMembers appends the values as the members of a JSON object,
// `"k":v,...`, in sorted key order as AppendBody writes them: the
// unchanged ones copied as they stand.
func (v *ValueSet) appendMembers(b []byte) []byte {
	keys := v.changed // sorted
	if v.m != nil {   // no spans then
		keys = make([]keyValue, 0, len(v.m))
		for k, raw := range v.m {
			keys = append(keys, keyValue{k, raw})
		}
		slices.SortFunc(keys, func(a, b keyValue) int { return strings.Compare(a.key, b.key) })
	}
	first := true
	put := func(key []byte, quote string, raw []byte) {
		if !first {
			b = append(b, ',')
		}
		first = false
		if key != nil {
			b = append(b, '"')
			b = append(b, key...)
			b = append(b, '"')
		} else {
			b = AppendJSONString(b, quote)
		}
		b = append(b, ':')
		b = append(b, raw...)
	}
	next := 0 // the first key of keys not written yet
	for _, s := range v.spans {
		key := v.data[s.key:s.keyEnd]
		for next < len(keys) && compareText(key, keys[next].key) > 0 {
			if c := keys[next]; c.raw != nil {
				put(nil, c.key, c.raw)
			}
			next++
		}
		if next < len(keys) && compareText(key, keys[next].key) == 0 {
			if c := keys[next]; c.raw != nil {
				put(nil, c.key, c.raw)
			}
			next++
			continue
		}
		put(key, "", v.data[s.value:s.valueEnd])
	}
	for ; next < len(keys); next++ {
		if c := keys[next]; c.raw != nil {
			put(nil, c.key, c.raw)
		}
	}
	return b
}

// size returns about how many bytes appendMembers writes.
func (v *ValueSet) size() int {
	n := len(v.data)
	for k, raw := range v.m {
		n += len(k) + len(raw) + 4
	}
	for _, c := range v.changed {
		n += len(c.key) + len(c.raw) + 4
	}
	return n
}
