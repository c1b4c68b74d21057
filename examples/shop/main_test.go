package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
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

func TestHelpListsStores(t *testing.T) {
	var out bytes.Buffer
	err := run(t.Context(), []string{"-help"}, func(string) string { return "" }, &out, testLogger(t, &syncBuffer{}))
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run -help: %v, want flag.ErrHelp", err)
	}
	for _, s := range []string{"SESSION_SECRET", "-secret-file", "sqlite:PATH", "mysql://USER[:PASS]@HOST:PORT/DB", "alice"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("-help does not mention %q:\n%s", s, out.String())
		}
	}
}

func TestRunStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var logs syncBuffer
	done := make(chan error, 1)
	args := []string{"-addr", "127.0.0.1:0", "-secret-file", filepath.Join(t.TempDir(), "secret")}
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
	}
	for _, tt := range tests {
		err := run(t.Context(), tt.args, tt.env, &bytes.Buffer{}, testLogger(t, &syncBuffer{}))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q): %v, want an error saying %q", tt.args, err, tt.want)
		}
	}
}
