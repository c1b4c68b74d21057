package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/websession/session/internal/jsonscan"
)

// Python's JSON, as Flask writes it, is JSON plus the values NaN, Infinity
// and -Infinity. sign splits its input into members with these helpers
// before it decodes any value, so that the shape of decode's output is
// recognised whatever the session's keys and values look like to Flask's
// tagged JSON (a key " t" is a key, not a tuple).

// member is one member of a JSON object: its key, and its value's text,
// not decoded.
type member struct {
	key string
	raw []byte
}

// objectMembers splits the JSON object text into its members, in order.
// Values may be Python's JSON; they are checked only when decoded.
func objectMembers(text []byte) ([]member, error) {
	s := jsonscan.Scanner{Data: text}
	s.Space()
	if s.Peek() != '{' {
		return nil, errors.New("not a JSON object")
	}
	s.Pos++
	var ms []member
	seen := make(map[string]bool)
	for n := 0; ; n++ {
		more, ok := s.More('}', n)
		if !ok {
			return nil, fmt.Errorf("malformed JSON object at byte %d", s.Pos)
		}
		if !more {
			break
		}
		rawKey, _, ok := s.Key(nil)
		if !ok {
			return nil, fmt.Errorf("malformed JSON object key at byte %d", s.Pos)
		}
		var key string
		if err := json.Unmarshal(rawKey, &key); err != nil {
			return nil, fmt.Errorf("malformed JSON object key at byte %d: %v", s.Pos, err)
		}
		if seen[key] {
			return nil, fmt.Errorf("the key %q appears twice", key)
		}
		seen[key] = true
		raw, ok := skipPythonValue(&s)
		if !ok {
			return nil, fmt.Errorf("malformed value of %q", key)
		}
		ms = append(ms, member{key, raw})
	}
	s.Space()
	if s.Pos != len(text) {
		return nil, fmt.Errorf("text after the JSON object at byte %d", s.Pos)
	}
	return ms, nil
}

// arrayElements splits the JSON array text into its elements' texts.
func arrayElements(text []byte) ([][]byte, error) {
	s := jsonscan.Scanner{Data: text}
	s.Space()
	if s.Peek() != '[' {
		return nil, errors.New("not a JSON array")
	}
	s.Pos++
	var elems [][]byte
	for n := 0; ; n++ {
		more, ok := s.More(']', n)
		if !ok {
			return nil, fmt.Errorf("malformed JSON array at byte %d", s.Pos)
		}
		if !more {
			break
		}
		raw, ok := skipPythonValue(&s)
		if !ok {
			return nil, fmt.Errorf("malformed JSON array element %d", n)
		}
		elems = append(elems, raw)
	}
	s.Space()
	if s.Pos != len(text) {
		return nil, fmt.Errorf("text after the JSON array at byte %d", s.Pos)
	}
	return elems, nil
}

// skipPythonValue passes over one value of an object or array, up to the
// comma or closing bracket after it, and returns its text. It only
// balances brackets and passes over strings: the value's syntax is
// checked when it is decoded.
func skipPythonValue(s *jsonscan.Scanner) ([]byte, bool) {
	start, depth := s.Pos, 0
	for s.Pos < len(s.Data) {
		switch s.Data[s.Pos] {
		case '"':
			if _, _, ok := s.String(); !ok {
				return nil, false
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return valueText(s.Data[start:s.Pos])
			}
			depth--
		case ',':
			if depth == 0 {
				return valueText(s.Data[start:s.Pos])
			}
		}
		s.Pos++
	}
	return nil, false
}

func valueText(b []byte) ([]byte, bool) {
	b = bytes.TrimSpace(b)
	return b, len(b) > 0
}
