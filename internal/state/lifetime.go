package state

import "time"

// MaxClockSkew is how far in the future an issue time may lie before a
// cookie is refused, to allow for clocks of several servers that disagree.
const MaxClockSkew = time.Minute

// Lifetime is how long a session lives: Config's Lifetime, IdleTimeout and
// AbsoluteTimeout, a zero Idle or Absolute meaning no such limit.
type Lifetime struct {
	Max, Idle, Absolute time.Duration
}

// ExpiredAbsolute is why a session past Absolute is refused.
const ExpiredAbsolute = "expired (older than AbsoluteTimeout)"

// Expired returns why a session issued and created at the given times may
// not be used at now, or "" when it may.
func (l Lifetime) Expired(issued, created, now time.Time) string {
	switch {
	case issued.IsZero():
		return "no issue time"
	case issued.After(now.Add(MaxClockSkew)):
		return "issued in the future"
	case now.Sub(issued) > l.Max:
		return "expired (older than Lifetime)"
	case l.Idle > 0 && now.Sub(issued) > l.Idle:
		return "expired (idle longer than IdleTimeout)"
	case l.PastAbsolute(created, now):
		return ExpiredAbsolute
	}
	return ""
}

// PastAbsolute reports whether a session created at created has outlived
// Absolute at now.
func (l Lifetime) PastAbsolute(created, now time.Time) bool {
	return l.Absolute > 0 && !created.IsZero() && now.Sub(created) > l.Absolute
}

// Expiry is when a record of a session created at created, saved at now,
// expires: after Max, or sooner when an idle or absolute limit ends the
// session first.
func (l Lifetime) Expiry(created, now time.Time) time.Time {
	exp := now.Add(l.Max)
	if l.Idle > 0 && now.Add(l.Idle).Before(exp) {
		exp = now.Add(l.Idle)
	}
	if l.Absolute > 0 && !created.IsZero() && created.Add(l.Absolute).Before(exp) {
		exp = created.Add(l.Absolute)
	}
	return exp
}

// RefreshDue reports whether a read-only request at now should move a
// record's expiry from stored to exp. Refreshes are throttled: only when it
// moves the expiry by more than a tenth of the window, at most a minute, so
// a busy session costs one store read per request and a write now and then.
func RefreshDue(stored, exp, now time.Time) bool {
	step := min(exp.Sub(now)/10, time.Minute)
	return exp.Sub(stored) > step
}

// LastSeen refines lastWrite, a record's last write time, with its expiry:
// a read-only request that refreshed the session at or before now moved its
// expiry without rewriting it.
func (l Lifetime) LastSeen(lastWrite, expires, now time.Time) time.Time {
	window := l.Max
	if l.Idle > 0 {
		window = min(window, l.Idle)
	}
	if touched := expires.Add(-window); touched.After(lastWrite) && !touched.After(now) {
		return touched
	}
	return lastWrite
}
