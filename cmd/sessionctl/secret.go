package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
)

// secretFlags are the ways to give sessionctl a key. Secrets never come from
// the command line itself, where `ps` and shell history would show them.
type secretFlags struct {
	env, file string
}

func (s *secretFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.env, "secret-env", "", "read the secret from environment variable `VAR`")
	fs.StringVar(&s.file, "secret-file", "", "read the secret from `FILE`")
}

// keys returns the configured secrets, current first. Each non-empty line of
// the variable or file is one secret; lines after the first are old secrets
// (Config.OldSecrets, Flask's SECRET_KEY_FALLBACKS), newest first.
func (s *secretFlags) keys() ([][]byte, error) {
	var text []byte
	switch {
	case s.env != "" && s.file != "":
		return nil, errors.New("give either --secret-env or --secret-file, not both")
	case s.env != "":
		v, ok := os.LookupEnv(s.env)
		if !ok {
			return nil, fmt.Errorf("environment variable %s is not set", s.env)
		}
		text = []byte(v)
	case s.file != "":
		b, err := os.ReadFile(s.file)
		if err != nil {
			return nil, fmt.Errorf("reading the secret file: %w", err)
		}
		text = b
	default:
		return nil, errors.New("no secret: give --secret-env VAR or --secret-file FILE (or --no-verify to decode without checking)")
	}
	var keys [][]byte
	for _, line := range bytes.Split(text, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(line) > 0 {
			keys = append(keys, line)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("the secret is empty")
	}
	return keys, nil
}
