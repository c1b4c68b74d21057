package session_test

import (
	"io"
	"log/slog"
)

// testSecret is a 32-byte key for tests.
var testSecret = []byte("k3y-for-tests-0123456789-abcdefg")

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
