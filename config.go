package session

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/websession/session/internal/cookie"
	"github.com/websession/session/internal/state"
)

// Config configures a Manager. Only Secret is required, and only for
// cookie sessions; every other field's zero value selects the default its
// comment states, and the defaults are the secure choice.
type Config struct {
	// Secret encrypts or signs cookies. Required for cookie sessions: at
	// least 32 random bytes (`sessionctl keygen` prints one). Changing it
	// logs everyone out unless the previous value moves to OldSecrets. With
	// a Store the cookie holds only a random ID and no secret is needed;
	// one that is set is still checked.
	Secret []byte

	// OldSecrets are previous secrets, newest first. Cookies made with them
	// are still accepted and are issued again under Secret at the next
	// commit; nothing new is made with them. Default: none.
	OldSecrets [][]byte

	// Format is the cookie format of cookie sessions. Default: Encrypted.
	// Signed keeps the session readable by the visitor; flask.Format()
	// reads and writes Flask's own session cookie. New refuses a Format
	// together with a Store, whose cookie holds only an ID.
	Format Format

	// Store keeps sessions on the server; the cookie then holds only a
	// random session ID. Default: nil, which keeps the whole session in the
	// cookie.
	Store Store

	// Cookie sets the session cookie's name and attributes.
	Cookie CookieOptions

	// Lifetime is how long a permanent session lasts (Flask's
	// PERMANENT_SESSION_LIFETIME). It is also the longest any cookie is
	// accepted after it was issued, checked on the server. Default: 31 days.
	Lifetime time.Duration

	// IdleTimeout ends a session that has not been used for this long. It
	// is checked on the server; a session used within it is refreshed.
	// Default: 0, no idle limit beyond Lifetime.
	IdleTimeout time.Duration

	// AbsoluteTimeout ends a session this long after it was created,
	// however active it is. With flask.Format(), a session a Flask app
	// created counts from the first request this Manager sees it in.
	// Default: 0, no absolute limit.
	AbsoluteTimeout time.Duration

	// RefreshOnlyWhenModified sends a permanent session's cookie (and a new
	// expiry) only when the request changed the session, as Flask with
	// SESSION_REFRESH_EACH_REQUEST = False. Default: false, a fresh cookie
	// on every request that uses the session, as Flask's default.
	RefreshOnlyWhenModified bool

	// RenewGrace is how long the old ID of a server-side session keeps
	// working after Renew or SetUser gave it a new one, so requests already
	// in flight with the old cookie (a page's parallel XHRs) are neither
	// logged out nor able to overwrite the new cookie. When the bound user
	// is the same before and after, such requests use the renewed session
	// and their changes are kept; when the user changed (log-in, log-out),
	// they see the session as it was before and their changes are dropped,
	// so an ID planted before log-in never reaches the logged-in session.
	// After the window the old ID is dead. Default: 10 seconds; a negative
	// value ends the old ID at once.
	RenewGrace time.Duration

	// Revocations keeps, for cookie sessions, a per-user "not valid
	// before" time written by Manager.DestroyUser and Session.DestroyOthers:
	// a cookie of a user signed in before it gives an empty session. Any
	// Store works (a memstore only within one process). It costs one store
	// read on every request whose cookie belongs to a signed-in user.
	// Server-side sessions ignore it: their records are deleted instead.
	// Default: nil, no revocation of cookie sessions.
	Revocations Store

	// StoreTimeout bounds how long a request waits for the store: loading
	// its session, committing it (retries included), extending its expiry,
	// and reading or writing Config.Revocations. A request whose context
	// has a deadline keeps that deadline instead. A store that does not
	// answer in time fails the request closed: ErrorHandler runs (500) and
	// no cookie is sent. A commit is not cancelled when the visitor goes
	// away; it finishes, or fails, within the bound. Default: 5 seconds.
	StoreTimeout time.Duration

	// MaxCookieSize is the largest Set-Cookie header value the Manager
	// will send, counting name, value and attributes. A larger session is
	// refused with ErrCookieTooLarge. Default: 4093, as Flask.
	MaxCookieSize int

	// CacheControl is the Cache-Control header set on every response that
	// carries the session cookie, so no cache stores one visitor's cookie
	// for another. Default: "no-store". "keep" leaves the header as the
	// handler set it.
	CacheControl string

	// ErrorHandler writes the response when the session cannot be saved
	// (a store is down, the cookie would be too large). No session cookie is
	// sent with it. Default: logs the error and replies 500 Internal Server
	// Error.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

	// Logger receives errors and security events (rejected cookies,
	// changes after commit). Cookie values, session IDs and secrets are never
	// logged. Default: slog.Default().
	Logger *slog.Logger

	// Now is the clock. Tests set it to move time. Default: time.Now.
	Now func() time.Time

	// OnEvent, when set, is called for each Event (sessions created,
	// renewed and destroyed, rejected cookies, store calls and their
	// latency, store errors...), for metrics. It is called on the
	// request's goroutine and must be quick and safe for concurrent use.
	// Default: nil, no events.
	OnEvent func(Event)
}

