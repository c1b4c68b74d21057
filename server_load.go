package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/websession/session/internal/cookie"
	"github.com/websession/session/internal/seal"
	"github.com/websession/session/internal/state"
)

// storeSessions keeps sessions in Config.Store; the cookie holds only a
// random ID. Loading is here, saving in server_commit.go, server_apply.go
// and server_renew.go.
type storeSessions struct{ m *Manager }

// newStoreSessions refuses a cookie format, which a store's cookie has
// no use for, and checks a secret that is set although unused.
func newStoreSessions(m *Manager) (*storeSessions, error) {
	cfg := m.cfg
	if cfg.Format != nil {
		return nil, errors.New("session: Config.Format sets how a cookie session is sealed, but with Config.Store the cookie holds only a session ID; remove Config.Format to keep sessions on the server, or Config.Store to keep them in the cookie")
	}
	if len(cfg.Secret) > 0 {
		if err := seal.CheckSecrets(cfg.Secret, cfg.OldSecrets); err != nil {
			return nil, err
		}
	}
	_, inProcess := cfg.Store.(sharedLoader)
	m.join = !inProcess
	return &storeSessions{m: m}, nil
}

func (b *storeSessions) formatName() string { return "server-side ID" }
func (b *storeSessions) replays() bool      { return true }

// saved reports whether the session has a record in the store.
func (b *storeSessions) saved(s *Session) bool { return !s.superseded() && s.server.key != "" }

// serverState is what a server-side session adds to a Session.
type serverState struct {
	id      string // from the cookie, or newly issued; "" when none or unknown
	key     string // state.StoreKey(id), or the record an old ID forwards to
	version uint64 // version loaded; 0 when there is no record
	expires time.Time
	loaded  []byte       // the record's data as loaded, kept for renewal
	parsed  *state.State // loaded as read then, which a commit merges into (its Values, when set, become the session's own map)
	user    string       // the user bound when loaded
	// tokens are the loaded record's save tokens, carried into the next
	// save so a duplicate of a recent save is still recognised.
	tokens state.Tokens

	// alias marks a session reached through an ID renewed moments ago by
	// another request of the same user (Config.RenewGrace): it works on the
	// new record but cannot send its ID, which it does not know.
	alias bool
	// readOnly marks the old ID of a session renewed at a change of user:
	// the request sees the data as it was, and its changes are dropped.
	readOnly bool
}

// maxForwards bounds how many renewed IDs a load follows: a session renewed
// several times within RenewGrace.
const maxForwards = 4

// load reads the record named by the request's session cookie. Only
// IDs of the right form reach the store, at most maxSessionCookies of them,
// and an ID the store does not have is never adopted: the session starts
// empty and gets a new ID if written. Session cookies after the one used
// are not looked up, but logged.
func (b *storeSessions) load(s *Session) {
	cfg := b.m.cfg
	now := cfg.Now()
	ctx := b.m.bound(&s.loadCtx, s.req.Context(), false, now)
	defer ctx.Stop()
	n, found := 0, false
	for value := range cookie.Values(s.req, cfg.Cookie.Name) {
		s.hadCookie = true
		if found {
			if value != "" {
				// Not looked up: an attacker's own session planted next to
				// the visitor's must not go unnoticed, nor cost lookups.
				s.securityEvent("more than one session cookie; the first with a live session is used")
				break
			}
			continue
		}
		if n++; n > maxSessionCookies {
			s.securityEvent(tooManyCookies)
			break
		}
		if !state.ValidID(value) {
			s.securityEvent("malformed session ID")
			continue
		}
		srv, st, err := b.m.loadRecord(ctx, state.StoreKey(value), nil, &s.opened)
		if errors.Is(err, ErrNotFound) {
			s.securityEvent("unknown or expired session ID")
			continue
		}
		if errors.Is(err, state.ErrBody) {
			cfg.Logger.ErrorContext(ctx, "session: stored record cannot be decoded; starting a new session", "err", err)
			continue
		}
		if err != nil {
			s.loadErr = fmt.Errorf("session: loading from the store: %w", err)
			s.isNew = true
			return
		}
		if cfg.lifetime.PastAbsolute(st.Created, now) { // Lifetime and IdleTimeout: the record's expiry
			s.securityEvent(state.ExpiredAbsolute)
			continue
		}
		if !srv.alias {
			srv.id = value
		}
		s.server = srv
		s.adopt(st)
		found = true
	}
	s.isNew = !found
}

// loadRecord loads the record under key, following the forward a renewed
// ID leaves for Config.RenewGrace, starting from first, the record under
// key as read a moment ago, when it is not nil. The record is read into
// into, which the returned State is. It returns ErrNotFound when there is
// no live record and state.ErrBody when it cannot be decoded.
func (m *Manager) loadRecord(ctx context.Context, key string, first *Record, into *state.State) (serverState, *state.State, error) {
	alias := false
	for range maxForwards {
		var rec Record
		if first != nil {
			rec, first = *first, nil
		} else {
			var err error
			if rec, err = m.load(ctx, m.cfg.Store, key); err != nil {
				return serverState{}, nil, err
			}
		}
		st, err := state.ParseBodyRawInto(into, rec.Data)
		if err != nil {
			return serverState{}, nil, fmt.Errorf("%w: %w", state.ErrBody, err)
		}
		srv := serverState{key: key, version: rec.Version, expires: rec.Expires, loaded: rec.Data, parsed: st, user: st.User, alias: alias, tokens: st.Tokens}
		if st.MovedTo == "" {
			return srv, st, nil
		}
		if !st.Forward {
			srv.readOnly = true
			return srv, st, nil
		}
		key, alias = st.MovedTo, true
	}
	return serverState{}, nil, ErrNotFound
}

// reload reads the session's record again after a lost race, starting from
// first when it is not nil (the record as a store returned it with the
// conflict). gone reports that another request ended or renewed the
// session at a change of user meanwhile: its end wins. A record renewed by
// another request of the same user is followed: this request's changes go
// to it, but its ID, which this request does not know, is not sent.
func (s *Session) reload(ctx context.Context, first *Record) (st *state.State, version uint64, gone bool, err error) {
	srv, st, err := s.m.loadRecord(ctx, s.server.key, first, new(state.State))
	if errors.Is(err, ErrNotFound) || (err == nil && srv.readOnly) {
		return nil, 0, true, nil
	}
	if err != nil {
		return nil, 0, false, fmt.Errorf("session: reloading after a conflict: %w", err)
	}
	if srv.alias {
		s.server.id, s.server.key, s.server.alias = "", srv.key, true
	}
	st.ValueMap() // replays and updates change it as a map
	return st, srv.version, false, nil
}
