package state

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// The body is how the Encrypted and Signed formats and server-side records
// write a State: one JSON object, keys in a fixed order, so a client that can
// read a Signed cookie sees plain JSON:
//
//	{"c":1700000000,"i":1700000300,"p":true,"f":[["message","hi"]],"v":{"cart":[1,2],"user_id":42}}
//
// c is created-at and i issued-at in Unix seconds, p marks a permanent
// session, f holds the flashes and v the values, each in its codec encoding.
// A session bound to a user adds u (the user), l (signed-in-at, Unix
// seconds), n (the nanoseconds of signed-in-at within that second) and, in
// server-side records, a (a browser summary). A cookie session whose
// Manager has Config.Revocations adds r (its random identifier). The record
// a renewed ID leaves behind for Config.RenewGrace adds m (the store key of
// the new record) and s (true when requests with the old ID may use it). A
// server-side record adds t, the save tokens of its latest saves, each with
// its time in Unix seconds.
//
// Fields were added over time, each optional, and readers skip fields they
// do not know: an older version reads what a newer one writes (without
// what it added), and the reverse.

// AppendBody appends the JSON body of st to b.
func AppendBody(b []byte, st *State) []byte {
	b = appendHead(b, st)
	b = append(b, `,"v":{`...)
	if st.Values == nil {
		return append(st.Raw.appendMembers(b), "}}"...)
	}
	var arr [64]string // sessions rarely hold more keys; no allocation then
	keys := arr[:0]
	for k := range st.Values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, k)
		b = append(b, ':')
		b = append(b, st.Values[k]...)
	}
	return append(b, "}}"...)
}

// BodySize returns about how many bytes appendBody writes for st, so a
// buffer can be made at its final size.
func BodySize(st *State) int {
	n := 128 + len(st.User) + len(st.ID) + len(st.Agent) + len(st.MovedTo) + len(st.Tokens)
	for k, v := range st.Values {
		n += len(k) + len(v) + 4
	}
	if st.Values == nil {
		n += st.Raw.size()
	}
	for _, f := range st.Flashes {
		n += len(f.Category) + len(f.Message) + 8
	}
	return n
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func timeOrZero(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0)
}

// AppendJSONString appends s as a JSON string.
func AppendJSONString(b []byte, s string) []byte {
	if plainString(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

// appendHead appends the body of st up to its values: every member but
// "v", which always comes last.
func appendHead(b []byte, st *State) []byte {
	b = append(b, `{"c":`...)
	b = strconv.AppendInt(b, unixOrZero(st.Created), 10)
	b = append(b, `,"i":`...)
	b = strconv.AppendInt(b, unixOrZero(st.Issued), 10)
	if st.Permanent {
		b = append(b, `,"p":true`...)
	}
	if st.User != "" {
		b = append(b, `,"u":`...)
		b = AppendJSONString(b, st.User)
		b = append(b, `,"l":`...)
		b = strconv.AppendInt(b, unixOrZero(st.SignedIn), 10)
		if ns := st.SignedIn.Nanosecond(); ns != 0 {
			b = append(b, `,"n":`...)
			b = strconv.AppendInt(b, int64(ns), 10)
		}
	}
	if st.ID != "" {
		b = append(b, `,"r":`...)
		b = AppendJSONString(b, st.ID)
	}
	if st.Agent != "" {
		b = append(b, `,"a":`...)
		b = AppendJSONString(b, st.Agent)
	}
	if st.MovedTo != "" {
		b = append(b, `,"m":`...)
		b = AppendJSONString(b, st.MovedTo)
		if st.Forward {
			b = append(b, `,"s":true`...)
		}
	}
	if len(st.Tokens) > 0 {
		b = append(b, `,"t":{`...)
		b = append(b, st.Tokens...)
		b = append(b, '}')
	}
	if len(st.Flashes) > 0 {
		b = append(b, `,"f":[`...)
		for i, f := range st.Flashes {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			b = AppendJSONString(b, f.Category)
			b = append(b, ',')
			b = AppendJSONString(b, f.Message)
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	return b
}
