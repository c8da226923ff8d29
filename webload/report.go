package webload

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

func (r *Row) finish() {
	if len(r.latencies) == 0 {
		return
	}
	slices.Sort(r.latencies)
	r.P50 = quantile(r.latencies, 0.50)
	r.P99 = quantile(r.latencies, 0.99)
	r.Max = r.latencies[len(r.latencies)-1]
	r.latencies = nil
}

// quantile is the nearest-rank q-quantile of sorted values: the smallest
// value with at least q of all values at or below it.
func quantile(sorted []time.Duration, q float64) time.Duration {
	rank := int(q*float64(len(sorted)) + 0.999999999)
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

// WriteSummary writes the one-line-per-level table: concurrency, requests
// per second, p50, p99, max and errors over the whole mix.
func WriteSummary(w io.Writer, levels []Level) {
	fmt.Fprintf(w, "| concurrency | requests | req/s | p50 ms | p99 ms | max ms | errors |\n")
	fmt.Fprintf(w, "|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, lv := range levels {
		t := lv.Total
		fmt.Fprintf(w, "| %d | %d | %.0f | %s | %s | %s | %d |\n", lv.Concurrency, t.Requests, lv.Rate(),
			ms(t.P50), ms(t.P99), ms(t.Max), t.Errors)
	}
}

// WriteDetail writes, per level, one line per endpoint.
func WriteDetail(w io.Writer, levels []Level) {
	fmt.Fprintf(w, "| concurrency | endpoint | requests | p50 ms | p99 ms | max ms | errors |\n")
	fmt.Fprintf(w, "|---:|---|---:|---:|---:|---:|---:|\n")
	for _, lv := range levels {
		for _, r := range lv.Rows {
			fmt.Fprintf(w, "| %d | %s | %d | %s | %s | %s | %d |\n", lv.Concurrency, r.Name, r.Requests,
				ms(r.P50), ms(r.P99), ms(r.Max), r.Errors)
		}
	}
}

// WriteErrors lists the first distinct errors of every endpoint that had
// any; nothing when there were none.
func WriteErrors(w io.Writer, levels []Level) {
	for _, lv := range levels {
		for _, r := range lv.Rows {
			if r.Errors > 0 {
				fmt.Fprintf(w, "errors at concurrency %d, %s: %d, e.g. %s\n", lv.Concurrency, r.Name, r.Errors,
					strings.Join(r.FirstErrors, "; "))
			}
		}
	}
}

// Rate is the level's requests per second.
func (lv Level) Rate() float64 {
	if lv.Duration <= 0 {
		return 0
	}
	return float64(lv.Total.Requests) / lv.Duration.Seconds()
}
