package filestore

import (
	"log/slog"
	"time"
)

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

// WithNow sets the clock the store decides expiry by: a record is gone
// from the instant now returns its Expires or later, for Load, Save,
// Apply, Touch, Iterate, UserRecords, DeleteUser and DeleteExpired, as
// Run calls it. The default is time.Now; nil also selects it. Tests use
// this to move time forward instead of sleeping. Temporary files are aged
// by the file system's clock, not by now, and Run's interval stays in real
// time.
func WithNow(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}
