// Command shop is the demo web app of github.com/websession/session: a
// small shop with log-in, a visit counter, a cart, flash messages, a theme
// preference and a "Your devices" page, where every page has a "How this
// works" panel showing the session as the server sees it and the cookie the
// response sends. With a server-side store the devices page lists the
// user's sessions and ends one or all others; with cookie sessions it offers
// "log out all other devices" alone, through Config.Revocations.
//
// Run it from the repository root and open http://127.0.0.1:8080:
//
//	go run ./examples/shop                          # cookie sessions, no server needed
//	go run ./examples/shop -store sqlite:shop.db    # server-side sessions in SQLite
//	go run ./examples/shop -help                    # every flag and store URL
//
// The demo accounts (alice, bob) and their passwords are listed on the
// log-in page; the shop keeps only their bcrypt hashes, made at start-up.
// The session secret comes from SESSION_SECRET (32 or more bytes of text,
// used as they are, as `sessionctl keygen` prints them) or is generated
// once into -secret-file (".shop-secret", mode 0600), so restarts keep
// visitors logged in.
//
// With cookie sessions, "log out all other devices" records for the user a
// "not valid before" time in a file store (package store/filestore) in the
// -revocations directory (".shop-secret.revocations" next to the secret
// file, created with mode 0700 when missing), so a restart keeps those
// browsers logged out. -revocations "" turns it off.
//
// On a loopback address without TLS the session cookie is sent without
// the Secure attribute, so plain http://127.0.0.1 works in any client;
// everywhere else it stays Secure. Every form is protected against
// cross-site requests by net/http's CrossOriginProtection.
//
// The shop uses the session package only through its public API, as any
// application would: session.New, Manager.Handler, session.From, the
// Session methods (SetUser at log-in, DestroyOthers for "log out all other
// devices"), session.Get, Manager.Sessions and Manager.DestroySession for
// the devices page, and Config.Revocations for cookie sessions.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/store/filestore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr, log); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

// flags are the shop's command-line settings.
type flags struct {
	addr, store, secretFile, format, tlsCert, tlsKey string
	// revocations is the directory of the revocation store for cookie
	// sessions; "" turns revocation off.
	revocations string
}

// revocationsSuffix names the default -revocations directory after the
// secret file: ".shop-secret" keeps its revocations in
// ".shop-secret.revocations".
const revocationsSuffix = ".revocations"

func parseFlags(args []string, stderr io.Writer) (flags, error) {
	var f flags
	fs := flag.NewFlagSet("shop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on")
	fs.StringVar(&f.store, "store", "cookie", storeHelp)
	fs.StringVar(&f.secretFile, "secret-file", ".shop-secret", "`file` keeping the session secret when SESSION_SECRET is unset; created with a random secret, mode 0600")
	fs.StringVar(&f.revocations, "revocations", "", "`directory` keeping, for cookie sessions, when each user last logged out all other devices;\ncreated with mode 0700 (default: the -secret-file path + \""+revocationsSuffix+"\"; \"\" turns it off)")
	fs.StringVar(&f.format, "format", "encrypted", "cookie format for cookie sessions: encrypted or signed (readable by the visitor)")
	fs.StringVar(&f.tlsCert, "tls-cert", "", "TLS certificate `file` (PEM); with -tls-key, serve HTTPS")
	fs.StringVar(&f.tlsKey, "tls-key", "", "TLS private key `file` (PEM)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: go run ./examples/shop [flags]

The session library's demo shop. Open the printed URL; log in as alice
(password wonderland) or bob (builder).

Environment:
  SESSION_SECRET   session secret: 32+ bytes of text, used as they are (sessionctl keygen prints one)
                   (default: generated into -secret-file)

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	set := false
	fs.Visit(func(fl *flag.Flag) { set = set || fl.Name == "revocations" })
	if !set && f.secretFile != "" {
		f.revocations = f.secretFile + revocationsSuffix
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("shop: unexpected argument %q; see -help", fs.Arg(0))
	}
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return f, errors.New("shop: -tls-cert and -tls-key go together; give both or neither")
	}
	return f, nil
}

// run starts the shop and serves until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, log *slog.Logger) error {
	srv, err := start(ctx, args, getenv, stderr, log)
	if err != nil {
		return err
	}
	return srv.serve(ctx)
}

