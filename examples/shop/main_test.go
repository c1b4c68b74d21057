package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string // "" for success
	}{
		{nil, ""},
		{[]string{"-addr", "127.0.0.1:9000", "-store", "memory"}, ""},
		{[]string{"-tls-cert", "cert.pem"}, "-tls-cert and -tls-key go together"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-nope"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		_, err := parseFlags(tt.args, &bytes.Buffer{})
		if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseFlags(%q): %v, want %q", tt.args, err, tt.want)
		}
	}
}

// TestRevocationsFlag: the revocations of cookie sessions live next to the
// secret file unless -revocations says otherwise; "" turns them off.
func TestRevocationsFlag(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, ".shop-secret.revocations"},
		{[]string{"-secret-file", "/var/lib/shop/secret"}, "/var/lib/shop/secret.revocations"},
		{[]string{"-revocations", "/srv/revoked"}, "/srv/revoked"},
		{[]string{"-revocations", ""}, ""},
		{[]string{"-secret-file", ""}, ""},
	} {
		f, err := parseFlags(tt.args, &bytes.Buffer{})
		if err != nil || f.revocations != tt.want {
			t.Errorf("parseFlags(%q): revocations %q, %v; want %q", tt.args, f.revocations, err, tt.want)
		}
	}
}

func TestHelpListsStores(t *testing.T) {
	var out bytes.Buffer
	err := run(t.Context(), []string{"-help"}, func(string) string { return "" }, &out, testLogger(t, &syncBuffer{}))
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run -help: %v, want flag.ErrHelp", err)
	}
	for _, s := range []string{"SESSION_SECRET", "-secret-file", "-revocations", "sqlite:PATH", "mysql://USER[:PASS]@HOST:PORT/DB", "alice"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("-help does not mention %q:\n%s", s, out.String())
		}
	}
}

func TestRunStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var logs syncBuffer
	done := make(chan error, 1)
	secretFile := filepath.Join(t.TempDir(), "secret")
	args := []string{"-addr", "127.0.0.1:0", "-secret-file", secretFile}
	go func() {
		done <- run(ctx, args, func(string) string { return "" }, &bytes.Buffer{}, testLogger(t, &logs))
	}()
	for !strings.Contains(logs.String(), "shop: listening") {
		select {
		case err := <-done:
			t.Fatalf("run returned before listening: %v", err)
		case <-time.After(time.Millisecond): // the line is logged just before serving starts
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
	if !strings.Contains(logs.String(), "without Secure") {
		t.Error("on loopback without TLS, run did not log that the cookie is not Secure")
	}
	// Cookie sessions keep their revocations next to the secret file, in a
	// directory only its owner can open.
	if fi, err := os.Stat(secretFile + ".revocations"); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Errorf("the revocations directory next to the secret file: %v, %v; want a directory with mode 0700", fi, err)
	}
}

func TestRunRefusesBadSettings(t *testing.T) {
	dir := t.TempDir()
	noEnv := func(string) string { return "" }
	tests := []struct {
		args []string
		env  func(string) string
		want string
	}{
		{[]string{"-store", "nosuch"}, noEnv, "unknown -store value"},
		{[]string{"-format", "rot13", "-secret-file", filepath.Join(dir, "s")}, noEnv, "unknown cookie format"},
		{nil, func(string) string { return "short" }, "SESSION_SECRET"},
		{[]string{"-secret-file", filepath.Join(dir, "s"), "-revocations", filepath.Join(dir, "s")}, noEnv, "-revocations"}, // a file, not a directory
	}
	for _, tt := range tests {
		err := run(t.Context(), tt.args, tt.env, &bytes.Buffer{}, testLogger(t, &syncBuffer{}))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q): %v, want an error saying %q", tt.args, err, tt.want)
		}
	}
}
