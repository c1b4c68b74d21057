package redisstore

import (
	"errors"
	"strconv"
	"time"

	"github.com/websession/session"
)

// The fields of the hash that holds one session.
const (
	fieldData    = "data"
	fieldExpires = "expires"
	fieldVersion = "version"
	fieldUser    = "user" // only for a record bound to a user
	// token_count, written and read by the scripts alone, is how many save
	// tokens the data holds; Load ignores it.
)

// errMalformed reports a hash under the store's prefix that the store did
// not write. It names neither the key nor the content.
var errMalformed = errors.New("stored record is malformed (missing or invalid data, expires or version field); check that nothing else writes keys under the store's prefix, then delete the key")

// decode turns the fields of a stored hash (HGETALL) into a Record.
func decode(fields map[string]string) (session.Record, error) {
	data, okData := fields[fieldData]
	exp, errExp := strconv.ParseInt(fields[fieldExpires], 10, 64)
	ver, errVer := strconv.ParseUint(fields[fieldVersion], 10, 64)
	if !okData || errExp != nil || errVer != nil || ver == 0 {
		return session.Record{}, errMalformed
	}
	return session.Record{
		Data:    []byte(data),
		Expires: time.UnixMilli(exp),
		Version: ver,
		User:    fields[fieldUser],
	}, nil
}

// live reports whether a record expiring at expires is still returned at
// now. Times are compared in whole milliseconds, the precision stored.
func live(expires, now time.Time) bool {
	return expires.UnixMilli() > now.UnixMilli()
}
