package seal

import (
	"bytes"
	"fmt"
)

// MinSecretSize is the shortest secret a Manager accepts, in bytes.
const MinSecretSize = 32

// CheckSecrets refuses a current secret or an old one that is missing,
// short or plainly not random, and an old secret equal to the current
// one, naming the Config field to fix.
func CheckSecrets(secret []byte, old [][]byte) error {
	if err := checkSecret("Config.Secret", secret); err != nil {
		return err
	}
	for i, o := range old {
		name := fmt.Sprintf("Config.OldSecrets[%d]", i)
		if err := checkSecret(name, o); err != nil {
			return err
		}
		if bytes.Equal(o, secret) {
			return fmt.Errorf("session: %s equals Config.Secret; a rotated-out secret must differ from the current one", name)
		}
	}
	return nil
}

// checkSecret refuses a secret that is missing, short or has fewer than
// eight distinct byte values.
func checkSecret(name string, b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("session: %s is empty; set it to %d or more random bytes (sessionctl keygen prints one)", name, MinSecretSize)
	}
	if len(b) < MinSecretSize {
		return fmt.Errorf("session: %s is %d bytes; use at least %d random bytes (sessionctl keygen prints one)", name, len(b), MinSecretSize)
	}
	var seen [256]bool
	distinct := 0
	for _, c := range b {
		if !seen[c] {
			seen[c] = true
			distinct++
		}
	}
	if distinct < 8 {
		return fmt.Errorf("session: %s has only %d distinct byte values, which is not a random key; use %d or more random bytes (sessionctl keygen prints one)", name, distinct, MinSecretSize)
	}
	return nil
}
