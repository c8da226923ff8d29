package pool_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
)

type harness struct {
	node   *pooltest.Node
	wallet *pooltest.Wallet
	store  *pooltest.MemStore
	pool   *pool.Pool
}

func hash(i int) string { return fmt.Sprintf("%064x", i) }

func newHarness(t testing.TB, st pool.State) *harness {
	t.Helper()
	h := &harness{
		node:   pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 200}),
		wallet: pooltest.NewWallet(),
		store:  &pooltest.MemStore{State: st},
	}
	h.node.Heights["b100"] = 100
	p, err := pool.New(pool.Config{PrefsWait: -1,
		Node: h.node, Wallet: h.wallet, Inspector: pooltest.Inspector{}, Addresses: pooltest.Addresses{},
		Store: h.store, Agendas: pooltest.Agendas{8: {pooltest.YesNoAgenda}}, Network: "simnet",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CheckWallet(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.pool = p
	return h
}

func (h *harness) vote(t *testing.T, height int64, winners ...string) (pool.BlockVotes, map[string]uint16) {
	t.Helper()
	before := len(h.wallet.VotesCast())
	bv := h.pool.ProcessWinningTickets(context.Background(), pool.BlockRef{Hash: fmt.Sprint("blk", height), Height: height}, winners, time.Now())
	got := map[string]uint16{}
	for _, v := range h.wallet.VotesCast()[before:] {
		got[v.Ticket] = v.VoteBits
	}
	return bv, got
}

func TestVotesCarryEachUsersBits(t *testing.T) {
	h := newHarness(t, pool.State{})
	ctx := context.Background()
	users := []pool.UserPrefs{
		{UserID: 1, MultisigAddress: "ScUser1", VoteBits: 5, VoteBitsVersion: 8},
		{UserID: 2, MultisigAddress: "ScUser2", VoteBits: 3, VoteBitsVersion: 8},
		{UserID: 3, MultisigAddress: "ScUser3", VoteBits: 5, VoteBitsVersion: 7}, // stale version
	}
	if err := h.pool.SetUserPrefs(ctx, users); err != nil {
		t.Fatal(err)
	}
	h.wallet.AddTicketTx(hash(1), "ScUser1", true, "b100")
	h.wallet.AddTicketTx(hash(2), "ScUser2", true, "b100")
	h.wallet.AddTicketTx(hash(3), "ScUser3", true, "b100")
	h.wallet.AddTicketTx(hash(4), "ScNoPrefs", true, "b100")
	if _, err := h.pool.LoadTickets(ctx); err != nil {
		t.Fatal(err)
	}
	bv, got := h.vote(t, 201, hash(1), hash(2), hash(3), hash(4), hash(99))
	want := map[string]uint16{hash(1): 5, hash(2): 3, hash(3): 1, hash(4): 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("votes: got %v, want %v", got, want)
	}
	if bv.Cast != 4 || bv.Duplicates != 0 || bv.Errors != 0 || bv.Winners != 5 {
		t.Fatalf("summary: %+v", bv)
	}
	for _, r := range bv.Results {
		if wantDef := r.Ticket == hash(3) || r.Ticket == hash(4); r.Default != wantDef {
			t.Errorf("ticket %s: default=%v, want %v", r.Ticket, r.Default, wantDef)
		}
	}
	waitFor(t, func() bool { return h.wallet.RevokeCount() >= 1 }, "revoketickets after the block")
	// A second back end voting the same block sees duplicates, not errors.
	bv, _ = h.vote(t, 201, hash(1), hash(2))
	if bv.Duplicates != 2 || bv.Errors != 0 || bv.Cast != 0 {
		t.Fatalf("duplicates: %+v", bv)
	}
	waitFor(t, func() bool { return h.wallet.RevokeCount() >= 2 }, "revoketickets after each block")
	if h.pool.ProcessedHeight() != 201 {
		t.Fatalf("processed height %d", h.pool.ProcessedHeight())
	}
}

func TestVoteErrorsCounted(t *testing.T) {
	h := newHarness(t, pool.State{})
	h.wallet.AddTicketTx(hash(1), "ScU", true, "b100")
	if _, err := h.pool.LoadTickets(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.node.SendErr = pool.Errorf(pool.KindInternal, "rejected")
	bv, _ := h.vote(t, 201, hash(1))
	if bv.Errors != 1 || bv.Results[0].Outcome != pool.VoteFailed {
		t.Fatalf("send error: %+v", bv)
	}
	h.node.SendErr = nil
	h.wallet.VoteErr = errors.New("ticket unknown")
	bv, _ = h.vote(t, 202, hash(1))
	if bv.Errors != 1 || !strings.Contains(bv.Results[0].Err.Error(), "generatevote") {
		t.Fatalf("generatevote error: %+v", bv)
	}
}

func TestLowFeeTicketAddedAndRemoved(t *testing.T) {
	h := newHarness(t, pool.State{})
	ctx := context.Background()
	if err := h.pool.SetUserPrefs(ctx, []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScU", VoteBits: 5, VoteBitsVersion: 8}}); err != nil {
		t.Fatal(err)
	}
	h.wallet.AddTicketTx(hash(1), "ScU", false, "b100")
	if _, err := h.pool.LoadTickets(ctx); err != nil {
		t.Fatal(err)
	}
	if ig := h.pool.IgnoredTickets(); len(ig) != 1 || ig[0].Hash != hash(1) {
		t.Fatalf("ignored: %v", ig)
	}
	if _, got := h.vote(t, 201, hash(1)); len(got) != 0 {
		t.Fatalf("low-fee ticket voted: %v", got)
	}
	h.node.SetRaw(hash(1), pool.WalletTx{Hex: "tickethex"})
	if err := h.pool.SetAddedTickets(ctx, []pool.PoolTicketID{{Hash: strings.ToUpper(hash(1)), MultisigAddress: "ScU"}}); err != nil {
		t.Fatal(err)
	}
	if l := h.pool.LiveTickets(); len(l) != 1 || len(h.pool.IgnoredTickets()) != 0 {
		t.Fatalf("after add: live %v ignored %v", l, h.pool.IgnoredTickets())
	}
	// The ticket was fetched from the node and given to the wallet so that
	// the wallet can vote it.
	waitFor(t, func() bool { return len(h.wallet.AddedTxs()) == 1 }, "addticket on the wallet")
	if a := h.wallet.AddedTxs(); a[0] != "tickethex" {
		t.Fatalf("wallet addticket calls: %v", a)
	}
	if _, got := h.vote(t, 202, hash(1)); got[hash(1)] != 5 {
		t.Fatalf("added ticket not voted with the user's bits: %v", got)
	}
	if err := h.pool.SetAddedTickets(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, got := h.vote(t, 203, hash(1)); len(got) != 0 {
		t.Fatalf("removed ticket still voted: %v", got)
	}
	if len(h.pool.IgnoredTickets()) != 1 || len(h.pool.LiveTickets()) != 0 {
		t.Fatal("removed ticket not back in ignored")
	}
}

func TestLoadTickets(t *testing.T) {
	h := newHarness(t, pool.State{})
	h.wallet.AddTicketTx(hash(1), "ScA", true, "b100")
	h.wallet.AddTicketTx(hash(2), "ScB", false, "b100")
	h.wallet.AddTicketTx(hash(3), "ScC", true, "")             // unmined
	h.wallet.AddTicketTx(hash(4), "ScD", true, "unknown")      // header lookup fails
	h.wallet.TicketList = append(h.wallet.TicketList, hash(5)) // unknown to gettransaction
	h.wallet.Txs[hash(6)] = pool.WalletTx{Hex: "garbage", BlockHash: "b100"}
	h.wallet.TicketList = append(h.wallet.TicketList, hash(6))
	st, err := h.pool.LoadTickets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := pool.LoadStats{Tickets: 6, Live: 1, Ignored: 1, Skipped: 3, Errors: 1, Rounds: 1}
	st.Duration = 0
	if st != want {
		t.Fatalf("stats: got %+v, want %+v", st, want)
	}
	h.wallet.SetDown(true)
	if _, err := h.pool.LoadTickets(context.Background()); pool.KindOf(err) != pool.KindUnavailable {
		t.Fatalf("wallet down: got %v", err)
	}
}

func TestNewAndSpentTickets(t *testing.T) {
	h := newHarness(t, pool.State{})
	ctx := context.Background()
	if _, err := h.pool.LoadTickets(ctx); err != nil {
		t.Fatal(err)
	}
	h.wallet.AddTicketTx(hash(1), "ScA", true, "b100")
	h.wallet.AddTicketTx(hash(2), "ScB", false, "b100")
	blk := pool.BlockRef{Hash: "b116", Height: 116}
	h.pool.HandleNewTickets(ctx, blk, []string{hash(1), hash(2), hash(3)})
	live, ignored, added, _ := h.pool.Counts()
	if live != 1 || ignored != 1 || added != 0 {
		t.Fatalf("after newtickets: live %d ignored %d", live, ignored)
	}
	h.pool.HandleSpentAndMissed(blk, map[string]string{hash(1): "spent", hash(2): "missed", hash(7): "spent"})
	live, ignored, _, _ = h.pool.Counts()
	if live != 0 || ignored != 0 {
		t.Fatalf("after spentandmissed: live %d ignored %d", live, ignored)
	}
}

func TestSetUserPrefsValidation(t *testing.T) {
	ok := pool.UserPrefs{UserID: 1, MultisigAddress: "ScA", VoteBits: 5, VoteBitsVersion: 8}
	tests := []struct {
		name  string
		users []pool.UserPrefs
		want  string // error substring; "" = success
	}{
		{"valid", []pool.UserPrefs{ok}, ""},
		{"bit 0 clear", []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScA", VoteBits: 4, VoteBitsVersion: 8}}, "bit 0"},
		{"bits outside agendas", []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScA", VoteBits: 0x101, VoteBitsVersion: 8}}, "belong to no agenda"},
		{"not a choice", []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScA", VoteBits: 7, VoteBitsVersion: 8}}, "no choice of agenda testagenda"},
		{"other version not checked", []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScA", VoteBits: 0x101, VoteBitsVersion: 7}}, ""},
		{"zero id", []pool.UserPrefs{{UserID: 0, MultisigAddress: "ScA", VoteBits: 1, VoteBitsVersion: 8}}, "user id must be positive"},
		{"wrong network", []pool.UserPrefs{{UserID: 1, MultisigAddress: "DcA", VoteBits: 1, VoteBitsVersion: 8}}, "not an address of simnet"},
		{"not p2sh", []pool.UserPrefs{{UserID: 1, MultisigAddress: "SsA", VoteBits: 1, VoteBitsVersion: 8}}, "not a P2SH"},
		{"duplicate address", []pool.UserPrefs{ok, {UserID: 2, MultisigAddress: "ScA", VoteBits: 1, VoteBitsVersion: 8}}, "appears twice"},
		{"duplicate id", []pool.UserPrefs{ok, {UserID: 1, MultisigAddress: "ScB", VoteBits: 1, VoteBitsVersion: 8}}, "two multisig addresses"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, pool.State{})
			err := h.pool.SetUserPrefs(context.Background(), tc.users)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || pool.KindOf(err) != pool.KindInvalid {
				t.Fatalf("got %v (kind %v), want invalid containing %q", err, pool.KindOf(err), tc.want)
			}
			if len(h.pool.Users()) != 0 || h.store.Saves != 0 {
				t.Fatal("invalid request changed the state")
			}
		})
	}
}

func TestSetUserPrefAndAddedValidation(t *testing.T) {
	h := newHarness(t, pool.State{})
	ctx := context.Background()
	if err := h.pool.SetUserPref(ctx, pool.UserPrefs{UserID: 1, MultisigAddress: "ScA", VoteBits: 1, VoteBitsVersion: 8}); err != nil {
		t.Fatal(err)
	}
	if err := h.pool.SetUserPref(ctx, pool.UserPrefs{UserID: 1, MultisigAddress: "ScA", VoteBits: 5, VoteBitsVersion: 8}); err != nil {
		t.Fatal(err)
	}
	if u := h.pool.Users(); len(u) != 1 || u[0].VoteBits != 5 {
		t.Fatalf("upsert: %v", u)
	}
	if err := h.pool.SetUserPref(ctx, pool.UserPrefs{UserID: 1, MultisigAddress: "ScB", VoteBits: 1, VoteBitsVersion: 8}); pool.KindOf(err) != pool.KindInvalid {
		t.Fatalf("id with a second address: %v", err)
	}
	if err := h.pool.SetUserPref(ctx, pool.UserPrefs{UserID: 2, MultisigAddress: "ScB", VoteBits: 1, VoteBitsVersion: 8}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ts   []pool.PoolTicketID
		want string
	}{
		{"short hash", []pool.PoolTicketID{{Hash: "abc", MultisigAddress: "ScA"}}, "want 64 hex"},
		{"non-hex", []pool.PoolTicketID{{Hash: strings.Repeat("z", 64), MultisigAddress: "ScA"}}, "not hexadecimal"},
		{"unknown user", []pool.PoolTicketID{{Hash: hash(1), MultisigAddress: "ScZ"}}, "unknown user"},
		{"bad address", []pool.PoolTicketID{{Hash: hash(1), MultisigAddress: "x"}}, "multisig address"},
		{"one ticket for two users", []pool.PoolTicketID{{Hash: hash(1), MultisigAddress: "ScA"}, {Hash: strings.ToUpper(hash(1)), MultisigAddress: "ScB"}}, "listed twice"},
	}
	for _, tc := range tests {
		err := h.pool.SetAddedTickets(ctx, tc.ts)
		if err == nil || !strings.Contains(err.Error(), tc.want) || pool.KindOf(err) != pool.KindInvalid {
			t.Errorf("%s: got %v, want invalid containing %q", tc.name, err, tc.want)
		}
	}
	if got := h.pool.AddedTickets(); len(got) != 0 {
		t.Errorf("refused lists changed the added tickets: %v", got)
	}
	// The same ticket twice for the same user is harmless.
	if err := h.pool.SetAddedTickets(ctx, []pool.PoolTicketID{{Hash: hash(1), MultisigAddress: "ScA"}, {Hash: hash(1), MultisigAddress: "ScA"}}); err != nil {
		t.Errorf("repeated identical entry: %v", err)
	}
}

func TestDurability(t *testing.T) {
	h := newHarness(t, pool.State{})
	ctx := context.Background()
	if err := h.pool.SetUserPrefs(ctx, []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScA", VoteBits: 5, VoteBitsVersion: 8}}); err != nil {
		t.Fatal(err)
	}
	if err := h.pool.SetAddedTickets(ctx, []pool.PoolTicketID{{Hash: hash(1), MultisigAddress: "ScA"}}); err != nil {
		t.Fatal(err)
	}

	// A restarted daemon with the same store votes with the stored choices.
	h2 := newHarness(t, h.store.State)
	h2.wallet.AddTicketTx(hash(1), "ScA", false, "b100")
	if _, err := h2.pool.LoadTickets(ctx); err != nil {
		t.Fatal(err)
	}
	if _, got := h2.vote(t, 201, hash(1)); got[hash(1)] != 5 {
		t.Fatalf("after restart: %v", got)
	}

	// A failed write leaves memory unchanged.
	h.store.Err = errors.New("disk full")
	err := h.pool.SetUserPrefs(ctx, []pool.UserPrefs{{UserID: 2, MultisigAddress: "ScB", VoteBits: 1, VoteBitsVersion: 8}})
	if err == nil || pool.KindOf(err) != pool.KindInternal {
		t.Fatalf("store failure: %v", err)
	}
	if u := h.pool.Users(); len(u) != 1 || u[0].UserID != 1 {
		t.Fatalf("memory changed after a failed write: %v", u)
	}
}

func TestCheckWalletRefusesVotingWallet(t *testing.T) {
	h := newHarness(t, pool.State{})
	h.wallet.AddTicketTx(hash(1), "ScA", true, "b100")
	if _, err := h.pool.LoadTickets(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, got := h.vote(t, 201, hash(1)); len(got) != 1 {
		t.Fatalf("not voted with a checked wallet: %v", got)
	}
	h.wallet.Info.Voting = true
	_, err := h.pool.CheckWallet(context.Background())
	if pool.KindOf(err) != pool.KindPrecondition || !strings.Contains(err.Error(), "voting enabled") {
		t.Fatalf("got %v", err)
	}
	if _, got := h.vote(t, 202, hash(1)); len(got) != 0 {
		t.Fatalf("voted while the wallet votes by itself: %v", got)
	}
}

func TestNoVotingBeforeWalletCheck(t *testing.T) {
	node, wallet := pooltest.NewNode(pool.BlockRef{Hash: "b", Height: 1}), pooltest.NewWallet()
	st := &pooltest.MemStore{State: pool.State{
		Users:        []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScA", VoteBits: 1, VoteBitsVersion: 8}},
		AddedTickets: []pool.PoolTicketID{{Hash: hash(1), MultisigAddress: "ScA"}},
	}}
	p, err := pool.New(pool.Config{PrefsWait: -1, Node: node, Wallet: wallet, Inspector: pooltest.Inspector{}, Addresses: pooltest.Addresses{}, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	bv := p.ProcessWinningTickets(context.Background(), pool.BlockRef{Hash: "x", Height: 2}, []string{hash(1)}, time.Now())
	if len(wallet.VotesCast()) != 0 || bv.Cast+bv.Duplicates+bv.Conflicts != 0 {
		t.Fatalf("voted before the wallet was checked: %+v", bv)
	}
	// The winner is reported as not voted, and why.
	if len(bv.Results) != 1 || bv.Errors != 1 || pool.KindOf(bv.Results[0].Err) != pool.KindPrecondition {
		t.Fatalf("summary %+v", bv)
	}
}

func TestHealth(t *testing.T) {
	h := newHarness(t, pool.State{})
	ctx := context.Background()
	hl := h.pool.Health(ctx)
	if hl.Ready || !contains(hl.Problems, "tickets not loaded") {
		t.Fatalf("before load: %+v", hl)
	}
	if _, err := h.pool.LoadTickets(ctx); err != nil {
		t.Fatal(err)
	}
	hl = h.pool.Health(ctx)
	if !hl.Ready || hl.Best.Height != 200 || hl.VoteVersion != 8 || hl.LagBlocks != 0 {
		t.Fatalf("healthy: %+v", hl)
	}
	h.node.Best = pool.BlockRef{Hash: "x", Height: 210}
	h.wallet.Info.Unlocked = false
	h.wallet.SetDown(false)
	hl = h.pool.Health(ctx)
	if hl.Ready || hl.LagBlocks != 10 || !contains(hl.Problems, "locked") || !contains(hl.Problems, "10 blocks behind") {
		t.Fatalf("unhealthy: %+v", hl)
	}
	h.node.SetDown(true)
	h.wallet.SetDown(true)
	hl = h.pool.Health(ctx)
	if hl.NodeConnected || hl.WalletConnected || !contains(hl.Problems, "not connected to ecrd") || !contains(hl.Problems, "not connected to the wallet") {
		t.Fatalf("down: %+v", hl)
	}
}

func TestWalletPassThroughValidation(t *testing.T) {
	h := newHarness(t, pool.State{})
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"validate wrong net", func() error { _, err := h.pool.ValidateAddress(ctx, "DsX"); return err }, "not an address"},
		{"multisig one addr", func() error { _, err := h.pool.CreateMultisig(ctx, []string{"SkA"}); return err }, "exactly 2"},
		{"multisig bad addr", func() error { _, err := h.pool.CreateMultisig(ctx, []string{"SkA", "Tk"}); return err }, "address 1"},
		{"empty script", func() error { _, err := h.pool.ImportScript(ctx, nil, false, 0); return err }, "empty"},
		{"huge script", func() error {
			_, err := h.pool.ImportScript(ctx, make([]byte, pool.MaxScriptSize+1), false, 0)
			return err
		}, "at most"},
		{"negative height", func() error { _, err := h.pool.ImportScript(ctx, []byte{1}, true, -1); return err }, "negative"},
		{"no scripts", func() error { return h.pool.ImportScripts(ctx, nil, 0) }, "no scripts"},
		{"bad hash", func() error { return h.pool.AddMissingTicket(ctx, "00") }, "64 hex"},
		{"userinfo p2pkh", func() error { _, err := h.pool.StakePoolUserInfo(ctx, "SsA"); return err }, "P2SH"},
		{"branch", func() error { return h.pool.AccountSyncAddressIndex(ctx, "default", 2, 0) }, "branch"},
		{"index", func() error { return h.pool.AccountSyncAddressIndex(ctx, "default", 0, 1<<31) }, "2^31"},
		{"account", func() error { return h.pool.AccountSyncAddressIndex(ctx, "", 0, 1) }, "empty"},
	}
	for _, tc := range tests {
		err := tc.call()
		if err == nil || pool.KindOf(err) != pool.KindInvalid || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want invalid containing %q", tc.name, err, tc.want)
		}
	}
	height, err := h.pool.ImportScript(ctx, []byte("script"), false, 0)
	if err != nil || height != 200 {
		t.Fatalf("import: %d %v", height, err)
	}
	if err := h.pool.ImportScripts(ctx, [][]byte{[]byte("script"), []byte("s2")}, 10); err != nil {
		t.Fatal(err)
	}
	if s, _ := h.pool.ListScripts(ctx); len(s) != 2 {
		t.Fatalf("scripts: %v", s)
	}
	h.wallet.SetDown(true)
	if _, err := h.pool.StakeInfo(ctx); pool.KindOf(err) != pool.KindUnavailable {
		t.Fatalf("down: %v", err)
	}
}

func contains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestWinnerMaturedInSameBlock: a winner the pool has not heard of yet (it
// matured in this block and newtickets is not handled yet) is looked up in
// the wallet and voted if it is a pool ticket with a good fee.
func TestWinnerMaturedInSameBlock(t *testing.T) {
	h := newHarness(t, pool.State{})
	ctx := context.Background()
	if err := h.pool.SetUserPrefs(ctx, []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScA", VoteBits: 5, VoteBitsVersion: 8}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pool.LoadTickets(ctx); err != nil {
		t.Fatal(err)
	}
	h.wallet.AddTicketTx(hash(9), "ScA", true, "b100")
	if _, err := h.pool.LoadTickets(ctx); err != nil { // hash(9) is known, the others are not
		t.Fatal(err)
	}
	h.wallet.AddTicketTx(hash(1), "ScA", true, "b100")
	h.wallet.AddTicketTx(hash(2), "ScA", false, "b100")
	bv, got := h.vote(t, 201, hash(9), hash(1), hash(2), hash(3))
	if got[hash(1)] != 5 || got[hash(9)] != 5 || len(got) != 2 || bv.Cast != 2 {
		t.Fatalf("votes %v, summary %+v", got, bv)
	}
	if l := h.pool.LiveTickets(); len(l) != 2 || l[0].Hash != hash(1) {
		t.Fatalf("live %v", l)
	}
	if ig := h.pool.IgnoredTickets(); len(ig) != 1 || ig[0].Hash != hash(2) {
		t.Fatalf("ignored %v", ig)
	}
}

// TestLoadAsksEachBlockHeightOncePerScan checks that a ticket scan asks
// the node once per block (not once per ticket) and that the heights are
// not kept after the scan (the daemon would otherwise keep one entry per
// block it ever saw).
func TestLoadAsksEachBlockHeightOncePerScan(t *testing.T) {
	node, wallet := pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 300}), pooltest.NewWallet()
	node.Heights["b100"], node.Heights["b101"] = 100, 101
	for i := 0; i < 10; i++ {
		wallet.AddTicketTx(hash(i+1), "ScA", true, fmt.Sprint("b", 100+i%2))
	}
	p, err := pool.New(pool.Config{PrefsWait: -1, Node: node, Wallet: wallet, Inspector: pooltest.Inspector{},
		Addresses: pooltest.Addresses{}, LoadConcurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	for round, want := range []int{2, 4} {
		st, err := p.LoadTickets(context.Background())
		if err != nil || st.Live != 10 {
			t.Fatalf("load %d: %+v %v", round, st, err)
		}
		if node.HeightCalls != want {
			t.Fatalf("after load %d: %d getblockheader calls, want %d", round, node.HeightCalls, want)
		}
	}
}
