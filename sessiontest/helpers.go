package sessiontest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"
)

// Unavailable reports that a service a test needs (a database, Redis) is
// missing. It skips the test with the formatted one-line reason, or fails
// it with t.Fatalf when the environment variable CI is "true", so a broken
// CI setup cannot pass by skipping everything.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("service unavailable (CI=true, so this fails instead of skipping): "+format, args...)
	}
	t.Skipf("service unavailable: "+format, args...)
}

// Key returns a fresh store key of the form the Manager uses: the
// lowercase hex SHA-256 of 32 random bytes (64 characters).
func Key(t testing.TB) string {
	t.Helper()
	var id [32]byte
	rand.Read(id[:]) // never returns an error; it crashes the program if randomness fails
	sum := sha256.Sum256(id[:])
	return hex.EncodeToString(sum[:])
}
