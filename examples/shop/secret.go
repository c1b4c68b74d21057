package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
)

// secretSize is the size of a generated secret: 32 random bytes, the
// minimum session.New accepts.
const secretSize = 32

// loadSecret returns the session secret and where it came from. A
// non-empty env (the value of SESSION_SECRET) wins; otherwise the secret is
// read from file, which is created with a fresh random secret (mode 0600)
// when it does not exist, so restarts keep visitors logged in. The secret
// itself is never logged or put in an error.
func loadSecret(env, file string, log *slog.Logger) ([]byte, string, error) {
	if env != "" {
		b, err := parseSecret(env)
		if err != nil {
			return nil, "", fmt.Errorf("shop: SESSION_SECRET: %w", err)
		}
		return b, "SESSION_SECRET", nil
	}
	if file == "" {
		return nil, "", errors.New("shop: no secret: set SESSION_SECRET or give -secret-file a path")
	}
	b, err := readSecretFile(file, log)
	if errors.Is(err, fs.ErrNotExist) {
		b, err = createSecretFile(file)
		if errors.Is(err, fs.ErrExist) { // another process created it meanwhile
			b, err = readSecretFile(file, log)
		} else if err == nil {
			log.Info("shop: generated a new session secret", "file", file)
		}
	}
	if err != nil {
		return nil, "", err
	}
	return b, file, nil
}

// parseSecret takes the secret's text as it is, as `sessionctl keygen`
// prints it and as Flask's SECRET_KEY uses it: the bytes of the text are the
// key, so the same text works on both sides.
func parseSecret(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) >= secretSize {
		return []byte(s), nil
	}
	return nil, fmt.Errorf("the secret is too short (%d bytes); use at least %d random bytes, for example what `sessionctl keygen` prints", len(s), secretSize)
}

// readSecretFile reads a secret file written by createSecretFile.
func readSecretFile(file string, log *slog.Logger) ([]byte, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("shop: reading the secret file: %w", err)
	}
	if fi, err := os.Stat(file); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("shop: the secret file is readable by other users; chmod 600 it", "file", file, "mode", fi.Mode().Perm().String())
	}
	b, err := parseSecret(string(data))
	if err != nil {
		return nil, fmt.Errorf("shop: secret file %s: %w; delete the file to generate a new secret (this logs everyone out)", file, err)
	}
	return b, nil
}

// createSecretFile writes a fresh random secret, hex-encoded, to a new file
// readable by its owner only. It fails with fs.ErrExist if file exists.
func createSecretFile(file string) ([]byte, error) {
	b := make([]byte, secretSize)
	rand.Read(b) // never returns an error; it crashes the program if randomness fails
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		return nil, fmt.Errorf("shop: creating the secret file: %w", err)
	}
	text := hex.EncodeToString(b) // the text is the key, as sessionctl keygen prints it
	_, err = f.WriteString(text + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(file)
		return nil, fmt.Errorf("shop: writing the secret file: %w", err)
	}
	return []byte(text), nil
}
