package controllers_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/controllers"
)

// TestStatsFollowBlocks: the home page, the stats page and the API show
// the same snapshot, say which block it describes ("as of block H, T
// ago"), are refreshed as soon as the backends report a new block, and are
// never served older than statsttl even without one (issue 14: after a
// quiet minute they showed a height tens of blocks old).
func TestStatsFollowBlocks(t *testing.T) {
	var offset atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	ve := newVSPEnv(t, vspOptions{Now: now,
		Config: func(c *controllers.Config) { c.StatsTTL = time.Hour },
		Prepare: func(fs []*fakebackend.Backend) {
			for _, f := range fs {
				f.HealthValue.BestHeight = 500
			}
		}})
	c := ve.Env.Client()
	height := func() int64 {
		_, r := apiCall(t, c, ve.Env.Server.URL, "GET", "/api/v2/stats", "", nil)
		var st struct{ BlockHeight int64 }
		if err := json.Unmarshal(r.Data, &st); err != nil {
			t.Fatal(err)
		}
		return st.BlockHeight
	}
	setChain := func(h int64, live uint32) {
		for _, f := range ve.Fakes {
			f.Do(func(b *fakebackend.Backend) {
				b.Stake.BlockHeight, b.Stake.Live = h, live
				b.HealthValue.BestHeight = h
			})
		}
		if err := ve.Backends.RepairAll(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	mustContain(t, "stats", c.Get("/stats").Body, "As of block 500, just now")
	if h := height(); h != 500 {
		t.Fatalf("API height %d", h)
	}
	// Nothing new: the snapshot is reused (no load per visitor).
	offset.Store(int64(3 * time.Second))
	n := ve.Fakes[0].CallCount("StakeInfo") + ve.Fakes[1].CallCount("StakeInfo")
	mustContain(t, "stats later", c.Get("/stats").Body, "As of block 500, 3 seconds ago")
	if m := ve.Fakes[0].CallCount("StakeInfo") + ve.Fakes[1].CallCount("StakeInfo"); m != n {
		t.Errorf("%d StakeInfo calls for a fresh snapshot", m-n)
	}
	// A new block: every page shows it at once.
	setChain(501, 21)
	offset.Store(int64(5 * time.Second))
	mustContain(t, "home after a block", c.Get("/").Body, "As of block 501, just now", "<dt>Live tickets</dt><dd>21</dd>")
	mustContain(t, "stats after a block", c.Get("/stats").Body, "As of block 501", "<dt>Live tickets</dt><dd>21</dd>")
	if h := height(); h != 501 {
		t.Errorf("API height %d after a new block", h)
	}
	// No block reported but the snapshot passed statsttl: refreshed too.
	for _, f := range ve.Fakes {
		f.Do(func(b *fakebackend.Backend) { b.Stake.Live = 22 })
	}
	offset.Store(int64(2 * time.Hour))
	mustContain(t, "stats past statsttl", c.Get("/stats").Body, "<dt>Live tickets</dt><dd>22</dd>", "just now")
}
