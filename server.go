package session

// serverState is what a server-side session adds to a Session.
type serverState struct{}

func (s *Session) loadServer() {}

func (s *Session) commitServer() error { return ErrNotSupported }
