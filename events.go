package session

import (
	"context"
	"errors"
	"strings"
	"time"
)

// EventKind says what an Event reports.
type EventKind uint8

// The kinds of Event a Manager reports to Config.OnEvent.
const (
	// SessionCreated: a new session was saved for the first time (a new
	// store record, or the first cookie of a session).
	SessionCreated EventKind = iota + 1
	// SessionRenewed: a session got a new ID or cookie (Renew, SetUser).
	SessionRenewed
	// SessionDestroyed: a session was ended (Destroy).
	SessionDestroyed
	// CookieRejected: a request's session cookie or ID was not accepted
	// (tampered, expired, revoked, unknown...). Event.Reason says why.
	CookieRejected
	// ConflictRetried: a commit lost a race with another request of the
	// same visitor and applied its changes again on what that request
	// saved.
	ConflictRetried
	// StoreError: a call to Config.Store or Config.Revocations failed
	// (ErrNotFound and ErrConflict, which are normal answers, excepted).
	// Event.Op names the call and Event.Err holds the error.
	StoreError
	// StoreCall: a call to Config.Store or Config.Revocations returned,
	// successfully or not, after Event.Duration. Event.Op names the call.
	StoreCall
	// CookieTooLarge: a commit was refused because the cookie would exceed
	// Config.MaxCookieSize (Event.Size bytes).
	CookieTooLarge
	// ChangeLost: a change to the session cannot reach the browser because
	// the response had started: a change after the commit (refused with
	// ErrCommitted), or a session committed after a framework had already
	// written the response through a writer of its own.
	ChangeLost
)

var eventNames = [...]string{
	SessionCreated:   "created",
	SessionRenewed:   "renewed",
	SessionDestroyed: "destroyed",
	CookieRejected:   "cookie_rejected",
	ConflictRetried:  "conflict_retried",
	StoreError:       "store_error",
	StoreCall:        "store_call",
	CookieTooLarge:   "cookie_too_large",
	ChangeLost:       "change_lost",
}

// String returns the kind's name in snake case, fit for a metric label:
// "created", "renewed", "destroyed", "cookie_rejected", "conflict_retried",
// "store_error", "store_call", "cookie_too_large" or "change_lost".
func (k EventKind) String() string {
	if int(k) < len(eventNames) && eventNames[k] != "" {
		return eventNames[k]
	}
	return "unknown"
}

// Event is something a Manager reports to Config.OnEvent, for metrics and
// tracing. It never carries a cookie value, a session ID or a secret.
type Event struct {
	// Kind says what happened.
	Kind EventKind
	// Reason is, for CookieRejected, a short fixed code fit for a metric
	// label: "malformed", "invalid" (failed authentication or decoding),
	// "expired", "revoked", "unknown_id", "too_long", "too_many" or
	// "duplicate". Empty for other kinds.
	Reason string
	// Detail is the human-readable explanation, as logged.
	Detail string
	// Op is, for StoreCall and StoreError, the Store method: "load",
	// "save", "delete" or "touch".
	Op string
	// Duration is, for StoreCall, how long the call took.
	Duration time.Duration
	// Err is, for StoreError, the error the store returned.
	Err error
	// Size is, for CookieTooLarge, the size the cookie would have had.
	Size int
	// Context is the context of the request the event happened in.
	Context context.Context
}

// emit reports e to Config.OnEvent, if set.
func (m *Manager) emit(ctx context.Context, e Event) {
	if m.cfg.OnEvent == nil {
		return
	}
	e.Context = ctx
	m.cfg.OnEvent(e)
}

// rejected reports a rejected cookie or ID, with detail classified into a
// short reason code.
func (m *Manager) rejected(ctx context.Context, detail string) {
	if m.cfg.OnEvent == nil {
		return
	}
	m.emit(ctx, Event{Kind: CookieRejected, Reason: rejectReason(detail), Detail: detail})
}

