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
	prefix      string
	maxInFlight int
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

// WithMaxInFlight sets how many loads and saves the Store keeps on the wire
// at once before it queues the next ones and sends them together as one
// pipeline. Default: 2. Pipelining only happens when that many are busy,
// so a quiet application sends every command alone. 1 pipelines the most;
// a very large value turns pipelining off.
func WithMaxInFlight(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("redisstore: WithMaxInFlight(%d): need at least 1", n)
		}
		o.maxInFlight = n
		return nil
	}
}

func buildOptions(opts []Option) (options, error) {
	o := options{prefix: DefaultPrefix, maxInFlight: defaultMaxInFlight}
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
