package controllers

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/votebits"
	"github.com/eacred/dcrstakepool/system"
)

func testAgendaSet() []chaincfg.Agenda {
	return []chaincfg.Agenda{
		{ID: "a", Mask: 0x0006, Choices: []chaincfg.Choice{
			{ID: "abstain", Bits: 0, IsAbstain: true}, {ID: "no", Bits: 0x0002}, {ID: "yes", Bits: 0x0004}}},
		{ID: "b", Mask: 0x0018, Choices: []chaincfg.Choice{
			{ID: "abstain", Bits: 0, IsAbstain: true}, {ID: "no", Bits: 0x0008}, {ID: "yes", Bits: 0x0010}}},
	}
}

func TestValidateVoteBits(t *testing.T) {
	ag := testAgendaSet()
	tests := []struct {
		bits    uint16
		agendas []chaincfg.Agenda
		want    string // "" = valid
	}{
		{0x0001, ag, ""},
		{0x0001, nil, ""},
		{0x0003, ag, ""},
		{0x0005, ag, ""},
		{0x0009, ag, ""},
		{0x0011, ag, ""},
		{0x0015, ag, ""},
		{0x000b, ag, ""},
		{0x0000, ag, "bit 0"},
		{0x0004, ag, "bit 0"},
		{0x0007, ag, "not a choice of the agenda (bits 0x0006): agenda a"},
		{0x0019, ag, "agenda b"},
		{0x0021, ag, "no agenda uses"},
		{0x8001, ag, "no agenda uses"},
		{0xffff, ag, "not a choice"},
		{0x0003, nil, "no agenda uses"},
	}
	for _, tc := range tests {
		err := validateVoteBits(tc.bits, tc.agendas)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%#04x: unexpected error %v", tc.bits, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%#04x: error %v, want %q", tc.bits, err, tc.want)
		}
	}
}

func TestUserBits(t *testing.T) {
	ag := votebits.VoteInfo{VoteVersion: 8, Agendas: testAgendaSet()}
	tests := []struct {
		bits, version int64
		want          uint16
	}{
		{5, 8, 5},
		{5, 7, 1},       // other vote version
		{7, 8, 1},       // invalid now
		{-1, 8, 1},      // corrupt
		{70000, 8, 1},   // out of range
		{0x11, 8, 0x11}, // b yes
	}
	for _, tc := range tests {
		if got := userBits(tc.bits, tc.version, ag); got != tc.want {
			t.Errorf("userBits(%d, v%d) = %d, want %d", tc.bits, tc.version, got, tc.want)
		}
	}
	if choiceOf(0x0005, ag.Agendas[0]) != "yes" || choiceOf(0x0001, ag.Agendas[0]) != "" || choiceOf(0x0009, ag.Agendas[1]) != "no" {
		t.Error("choiceOf")
	}
}

