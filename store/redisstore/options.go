package redisstore

import (
	"errors"
	"fmt"
)

// DefaultPrefix is the key prefix used when WithPrefix is not given.
const DefaultPrefix = "session:"

// Option configures a Store in New.
type Option func(*options) error

type options struct {
	prefix string
}

// WithPrefix sets the prefix put before every session key; the default is
// DefaultPrefix ("session:"). Give each application sharing a Redis
// database its own prefix: Iterate lists every session key under it.
//
// The prefix must not be empty. Avoid a hash tag ("{...}") in it: on a
// cluster it would put every session in the same slot, on one primary.
func WithPrefix(prefix string) Option {
	return func(o *options) error {
		if prefix == "" {
			return errors.New("redisstore: empty key prefix; use a prefix such as \"session:\" so session keys can be told apart from other keys")
		}
		o.prefix = prefix
		return nil
	}
}

func buildOptions(opts []Option) (options, error) {
	o := options{prefix: DefaultPrefix}
	for i, opt := range opts {
		if opt == nil {
			return options{}, fmt.Errorf("redisstore: option %d is nil", i)
		}
		if err := opt(&o); err != nil {
			return options{}, err
		}
	}
	return o, nil
}
