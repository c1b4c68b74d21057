package main

import (
	"fmt"

	"github.com/websession/session"
	"github.com/websession/session/flask"
)

func flaskFormat() session.Format { return flask.Format() }

// pairOf reads one flash, which Flask stores as a (category, message) tuple.
func pairOf(item any) (session.Flash, error) {
	var pair []any
	switch p := item.(type) {
	case flask.Tuple:
		pair = p
	case []any:
		pair = p
	}
	if len(pair) == 2 {
		c, ok1 := pair[0].(string)
		m, ok2 := pair[1].(string)
		if ok1 && ok2 {
			return session.Flash{Category: c, Message: m}, nil
		}
	}
	return session.Flash{}, fmt.Errorf("_flashes must be a list of [category, message] pairs of strings")
}
