// Package metrics exposes stakepoold's vote outcomes as Prometheus
// metrics: votes cast, duplicates (another back end's vote got there
// first), conflicts (another back end's vote with other bits got there
// first), errors, votes with the wallet's default bits, tips and votes per
// kind of tip (first or side-chain tip at a height), the latency from the winningtickets notification to the
// relay of each vote, and the time to process each block's winners.
//
// It implements pool.Metrics; Handler serves the registry on /metrics for
// the optional metrics listener.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the collectors in their own registry.
type Metrics struct {
	reg        *prometheus.Registry
	cast       prometheus.Counter
	duplicates prometheus.Counter
	errors     prometheus.Counter
	conflicts  prometheus.Counter
	defBits    prometheus.Counter
	tips       *prometheus.CounterVec
	tipVotes   *prometheus.CounterVec
	latency    prometheus.Histogram
	block      prometheus.Histogram
}

// New creates and registers the collectors.
func New() *Metrics {
	// Sub-millisecond buckets: on a quiet machine a vote takes about that.
	buckets := []float64{.00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		cast: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "stakepoold", Name: "votes_cast_total",
			Help: "Votes relayed to ecrd."}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "stakepoold", Name: "votes_duplicate_total",
			Help: "Votes ecrd already had (voted by another back end)."}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "stakepoold", Name: "vote_errors_total",
			Help: "Votes that failed in generatevote or sendrawtransaction."}),
		conflicts: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "stakepoold", Name: "votes_conflict_total",
			Help: "Votes ecrd refused because another vote for the same ticket (other vote bits, from another back end) was already in its mempool; not an error."}),
		defBits: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "stakepoold", Name: "votes_default_bits_total",
			Help: "Votes cast with the wallet's default vote bits because the user's preferences were unknown."}),
		tips: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "stakepoold", Name: "tips_total",
			Help: "Tips (winningtickets notifications) with pool winners; tip=\"side\" for another tip at a height already seen."}, []string{"tip"}),
		tipVotes: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "stakepoold", Name: "tip_votes_total",
			Help: "Votes on the network (cast, duplicate or conflict) per kind of tip voted on."}, []string{"tip"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "stakepoold", Name: "vote_latency_seconds",
			Help: "Time from stakepoold's receipt of the winningtickets notification to ecrd's answer to sendrawtransaction, for each vote ecrd accepted.", Buckets: buckets}),
		block: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "stakepoold", Name: "block_processing_seconds",
			Help: "Time from the winningtickets notification to the end of voting a block's pool winners (blocks with pool winners only).", Buckets: buckets}),
	}
	for _, l := range []string{"first", "side"} {
		m.tips.WithLabelValues(l)
		m.tipVotes.WithLabelValues(l)
	}
	m.reg.MustRegister(m.cast, m.duplicates, m.errors, m.conflicts, m.defBits, m.tips, m.tipVotes, m.latency, m.block,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// VoteCast implements pool.Metrics.
func (m *Metrics) VoteCast(d time.Duration) {
	m.cast.Inc()
	m.latency.Observe(d.Seconds())
}

// VoteDuplicate implements pool.Metrics.
func (m *Metrics) VoteDuplicate() { m.duplicates.Inc() }

// VoteConflict implements pool.Metrics.
func (m *Metrics) VoteConflict() { m.conflicts.Inc() }

// VoteDefaultBits implements pool.Metrics.
func (m *Metrics) VoteDefaultBits() { m.defBits.Inc() }

// TipProcessed implements pool.Metrics.
func (m *Metrics) TipProcessed(side bool, votes int) {
	l := "first"
	if side {
		l = "side"
	}
	m.tips.WithLabelValues(l).Inc()
	m.tipVotes.WithLabelValues(l).Add(float64(votes))
}

// VoteError implements pool.Metrics.
func (m *Metrics) VoteError() { m.errors.Inc() }

// BlockProcessed implements pool.Metrics.
func (m *Metrics) BlockProcessed(d time.Duration) { m.block.Observe(d.Seconds()) }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
