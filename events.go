package session

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/websession/session/internal/cookie"
)

// The kinds of Event that more than one place reports; Event.Kind lists
// them all.
const (
	kindConflictRetried = "conflict_retried"
	kindChangeLost      = "change_lost"
)

// Event is something a Manager reports to Config.OnEvent, for metrics and
// tracing. It never carries a cookie value, a session ID or a secret.
type Event struct {
	// Kind says what happened:
	//   - "created": a new session was saved for the first time (a new
	//     store record, or the first cookie of a session);
	//   - "renewed": a session got a new ID or cookie (Renew, SetUser);
	//   - "destroyed": a session was ended (Destroy);
	//   - "cookie_rejected": a request's session cookie or ID was not
	//     accepted (tampered, expired, revoked, unknown...); Reason says why;
	//   - "conflict_retried": a commit lost a race with another request of
	//     the same visitor and applied its changes again on what that
	//     request saved;
	//   - "store_error": a call to Config.Store or Config.Revocations failed
	//     (ErrNotFound and ErrConflict, normal answers, excepted); Op names
	//     the call and Err holds the error;
	//   - "store_call": a call to Config.Store or Config.Revocations
	//     returned, successfully or not, after Duration; Op names the call;
	//   - "cookie_too_large": a commit was refused because the cookie would
	//     exceed Config.MaxCookieSize (Size bytes);
	//   - "change_lost": a change cannot reach the browser because the
	//     response had started (a change after the commit, refused with
	//     ErrCommitted, or a commit after a framework had already written the
	//     response through a writer of its own).
	Kind string
	// Reason is, for "cookie_rejected", a short fixed code fit for a metric
	// label: "malformed", "invalid" (failed authentication or decoding),
	// "expired", "revoked", "unknown_id", "too_long", "too_many" or
	// "duplicate". Empty for other kinds.
	Reason string
	// Detail is the human-readable explanation, as logged.
	Detail string
	// Op is, for "store_call" and "store_error", the Store method:
	// "load", "save", "apply", "delete" or "touch".
	Op string
	// Duration is, for "store_call", how long the call took.
	Duration time.Duration
	// Err is, for "store_error", the error the store returned.
	Err error
	// Size is, for "cookie_too_large", the size the cookie would have had.
	Size int
	// Context is the context of the request the event happened in.
	Context context.Context
}

// emit reports e to Config.OnEvent, if set.
func (m *Manager) emit(ctx context.Context, e Event) {
	if m.cfg.OnEvent != nil {
		e.Context = ctx
		m.cfg.OnEvent(e)
	}
}

// rejected reports a rejected cookie or ID, with detail classified into a
// short reason code.
func (m *Manager) rejected(ctx context.Context, detail string) {
	if m.cfg.OnEvent != nil {
		m.emit(ctx, Event{Kind: "cookie_rejected", Reason: cookie.RejectReason(detail), Detail: detail})
	}
}

// timed runs one store call named op and reports its latency and any
// failure other than ErrNotFound and ErrConflict.
func (m *Manager) timed(ctx context.Context, op string, call func() error) error {
	if m.cfg.OnEvent == nil {
		return call()
	}
	start := time.Now()
	err := call()
	m.emit(ctx, Event{Kind: "store_call", Op: op, Duration: time.Since(start)})
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict) {
		m.emit(ctx, Event{Kind: "store_error", Op: op, Err: err, Detail: err.Error()})
	}
	return err
}

// sharedLoader is a store that lends its records instead of copying them
// (memstore), so one that keeps them in this process's memory.
type sharedLoader interface {
	LoadShared(context.Context, string) (Record, error)
}

// load is st.Load, observed: LoadShared when the store has it (memstore),
// since the Manager never changes what it loads.
func (m *Manager) load(ctx context.Context, st Store, key string) (rec Record, err error) {
	load := st.Load
	if sh, ok := st.(sharedLoader); ok {
		load = sh.LoadShared
	}
	err = m.timed(ctx, "load", func() error { rec, err = load(ctx, key); return err })
	return rec, err
}

// save, apply, delete and touch are the Store calls, observed.
func (m *Manager) save(ctx context.Context, st Store, key string, rec Record) error {
	return m.timed(ctx, "save", func() error { return st.Save(ctx, key, rec) })
}

func (m *Manager) apply(ctx context.Context, a Applier, key string, ch *Change) (rec Record, err error) {
	err = m.timed(ctx, "apply", func() (err error) { rec, err = a.Apply(ctx, key, ch); return err })
	return rec, err
}

func (m *Manager) delete(ctx context.Context, st Store, key string) error {
	return m.timed(ctx, "delete", func() error { return st.Delete(ctx, key) })
}

func (m *Manager) touch(ctx context.Context, t Toucher, key string, expires time.Time) error {
	return m.timed(ctx, "touch", func() error { return t.Touch(ctx, key, expires) })
}

// committer is a Session as its commitwriter.Writer sees it.
type committer Session

// Commit runs the session's commit for the response writer w and reports
// what it did: the events of the commit, and, loudly, a session whose
// cookie cannot reach the browser because w (a framework's own, as gin's
// c.Writer) had already written the response.
func (c *committer) Commit(w http.ResponseWriter) error {
	s := (*Session)(c)
	before := len(w.Header()["Set-Cookie"])
	err := s.commit()
	if late, ok := w.(interface{ Written() bool }); ok && late.Written() && len(w.Header()["Set-Cookie"]) > before {
		s.m.cfg.Logger.ErrorContext(s.req.Context(), "session: the response was written before the session was committed, through a writer the session middleware does not wrap, so the session cookie was not sent and the session's changes are lost; wrap the framework's writer too (for gin use github.com/websession/session/ginsession)")
		s.m.emit(s.req.Context(), Event{Kind: kindChangeLost, Detail: "committed after the response was written"})
	}
	if s.m.cfg.OnEvent != nil {
		s.m.committed(s, err)
	}
	return err
}

// Failed answers a request whose session could not be saved.
func (c *committer) Failed(w http.ResponseWriter, err error) {
	c.m.cfg.ErrorHandler(w, c.req, err)
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
			m.emit(ctx, Event{Kind: "cookie_too_large", Size: tl.Size, Detail: err.Error()})
		}
		return
	}
	if s.destroyed && !s.isNew {
		m.emit(ctx, Event{Kind: "destroyed"})
	}
	if s.renewed && !s.isNew && !s.destroyed {
		m.emit(ctx, Event{Kind: "renewed"})
	}
	if (s.isNew || s.destroyed) && m.backend.saved(s) {
		m.emit(ctx, Event{Kind: "created"})
	}
}
