package memstore

import "hash/maphash"

// recentTokens remembers the save tokens of the latest changes Apply made
// to one record, so a change delivered twice is applied once. They are
// kept beside the record, not in its body as other stores keep them: a
// call in the same process is never sent twice by a client library nor
// loses its reply, so the Manager never reads them back, and a body
// without them is cheaper to load and to change. Each token is kept as a
// 64-bit hash under the store's seed.
type recentTokens struct {
	hashes []uint64 // a ring: the newest at next-1
	next   int
}

// has reports whether h is among the remembered tokens.
func (r *recentTokens) has(h uint64) bool {
	for _, x := range r.hashes {
		if x == h {
			return true
		}
	}
	return false
}

// add remembers h, forgetting the oldest token when max are kept.
func (r *recentTokens) add(h uint64, max int) {
	if len(r.hashes) < max {
		r.hashes = append(r.hashes, h)
		return
	}
	r.next %= len(r.hashes)
	r.hashes[r.next] = h
	r.next++
}

// tokenHash returns the hash under which s remembers tok.
func (s *Store) tokenHash(tok string) uint64 {
	return maphash.String(s.seed, tok)
}
