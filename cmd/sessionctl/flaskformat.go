package main

import (
	"fmt"
	"math/big"
	"strconv"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
	"github.com/websession/session/flask"
)

// flaskFormat returns Flask's cookie format as a Manager with an
// AbsoluteTimeout uses it, so that the "_created" key the Manager keeps
// there reads as the session's creation time.
func flaskFormat() session.Format {
	f := flask.Format()
	if c, ok := f.(interface {
		ForConfig(session.Config) (session.Format, error)
	}); ok {
		if withCreated, err := c.ForConfig(session.Config{AbsoluteTimeout: 1}); err == nil {
			return withCreated
		}
	}
	return f
}

// flaskCodec is Flask's tagged JSON, which reads Python's NaN and Infinity.
func flaskCodec() state.Codec { return flask.TaggedJSON }

// pairOf reads one flash, which Flask stores as a (category, message)
// tuple. A flash that is not two strings (a Markup or numeric message)
// keeps its tagged JSON in Raw, so it is written back as it came.
func pairOf(item any) (session.Flash, error) {
	var pair []any
	switch p := item.(type) {
	case flask.Tuple:
		pair = p
	case []any:
		pair = p
	}
	if len(pair) != 2 {
		return session.Flash{}, fmt.Errorf("_flashes must be a list of (category, message) pairs")
	}
	c, err1 := flashText(pair[0])
	m, err2 := flashText(pair[1])
	if err1 != nil || err2 != nil {
		return session.Flash{}, fmt.Errorf("_flashes must be a list of (category, message) pairs")
	}
	f := session.Flash{Category: c, Message: m}
	_, plainC := pair[0].(string)
	_, plainM := pair[1].(string)
	if _, tuple := item.(flask.Tuple); !tuple || !plainC || !plainM {
		raw, err := flask.TaggedJSON.Marshal(item)
		if err != nil {
			return session.Flash{}, fmt.Errorf("_flashes: %w", err)
		}
		f.Raw = string(raw)
	}
	return f, nil
}

// flashText is the text the flask format gives a flash's category or
// message: a string or Markup as it is, anything else as its tagged JSON.
func flashText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case flask.Markup:
		return string(x), nil
	}
	b, err := flask.TaggedJSON.Marshal(v)
	return string(b), err
}

// userText reads Flask-Login's "_user_id": text, or an integer as its
// decimal text.
func userText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int:
		return strconv.Itoa(x), true
	case *big.Int:
		return x.String(), true
	}
	return "", false
}
