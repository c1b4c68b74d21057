package state

import "time"

// The defaults and limits the root package applies and the tools that
// read its cookies and records assume.
const (
	DefaultCookieName    = "session"
	DefaultLifetime      = 31 * 24 * time.Hour
	DefaultMaxCookieSize = 4093 // as Flask
	MaxUserSize          = 256  // the longest user name SetUser accepts, in bytes
)
