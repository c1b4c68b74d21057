package session

import (
	"fmt"

	"github.com/websession/session/internal/state"
)

// Update changes the value under key with fn, which gets the current value
// (ok is false when there is none, or when it cannot be read as a T) and
// returns the new one. With a server-side store the change is atomic with
// respect to the visitor's other requests: when another request saved the
// session first, fn runs again on the newer value before this request's
// commit saves, so concurrent updates such as counters are never lost. fn
// may therefore run more than once; keep it free of side effects.
//
//	session.Update(s, "visits", func(n int, _ bool) int { return n + 1 })
func Update[T any](s *Session, key string, fn func(old T, ok bool) T) error {
	codec := s.m.codec
	if err := s.m.checkKey(key); err != nil {
		return fmt.Errorf("session: Update(%q): %w", key, err)
	}
	apply := func(oldRaw []byte, ok bool) ([]byte, error) {
		var old T
		if ok && codec.UnmarshalTo(oldRaw, &old) != nil {
			var zero T
			old, ok = zero, false
		}
		raw, err := codec.Marshal(fn(old, ok))
		if err != nil {
			return nil, fmt.Errorf("session: Update(%q): %w", key, err)
		}
		return raw, nil
	}
	s.lock()
	defer s.mu.Unlock()
	if err := s.change("Update", key); err != nil {
		return err
	}
	old, ok := s.values.Get(key)
	raw, err := apply(old, ok)
	if err != nil {
		return err
	}
	s.values.Set(key, raw)
	delete(s.decoded, key)
	s.record(key, state.ValueChange{Raw: raw, Update: apply})
	s.modified = true
	return nil
}