func TestValidateUserAddress(t *testing.T) {
	sim := chaincfg.SimNetParams()
	tests := []struct {
		in, want string
	}{
		{"", "Enter the pubkey address"},
		{"   ", "Enter the pubkey address"},
		{"0OIl", "not an address"},
		{"Sk", "not an address"},
		{strings.Repeat("1", 101), "too long"},
		{"SkQmtgRFUqDLzuDc9AGDLDUP3ArXeN7vn3dTEsYSNCRHoxvnXeWPC", ""}, // may or may not decode: only no panic
	}
	for _, tc := range tests {
		_, err := validateUserAddress(tc.in, sim)
		if tc.want == "" {
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestDonutChart(t *testing.T) {
	svg := string(donutChart(`Votes <&>`, []chartPart{{"Voted", 3, "#00f"}, {"Missed", 1, "#f00"}, {"None", 0, "#0f0"}}))
	for _, w := range []string{"<svg", "Votes &lt;&amp;&gt;", `stroke-dasharray="75.000 25.000"`,
		`stroke-dasharray="25.000 75.000"`, "Voted: 3 (75.0%)", "None: 0 (0.0%)"} {
		if !strings.Contains(svg, w) {
			t.Errorf("missing %q in %s", w, svg)
		}
	}
	if strings.Contains(string(donutChart("x", nil)), "dasharray") {
		t.Error("empty chart has slices")
	}
}

func TestBuildTicketGroups(t *testing.T) {
	ut := stakepooldclient.UserTickets{Tickets: []stakepooldclient.UserTicket{
		{Hash: "v1", Status: stakepooldclient.StatusVoted, SpentByHeight: 5},
		{Hash: "v2", Status: stakepooldclient.StatusVoted, SpentByHeight: 9},
		{Hash: "r1", Status: stakepooldclient.StatusRevoked, SpentByHeight: 3},
		{Hash: "l1", Status: stakepooldclient.StatusLive, TicketHeight: 1},
	}}
	gs, err := buildTicketGroups(&ticketView{sections: sortTicketSections(ut.Tickets)}, nil, 0, 1, "",
		func(h uint32) int64 { return int64(h) * 100 })
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ticketGroup{}
	for _, g := range gs {
		byName[g.Name] = g
	}
	if g := byName["voted"]; g.Count != 2 || len(g.Rows) != 1 || g.Rows[0].Hash != "v2" || g.Hidden != 1 ||
		g.Rows[0].Spent != 9 || g.Rows[0].Reward != "0.000009" {
		t.Errorf("voted %+v", g)
	}
	if g := byName["missed"]; g.Count != 1 || g.Rows[0].Spent != 3 || g.Title != "Missed" {
		t.Errorf("missed (revoked) %+v", g)
	}
	if len(gs) != 5 {
		t.Errorf("groups %d", len(gs))
	}
	for _, g := range gs {
		for _, c := range g.Columns {
			if c == "Revoked height" {
				t.Errorf("%s: column %q", g.Name, c)
			}
		}
	}
}

func TestBackendErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
	}{
		{stakepooldclient.ErrRejected, 400},
		{stakepooldclient.ErrHalted, 503},
		{stakepooldclient.ErrInconsistent, 503},
		{stakepooldclient.ErrUnavailable, 503},
		{stakepooldclient.ErrNotMine, 503},
		{errors.New("other"), 500},
	} {
		if got := kindStatus(backendError(tc.err)); got != tc.status {
			t.Errorf("%v -> %d, want %d", tc.err, got, tc.status)
		}
	}
}

func kindStatus(err error) int { return system.KindOf(err).Status() }

// TestStatsCache: the snapshot is never served once older than maxAge or
// once the backends report a block above it (issue 14: the old cache gave
// its stale value to the first visitor after expiry and refreshed in the
// background); many callers waiting on a refresh share one load.
func TestStatsCache(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(1000, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	var tip atomic.Int64
	tip.Store(100)
	var calls atomic.Int64
	release := make(chan struct{}, 100)
	slow := atomic.Bool{}
	load := func(context.Context) (poolStats, error) {
		n := calls.Add(1)
		if slow.Load() {
			<-release
		}
		return poolStats{Users: n, StakeOK: true, Stake: stakepooldclient.StakeInfo{BlockHeight: tip.Load()}, At: clock()}, nil
	}
	sc := newStatsCache(load, 10*time.Second, clock, tip.Load)
	ctx := context.Background()
	if ps, err := sc.Get(ctx); err != nil || ps.Users != 1 {
		t.Fatalf("first Get = %+v %v", ps, err)
	}
	advance(5 * time.Second)
	if ps, _ := sc.Get(ctx); ps.Users != 1 {
		t.Fatal("fresh value reloaded")
	}
	// Older than maxAge: the caller gets a new snapshot, never the old one.
	advance(6 * time.Second)
	if ps, _ := sc.Get(ctx); ps.Users != 2 {
		t.Fatalf("stale snapshot served: %+v", ps)
	}
	// A new block: refreshed at once (after minReload), same height: not.
	advance(2 * time.Second)
	if ps, _ := sc.Get(ctx); ps.Users != 2 {
		t.Fatal("reloaded without a new block")
	}
	tip.Store(101)
	if ps, _ := sc.Get(ctx); ps.Users != 3 || ps.Stake.BlockHeight != 101 {
		t.Fatalf("after a new block: %+v", ps)
	}
	// Many callers on a stale snapshot: one load, all get the new value.
	slow.Store(true)
	advance(11 * time.Second)
	var wg sync.WaitGroup
	got := make(chan int64, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ps, _ := sc.Get(ctx)
			got <- ps.Users
		}()
	}
	time.Sleep(20 * time.Millisecond)
	release <- struct{}{}
	wg.Wait()
	close(got)
	for u := range got {
		if u != 4 {
			t.Errorf("a caller got snapshot %d, want 4", u)
		}
	}
	if n := calls.Load(); n != 4 {
		t.Errorf("%d loads, want 4 (one refresh for many waiting callers)", n)
	}
}

func TestFormatCoins(t *testing.T) {
	for in, want := range map[int64]string{0: "0.00", 20000: "0.0002", 150000000: "1.50", 123456789: "1.23456789",
		5e8: "5.00", 1: "0.00000001", -150000000: "-1.50", 10000000000: "100.00"} {
		if got := formatCoins(in); got != want {
			t.Errorf("formatCoins(%d) = %q, want %q", in, got, want)
		}
	}
}

// TestNetworkInfo: the address prefix and eacrctl flag the pages print
// come from chaincfg and are those of each network.
func TestNetworkInfo(t *testing.T) {
	want := map[string]netInfo{
		"mainnet":  {Name: "mainnet", Prefix: "D"},
		"testnet3": {Name: "testnet3", Prefix: "T", CtlFlag: "--testnet "},
		"simnet":   {Name: "simnet", Prefix: "S", CtlFlag: "--simnet "},
		"regnet":   {Name: "regnet", Prefix: "R", CtlFlag: "--regnet "},
	}
	for _, p := range chaincfg.All() {
		if got := networkInfo(p); got != want[p.Name] {
			t.Errorf("%s: %+v, want %+v", p.Name, got, want[p.Name])
		}
	}
}
