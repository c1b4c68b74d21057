package bench

import (
	"errors"
	"net/http"
	"testing"
)

// BenchmarkRequest measures one request cycle per case: a request carrying
// the cookie of the previous response, the handler reading user_id and
// writing name, the library committing the session. cookie-B is the
// session cookie the browser sends back ("session=value").
func BenchmarkRequest(b *testing.B) {
	for _, c := range Cases() {
		b.Run(c.Name, func(b *testing.B) {
			app, err := c.New(b.Context(), DefaultEnv(b.TempDir()))
			if errors.Is(err, ErrUnavailable) {
				b.Skip(err)
			}
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() {
				if err := app.Close(); err != nil {
					b.Errorf("closing %s: %v", c.Name, err)
				}
			})
			measureVisitor(b, app.Handler)
		})
	}
}

// measureVisitor runs one visitor's requests through h, the first creating
// the session and every later one reusing it, and reports allocations and
// the cookie's size.
func measureVisitor(b *testing.B, h http.Handler) {
	b.Helper()
	v := NewVisitor(h)
	if created, err := v.Do(); err != nil || !created {
		b.Fatalf("first request: created %v, %v", created, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if created, err := v.Do(); err != nil || created {
			b.Fatalf("created %v, %v", created, err)
		}
	}
	b.ReportMetric(float64(len(v.Cookie())), "cookie-B")
}
