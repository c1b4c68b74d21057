package session

// Get returns the value stored under key in s as a T, and whether there is
// one that can be read as a T. It decodes the stored value into any Go type:
// structs, slices, maps, and integers as int (not float64).
//
//	id, ok := session.Get[int](s, "user_id")
//	cart, _ := session.Get[[]Item](s, "cart")
func Get[T any](s *Session, key string) (T, bool) {
	var zero T
	s.lock()
	defer s.mu.Unlock()
	v, ok := s.get(key)
	if !ok {
		return zero, false
	}
	if t, ok := v.(T); ok {
		return t, true
	}
	var t T
	raw, _ := s.values.Get(key)
	if err := s.m.codec.UnmarshalTo(raw, &t); err != nil {
		return zero, false
	}
	return t, true
}
