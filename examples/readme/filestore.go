package readme

import (
	"github.com/websession/session"
	"github.com/websession/session/store/filestore"
)

// newFilestoreManager keeps one file per session in dir (created if missing).
func newFilestoreManager(secret []byte, dir string) (*session.Manager, error) {
	st, err := filestore.New(dir)
	if err != nil {
		return nil, err
	}
	return session.New(session.Config{Secret: secret, Store: st})
}
