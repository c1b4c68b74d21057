package session

import (
	"fmt"
	"time"

	"github.com/websession/session/internal/cookie"
	"github.com/websession/session/internal/revocation"
	"github.com/websession/session/internal/seal"
	"github.com/websession/session/internal/state"
)

// cookieSessions keeps the whole session in its cookie, sealed by
// Config.Format. Ending a signed-in session is recorded in
// Config.Revocations (users.go), since a copied cookie cannot be deleted.
type cookieSessions struct {
	m      *Manager
	sealer state.Sealer
	into   state.IntoOpener // the sealer, when it opens into a Session's State; else nil
}

// newCookieSessions checks the secrets and binds the cookie format.
func newCookieSessions(m *Manager) (*cookieSessions, error) {
	cfg := m.cfg
	if err := seal.CheckSecrets(cfg.Secret, cfg.OldSecrets); err != nil {
		return nil, err
	}
	format := cfg.Format
	if format == nil {
		format = Encrypted
	}
	if f, ok := format.(configuredFormat); ok {
		var err error
		if format, err = f.ForConfig(cfg.Config); err != nil {
			return nil, fmt.Errorf("session: Config.Format: %w", err)
		}
	}
	p := state.Params{Secret: cfg.Secret, OldSecrets: cfg.OldSecrets, CookieName: cfg.Cookie.Name, Lifetime: cfg.Lifetime}
	sealer, err := format.Bind(p)
	if err != nil {
		return nil, fmt.Errorf("session: setting up the cookie format: %w", err)
	}
	m.codec = sealer
	into, _ := sealer.(state.IntoOpener)
	return &cookieSessions{m: m, sealer: sealer, into: into}, nil
}

func (c *cookieSessions) formatName() string { return c.sealer.Name() }
func (c *cookieSessions) replays() bool      { return false }

// load opens the request's session cookies. The cookies with the session's
// name are tried in order, up to maxSessionCookies, and the first valid one
// wins; the others are logged. A cookie that cannot be opened gives an
// empty session and a security event, never an error for the visitor.
func (c *cookieSessions) load(s *Session) {
	cfg := c.m.cfg
	now := cfg.Now()
	var st *state.State
	var status revocation.Status
	n := 0
	for value := range cookie.Values(s.req, cfg.Cookie.Name) {
		s.hadCookie = true
		if value == "" {
			continue // what a deletion cookie leaves behind in some clients
		}
		if n++; n > maxSessionCookies {
			s.securityEvent(tooManyCookies)
			break
		}
		if len(value) > cfg.MaxCookieSize {
			s.securityEvent("cookie longer than MaxCookieSize")
			continue
		}
		var opened *state.State
		var err error
		if c.into != nil && st == nil { // else the State holds the cookie opened first
			opened, err = c.into.OpenInto(&s.opened, value, now)
		} else {
			opened, err = c.sealer.Open(value, now)
		}
		if err != nil {
			s.securityEvent(err.Error())
			continue
		}
		if reason := c.m.cfg.lifetime.Expired(opened.Issued, opened.Created, now); reason != "" {
			s.securityEvent(reason)
			continue
		}
		if st != nil {
			s.securityEvent("more than one valid session cookie; the first is used")
			continue
		}
		if cfg.Revocations != nil && opened.User != "" { // else nothing to look up
			ctx := c.m.storeContext(s.req.Context())
			status, err = c.m.revocationOf(ctx, opened, now)
			ctx.Stop()
		}
		if err != nil {
			s.loadErr = err
			s.isNew = true
			return
		}
		if status == revocation.Revoked {
			s.securityEvent("revoked: the session was ended (log-out, renewal, or all of the user's sessions)")
			continue
		}
		st = opened
	}
	if st == nil {
		s.isNew = true
		return
	}
	s.adopt(st)
	s.retiring = status == revocation.Retiring
	if cfg.AbsoluteTimeout > 0 && st.Created.IsZero() {
		// A session this Manager has not seen before (one a Flask app
		// began): AbsoluteTimeout counts from now, and the commit writes
		// the time into the cookie.
		s.created = now
		s.stampCreated = true
	}
}

// commit writes the session's cookie following Flask's rules: write when
// modified, or when permanent unless RefreshOnlyWhenModified; delete the
// cookie of a session that became empty.
func (c *cookieSessions) commit(s *Session) error {
	cfg := c.m.cfg
	if s.retiring {
		if s.modified {
			cfg.Logger.InfoContext(s.req.Context(), "session: the session of this request's cookie was renewed moments ago by another request; its changes are not saved")
		}
		return nil // the browser holds the new cookie: keep it
	}
	if err := c.endIdentity(s); err != nil {
		return err
	}
	if s.empty() {
		if s.hadCookie && s.modified {
			s.setCookie("", time.Time{}, true)
		}
		return nil
	}
	if !s.modified && !s.oldKey && !s.stampCreated && !(s.permanent && cfg.refresh) && cfg.IdleTimeout == 0 {
		return nil
	}
	now := cfg.Now()
	st := s.state(now)
	st.Agent = "" // a listing of devices needs a store; the cookie carries none
	value, err := c.sealer.Seal(st)
	if err != nil {
		return err
	}
	return s.setCookie(value, now, false)
}

// endIdentity records in Config.Revocations that the identity the session
// was loaded with has ended (Destroy, Clear, Renew, SetUser), so copies of
// the old cookie stop working, and gives the session a new identifier. A
// session bound to no user needs no record: its cookie is never checked.
// With Revocations, a session without an identifier gets one.
func (c *cookieSessions) endIdentity(s *Session) error {
	cfg := c.m.cfg
	if cfg.Revocations == nil {
		return nil
	}
	if s.ending != endsNot && s.holder.user != "" && s.holder.id != "" {
		now := cfg.Now()
		from := now
		if s.ending == endsAfterGrace && cfg.renewGrace > 0 {
			from = now.Add(cfg.renewGrace)
		}
		ctx := c.m.bound(&s.commitCtx, s.req.Context(), true, now)
		defer ctx.Stop()
		if err := c.m.retire(ctx, s.holder.user, s.holder.id, s.holder.signedIn, from, now); err != nil {
			return fmt.Errorf("session: ending the old session: %w", err)
		}
	}
	if s.ending != endsNot || s.id == "" {
		id, err := state.NewToken()
		if err != nil {
			return err
		}
		s.id = id
	}
	return nil
}

// saved reports whether the commit sent a cookie carrying the session.
func (c *cookieSessions) saved(s *Session) bool {
	return !s.retiring && s.modified && !s.empty()
}
