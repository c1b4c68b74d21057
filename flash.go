package session

// Flash adds a one-time message to the session, shown by a later request
// through Flashes, as Flask's flash(). An empty category becomes "message",
// Flask's default.
func (s *Session) Flash(category, message string) error {
	if category == "" {
		category = "message"
	}
	s.lock()
	defer s.mu.Unlock()
	if err := s.change("Flash", ""); err != nil {
		return err
	}
	f := Flash{Category: category, Message: message}
	s.flashes = append(s.flashes, f)
	s.log.FlashesAdded = append(s.log.FlashesAdded, f)
	s.modified = true
	return nil
}

// Flashes returns the waiting flash messages, oldest first, and removes
// them from the session, as Flask's get_flashed_messages(): each message is
// read once. It returns nil when there are none.
func (s *Session) Flashes() []Flash {
	s.lock()
	defer s.mu.Unlock()
	if len(s.flashes) == 0 {
		return nil
	}
	if s.change("Flashes", "") != nil {
		return nil // the removal could not be saved; keep them for the next request
	}
	f := s.flashes
	s.flashes = nil
	s.log.FlashesTaken = s.loadedFlashes
	s.log.FlashesAdded = nil
	s.modified = true
	return f
}
