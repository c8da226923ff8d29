package controllers

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/zenazn/goji/web"
)

// poolStats is what the home, stats and API stats pages show.
type poolStats struct {
	Stake stakepooldclient.StakeInfo
	// StakeOK is false when no backend answered (stake figures unknown).
	StakeOK     bool
	Users       int64
	ActiveUsers int64
	At          time.Time
}

// statsCache keeps poolStats for ttl so a burst of visitors costs one
// backend call and one database query. Readers never wait for a refresh
// unless the cache is empty.
type statsCache struct {
	load func(context.Context) (poolStats, error)
	ttl  time.Duration
	now  func() time.Time

	val atomic.Pointer[poolStats]
	mu  sync.Mutex // one refresh at a time
}

func newStatsCache(load func(context.Context) (poolStats, error), ttl time.Duration, now func() time.Time) *statsCache {
	return &statsCache{load: load, ttl: ttl, now: now}
}

// Get returns fresh-enough stats. A stale value is returned at once while
// one background refresh runs; only an empty cache makes callers wait.
func (sc *statsCache) Get(ctx context.Context) (poolStats, error) {
	p := sc.val.Load()
	if p != nil {
		if sc.now().Sub(p.At) >= sc.ttl && sc.mu.TryLock() {
			go func() {
				defer sc.mu.Unlock()
				rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if ps, err := sc.load(rctx); err == nil {
					sc.val.Store(&ps)
				}
			}()
		}
		return *p, nil
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if p := sc.val.Load(); p != nil {
		return *p, nil
	}
	ps, err := sc.load(ctx)
	if err != nil {
		return ps, err
	}
	sc.val.Store(&ps)
	return ps, nil
}

// loadStats reads the stake info (first backend that answers) and the user
// counts. Backends being down is not an error: StakeOK says so.
func (v *VSP) loadStats(ctx context.Context) (poolStats, error) {
	ps := poolStats{At: v.Now()}
	total, active, err := v.Store.CountUsers(ctx)
	if err != nil {
		return ps, err
	}
	ps.Users, ps.ActiveUsers = total, active
	si, err := v.Backends.StakeInfo(ctx)
	if err != nil {
		v.Log.Warnf("stats: %v", err)
	} else {
		ps.Stake, ps.StakeOK = si, true
	}
	return ps, nil
}

// atomsToCoins converts atoms to whole coins.
func atomsToCoins(a int64) float64 { return float64(a) / 1e8 }

// formatCoins prints atoms as coins exactly, with at least two decimals
// (20000 atoms -> "0.0002", 1.5e8 -> "1.50").
func formatCoins(a int64) string {
	neg := a < 0
	if neg {
		a = -a
	}
	s := fmt.Sprintf("%d.%08d", a/1e8, a%1e8)
	s = strings.TrimRight(s, "0")
	if i := strings.IndexByte(s, '.'); len(s)-i-1 < 2 {
		s += strings.Repeat("0", 2-(len(s)-i-1))
	}
	if neg {
		s = "-" + s
	}
	return s
}

// statsView is poolStats ready for the templates.
type statsView struct {
	poolStats
	PoolFees         float64
	Network          string
	Open             bool
	TicketPrice      string // coins, exact, at least 2 decimals
	TotalSubsidy     string // coins, exact, at least 2 decimals
	ProportionLive   string // percent, 2 decimals
	ProportionMissed string
	Charts           []template.HTML
}

// statsView returns the view of ps, reusing the last one built when ps is
// the same snapshot (the charts are drawn once per refresh, not per visit).
func (v *VSP) statsView(ps poolStats) statsView {
	if last := v.lastView.Load(); last != nil && last.At.Equal(ps.At) {
		return *last
	}
	sv := v.buildStatsView(ps)
	v.lastView.Store(&sv)
	return sv
}

func (v *VSP) buildStatsView(ps poolStats) statsView {
	s := ps.Stake
	sv := statsView{poolStats: ps, PoolFees: v.Config.PoolFees, Network: v.Config.Params.Name,
		Open:             !v.app.Config.ClosePool,
		TicketPrice:      formatCoins(s.DifficultyAtoms),
		TotalSubsidy:     formatCoins(s.TotalSubsidyAtoms),
		ProportionLive:   fmt.Sprintf("%.2f", s.ProportionLive*100),
		ProportionMissed: fmt.Sprintf("%.2f", s.ProportionMissed*100),
	}
	if ps.StakeOK {
		other := float64(s.PoolSize) - float64(s.Live)
		if other < 0 {
			other = 0
		}
		sv.Charts = []template.HTML{
			donutChart("Voted and missed", []chartPart{
				{"Voted", float64(s.Voted), "#2970ff"}, {"Missed", float64(s.Missed), "#ed6d47"}}),
			donutChart("Pool share of live tickets", []chartPart{
				{"This pool", float64(s.Live), "#2ed6a1"}, {"Rest of the network", other, "#c4cbd2"}}),
			donutChart("Immature and live", []chartPart{
				{"Immature", float64(s.Immature), "#fdb53f"}, {"Live", float64(s.Live), "#2ed6a1"}}),
		}
	}
	return sv
}

// homePageData is the data of the VSP landing page.
type homePageData struct {
	Base
	Stats statsView
}

// GET /
func (v *VSP) home(c web.C, w http.ResponseWriter, r *http.Request) error {
	if r.URL.Path != "/" {
		return v.app.home(c, w, r) // the core's 404
	}
	ps, err := v.stats.Get(r.Context())
	if err != nil {
		return err
	}
	return v.app.Render(w, "vsp/home", homePageData{Base: v.app.Base(c, r, "Home"), Stats: v.statsView(ps)})
}

// statsPageData is the data of the stats page.
type statsPageData struct {
	Base
	Stats statsView
}

// GET /stats
func (v *VSP) statsPage(c web.C, w http.ResponseWriter, r *http.Request) error {
	ps, err := v.stats.Get(r.Context())
	if err != nil {
		return err
	}
	return v.app.Render(w, "vsp/stats", statsPageData{Base: v.app.Base(c, r, "Stats"), Stats: v.statsView(ps)})
}