// CookieOptions sets the session cookie's name and attributes. The zero
// value gives a cookie named "session" with Path=/, no Domain, Secure,
// HttpOnly and SameSite=Lax; each field that weakens that says so in its
// name.
type CookieOptions struct {
	// Name is the cookie's name. Default: "session", as Flask. Names with
	// the "__Host-" prefix are checked against the browser's rules.
	Name string
	// Path is the cookie's Path attribute. Default: "/".
	Path string
	// Domain is the cookie's Domain attribute. Default: none, so the
	// cookie goes back only to the host that set it, not to subdomains.
	Domain string
	// Insecure drops the Secure attribute, so the cookie also travels over
	// plain HTTP: for development on http:// only. Browsers accept Secure
	// cookies from http://localhost, but other hosts and clients may not.
	// Default: false, Secure.
	Insecure bool
	// ScriptReadable drops the HttpOnly attribute, so JavaScript can read
	// the cookie. Default: false, HttpOnly.
	ScriptReadable bool
	// SameSite is the cookie's SameSite attribute. Default: Lax. None
	// requires Secure (not Insecure).
	SameSite http.SameSite
	// Partitioned adds the Partitioned attribute (CHIPS), for sessions in
	// third-party iframes. Requires Secure (not Insecure). Default: off.
	Partitioned bool
}

// Defaults, as Flask has them where Flask has one.
const (
	defaultCacheControl = "no-store"
	keepCacheControl    = "keep" // Config.CacheControl that leaves the header alone
	defaultRenewGrace   = 10 * time.Second
	defaultStoreTimeout = 5 * time.Second
)

// configuredFormat is implemented by a Format that depends on other Config
// fields: ForConfig returns the Format to use, or an error naming a field
// the format cannot honour.
type configuredFormat interface {
	ForConfig(c Config) (Format, error)
}

// settings is a Config with its defaults applied and checked.
type settings struct {
	Config
	cookie     cookie.Options
	lifetime   state.Lifetime
	refresh    bool
	renewGrace time.Duration // <= 0: none
	realClock  bool          // Now is time.Now: store deadlines may start from its readings
}

// settings applies the defaults to c and checks what does not depend on
// where sessions are kept; New's choice of cookie or store checks the rest.
func (c Config) settings() (*settings, error) {
	s := &settings{Config: c, refresh: !c.RefreshOnlyWhenModified, renewGrace: c.RenewGrace}
	s.Cookie.Name = cmp.Or(c.Cookie.Name, state.DefaultCookieName)
	s.Cookie.Path = cmp.Or(c.Cookie.Path, "/")
	s.Lifetime = cmp.Or(c.Lifetime, state.DefaultLifetime)
	s.MaxCookieSize = cmp.Or(c.MaxCookieSize, state.DefaultMaxCookieSize)
	s.CacheControl = cmp.Or(c.CacheControl, defaultCacheControl)
	s.Logger = cmp.Or(c.Logger, slog.Default())
	s.StoreTimeout = cmp.Or(c.StoreTimeout, defaultStoreTimeout)
	s.renewGrace = cmp.Or(c.RenewGrace, defaultRenewGrace)
	if s.Now == nil {
		s.Now, s.realClock = time.Now, true
	}
	s.lifetime = state.Lifetime{Max: s.Lifetime, Idle: s.IdleTimeout, Absolute: s.AbsoluteTimeout}
	s.cookie = cookie.Options{
		Name: s.Cookie.Name, Path: s.Cookie.Path, Domain: s.Cookie.Domain,
		Secure: !c.Cookie.Insecure, HTTPOnly: !c.Cookie.ScriptReadable,
		SameSite: c.Cookie.SameSite, Partitioned: c.Cookie.Partitioned,
	}
	if s.cookie.SameSite == 0 || s.cookie.SameSite == http.SameSiteDefaultMode {
		s.cookie.SameSite = http.SameSiteLaxMode
	}
	if s.ErrorHandler == nil {
		logger := s.Logger
		s.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
			logger.ErrorContext(r.Context(), "session: cannot save the session", "err", err)
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		}
	}
	return s, s.check()
}

// check refuses settings that cannot work, saying what to change.
func (s *settings) check() error {
	if err := s.cookie.Check(); err != nil {
		return err
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"Lifetime", s.Lifetime}, {"IdleTimeout", s.IdleTimeout}, {"AbsoluteTimeout", s.AbsoluteTimeout}, {"StoreTimeout", s.StoreTimeout}} {
		if d.v < 0 {
			return fmt.Errorf("session: Config.%s is negative (%v); use 0 for the default", d.name, d.v)
		}
	}
	if s.MaxCookieSize < 0 {
		return fmt.Errorf("session: Config.MaxCookieSize is negative (%d); use 0 for the default of %d", s.MaxCookieSize, state.DefaultMaxCookieSize)
	}
	if strings.ContainsAny(s.CacheControl, "\r\n") {
		return errors.New("session: Config.CacheControl contains a line break")
	}
	return nil
}
