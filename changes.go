package session

import "github.com/websession/session/internal/state"

// The change log: what this request did to the session, key by key, so a
// server-side commit that loses a compare-and-set race can apply the same
// changes to the newer record instead of overwriting it.

// valueChange is one key's change: a new encoding, a deletion, or an
// update function to run again on the newer value.
type valueChange struct {
	raw     []byte
	deleted bool
	update  func(old []byte, ok bool) ([]byte, error)
}

// changeLog records a request's changes. The zero value is empty.
type changeLog struct {
	values       map[string]valueChange
	cleared      bool // Clear or Destroy: every older value and flash goes
	flashesTaken int  // loaded flashes shown by Flashes, oldest first
	flashesAdded []Flash
	user         *userChange // the last SetUser, Clear or Destroy; nil for none
}

func (c *changeLog) set(key string, ch valueChange) {
	if c.values == nil {
		c.values = make(map[string]valueChange)
	}
	c.values[key] = ch
}

func (c *changeLog) clear() {
	clear(c.values)
	c.cleared = true
	c.flashesAdded = nil
}

// replay applies the changes to st, a newer version of the session loaded
// after a conflict. Keys this request did not touch keep the newer values;
// keys it set get its values (the later commit wins); updates run again on
// the newer value.
func (c *changeLog) replay(st *state.State, permanent, permChanged bool) error {
	if st.Values == nil {
		st.Values = make(map[string][]byte)
	}
	if c.cleared {
		clear(st.Values)
		st.Flashes = nil
	} else {
		st.Flashes = st.Flashes[min(c.flashesTaken, len(st.Flashes)):]
	}
	st.Flashes = append(st.Flashes, c.flashesAdded...)
	for k, ch := range c.values {
		switch {
		case ch.deleted:
			delete(st.Values, k)
		case ch.update != nil:
			old, ok := st.Values[k]
			raw, err := ch.update(old, ok)
			if err != nil {
				return err
			}
			st.Values[k] = raw
		default:
			st.Values[k] = ch.raw
		}
	}
	if permChanged {
		st.Permanent = permanent
	}
	if c.user != nil {
		st.User, st.SignedIn, st.Agent = c.user.user, c.user.signedIn, c.user.agent
	}
	return nil
}

// record notes a change of key for replay. Only server-side sessions
// replay; a cookie session's changes need no log.
func (s *Session) record(key string, ch valueChange) {
	if s.m.cfg.Store != nil {
		s.log.set(key, ch)
	}
}

// hasUpdates reports whether an Update changed a key.
func (c *changeLog) hasUpdates() bool {
	for _, ch := range c.values {
		if ch.update != nil {
			return true
		}
	}
	return false
}
