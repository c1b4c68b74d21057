package memstore

import (
	"container/heap"
	"context"
	"errors"
	"fmt"

	session "github.com/websession/session"
)

var _ session.Applier = (*Store)(nil)

// Apply applies ch to the live record under key, under the store's lock:
// concurrent changes to one session never conflict, unless ch expects a
// key to hold a value it no longer holds. See session.Applier. The tokens
// of its latest changes (ch.TokensKept of them) are kept beside the
// record, not in its body (see recentTokens).
func (s *Store) Apply(ctx context.Context, key string, ch *session.Change) (session.Record, error) {
	if err := check(ctx, key); err != nil {
		return session.Record{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	e := s.live(key, now)
	if e == nil {
		return session.Record{}, session.ErrNotFound
	}
	tok := s.tokenHash(ch.Token)
	if e.tokens != nil && e.tokens.has(tok) {
		return session.Record{Version: e.version}, nil
	}
	untracked := *ch
	untracked.Token = ""
	// Applied only with a token. When e.data is still the record the
	// request loaded (LoadShared lends the very bytes), Merge splices what
	// the request read then instead of reading it again.
	data, _, err := untracked.Merge(e.data)
	if err != nil {
		if errors.Is(err, session.ErrConflict) {
			return e.record(), err
		}
		return session.Record{}, fmt.Errorf("memstore: apply: %w", err)
	}
	if !now.Before(ch.Expires) {
		s.remove(e)
		return session.Record{Version: e.version + 1}, nil
	}
	e.data = data
	e.expires = ch.Expires
	e.version++
	if e.tokens == nil {
		e.tokens = new(recentTokens)
	}
	e.tokens.add(tok, max(ch.TokensKept, 1))
	heap.Fix(&s.byExpiry, e.index)
	s.used(e)
	return session.Record{Version: e.version}, nil
}
