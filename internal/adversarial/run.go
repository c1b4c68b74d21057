// Package adversarial is the attack suite: one test per security promise
// of the README and SECURITY.md, each run against every cookie format and,
// where the promise concerns the session ID or the stored record, every
// server-side store. The root package's tests run it on the cookie formats,
// memstore and filestore; the store modules' tests run the store part on
// SQLite, PostgreSQL, MySQL/MariaDB and Redis, whose drivers the root
// module does not require.
package adversarial

import (
	"path/filepath"
	"testing"

	"github.com/websession/session"
	"github.com/websession/session/store/filestore"
	"github.com/websession/session/store/memstore"
)

// Store is a server-side store under attack: Open returns a fresh one for
// a test, cleaned up when the test ends.
type Store struct {
	Name string
	Open func(t *testing.T) session.Store
}

// The attacks, by promise; store marks those with a part that runs on a
// store.
var attacks = []struct {
	name  string
	run   func(*testing.T, suite)
	store bool
}{
	{"EveryBitFlipAndTruncationIsRejectedAlike", testEveryBitFlipAndTruncationIsRejectedAlike, true},
	{"CookieForAnotherNameOrPurposeIsRejected", testCookieForAnotherNameOrPurposeIsRejected, false},
	{"ExpiredAndFutureDatedCookiesAreRejected", testExpiredAndFutureDatedCookiesAreRejected, false},
	{"IdleAndAbsoluteLimitsHoldUnderARequestEveryMinute", testIdleAndAbsoluteLimitsHoldUnderARequestEveryMinute, true},
	{"WeakOrReusedKeysAreRefusedAtNew", testWeakOrReusedKeysAreRefusedAtNew, false},
	{"NoNonceRepeatsIn100000Encryptions", testNoNonceRepeatsIn100000Encryptions, false},
	{"FailingRandomSourceGivesAnErrorNotAWeakID", testFailingRandomSourceGivesAnErrorNotAWeakID, true},
	{"OversizedCookiesCostBoundedWork", testOversizedCookiesCostBoundedWork, true},
	{"ZlibBombAndDeepJSONInValidCookieAreRefusedWithinBounds", testZlibBombAndDeepJSONInValidCookieAreRefusedWithinBounds, true},
	{"MalformedCookieHeadersNeverPanicNorPickTheAttackersCookie", testMalformedCookieHeadersNeverPanicNorPickTheAttackersCookie, true},
	{"SessionIDIsTakenFromTheCookieOnly", testSessionIDIsTakenFromTheCookieOnly, true},
	{"HostileIDsNeverReachAStore", testHostileIDsNeverReachAStore, true},
	{"NoSecretInLogsOrErrors", testNoSecretInLogsOrErrors, false},
}

// Run runs every attack on the three cookie formats, on memstore and
// filestore, and on the stores given.
func Run(t *testing.T, stores ...Store) {
	s := suite{formats: true, stores: append([]Store{Memstore, Filestore}, stores...)}
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) { a.run(t, s) })
	}
}

// RunStores runs the store part of the attacks on the stores given, and
// nothing on the cookie formats.
func RunStores(t *testing.T, stores ...Store) {
	s := suite{stores: stores}
	for _, a := range attacks {
		if a.store {
			t.Run(a.name, func(t *testing.T) { a.run(t, s) })
		}
	}
}

// Memstore and Filestore are the stores of the root module.
var (
	Memstore  = Store{"memstore", func(*testing.T) session.Store { return memstore.New() }}
	Filestore = Store{"filestore", func(t *testing.T) session.Store {
		st, err := filestore.New(filepath.Join(t.TempDir(), "sessions"), filestore.WithLogger(discardLogger()))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}}
	memstoreTarget = advTarget{name: "store/memstore", store: Memstore.Open}
)
