// Command prometheus is an example: a small app whose sessions are counted
// and timed in Prometheus metrics, served at /metrics.
//
//	go run . -addr localhost:8080
//	curl -c jar -b jar localhost:8080/visit
//	curl localhost:8080/metrics | grep ^session_
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/websession/session"
	"github.com/websession/session/store/memstore"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	flag.Parse()
	h, err := newApp([]byte("an example key of 32 bytes or more......"))
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on http://%s (metrics at /metrics)", *addr)
	log.Fatal(http.ListenAndServe(*addr, h))
}

// newApp returns the example's handler: /visit counts a visitor's visits
// in a session, /logout ends it, /metrics serves the metrics.
func newApp(secret []byte) (http.Handler, error) {
	reg := prometheus.NewRegistry()
	metrics := NewMetrics(reg)
	m, err := session.New(session.Config{
		Secret:  secret,
		Store:   memstore.New(),
		Cookie:  session.CookieOptions{Insecure: true}, // plain HTTP for the example
		OnEvent: metrics.Observe,
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/visit", visit)
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
		if err := session.From(r).Destroy(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, "logged out")
	})
	root := http.NewServeMux()
	root.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	root.Handle("/", m.Handler(mux))
	return root, nil
}

// visit counts the visitor's visits in the session.
func visit(w http.ResponseWriter, r *http.Request) {
	s := session.From(r)
	n, _ := session.Get[int](s, "visits")
	if err := s.Set("visits", n+1); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, "visit %d\n", n+1)
}
