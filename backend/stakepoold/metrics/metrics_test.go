package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestExposition(t *testing.T) {
	m := New()
	m.VoteCast(30 * time.Millisecond)
	m.VoteCast(time.Millisecond)
	m.VoteDuplicate()
	m.VoteError()
	m.VoteConflict()
	m.VoteConflict()
	m.VoteDefaultBits()
	m.TipProcessed(false, 3)
	m.TipProcessed(true, 2)
	m.TipProcessed(true, 1)
	m.BlockProcessed(40 * time.Millisecond)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		"stakepoold_votes_cast_total 2",
		"stakepoold_votes_duplicate_total 1",
		"stakepoold_vote_errors_total 1",
		"stakepoold_votes_conflict_total 2",
		"stakepoold_votes_default_bits_total 1",
		`stakepoold_tips_total{tip="first"} 1`,
		`stakepoold_tips_total{tip="side"} 2`,
		`stakepoold_tip_votes_total{tip="first"} 3`,
		`stakepoold_tip_votes_total{tip="side"} 3`,
		"stakepoold_vote_latency_seconds_count 2",
		`stakepoold_vote_latency_seconds_bucket{le="0.025"} 1`,
		"stakepoold_block_processing_seconds_count 1",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("missing %q", want)
		}
	}
}
