package state

import "time"

// Log is what one request did to a session, key by key, so a server-side
// commit can send the store only the changes (Change), and one that lost a
// compare-and-set race can apply the same changes to the newer record
// instead of overwriting it (Replay). The zero value is empty; a Log is
// not copied once used.
type Log struct {
	values []keyChange    // in the order first changed: a request changes few keys
	index  map[string]int // key -> position in values, once there are many

	Cleared      bool // Clear or Destroy: every older value and flash goes
	FlashesTaken int  // loaded flashes shown, oldest first
	FlashesAdded []Flash
	User         *UserChange // the last SetUser, Clear or Destroy; nil for none

	first [1]keyChange // values' array while it holds one: most requests change one key
}

// keyChange is the change of one key.
type keyChange struct {
	key string
	ch  ValueChange
}

// ValueChange is one key's change: a new encoding, a deletion, or an
// update function to run again on the newer value (with Raw, the value it
// gave in this request).
type ValueChange struct {
	Raw     []byte
	Deleted bool
	Update  func(old []byte, ok bool) ([]byte, error)
}

// UserChange is a SetUser, Clear or Destroy: the binding to apply.
type UserChange struct {
	User     string
	SignedIn time.Time
	Agent    string
}

// manyChanges is how many changed keys a Log finds by scanning them; past
// it, it keeps an index.
const manyChanges = 32

// Set records the change of key. A change that follows another of the same
// key in this request includes it: an update after a set or a deletion is
// a set of the value it gave (ch.Raw), and an update after an update runs
// both, in turn.
func (l *Log) Set(key string, ch ValueChange) {
	if i, found := l.find(key); found {
		prev := &l.values[i].ch
		switch {
		case ch.Update == nil:
			*prev = ch
		case prev.Update == nil:
			*prev = ValueChange{Raw: ch.Raw}
		default:
			first, then := prev.Update, ch.Update
			prev.Update = func(old []byte, ok bool) ([]byte, error) {
				mid, err := first(old, ok)
				if err != nil {
					return nil, err
				}
				return then(mid, true)
			}
		}
		return
	}
	if l.values == nil {
		l.values = l.first[:0]
	}
	l.values = append(l.values, keyChange{key, ch})
	switch n := len(l.values); {
	case l.index != nil:
		l.index[key] = n - 1
	case n > manyChanges:
		l.index = make(map[string]int, 2*n)
		for i, c := range l.values {
			l.index[c.key] = i
		}
	}
}

// find returns where key's change is in l.values.
func (l *Log) find(key string) (int, bool) {
	if l.index != nil {
		i, ok := l.index[key]
		return i, ok
	}
	for i, c := range l.values {
		if c.key == key {
			return i, true
		}
	}
	return 0, false
}

// Clear records that every value and flash went.
func (l *Log) Clear() {
	l.values, l.index = l.values[:0], nil
	l.Cleared = true
	l.FlashesAdded = nil
}

// HasUpdates reports whether an update function changed a key.
func (l *Log) HasUpdates() bool {
	for _, c := range l.values {
		if c.ch.Update != nil {
			return true
		}
	}
	return false
}

// Replay applies the changes to st, a newer version of the session loaded
// after a conflict. Keys this request did not touch keep the newer values;
// keys it set get its values (the later commit wins); updates run again on
// the newer value. permanent is the session's permanence, applied when
// permChanged.
func (l *Log) Replay(st *State, permanent, permChanged bool) error {
	st.ValueMap()
	if l.Cleared {
		clear(st.Values)
		st.Flashes = nil
	} else {
		st.Flashes = st.Flashes[min(l.FlashesTaken, len(st.Flashes)):]
	}
	st.Flashes = append(st.Flashes, l.FlashesAdded...)
	for _, c := range l.values {
		k, ch := c.key, c.ch
		switch {
		case ch.Deleted:
			delete(st.Values, k)
		case ch.Update != nil:
			old, ok := st.Values[k]
			raw, err := ch.Update(old, ok)
			if err != nil {
				return err
			}
			st.Values[k] = raw
		default:
			st.Values[k] = ch.Raw
		}
	}
	if permChanged {
		st.Permanent = permanent
	}
	if l.User != nil {
		st.User, st.SignedIn, st.Agent = l.User.User, l.User.SignedIn, l.User.Agent
	}
	return nil
}

// Change returns the changes as one Change for a store's Applier, with
// update functions run on base, the values they start from. ch comes with
// its Token, Now, Expires, TokenAge, TokensKept and Permanent set; Change
// fills in the rest.
func (l *Log) Change(ch *Change, base map[string][]byte) (*Change, error) {
	ch.Clear, ch.FlashesTaken, ch.Flashes = l.Cleared, l.FlashesTaken, l.FlashesAdded
	ch.Set = ch.setBuf[:0]
	for _, c := range l.values {
		k, v := c.key, c.ch
		switch {
		case v.Deleted:
			ch.Delete = append(ch.Delete, k)
		case v.Update != nil:
			old, ok := base[k]
			raw, err := v.Update(old, ok)
			if err != nil {
				return nil, err
			}
			ch.Set = append(ch.Set, KeyValue{k, raw})
			if !l.Cleared {
				if ch.Expect == nil {
					ch.Expect = make(map[string][]byte)
				}
				ch.Expect[k] = old // nil when missing
			}
		default:
			ch.Set = append(ch.Set, KeyValue{k, v.Raw})
		}
	}
	if len(ch.Set) > 1 {
		sortKeyValues(ch.Set) // each key is once in l.values
	} else if len(ch.Set) == 0 {
		ch.Set = nil
	}
	if len(ch.Expect) > 0 {
		ch.Recompute = func(cur map[string][]byte) (map[string][]byte, error) {
			out := make(map[string][]byte, len(ch.Expect))
			for k := range ch.Expect {
				old, ok := cur[k]
				i, _ := l.find(k)
				raw, err := l.values[i].ch.Update(old, ok)
				if err != nil {
					return nil, err
				}
				out[k] = raw
			}
			return out, nil
		}
	}
	return ch, nil
}
