package redisstore

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
)

// The fields of the hash that holds one session.
const (
	fieldData    = "data"
	fieldExpires = "expires"
	fieldVersion = "version"
	fieldUser    = "user" // only for a record bound to a user
	// tokens and older_tokens, written and read by the apply script
	// alone, hold the save tokens of the record's latest applied changes
	// (see applyLua). Loads do not read them.
)

// errMalformed reports a hash under the store's prefix that the store did
// not write. It names neither the key nor the content.
var errMalformed = errors.New("stored record is malformed (missing or invalid data, expires or version field); check that nothing else writes keys under the store's prefix, then delete the key")

// loadCmd returns the command that reads the record stored under name:
// one HMGET of the fields a Record holds, leaving the save tokens on the
// server.
func loadCmd(ctx context.Context, name string) *redis.SliceCmd {
	return redis.NewSliceCmd(ctx, "hmget", name, fieldData, fieldExpires, fieldVersion, fieldUser)
}

// decodeLoaded turns the reply of loadCmd into a Record. found is false
// when no record exists: every field is missing.
func decodeLoaded(cmd *redis.SliceCmd) (rec session.Record, found bool, err error) {
	v := cmd.Val()
	if len(v) != 4 || v[0] == nil && v[1] == nil && v[2] == nil && v[3] == nil {
		return session.Record{}, false, nil
	}
	rec, err = decode(v[0], v[1], v[2], v[3])
	return rec, true, err
}

// decode turns a record's fields (each a string, or nil when missing)
// into a Record.
func decode(data, expires, version, user any) (session.Record, error) {
	d, okData := data.(string)
	e, _ := expires.(string)
	v, _ := version.(string)
	u, _ := user.(string)
	exp, errExp := strconv.ParseInt(e, 10, 64)
	ver, errVer := strconv.ParseUint(v, 10, 64)
	if !okData || errExp != nil || errVer != nil || ver == 0 {
		return session.Record{}, errMalformed
	}
	return session.Record{
		Data:    []byte(d),
		Expires: time.UnixMilli(exp),
		Version: ver,
		User:    u,
	}, nil
}

// live reports whether a record expiring at expires is still returned at
// now. Times are compared in whole milliseconds, the precision stored.
func live(expires, now time.Time) bool {
	return expires.UnixMilli() > now.UnixMilli()
}