// rejectReason maps the text logged for a rejected cookie to a short code.
func rejectReason(detail string) string {
	for _, r := range [...]struct{ text, code string }{
		{"unknown or expired session ID", "unknown_id"},
		{"revoked", "revoked"},
		{"expired", "expired"},
		{"malformed", "malformed"},
		{"longer than", "too_long"},
		{"session cookies in one request", "too_many"},
		{"more than one", "duplicate"},
	} {
		if strings.Contains(detail, r.text) {
			return r.code
		}
	}
	return "invalid"
}

// timed runs one store call named op and reports its latency and any
// failure other than ErrNotFound and ErrConflict.
func (m *Manager) timed(ctx context.Context, op string, call func() error) error {
	if m.cfg.OnEvent == nil {
		return call()
	}
	start := time.Now()
	err := call()
	m.emit(ctx, Event{Kind: StoreCall, Op: op, Duration: time.Since(start)})
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict) {
		m.emit(ctx, Event{Kind: StoreError, Op: op, Err: err, Detail: err.Error()})
	}
	return err
}

// load is st.Load, observed.
func (m *Manager) load(ctx context.Context, st Store, key string) (rec Record, err error) {
	err = m.timed(ctx, "load", func() error { rec, err = st.Load(ctx, key); return err })
	return rec, err
}

// save is st.Save, observed.
func (m *Manager) save(ctx context.Context, st Store, key string, rec Record) error {
	return m.timed(ctx, "save", func() error { return st.Save(ctx, key, rec) })
}

// delete is st.Delete, observed.
func (m *Manager) delete(ctx context.Context, st Store, key string) error {
	return m.timed(ctx, "delete", func() error { return st.Delete(ctx, key) })
}

// touch is t.Touch, observed.
func (m *Manager) touch(ctx context.Context, t Toucher, key string, expires time.Time) error {
	return m.timed(ctx, "touch", func() error { return t.Touch(ctx, key, expires) })
}

// commit runs the session's commit for the response writer and reports
// what it did: the events of the commit, and, loudly, a session whose
// cookie cannot reach the browser because the writer beneath (a
// framework's own, as gin's c.Writer) had already written the response.
func (w *responseWriter) commit() error {
	s := w.s
	before := len(w.Header()["Set-Cookie"])
	err := s.commit()
	if late, ok := w.ResponseWriter.(interface{ Written() bool }); ok && late.Written() && len(w.Header()["Set-Cookie"]) > before {
		s.m.cfg.Logger.ErrorContext(s.req.Context(), "session: the response was written before the session was committed, through a writer the session middleware does not wrap, so the session cookie was not sent and the session's changes are lost; wrap the framework's writer too (for gin use github.com/websession/session/ginsession)")
		s.m.emit(s.req.Context(), Event{Kind: ChangeLost, Detail: "committed after the response was written"})
	}
	if s.m.cfg.OnEvent != nil {
		s.m.committed(s, err)
	}
	return err
}

// committed reports the events of a finished commit of s.
func (m *Manager) committed(s *Session, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx := s.req.Context()
	if !s.loaded {
		return
	}
	if err != nil {
		if tl := (*CookieTooLargeError)(nil); errors.As(err, &tl) {
			m.emit(ctx, Event{Kind: CookieTooLarge, Size: tl.Size, Detail: err.Error()})
		}
		return
	}
	if s.destroyed && !s.isNew {
		m.emit(ctx, Event{Kind: SessionDestroyed})
	}
	if s.renewed && !s.isNew && !s.destroyed {
		m.emit(ctx, Event{Kind: SessionRenewed})
	}
	if (s.isNew || s.destroyed) && s.saved() {
		m.emit(ctx, Event{Kind: SessionCreated})
	}
}

// saved reports whether a successful commit left the session stored: a
// record in the store, or a cookie that carries it.
func (s *Session) saved() bool {
	if s.superseded() {
		return false
	}
	if s.m.cfg.Store != nil {
		return s.server.key != ""
	}
	return s.modified && (len(s.values) > 0 || len(s.flashes) > 0 || s.user != "")
}
