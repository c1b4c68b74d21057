package readme

import (
	"context"

	"github.com/websession/session"
	"github.com/websession/session/store/storeurl"
)

// newStoreURLManager opens the store a URL names: file:DIR, sqlite:PATH,
// postgres://..., mysql://..., redis://... (storeurl links every driver).
func newStoreURLManager(ctx context.Context, secret []byte, url string) (*session.Manager, func() error, error) {
	st, closeStore, err := storeurl.Open(ctx, url, storeurl.WithCreate()) // WithCreate: make the table or directory
	if err != nil {
		return nil, nil, err // says what is wrong with the URL or the server, never the password
	}
	m, err := session.New(session.Config{Secret: secret, Store: st})
	if err != nil {
		closeStore()
		return nil, nil, err
	}
	return m, closeStore, nil
}
