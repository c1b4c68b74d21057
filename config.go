package session

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

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
	// however active it is. Default: 0, no absolute limit.
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
	minSecretSize       = 32     // the shortest Secret New accepts
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
	secure, httpOnly, refresh bool
	sameSite                  http.SameSite
	renewGrace                time.Duration // <= 0: none
}

func (c Config) settings() (*settings, error) {
	if c.Store != nil && c.Format != nil {
		return nil, errors.New("session: Config.Format sets how a cookie session is sealed, but with Config.Store the cookie holds only a session ID; remove Config.Format to keep sessions on the server, or Config.Store to keep them in the cookie")
	}
	if c.Store == nil || len(c.Secret) > 0 {
		if err := checkSecret("Config.Secret", c.Secret); err != nil {
			return nil, err
		}
	}
	for i, old := range c.OldSecrets {
		name := fmt.Sprintf("Config.OldSecrets[%d]", i)
		if err := checkSecret(name, old); err != nil {
			return nil, err
		}
		if bytes.Equal(old, c.Secret) {
			return nil, fmt.Errorf("session: %s equals Config.Secret; a rotated-out secret must differ from the current one", name)
		}
	}
	s := &settings{Config: c}
	if s.Format == nil {
		s.Format = Encrypted
	}
	if f, ok := s.Format.(configuredFormat); ok {
		format, err := f.ForConfig(c)
		if err != nil {
			return nil, fmt.Errorf("session: Config.Format: %w", err)
		}
		s.Format = format
	}
	if s.Cookie.Name == "" {
		s.Cookie.Name = state.DefaultCookieName
	}
	if s.Cookie.Path == "" {
		s.Cookie.Path = "/"
	}
	if s.Lifetime == 0 {
		s.Lifetime = state.DefaultLifetime
	}
	if s.MaxCookieSize == 0 {
		s.MaxCookieSize = state.DefaultMaxCookieSize
	}
	if s.CacheControl == "" {
		s.CacheControl = defaultCacheControl
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.StoreTimeout == 0 {
		s.StoreTimeout = defaultStoreTimeout
	}
	s.renewGrace = c.RenewGrace
	if s.renewGrace == 0 {
		s.renewGrace = defaultRenewGrace
	}
	s.secure = !c.Cookie.Insecure
	s.httpOnly = !c.Cookie.ScriptReadable
	s.refresh = !c.RefreshOnlyWhenModified
	s.sameSite = c.Cookie.SameSite
	if s.sameSite == 0 || s.sameSite == http.SameSiteDefaultMode {
		s.sameSite = http.SameSiteLaxMode
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

func (s *settings) check() error {
	name := s.Cookie.Name
	if !validCookieName(name) {
		return fmt.Errorf("session: cookie name %q is not a valid cookie name; use letters, digits and !#$%%&'*+-.^_`|~ only", name)
	}
	if strings.ContainsAny(s.Cookie.Path, ";\r\n") || !strings.HasPrefix(s.Cookie.Path, "/") {
		return fmt.Errorf("session: cookie path %q must start with / and contain no ';' or line breaks", s.Cookie.Path)
	}
	if strings.ContainsAny(s.Cookie.Domain, "; \r\n\t") {
		return fmt.Errorf("session: cookie domain %q contains a character a domain cannot have", s.Cookie.Domain)
	}
	if strings.HasPrefix(name, "__Host-") {
		if s.Cookie.Domain != "" {
			return fmt.Errorf("session: cookie %q has the __Host- prefix, which browsers reject with a Domain; remove Cookie.Domain or rename the cookie", name)
		}
		if s.Cookie.Path != "/" {
			return fmt.Errorf("session: cookie %q has the __Host- prefix, which requires Path=/; set Cookie.Path to \"/\" or rename the cookie", name)
		}
		if !s.secure {
			return fmt.Errorf("session: cookie %q has the __Host- prefix, which requires Secure; drop Cookie.Insecure or rename the cookie", name)
		}
	}
	if strings.HasPrefix(name, "__Secure-") && !s.secure {
		return fmt.Errorf("session: cookie %q has the __Secure- prefix, which requires Secure; drop Cookie.Insecure or rename the cookie", name)
	}
	if s.sameSite == http.SameSiteNoneMode && !s.secure {
		return errors.New("session: SameSite=None requires Secure (browsers drop such cookies); drop Cookie.Insecure or choose SameSite Lax or Strict")
	}
	if s.Cookie.Partitioned && !s.secure {
		return errors.New("session: a Partitioned cookie requires Secure; drop Cookie.Insecure or Partitioned")
	}
	if s.sameSite < http.SameSiteDefaultMode || s.sameSite > http.SameSiteNoneMode {
		return fmt.Errorf("session: Cookie.SameSite %d is not one of net/http's SameSite modes", s.sameSite)
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

// checkSecret refuses secrets that are missing, short or plainly weak.
func checkSecret(name string, b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("session: %s is empty; set it to %d or more random bytes (sessionctl keygen prints one)", name, minSecretSize)
	}
	if len(b) < minSecretSize {
		return fmt.Errorf("session: %s is %d bytes; use at least %d random bytes (sessionctl keygen prints one)", name, len(b), minSecretSize)
	}
	var seen [256]bool
	distinct := 0
	for _, c := range b {
		if !seen[c] {
			seen[c] = true
			distinct++
		}
	}
	if distinct < 8 {
		return fmt.Errorf("session: %s has only %d distinct byte values, which is not a random key; use %d or more random bytes (sessionctl keygen prints one)", name, distinct, minSecretSize)
	}
	return nil
}

// validCookieName reports whether name is an RFC 6265 token.
func validCookieName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return false
		}
	}
	return true
}
