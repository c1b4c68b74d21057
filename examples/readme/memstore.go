package readme

import (
	"github.com/websession/session"
	"github.com/websession/session/store/memstore"
)

// newMemstoreManager keeps sessions in this process's memory.
func newMemstoreManager(secret []byte) (*session.Manager, error) {
	return session.New(session.Config{Secret: secret, Store: memstore.New()})
}