// server is a shop that listens but does not serve yet: start makes it,
// serve runs it. The browser tests use the two halves to learn the address
// of a shop started on port 0.
type server struct {
	http       *http.Server
	ln         net.Listener
	certFile   string // with keyFile, serve HTTPS; "" for plain HTTP
	keyFile    string
	store      session.Store
	closeStore func() error
	log        *slog.Logger
	// revocations is Config.Revocations, or nil.
	revocations session.Store
}

// start parses the flags, loads the secret, opens the store, builds the
// shop and listens, as main does before serving.
func start(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, log *slog.Logger) (*server, error) {
	f, err := parseFlags(args, stderr)
	if err != nil {
		return nil, err
	}
	spec, err := parseStore(f.store)
	if err != nil {
		return nil, err
	}
	secret, source, err := loadSecret(getenv("SESSION_SECRET"), f.secretFile, log)
	if err != nil {
		return nil, err
	}
	openCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	st, closeStore, err := openStore(openCtx, spec, storeOptions{Logger: log})
	cancel()
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*server, error) {
		closeStore()
		return nil, err
	}
	var revocations session.Store
	if spec.Kind == cookieKind && f.revocations != "" {
		revocations, err = openRevocations(f.revocations, log)
		if err != nil {
			return fail(err)
		}
	}

	tls := f.tlsCert != ""
	insecure := cookieInsecure(f.addr, tls)
	switch {
	case insecure:
		log.Info("shop: plain HTTP on a loopback address, so the session cookie is sent without Secure (fine for development only)")
	case !tls:
		log.Warn("shop: plain HTTP on a non-loopback address: the session cookie is Secure, so browsers return it only over HTTPS; use -tls-cert/-tls-key or a TLS proxy")
	}
	hint := sessionctlHint(f.store, spec, f.format, source, f.secretFile)
	h, err := newApp(appConfig{
		Sessionctl:  hint,
		Secret:      secret,
		Format:      f.format,
		Store:       st,
		Revocations: revocations,
		StoreName:   spec.Name,
		Insecure:    insecure,
		Logger:      log,
	})
	if err != nil {
		return fail(err)
	}

	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fail(fmt.Errorf("shop: %w", err))
	}
	srv := &server{
		http: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		ln:          ln,
		store:       st,
		closeStore:  closeStore,
		log:         log,
		revocations: revocations,
	}
	scheme := "http"
	if tls {
		scheme = "https"
		srv.certFile, srv.keyFile = f.tlsCert, f.tlsKey
	}
	log.Info("shop: listening", "url", scheme+"://"+ln.Addr().String(), "store", spec.Kind, "secret_from", source)
	if hint != "" {
		log.Info("shop: read its sessions with " + hint)
	}
	return srv, nil
}

// serve serves until ctx ends, then shuts the server down gracefully and
// closes the store.
func (srv *server) serve(ctx context.Context) error {
	defer srv.closeStore()
	ctx, stop := context.WithCancel(ctx)
	defer stop() // ends the sweep loops
	if sw, ok := srv.store.(session.Sweeper); ok {
		go sweep(ctx, sw, "sessions", srv.log)
	}
	if sw, ok := srv.revocations.(session.Sweeper); ok {
		go sweep(ctx, sw, "revocations", srv.log)
	}
	errc := make(chan error, 1)
	go func() {
		if srv.certFile != "" {
			errc <- srv.http.ServeTLS(srv.ln, srv.certFile, srv.keyFile)
		} else {
			errc <- srv.http.Serve(srv.ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("shop: %w", err)
	case <-ctx.Done():
	}
	srv.log.Info("shop: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.http.Shutdown(shutdownCtx)
}

// openRevocations opens the file store in dir that keeps the revocations
// of cookie sessions, creating dir (mode 0700) when missing. A file store
// survives restarts, so a browser logged out stays logged out.
func openRevocations(dir string, log *slog.Logger) (session.Store, error) {
	st, err := filestore.New(dir, filestore.WithLogger(log))
	if err != nil {
		return nil, fmt.Errorf("shop: -revocations: %w", err)
	}
	return st, nil
}

// sweepEvery is how often the shop deletes expired server-side sessions.
const sweepEvery = 10 * time.Minute

// sweep deletes expired records (what names them: "sessions",
// "revocations") from a store that keeps them until swept, every
// sweepEvery, until ctx ends. The library never starts such a loop itself:
// the application decides.
func sweep(ctx context.Context, sw session.Sweeper, what string, log *slog.Logger) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := sw.DeleteExpired(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn("shop: deleting expired "+what, "err", err)
			continue
		}
		if n > 0 {
			log.Info("shop: deleted expired "+what, "count", n)
		}
	}
}
