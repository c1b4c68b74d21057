package session_test

import (
	"testing"

	"github.com/websession/session/internal/adversarial"
)

// TestAdversarial runs the attack suite (internal/adversarial): one test
// per security promise, on every cookie format, memstore and filestore.
// The store modules run its store part on SQLite, PostgreSQL, MySQL and
// Redis (store/storeurl's TestAdversarialStores).
func TestAdversarial(t *testing.T) { adversarial.Run(t) }
