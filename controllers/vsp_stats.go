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

// poolStats is what the home, stats and API stats pages show: one snapshot
// for all of them, so they always agree.
type poolStats struct {
	Stake stakepooldclient.StakeInfo
	// StakeOK is false when no backend answered (stake figures unknown).
	StakeOK     bool
	Users       int64
	ActiveUsers int64
	// At is when the snapshot was taken; Stake.BlockHeight the block it
	// describes.
	At time.Time
}

// statsCache keeps one poolStats snapshot. It is refreshed as soon as the
// backends report a block above the snapshot's, and whenever it is older
// than maxAge; a caller never gets a snapshot that is stale by those rules
// (it waits for the refresh, one refresh for all waiting callers).
type statsCache struct {
	load   func(context.Context) (poolStats, error)
	maxAge time.Duration
	now    func() time.Time
	// tip is the best block height the backends last reported (0: unknown).
	tip func() int64

	val atomic.Pointer[poolStats]
	mu  sync.Mutex // one refresh at a time
}

// minReload is the least time between two refreshes triggered by a new
// block (a wallet a moment behind its node must not cause one per visit).
const minReload = time.Second

func newStatsCache(load func(context.Context) (poolStats, error), maxAge time.Duration, now func() time.Time,
	tip func() int64) *statsCache {
	if tip == nil {
		tip = func() int64 { return 0 }
	}
	return &statsCache{load: load, maxAge: maxAge, now: now, tip: tip}
}

// fresh reports whether p may be served now.
func (sc *statsCache) fresh(p *poolStats) bool {
	if p == nil {
		return false
	}
	age := sc.now().Sub(p.At)
	if age >= sc.maxAge || age < 0 {
		return false
	}
	if p.StakeOK && age >= minReload && sc.tip() > p.Stake.BlockHeight {
		return false // a new block arrived
	}
	return true
}

