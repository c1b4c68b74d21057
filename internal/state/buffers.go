package state

import (
	"slices"
	"sync"
	"time"
)

// Cookies are sealed and opened in pooled buffers. A buffer a cookie was
// sealed in goes back as soon as its encoding is written; one a cookie was
// opened in is lent with the State whose values are read in place from it
// (State.Lent), and goes back when the request that read it is over
// (Loan.GiveBack). A read-only request then allocates nothing the size
// of its cookie.

// buffers holds the pooled buffers.
var buffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooled is the largest buffer kept for the next cookie: the largest
// cookie a browser keeps, with room for a format's overhead.
const maxPooled = 8 << 10

// GetBuffer returns an empty pooled buffer of at least n bytes' capacity.
func GetBuffer(n int) *[]byte {
	p := buffers.Get().(*[]byte)
	if cap(*p) < n {
		*p = make([]byte, 0, max(n, 512))
	}
	*p = (*p)[:0]
	return p
}

// PutBuffer returns p to the pool, unless it grew too large to keep. Nothing
// may read or write p's storage after.
func PutBuffer(p *[]byte) {
	if cap(*p) <= maxPooled {
		buffers.Put(p)
	}
}

// Lend records that st's values were read in place from p, a buffer from
// GetBuffer, when cookie was opened, and returns st: its holder gives p
// back once it reads them no more. A State whose values were made into a
// map (State.Values) keeps slices of p in it, so p is then its own and
// lent to no one.
func (st *State) Lend(p *[]byte, cookie string) *State {
	if st.Values == nil {
		st.Lent = Loan{Buffer: p, Cookie: cookie}
	}
	return st
}

// Loan is the buffer a session's values are read in place from, lent by
// the format that opened its cookie (State.Lent), and the cookie. The
// zero Loan lends nothing.
type Loan struct {
	Buffer *[]byte
	Cookie string
}

// GiveBack returns the lent buffer to the pool and detaches v, the values
// read from it: v remembers where each value was, keeps the changes made
// to it, and reads nothing until Reopen. The Manager calls it when the
// handler has returned, so a read-only request allocates nothing the size
// of its cookie. Values no longer read in place (moved to a map of slices
// of the buffer, or cleared) keep the buffer: it is not given back.
func (l *Loan) GiveBack(v *ValueSet) {
	if l.Buffer == nil || v.data == nil {
		return
	}
	v.data = nil
	PutBuffer(l.Buffer)
	l.Buffer = nil
}

// Detached reports whether v was given back and waits for Reopen.
func (v *ValueSet) Detached() bool { return v.data == nil && len(v.spans) > 0 }

// Reopen gives a detached v its text again: the cookie, opened anew by s,
// reads as it did (its keys do not change while a Manager runs). Were it
// not to, v would be left without the values it read in place.
func (l *Loan) Reopen(v *ValueSet, s Sealer, now time.Time) {
	st, err := s.Open(l.Cookie, now)
	if err != nil || st.Values != nil || !slices.Equal(st.Raw.spans, v.spans) {
		v.spans = nil
		return
	}
	v.data = st.Raw.data
}
