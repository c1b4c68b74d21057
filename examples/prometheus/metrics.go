package main

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/websession/session"
)

// Metrics exports a Manager's events (session.Config.OnEvent) as
// Prometheus counters and a latency histogram, named as the Prometheus
// documentation asks: a "session_" prefix, "_total" on counters, base
// units ("_seconds") on the histogram.
type Metrics struct {
	created, renewed, destroyed prometheus.Counter
	conflicts, tooLarge, lost   prometheus.Counter
	rejected, storeErrors       *prometheus.CounterVec
	storeSeconds                *prometheus.HistogramVec
}

// NewMetrics creates the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	m := &Metrics{
		created:   counter("session_created_total", "Sessions saved for the first time."),
		renewed:   counter("session_renewed_total", "Sessions given a new ID or cookie (Renew, SetUser)."),
		destroyed: counter("session_destroyed_total", "Sessions ended (Destroy)."),
		conflicts: counter("session_commit_conflicts_retried_total", "Commits that lost a race with another request of the same visitor and applied their changes again."),
		tooLarge:  counter("session_cookie_too_large_total", "Commits refused because the cookie would exceed MaxCookieSize."),
		lost:      counter("session_changes_lost_total", "Session changes made after the response had started, which cannot be saved."),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "session_cookies_rejected_total",
			Help: "Session cookies or IDs not accepted, by reason.",
		}, []string{"reason"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "session_store_errors_total",
			Help: "Failed store calls, by operation.",
		}, []string{"op"}),
		storeSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "session_store_call_duration_seconds",
			Help:    "Latency of store calls, by operation.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 9), // 100µs to 6.5s
		}, []string{"op"}),
	}
	reg.MustRegister(m.created, m.renewed, m.destroyed, m.conflicts, m.tooLarge, m.lost,
		m.rejected, m.storeErrors, m.storeSeconds)
	return m
}

// Observe records one event. Set it as session.Config.OnEvent.
func (m *Metrics) Observe(e session.Event) {
	switch e.Kind {
	case "created":
		m.created.Inc()
	case "renewed":
		m.renewed.Inc()
	case "destroyed":
		m.destroyed.Inc()
	case "conflict_retried":
		m.conflicts.Inc()
	case "cookie_too_large":
		m.tooLarge.Inc()
	case "change_lost":
		m.lost.Inc()
	case "cookie_rejected":
		m.rejected.WithLabelValues(e.Reason).Inc()
	case "store_error":
		m.storeErrors.WithLabelValues(e.Op).Inc()
	case "store_call":
		m.storeSeconds.WithLabelValues(e.Op).Observe(e.Duration.Seconds())
	}
}
