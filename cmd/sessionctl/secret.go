package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxSecretInput bounds what sessionctl reads from a secret file or
// variable: far more than a few keys need, little enough that a mistaken
// --secret-file /dev/zero fails at once instead of filling memory.
const maxSecretInput = 64 << 10

// secretFlags are the ways to give sessionctl a key. Secrets never come from
// the command line itself, where `ps` and shell history would show them.
type secretFlags struct {
	env, file, encoding string
}

func (s *secretFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.env, "secret-env", "", "read the secret from environment variable `VAR`")
	fs.StringVar(&s.file, "secret-file", "", "read the secret from `FILE` (at most 64 KiB)")
	fs.StringVar(&s.encoding, "secret-encoding", "text", "the `encoding` of each line of the secret: text (its bytes are the key), hex or base64 (for a binary key, which may hold a line break)")
}

// keys returns the configured secrets, current first. Each non-empty line of
// the variable or file is one secret, decoded as --secret-encoding says;
// lines after the first are old secrets (Config.OldSecrets, Flask's
// SECRET_KEY_FALLBACKS), newest first.
func (s *secretFlags) keys() ([][]byte, error) {
	decode, err := secretDecoder(s.encoding)
	if err != nil {
		return nil, err
	}
	var text []byte
	var source string // where the secret came from, for errors
	switch {
	case s.env != "" && s.file != "":
		return nil, errors.New("give either --secret-env or --secret-file, not both")
	case s.env != "":
		v, ok := os.LookupEnv(s.env)
		if !ok {
			return nil, fmt.Errorf("environment variable %s is not set", s.env)
		}
		if len(v) > maxSecretInput {
			return nil, fmt.Errorf("environment variable %s holds more than 64 KiB; it should hold one secret per line", s.env)
		}
		text, source = []byte(v), "environment variable "+s.env
	case s.file != "":
		b, err := readSecretFile(s.file)
		if err != nil {
			return nil, err
		}
		text, source = b, "--secret-file "+s.file
	default:
		return nil, errors.New("no secret: give --secret-env VAR or --secret-file FILE (or --no-verify to decode without checking)")
	}
	var keys [][]byte
	for i, line := range bytes.Split(text, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			continue
		}
		key, ok := decode(line)
		if !ok {
			// Never the line itself: it is a secret, however mistyped.
			return nil, fmt.Errorf("line %d of %s is not valid %s; give one %s-encoded secret per line, or the right --secret-encoding", i+1, source, s.encoding, s.encoding)
		}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil, errors.New("the secret is empty")
	}
	return keys, nil
}

// readSecretFile reads at most maxSecretInput bytes of path, and fails if
// there are more.
func readSecretFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the secret file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretInput+1))
	if err != nil {
		return nil, fmt.Errorf("reading the secret file: %w", err)
	}
	if len(b) > maxSecretInput {
		return nil, fmt.Errorf("--secret-file %s is larger than 64 KiB; it should hold one secret per line", path)
	}
	return b, nil
}

// secretDecoder returns the function that turns one line of the secret
// into a key, for the --secret-encoding called name.
func secretDecoder(name string) (func(line []byte) ([]byte, bool), error) {
	switch name {
	case "text":
		return func(line []byte) ([]byte, bool) { return line, true }, nil
	case "hex":
		return func(line []byte) ([]byte, bool) {
			key, err := hex.DecodeString(strings.TrimSpace(string(line)))
			return key, err == nil && len(key) > 0
		}, nil
	case "base64":
		// Standard or URL-safe alphabet, padded or not.
		return func(line []byte) ([]byte, bool) {
			v := strings.TrimRight(strings.TrimSpace(string(line)), "=")
			v = strings.NewReplacer("-", "+", "_", "/").Replace(v)
			key, err := base64.RawStdEncoding.DecodeString(v)
			return key, err == nil && len(key) > 0
		}, nil
	}
	return nil, fmt.Errorf("unknown --secret-encoding %q; use text, hex or base64", name)
}
