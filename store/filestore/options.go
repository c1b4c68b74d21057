package filestore

import "log/slog"

// An Option configures a Store in New.
type Option func(*Store)

// WithLogger sets the logger that reports corrupt session files and files
// DeleteExpired could not remove. The default is slog.Default() as it is
// when New is called. Log records never contain a full key: only its first
// 8 characters.
func WithLogger(l *slog.Logger) Option {
	return func(s *Store) {
		if l != nil {
			s.log = l
		}
	}
}
