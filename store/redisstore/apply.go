package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/websession/session"
)

var _ session.Applier = (*Store)(nil)

// Apply applies ch to the live record under key with one Lua script, so
// one round trip (two when another write came between the load ch was
// merged into and this call), atomic on the server: concurrent changes to
// one session never conflict, unless ch expects a key to hold a value it
// no longer holds; the conflict then carries the live record, so the
// caller need not load it again. A change whose token the record already carries is not
// applied again. See session.Applier.
//
// The record keeps the tokens of its latest changes beside the body, so a
// load never carries them: the newest ch.TokensKept of them and at most 7
// more, dropping those older than ch.TokenAge when they move (see
// applyLua). The body keeps only the tokens of compare-and-set saves,
// which the Manager reads back.
//
// When the record is still the one the request loaded (ch.LoadedVersion),
// a lean script stores the body Merge makes of it here, and reads nothing
// but the version, the expiry, the user and the tokens. Otherwise (another write came
// first, which costs one more round trip, or nothing was loaded) the
// apply script edits the record's body as text, following the rules of
// session.Change.Merge with the token left out: it splits the body's
// top-level fields and the members of its values and flashes without
// decoding any value.
// On a single node it also extends the user's set when the record now
// lives longer; on a cluster one more round trip does, as for Save.
func (s *Store) Apply(ctx context.Context, key string, ch *session.Change) (session.Record, error) {
	if !session.ValidKey(key) {
		return session.Record{}, fmt.Errorf("redisstore: apply: %w", session.ErrInvalidKey)
	}
	if ch.Token == "" {
		return session.Record{}, errors.New("redisstore: apply: the change has no save token; pass the Change the Manager made, with its token")
	}
	// The body keeps the tokens of saves alone; the scripts keep those
	// of changes beside it.
	entry := tokenEntry(ch.Token, ch.Now)
	untracked := *ch
	untracked.Token = ""
	if body, ok := untracked.MergeLoaded(); ok && ch.LoadedVersion < math.MaxUint64 {
		if rec, applied, err := s.applyMerged(ctx, key, ch, entry, body); applied || err != nil {
			return rec, err
		}
	}
	perm := ""
	if ch.Permanent != nil {
		perm = strconv.FormatBool(*ch.Permanent)
	}
	clr := ""
	if ch.Clear {
		clr = "1"
	}
	var flashes []byte
	for i, f := range ch.Flashes {
		if i > 0 {
			flashes = append(flashes, ',')
		}
		flashes = append(flashes, '[')
		flashes = append(flashes, ch.Quote(f.Category)...)
		flashes = append(flashes, ',')
		flashes = append(flashes, ch.Quote(f.Message)...)
		flashes = append(flashes, ']')
	}
	set := ch.SortedSet()
	args := make([]any, 0, 16+2*len(set)+len(ch.Delete)+3*len(ch.Expect))
	args = append(args,
		time.Now().UnixMilli(),
		ch.Expires.UnixMilli(),
		entry,
		ch.Now.Unix(),
		ch.Now.Add(-ch.TokenAge).Unix(),
		max(ch.TokensKept, 1),
		s.sets,
		key,
		perm,
		clr,
		ch.FlashesTaken,
		flashes,
		len(set),
	)
	for _, kv := range set {
		args = append(args, ch.Quote(kv.Key), kv.Value)
	}
	args = append(args, len(ch.Delete))
	for _, k := range ch.Delete {
		args = append(args, ch.Quote(k))
	}
	args = append(args, len(ch.Expect))
	for k, v := range ch.Expect {
		present := "0"
		if v != nil {
			present = "1"
		}
		args = append(args, ch.Quote(k), present, v)
	}
	res, err := s.run(ctx, s.apply, []string{s.prefix + key}, args...).Slice()
	if err != nil {
		return session.Record{}, fmt.Errorf("redisstore: apply: %w", err)
	}
	if len(res) == 0 {
		return session.Record{}, errors.New("redisstore: apply: unexpected reply from the apply script")
	}
	code, _ := res[0].(int64)
	switch code {
	case 0:
		return session.Record{}, session.ErrNotFound
	case 1, 3:
		v, err := version(res[1])
		return session.Record{Version: v}, err
	case 4:
		v, err := version(res[1])
		if err != nil {
			return session.Record{}, err
		}
		if err := s.indexApplied(ctx, str(res[2]), ch.Expires, key); err != nil {
			return session.Record{}, err
		}
		return session.Record{Version: v}, nil
	case 2:
		rec, err := decode(res[1], res[2], res[3], res[4])
		if err != nil {
			return session.Record{}, fmt.Errorf("redisstore: apply: %w", err)
		}
		return rec, session.ErrConflict
	}
	return session.Record{}, errors.New("redisstore: apply: unexpected reply from the apply script")
}

// applyMerged stores body, ch merged by the client into the record it
// loaded, with applyLoadedLua, if the record is still at ch.LoadedVersion;
// entry is ch's token entry.
// applied is false, with no error, when the record is at another version:
// nothing changed, and ch goes to applyLua.
func (s *Store) applyMerged(ctx context.Context, key string, ch *session.Change, entry string, body []byte) (rec session.Record, applied bool, err error) {
	next := ch.LoadedVersion + 1
	reply, err := s.run(ctx, s.applyLoaded, []string{s.prefix + key},
		ch.LoadedVersion,
		next,
		time.Now().UnixMilli(),
		ch.Expires.UnixMilli(),
		entry,
		ch.Now.Add(-ch.TokenAge).Unix(),
		max(ch.TokensKept, 1),
		s.sets,
		key,
		body,
	).Result()
	if err != nil {
		return session.Record{}, false, fmt.Errorf("redisstore: apply: %w", err)
	}
	switch r := reply.(type) {
	case int64:
		switch r {
		case 0:
			return session.Record{}, false, session.ErrNotFound
		case 5:
			return session.Record{Version: next}, true, nil
		case 6:
			return session.Record{}, false, nil
		}
	case []any:
		if len(r) == 3 && r[0] == int64(4) {
			if err := s.indexApplied(ctx, str(r[2]), ch.Expires, key); err != nil {
				return session.Record{}, false, err
			}
			return session.Record{Version: next}, true, nil
		}
	}
	return session.Record{}, false, errors.New("redisstore: apply: unexpected reply from the apply script")
}

// indexApplied adds key to user's set, for an applied change that the
// script could not index (a cluster, where the set lives on another node).
func (s *Store) indexApplied(ctx context.Context, user string, expires time.Time, key string) error {
	if err := s.index(ctx, user, expires, key); err != nil {
		return fmt.Errorf("redisstore: apply: the change is saved, but extending its user's set failed, so listing the user's sessions may miss it: %w", err)
	}
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func version(v any) (uint64, error) {
	n, err := strconv.ParseUint(str(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("redisstore: apply: %w", errMalformed)
	}
	return n, nil
}

// tokenEntry returns the 12 bytes under which the record keeps tok,
// applied at now: the start of its SHA-256, so every token takes one
// width, and now in Unix seconds, big-endian, 0 before 1970.
func tokenEntry(tok string, now time.Time) string {
	sum := sha256.Sum256([]byte(tok))
	at := uint32(min(max(now.Unix(), 0), math.MaxUint32))
	binary.BigEndian.PutUint32(sum[8:12], at)
	return string(sum[:12])
}
