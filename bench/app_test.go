package bench

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/websession/session/sessiontest"
)

// TestCases checks that every case really keeps the session: the first
// request creates it and sets a cookie, and the following ones, each
// carrying the previous response's cookie, find user_id in it.
func TestCases(t *testing.T) {
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			app, err := c.New(t.Context(), DefaultEnv(t.TempDir()))
			if errors.Is(err, ErrUnavailable) {
				sessiontest.Unavailable(t, "%v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := app.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			v := NewVisitor(app.Handler)
			if created, err := v.Do(); err != nil || !created {
				t.Fatalf("first request: created %v, err %v; want a new session", created, err)
			}
			if v.Cookie() == "" {
				t.Fatal("the first response set no session cookie")
			}
			for i := range 4 {
				if created, err := v.Do(); err != nil || created {
					t.Fatalf("request %d: created %v, err %v; want the session of the first request", i+2, created, err)
				}
			}
		})
	}
}

func TestOtherNameAlternates(t *testing.T) {
	if otherName(Name) != OtherName || otherName(OtherName) != Name || otherName("") != Name {
		t.Errorf("otherName: %q -> %q, %q -> %q, \"\" -> %q", Name, otherName(Name), OtherName, otherName(OtherName), otherName(""))
	}
}

func TestFindCase(t *testing.T) {
	if c, err := FindCase("ours-redis"); err != nil || c.Name != "ours-redis" {
		t.Errorf("FindCase(ours-redis) = %q, %v", c.Name, err)
	}
	if _, err := FindCase("nope"); err == nil {
		t.Error("FindCase(nope) found a case")
	}
}

// TestLoad drives the floor for a moment: every request is counted and
// checked, and a server that loses sessions shows as errors.
func TestLoad(t *testing.T) {
	app, err := newFloor(t.Context(), Env{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler)
	defer srv.Close()
	st, err := Load(t.Context(), srv.URL, 4, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if st.Requests == 0 || st.Errors != 0 || st.FirstErr != nil {
		t.Fatalf("requests %d, errors %d (%v); want requests and no errors", st.Requests, st.Errors, st.FirstErr)
	}
	if p50, p99 := st.Percentile(0.5), st.Percentile(0.99); p50 <= 0 || p99 < p50 {
		t.Errorf("p50 %v, p99 %v", p50, p99)
	}
	if st.RPS() <= 0 {
		t.Errorf("RPS %v", st.RPS())
	}

	forgetful := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "x"})
		w.Write(bodyNew) // every request starts a new session
	}))
	defer forgetful.Close()
	st, err = Load(t.Context(), forgetful.URL, 2, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if st.Errors == 0 || st.Requests != 0 {
		t.Errorf("a server that loses sessions: requests %d, errors %d; want only errors", st.Requests, st.Errors)
	}
}
