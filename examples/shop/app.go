package main

import (
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	session "github.com/websession/session"
)

// cookieName is the shop's session cookie. Browsers share cookies between
// all ports of a host, so a name of its own keeps the shop from reading the
// "session" cookie of another app on localhost (a Flask one, say).
const cookieName = "shop_session"

// appConfig is what newApp needs; main fills it from flags.
type appConfig struct {
	// Secret is the session secret (32 bytes or more).
	Secret []byte
	// Format is the cookie format: "encrypted" (default) or "signed".
	Format string
	// Store keeps sessions on the server; nil keeps them in the cookie.
	Store session.Store
	// Revocations keeps, for cookie sessions, when each user last logged
	// out all other devices (session.Config.Revocations). Default: nil, and
	// the devices page of cookie sessions offers nothing.
	Revocations session.Store
	// StoreName describes Store in the "How this works" panel. It must
	// not contain a password.
	StoreName string
	// Insecure is Cookie.Insecure: main sets it for plain HTTP on
	// loopback only.
	Insecure bool
	// Logger gets the library's and the app's messages. Default:
	// slog.Default().
	Logger *slog.Logger
	// Sessionctl is the sessionctl command that reads this shop's
	// sessions, shown on the home page. Default: none shown.
	Sessionctl string
	// Now is the sessions' clock (session.Config.Now); tests move it.
	// Default: time.Now.
	Now func() time.Time
}

// cookieFormat returns the cookie format the -format flag names and a line
// about it for the "How this works" panel.
func cookieFormat(name string) (session.Format, string, error) {
	switch name {
	case "", "encrypted":
		return session.Encrypted, "encrypted (AES-256-GCM): you can neither read nor change it", nil
	case "signed":
		return session.Signed, "signed (HMAC-SHA256): you can read it, but not change it", nil
	}
	return nil, "", fmt.Errorf("shop: unknown cookie format %q; use encrypted or signed", name)
}

// app is the shop: its session manager, pages and data.
type app struct {
	m         *session.Manager
	log       *slog.Logger
	pages     map[string]*template.Template
	css       template.CSS
	users     *users
	products  []product
	format    string
	storeName string
	// sessionctl is the command that reads this shop's sessions, or "".
	sessionctl string
	// cookieSessions is true when the whole session is in the cookie.
	cookieSessions bool
	// revocable is true for cookie sessions with Config.Revocations: they
	// can be logged out all at once, though not one by one.
	revocable bool
}

// newApp builds the shop and returns its handler: the routes, wrapped in
// the session middleware, wrapped in cross-origin (CSRF) protection, so a
// forged cross-site POST is refused before any session is touched.
func newApp(cfg appConfig) (http.Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	format, about, err := cookieFormat(cfg.Format)
	if err != nil {
		return nil, err
	}
	if cfg.Store != nil {
		format = nil // the cookie holds only the session ID
	}
	m, err := session.New(session.Config{
		Secret:      cfg.Secret,
		Format:      format,
		Store:       cfg.Store,
		Revocations: cfg.Revocations,
		Cookie:      session.CookieOptions{Name: cookieName, Insecure: cfg.Insecure},
		Logger:      cfg.Logger,
		Now:         cfg.Now,
	})
	if err != nil {
		return nil, err
	}
	pages, css, err := parsePages()
	if err != nil {
		return nil, err
	}
	accounts, err := newUsers()
	if err != nil {
		return nil, err
	}
	a := &app{
		m:              m,
		cookieSessions: cfg.Store == nil,
		revocable:      cfg.Store == nil && cfg.Revocations != nil,
		log:            cfg.Logger,
		pages:          pages,
		css:            css,
		users:          accounts,
		products:       catalogue(),
		format:         about,
		storeName:      cfg.StoreName,
		sessionctl:     cfg.Sessionctl,
	}
	if cfg.Store != nil {
		a.format = "none: the cookie holds only a random session ID"
	}
	if a.storeName == "" {
		a.storeName = "cookie: the whole session travels in the cookie"
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.home)
	mux.HandleFunc("GET /shop", a.shop)
	mux.HandleFunc("GET /login", a.loginPage)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("POST /logout", a.logout)
	mux.HandleFunc("POST /cart/add", a.cartAdd)
	mux.HandleFunc("POST /cart/remove", a.cartRemove)
	mux.HandleFunc("POST /cart/empty", a.cartEmpty)
	mux.HandleFunc("POST /theme", a.theme)
	mux.HandleFunc("GET /devices", a.devices)
	mux.HandleFunc("POST /devices/end", a.deviceEnd)
	mux.HandleFunc("POST /devices/end-others", a.deviceEndOthers)

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(forbidden))
	return csrf.Handler(m.Handler(mux)), nil
}

// forbidden answers a POST that CrossOriginProtection refused.
func forbidden(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "403 Forbidden: this form was sent from another site (cross-origin request refused)", http.StatusForbidden)
}
