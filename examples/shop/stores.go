package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	session "github.com/websession/session"
	"github.com/websession/session/store/storeurl"
)

// storeHelp documents the -store flag: cookie, then the URL forms of
// package storeurl.
var storeHelp = "where sessions live:\n" +
	"  cookie                          the whole session in the cookie, no server (default)\n" +
	"  " + strings.ReplaceAll(storeurl.Help, "\n", "\n  ") + "\n" +
	`The shop creates what is missing: the directory, the SQLite file, the table (default shop_sessions).
Redis keys start with "shop:session:" unless ?prefix= says otherwise.`

// Where the shop keeps sessions in SQL databases and in Redis, unless the
// URL's table= or prefix=, or storeOptions, say otherwise.
const (
	defaultTable  = "shop_sessions"
	defaultPrefix = "shop:session:"
)

// storeSpec is a parsed -store value: a storeurl.Spec, or Kind "cookie"
// for cookie sessions.
type storeSpec = storeurl.Spec

// cookieKind is storeSpec.Kind for cookie sessions, which need no store.
const cookieKind = "cookie"

// parseStore parses a -store value. It opens nothing. Errors never repeat
// the value, which may hold a password.
func parseStore(v string) (storeSpec, error) {
	if v == "" || v == cookieKind {
		return storeSpec{Kind: cookieKind}, nil
	}
	spec, err := storeurl.Parse(v)
	if errors.Is(err, storeurl.ErrUnknownURL) {
		return storeSpec{}, fmt.Errorf("shop: unknown -store value; use one of\n%s", storeHelp)
	}
	if err != nil {
		return storeSpec{}, fmt.Errorf("shop: -store: %w", err)
	}
	return spec, nil
}

// storeOptions tune openStore. The zero value gives the shop's defaults.
type storeOptions struct {
	// Table is the SQL table. Default: "shop_sessions".
	Table string
	// Prefix starts every Redis key. Default: "shop:session:".
	Prefix string
	// Logger gets the file store's reports. Default: slog.Default().
	Logger *slog.Logger
}

// openStore opens the store spec names, creating its directory, database
// file or SQL table if missing. It returns a nil Store for cookie sessions.
// close releases the connection; it is never nil.
func openStore(ctx context.Context, spec storeSpec, opt storeOptions) (st session.Store, close func() error, err error) {
	if spec.Kind == cookieKind {
		return nil, func() error { return nil }, nil
	}
	if opt.Table == "" {
		opt.Table = defaultTable
	}
	if opt.Prefix == "" {
		opt.Prefix = defaultPrefix
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return spec.Open(ctx, storeurl.WithCreate(), storeurl.WithTable(opt.Table),
		storeurl.WithPrefix(opt.Prefix), storeurl.WithLogger(opt.Logger))
}
