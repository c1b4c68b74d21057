package bench

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	scsmem "github.com/alexedwards/scs/v2/memstore"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/websession/session"
	"github.com/websession/session/store/memstore"
)

// Shape is one session size of the scale comparison: user_id plus
// Keys-1 small values, and a string of Note bytes under "note" when Note
// is not zero.
type Shape struct {
	// Name is the sub-benchmark's name, such as "40keys".
	Name string
	// Keys is the number of keys besides "note", user_id included.
	Keys int
	// Note is the length of the "note" string; 0 for none.
	Note int
}

// Shapes returns the sizes of the scale comparison, smallest first.
func Shapes() []Shape {
	return []Shape{
		{Name: "1key", Keys: 1},
		{Name: "10keys", Keys: 10},
		{Name: "40keys", Keys: 40},
		{Name: "10keys+2KB", Keys: 10, Note: 2048},
	}
}

// KV is one key of a Shape's session and its value.
type KV struct {
	Key   string
	Value any
}

// Values returns the shape's session, user_id first: the other keys are
// k01, k02, ... holding in turn an int, a short string and a small []int,
// as sessions commonly hold.
func (sh Shape) Values() []KV {
	kvs := []KV{{"user_id", UserID}}
	for i := 1; i < sh.Keys; i++ {
		var v any
		switch i % 3 {
		case 0:
			v = i*1000 + 7
		case 1:
			v = fmt.Sprintf("value-%02d", i)
		default:
			v = []int{i, i + 1, i + 2}
		}
		kvs = append(kvs, KV{fmt.Sprintf("k%02d", i), v})
	}
	if sh.Note > 0 {
		kvs = append(kvs, KV{"note", note(sh.Note)})
	}
	return kvs
}

// note returns n bytes of plain text.
func note(n int) string {
	const text = "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. "
	return strings.Repeat(text, n/len(text)+1)[:n]
}

// otherID returns the user_id a writing request stores when the session
// holds id, so every writing request changes exactly one key.
func otherID(id int) int {
	if id == UserID {
		return UserID + 1
	}
	return UserID
}

// ScaleCase is one library of the scale comparison.
type ScaleCase struct {
	// Name is the sub-benchmark's name, such as "ours-encrypted".
	Name string
	// New builds the App for a session of shape sh; write selects
	// requests that change user_id, otherwise requests only read it.
	New func(sh Shape, write bool) (*App, error)
}

// ScaleCases returns the libraries of the scale comparison, the
// no-session floor first: encrypted cookies (ours and gorilla's
// CookieStore with AES) and in-process stores (ours and scs's memstore).
func ScaleCases() []ScaleCase {
	return []ScaleCase{
		{"floor", func(Shape, bool) (*App, error) { return newFloor(context.Background(), Env{}) }},
		{"gorilla-cookie-encrypted", newGorillaScale},
		{"ours-encrypted", func(sh Shape, write bool) (*App, error) {
			return oursScale(oursConfig(nil), sh, write)
		}},
		{"scs-memstore", newSCSScale},
		{"ours-memstore", func(sh Shape, write bool) (*App, error) {
			return oursScale(oursConfig(memstore.New()), sh, write)
		}},
	}
}

func noClose() error { return nil }

// oursScale serves the scale handler on a Manager of cfg: Get[int] of
// user_id, and Set of it when write.
func oursScale(cfg session.Config, sh Shape, write bool) (*App, error) {
	m, err := session.New(cfg)
	if err != nil {
		return nil, err
	}
	kvs := sh.Values()
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		id, ok := session.Get[int](s, "user_id")
		if !ok {
			for _, kv := range kvs {
				s.Set(kv.Key, kv.Value)
			}
			w.Write(bodyNew)
			return
		}
		if write {
			s.Set("user_id", otherID(id))
		}
		w.Write(bodyOK)
	}))
	return &App{Handler: h, Close: noClose}, nil
}

// newGorillaScale is the scale handler on gorilla's CookieStore with
// HMAC-SHA256 and AES-256. Its cookie limit is raised from 4096 to 8192
// bytes: gob, AES-CTR and two base64 passes make the 2 KB session's
// cookie longer than 4096. A read-only request does not call Save.
func newGorillaScale(sh Shape, write bool) (*App, error) {
	st := sessions.NewCookieStore(gorillaHashKey, gorillaBlockKey)
	st.Options = gorillaOptions()
	for _, c := range st.Codecs {
		c.(*securecookie.SecureCookie).MaxLength(8192)
	}
	kvs := sh.Values()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := st.Get(r, CookieName)
		if err != nil && s == nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		body := bodyOK
		id, ok := s.Values["user_id"].(int)
		switch {
		case !ok:
			for _, kv := range kvs {
				s.Values[kv.Key] = kv.Value
			}
			body = bodyNew
		case write:
			s.Values["user_id"] = otherID(id)
		}
		if !ok || write {
			if err := s.Save(r, w); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
		w.Write(body)
	})
	return &App{Handler: h, Close: noClose}, nil
}

// newSCSScale is the scale handler on scs with its memstore: GetInt and,
// when write, Put.
func newSCSScale(sh Shape, write bool) (*App, error) {
	sm := newSCS(scsmem.NewWithCleanupInterval(0))
	kvs := sh.Values()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id, ok := sm.Get(ctx, "user_id").(int)
		if !ok {
			for _, kv := range kvs {
				sm.Put(ctx, kv.Key, kv.Value)
			}
			w.Write(bodyNew)
			return
		}
		if write {
			sm.Put(ctx, "user_id", otherID(id))
		}
		w.Write(bodyOK)
	})
	return &App{Handler: sm.LoadAndSave(h), Close: noClose}, nil
}