// Get returns a snapshot that is fresh: taken after the newest block the
// backends reported and less than maxAge ago.
func (sc *statsCache) Get(ctx context.Context) (poolStats, error) {
	if p := sc.val.Load(); sc.fresh(p) {
		return *p, nil
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if p := sc.val.Load(); sc.fresh(p) {
		return *p, nil // another caller refreshed it meanwhile
	}
	ps, err := sc.load(ctx)
	if err != nil {
		return ps, err
	}
	sc.val.Store(&ps)
	return ps, nil
}

// backendTip is the highest best-block height the backends reported in
// their last health check.
func (s *Server) backendTip() int64 {
	var tip int64
	for _, st := range s.backends.Statuses() {
		if !st.HealthAt.IsZero() && st.Health.BestHeight > tip {
			tip = st.Health.BestHeight
		}
	}
	return tip
}

// userTickets is the voting wallets' list of a user's tickets with the
// immature/live split the chain makes: a ticket mined at height H is live
// (the node can call it) once block H + TicketMaturity is the tip, while
// the wallets' stakepooluserinfo (dcrwallet's rule, followed by the
// simulator) says immature for one more block. The stats count live
// tickets as the node does (getstakeinfo asks it), so the tickets page and
// the stats agree only when the page follows the chain too. The tip is the
// node's best block from the backends' last health check; the wallets'
// record is not modified.
func (s *Server) userTickets(ctx context.Context, multisig string) (stakepooldclient.UserTickets, error) {
	ut, _, err := s.backends.UserTicketsFrom(ctx, multisig)
	if err != nil {
		return ut, err
	}
	ut.Tickets = liveByChain(ut.Tickets, s.backendTip(), int64(s.cfg.Params.TicketMaturity))
	return ut, nil
}

// liveByChain returns ts with the tickets the wallets call immature but
// the chain at tip has live marked live (a copy when one changes).
func liveByChain(ts []stakepooldclient.UserTicket, tip, maturity int64) []stakepooldclient.UserTicket {
	copied := false
	for i := range ts {
		t := &ts[i]
		if t.Status != stakepooldclient.StatusImmature || t.TicketHeight == 0 || tip < int64(t.TicketHeight)+maturity {
			continue
		}
		if !copied {
			ts, copied = append([]stakepooldclient.UserTicket(nil), ts...), true
			t = &ts[i]
		}
		t.Status = stakepooldclient.StatusLive
	}
	return ts
}

// loadStats reads the stake info (first backend that answers) and the user
// counts. Backends being down is not an error: StakeOK says so. The
// wallets' getstakeinfo leaves out tickets an admin added (low-fee tickets
// given to the wallet with addticket), while the tickets page shows them;
// they are counted here from the wallets' own per-user records, so the two
// pages agree.
//
// The user counts (the database) and the stake info (a backend) are asked
// for at once: every page that shows the figures waits for a refresh.
func (s *Server) loadStats(ctx context.Context) (poolStats, error) {
	ps := poolStats{At: s.now()}
	type userCounts struct {
		total, active int64
		err           error
	}
	counted := make(chan userCounts, 1)
	go func() {
		var c userCounts
		c.total, c.active, c.err = s.store.CountUsers(ctx)
		counted <- c
	}()
	si, err := s.backends.StakeInfo(ctx)
	c := <-counted
	if c.err != nil {
		return ps, c.err
	}
	ps.Users, ps.ActiveUsers = c.total, c.active
	if err != nil {
		s.log.Warnf("stats: %v", err)
		return ps, nil
	}
	if err := s.addLowFeeCounts(ctx, &si); err != nil {
		s.log.Warnf("stats: counting added low-fee tickets: %v", err)
		return ps, nil // figures that disagree are not shown
	}
	if err := s.countEndedLowFee(ctx, &si); err != nil { // vsp_lowfee.go
		s.log.Warnf("stats: counting low-fee tickets that ended: %v", err)
		return ps, nil
	}
	ps.Stake, ps.StakeOK = si, true
	return ps, nil
}

// addLowFeeCounts adds the admin-added tickets to si by the status the
// wallets report for them, with each vote's reward.
func (s *Server) addLowFeeCounts(ctx context.Context, si *stakepooldclient.StakeInfo) error {
	added, err := s.store.AddedLowFeeTickets(ctx)
	if err != nil || len(added) == 0 {
		return err
	}
	byUser := make(map[string]map[string]bool)
	for _, t := range added {
		if byUser[t.MultisigAddress] == nil {
			byUser[t.MultisigAddress] = make(map[string]bool)
		}
		byUser[t.MultisigAddress][strings.ToLower(t.TicketHash)] = true
	}
	for ms, hashes := range byUser {
		ut, err := s.userTickets(ctx, ms)
		if err != nil {
			return err
		}
		for _, t := range ut.Tickets {
			if !hashes[strings.ToLower(t.Hash)] {
				continue
			}
			switch t.Status {
			case stakepooldclient.StatusImmature:
				si.Immature++
			case stakepooldclient.StatusLive:
				si.Live++
			case stakepooldclient.StatusVoted:
				si.Voted++
				si.TotalSubsidyAtoms += s.voteReward(t.SpentByHeight)
			case stakepooldclient.StatusMissed, stakepooldclient.StatusRevoked:
				si.Missed++
			case stakepooldclient.StatusExpired:
				si.Expired++
			}
		}
	}
	if si.PoolSize > 0 {
		si.ProportionLive = float64(si.Live) / float64(si.PoolSize)
	}
	if si.Missed+si.Voted > 0 {
		si.ProportionMissed = float64(si.Missed) / float64(si.Missed+si.Voted)
	}
	return nil
}

// voteReward is the stake reward (stakebase) of a vote mined at height h:
// consensus takes it at the height voted on, h-1.
func (s *Server) voteReward(h uint32) int64 {
	if h < 2 {
		return 0
	}
	return s.subsidy.VoteSubsidyOn(int64(h) - 1)
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

// statsView is poolStats ready for the templates. The snapshot's fields
// the pages show are copied to fields of its own (not embedded): a
// template finds a struct's own field at once, while one of an embedded
// struct is searched for on every use.
type statsView struct {
	snap             poolStats
	Stake            stakepooldclient.StakeInfo
	StakeOK          bool
	Users            int64
	ActiveUsers      int64
	PoolFees         float64
	Network          string
	Open             bool
	TicketPrice      string // coins, exact, at least 2 decimals
	TotalSubsidy     string // coins, exact, at least 2 decimals
	ProportionLive   string // percent, 2 decimals
	ProportionMissed string
	Charts           []template.HTML
	// AsOf says which block the figures describe and how old they are
	// ("block 512, 3 seconds ago"); set per request.
	AsOf string
	// MaxAge is the oldest the figures may be, for the page's note.
	MaxAge string
}

// statsView returns the view of ps, reusing the last one built when ps is
// the same snapshot (the charts are drawn once per refresh, not per visit).
func (s *Server) statsView(ps poolStats) statsView {
	if last := s.lastView.Load(); last != nil && last.snap.At.Equal(ps.At) {
		return *last
	}
	sv := s.buildStatsView(ps)
	s.lastView.Store(&sv)
	return sv
}

// requestView is statsView with the per-request age.
func (s *Server) requestView(ps poolStats) statsView {
	sv := s.statsView(ps)
	if ps.StakeOK {
		sv.AsOf = asOf(ps, s.now())
	}
	sv.MaxAge = humanDuration(s.cfg.StatsTTL)
	return sv
}

func (s *Server) buildStatsView(ps poolStats) statsView {
	st := ps.Stake
	sv := statsView{snap: ps, Stake: ps.Stake, StakeOK: ps.StakeOK, Users: ps.Users, ActiveUsers: ps.ActiveUsers,
		PoolFees: s.cfg.PoolFees, Network: s.cfg.Params.Name,
		Open:             !s.cfg.ClosePool,
		TicketPrice:      formatCoins(st.DifficultyAtoms),
		TotalSubsidy:     formatCoins(st.TotalSubsidyAtoms),
		ProportionLive:   fmt.Sprintf("%.2f", st.ProportionLive*100),
		ProportionMissed: fmt.Sprintf("%.2f", st.ProportionMissed*100),
	}
	if ps.StakeOK {
		other := float64(st.PoolSize) - float64(st.Live)
		if other < 0 {
			other = 0
		}
		sv.Charts = []template.HTML{
			donutChart("Voted and missed", []chartPart{
				{"Voted", float64(st.Voted), "#2970ff"}, {"Missed", float64(st.Missed), "#ed6d47"}}),
			donutChart("Pool share of live tickets", []chartPart{
				{"This pool", float64(st.Live), "#2ed6a1"}, {"Rest of the network", other, "#c4cbd2"}}),
			donutChart("Immature and live", []chartPart{
				{"Immature", float64(st.Immature), "#fdb53f"}, {"Live", float64(st.Live), "#2ed6a1"}}),
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
func (s *Server) home(c web.C, w http.ResponseWriter, r *http.Request) error {
	if r.URL.Path != "/" {
		return s.home(c, w, r) // the core's 404
	}
	ps, err := s.stats.Get(r.Context())
	if err != nil {
		return err
	}
	return s.Render(w, "home", homePageData{Base: s.Base(c, r, "Home"), Stats: s.requestView(ps)})
}

// statsPageData is the data of the stats page.
type statsPageData struct {
	Base
	Stats statsView
}

// GET /stats
func (s *Server) statsPage(c web.C, w http.ResponseWriter, r *http.Request) error {
	ps, err := s.stats.Get(r.Context())
	if err != nil {
		return err
	}
	return s.Render(w, "stats", statsPageData{Base: s.Base(c, r, "Stats"), Stats: s.requestView(ps)})
}
