package adversarial

import (
	"io"
	"log/slog"

	"github.com/websession/session/internal/testkit"
)

var (
	primarySecret = testkit.Secret
	rotatedSecret = []byte("rotated-out-secret-for-the-tests")
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
