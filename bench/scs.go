package bench

import (
	"context"
	"errors"
	"net/http"

	"github.com/alexedwards/scs/goredisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
)

// newSCS returns a SessionManager with cookie settings matching ours.
func newSCS(st scs.Store) *scs.SessionManager {
	sm := scs.New()
	sm.Store = st
	sm.Cookie.Name = CookieName
	sm.Cookie.Secure = false
	return sm
}

// newSCSMemstore uses scs's memstore without its cleanup goroutine
// (interval 0): memstore.New's goroutine races with StopCleanup when a
// store is closed soon after it is made, and the goroutine plays no part
// in a request.
func newSCSMemstore(context.Context, Env) (*App, error) {
	sm := newSCS(memstore.NewWithCleanupInterval(0))
	return &App{Handler: sm.LoadAndSave(scsHandler(sm)), Close: func() error { return nil }}, nil
}

func newSCSRedis(ctx context.Context, env Env) (*App, error) {
	client, err := redisClient(ctx, env.Redis)
	if err != nil {
		return nil, err
	}
	prefix := uniqueName("bench-scs:") + ":"
	sm := newSCS(goredisstore.NewWithPrefix(client, prefix))
	return &App{
		Handler: sm.LoadAndSave(scsHandler(sm)),
		Close: func() error {
			return errors.Join(deletePrefix(context.Background(), client, prefix), client.Close())
		},
	}, nil
}

// scsHandler is the benchmark's handler on scs: typed getters and Put on
// the request's context; LoadAndSave commits before the first byte.
func scsHandler(sm *scs.SessionManager) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if _, ok := sm.Get(ctx, "user_id").(int); !ok {
			sm.Put(ctx, "user_id", UserID)
			sm.Put(ctx, "cart", Cart)
			sm.Put(ctx, "name", Name)
			w.Write(bodyNew)
			return
		}
		sm.Put(ctx, "name", otherName(sm.GetString(ctx, "name")))
		w.Write(bodyOK)
	})
}
