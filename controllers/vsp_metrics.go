package controllers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/system"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/zenazn/goji/web"
)

// vspMetrics holds the front end's Prometheus metrics in a registry of its
// own (no global state).
type vspMetrics struct {
	reg       *prometheus.Registry
	latency   *prometheus.HistogramVec
	addresses *prometheus.CounterVec
}

func newVSPMetrics(b backendStates) *vspMetrics {
	m := &vspMetrics{
		reg: prometheus.NewRegistry(),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "dcrstakepool", Name: "http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by page area, method and status class.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"area", "method", "status"}),
		addresses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "dcrstakepool", Name: "address_creations_total",
			Help: "Voting address creations by result.",
		}, []string{"result"}),
	}
	m.reg.MustRegister(m.latency, m.addresses, backendCollector{b},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// addressResult counts one address creation by outcome.
func (m *vspMetrics) addressResult(err error) {
	res := "ok"
	switch {
	case err == nil:
	case errors.Is(err, stakepooldclient.ErrRejected):
		res = "rejected"
	case errors.Is(err, stakepooldclient.ErrInconsistent):
		res = "inconsistent"
	case errors.Is(err, stakepooldclient.ErrHalted):
		res = "halted"
	case errors.Is(err, stakepooldclient.ErrUnavailable):
		res = "unavailable"
	default:
		res = "error"
	}
	m.addresses.WithLabelValues(res).Inc()
}

// area reduces a path to a small fixed set of labels.
func area(path string) string {
	seg := strings.TrimPrefix(path, "/")
	if i := strings.IndexByte(seg, '/'); i >= 0 {
		seg = seg[:i]
	}
	switch seg {
	case "":
		return "home"
	case "stats", "address", "tickets", "voting", "api", "admin", "admintickets", "status", "assets",
		"login", "register", "settings", "metrics":
		return seg
	}
	return "other"
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// middleware records every request's latency.
func (m *vspMetrics) middleware(c *web.C, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		st := rec.status
		if st == 0 {
			st = http.StatusOK
		}
		m.latency.WithLabelValues(area(r.URL.Path), r.Method, strconv.Itoa(st/100)+"xx").
			Observe(time.Since(start).Seconds())
	})
}

// backendStates is what the metrics read from the backends.
type backendStates interface {
	Statuses() []stakepooldclient.BackendStatus
	Halted() (string, time.Time)
}

// backendCollector reports each backend's state at scrape time.
type backendCollector struct{ b backendStates }

var (
	backendUpDesc = prometheus.NewDesc("dcrstakepool_backend_healthy",
		"1 when the stakepoold backend is reachable, ready and synced.", []string{"backend"}, nil)
	backendLagDesc = prometheus.NewDesc("dcrstakepool_backend_lag_blocks",
		"Blocks the backend is behind its ecrd.", []string{"backend"}, nil)
	haltedDesc = prometheus.NewDesc("dcrstakepool_address_creation_halted",
		"1 while address creation is halted after inconsistent backend answers.", nil, nil)
)

func (bc backendCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- backendUpDesc
	ch <- backendLagDesc
	ch <- haltedDesc
}

func (bc backendCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range bc.b.Statuses() {
		up := 0.0
		if s.State == stakepooldclient.StateHealthy {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(backendUpDesc, prometheus.GaugeValue, up, s.Name)
		ch <- prometheus.MustNewConstMetric(backendLagDesc, prometheus.GaugeValue, float64(s.Health.Lag), s.Name)
	}
	halted := 0.0
	if r, _ := bc.b.Halted(); r != "" {
		halted = 1
	}
	ch <- prometheus.MustNewConstMetric(haltedDesc, prometheus.GaugeValue, halted)
}

// metricsHandler serves /metrics to clients in adminips only (Prometheus
// scrapes without logging in).
func (s *Server) metricsHandler() web.HandlerFunc {
	h := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
	return func(c web.C, w http.ResponseWriter, r *http.Request) {
		if s.admins == nil || !s.admins.AllowsIP(system.ClientIP(c)) {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	}
}
