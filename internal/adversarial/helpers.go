package adversarial

import (
	"io"
	"log/slog"

	"github.com/websession/session/internal/testkit"
)

var (
	primarySecret = []byte("primary-secret-for-cookie-tests!")
	rotatedSecret = []byte("rotated-out-secret-for-the-tests")
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type (
	testClock     = testkit.Clock
	logSink       = testkit.LogSink
	keySpy        = testkit.KeySpy
	countingStore = testkit.CountingStore
)

func newTestClock() *testClock { return testkit.NewClock() }
