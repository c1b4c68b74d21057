package bench

import (
	"context"
	"errors"
	"net/http"
)

// The session every case keeps, and the bodies the handler answers with.
const (
	UserID = 42
	Name   = "Alice"
	// OtherName is the name written when the session holds Name.
	OtherName = "Alicia"
	// CookieName is the session cookie's name in every case.
	CookieName = "session"
)

// Cart is the session's "cart" value.
var Cart = []int{1, 2, 3}

var (
	bodyNew = []byte("new") // the request created the session
	bodyOK  = []byte("ok")  // the request found user_id and wrote name
)

// otherName returns the name to write when the session holds name.
func otherName(name string) string {
	if name == Name {
		return OtherName
	}
	return Name
}

// App is one library serving the benchmark's handler.
type App struct {
	// Handler is the handler wrapped in the library's middleware.
	Handler http.Handler
	// Close releases what the case opened: clients, tables, keys, files
	// stay in Env.Dir for its owner to remove.
	Close func() error
}

// Case is one row of the comparison: a library with one format or store.
type Case struct {
	// Name is the sub-benchmark's name, such as "ours-encrypted".
	Name string
	// New builds the App. Its error wraps ErrUnavailable when a service
	// the case needs cannot be reached.
	New func(ctx context.Context, env Env) (*App, error)
}

// Cases returns every row of the comparison, the no-session floor first.
func Cases() []Case {
	return []Case{
		{"floor", newFloor},
		{"gorilla-cookie-signed", newGorillaCookie(false)},
		{"gorilla-cookie-encrypted", newGorillaCookie(true)},
		{"gorilla-filesystem", newGorillaFilesystem},
		{"scs-memstore", newSCSMemstore},
		{"scs-goredisstore", newSCSRedis},
		{"ours-encrypted", newOursCookie(formatEncrypted)},
		{"ours-signed", newOursCookie(formatSigned)},
		{"ours-flask", newOursCookie(formatFlask)},
		{"ours-memstore", newOursMemstore},
		{"ours-filestore", newOursFilestore},
		{"ours-sqlite", newOursSQLite},
		{"ours-postgres", newOursSQL("pgx")},
		{"ours-mysql", newOursSQL("mysql")},
		{"ours-redis", newOursRedis},
	}
}

// FindCase returns the case with the given name.
func FindCase(name string) (Case, error) {
	for _, c := range Cases() {
		if c.Name == name {
			return c, nil
		}
	}
	return Case{}, errors.New("bench: no case named " + name + "; see bench.Cases")
}

// newFloor is the same request cycle with no session library: the handler
// sets a constant cookie, so the visitor does the same carrying as in
// every other case, and answers "new" to a request without a cookie.
func newFloor(context.Context, Env) (*App, error) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := bodyOK
		if r.Header.Get("Cookie") == "" {
			body = bodyNew
		}
		w.Header().Set("Set-Cookie", CookieName+"=floor; Path=/; HttpOnly")
		w.Write(body)
	})
	return &App{Handler: h, Close: func() error { return nil }}, nil
}
