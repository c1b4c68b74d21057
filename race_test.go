//go:build race

package session_test

// raceEnabled: the race detector is on, and sync.Pool drops some of what
// it is given, so pooled buffers are not always reused.
const raceEnabled = true
