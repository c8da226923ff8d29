package node

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

func hashN(i int) chainhash.Hash {
	return chainhash.HashH([]byte{byte(i), byte(i >> 8), byte(i >> 16)})
}

func TestSelectWinners(t *testing.T) {
	pool := make([]chainhash.Hash, 100)
	for i := range pool {
		pool[i] = hashN(i)
	}
	tests := []struct {
		name string
		pool []chainhash.Hash
		want int
	}{
		{"empty pool", nil, 0},
		{"small pool", pool[:3], 3},
		{"exactly five", pool[:5], 5},
		{"large pool", pool, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := selectWinners(hashN(1000), tc.pool, 5)
			b := selectWinners(hashN(1000), tc.pool, 5)
			if len(a) != tc.want {
				t.Fatalf("%d winners, want %d", len(a), tc.want)
			}
			seen := map[chainhash.Hash]bool{}
			for i := range a {
				if a[i] != b[i] {
					t.Fatal("not deterministic")
				}
				if seen[a[i]] {
					t.Fatal("repeated winner")
				}
				seen[a[i]] = true
			}
		})
	}
	if x, y := selectWinners(hashN(1), pool, 5), selectWinners(hashN(2), pool, 5); x[0] == y[0] && x[1] == y[1] && x[2] == y[2] {
		t.Fatal("different blocks gave the same winners")
	}
}

func TestStakePayouts(t *testing.T) {
	c := func(amount int64) commitment { return commitment{amount: amount} }
	tests := []struct {
		name  string
		cs    []commitment
		total int64
		want  []int64
	}{
		{"single", []commitment{c(100)}, 150, []int64{150}},
		{"halves", []commitment{c(50), c(50)}, 101, []int64{50, 50}},
		{"pool ticket", []commitment{c(7194193), c(4164535489)}, 4126629682 + 150375652, []int64{7375742, 4269629591}},
		{"zero sum", []commitment{c(0)}, 10, []int64{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := stakePayouts(tc.cs, tc.total)
			var sum int64
			for i := range got {
				sum += got[i]
				if tc.want != nil && got[i] != tc.want[i] {
					t.Fatalf("payout %d = %d, want %d", i, got[i], tc.want[i])
				}
			}
			if sum > tc.total {
				t.Fatalf("payouts %d exceed total %d", sum, tc.total)
			}
		})
	}
}

func TestNextStakeDiff(t *testing.T) {
	p := simParams.Copy()
	target := int64(p.TicketPoolSize) * int64(p.TicketsPerBlock) // 320
	tests := []struct {
		name      string
		cur, pool int64
		want      int64
	}{
		{"empty pool stays at minimum", p.MinimumStakeDiff, 0, p.MinimumStakeDiff},
		{"on target keeps price", 100000, target, 100000},
		{"double pool doubles", 100000, 2 * target, 200000},
		{"huge pool capped at 2x", 100000, 10 * target, 200000},
		{"half pool halves", 100000, target / 2, 50000},
		{"proportional", 100000, target * 3 / 4, 75000},
		{"never below minimum", 30000, target / 2, p.MinimumStakeDiff},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newChainState(p)
			c.sbits = tc.cur
			for i := int64(0); i < tc.pool; i++ {
				c.live = append(c.live, hashN(int(i)))
			}
			if got := c.nextStakeDiff(); got != tc.want {
				t.Fatalf("got %d want %d", got, tc.want)
			}
		})
	}
}

func TestBlockStoreTornTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blocks.dat")
	s, blocks, err := openBlockStore(path)
	if err != nil || len(blocks) != 0 {
		t.Fatal(err, len(blocks))
	}
	g, err := genesisBlock(simParams)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := s.append(g); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	full, _ := os.ReadFile(path)
	for _, cut := range []int{1, 4, 10} {
		if err := os.WriteFile(path, full[:len(full)-cut], 0o600); err != nil {
			t.Fatal(err)
		}
		s, blocks, err := openBlockStore(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(blocks) != 2 {
			t.Fatalf("cut %d: %d blocks, want 2", cut, len(blocks))
		}
		if err := s.close(); err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(path); st.Size() != int64(len(full)/3*2) {
			t.Fatalf("cut %d: torn record not truncated (size %d)", cut, st.Size())
		}
		if err := os.WriteFile(path, full, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBlockStoreCorruptRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blocks.dat")
	gb, err := genesisBlock(simParams)
	if err != nil {
		t.Fatal(err)
	}
	g := gb.Bytes()
	var data []byte
	data = append(data, 10, 0, 0, 0)
	data = append(data, make([]byte, 10)...) // complete but undecodable
	data = append(data, byte(len(g)), byte(len(g)>>8), 0, 0)
	data = append(data, g...)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := openBlockStore(path); err == nil {
		t.Fatal("corrupt record accepted")
	}
	if st, _ := os.Stat(path); st.Size() != int64(len(data)) {
		t.Fatal("corrupt store was truncated")
	}
}

func TestStakeFormRejections(t *testing.T) {
	k := newTestKey("k")
	// Zero change, as wallets build tickets (from a split output): the
	// node (commitment = input - change, protocol notes §3.4) and
	// eacred/stake (outputs <= commitments) only agree on such tickets.
	good := buildTicket(t, coin{op: wire.OutPoint{Hash: hashN(1)}, value: 21000, script: k.p2pkh(), key: k}, voting{key: k}, 20000, 1000)
	if _, err := checkTicketForm(good); err != nil {
		t.Fatalf("good ticket: %v", err)
	}
	mutate := func(f func(tx *wire.MsgTx)) *wire.MsgTx {
		tx := good.Copy()
		f(tx)
		return tx
	}
	tests := []struct {
		name     string
		tx       *wire.MsgTx
		nodeOnly bool // a stricter node rule that eacred/stake does not check
	}{
		{"missing change", mutate(func(tx *wire.MsgTx) { tx.TxOut = tx.TxOut[:2] }), false},
		{"voting output untagged", mutate(func(tx *wire.MsgTx) { tx.TxOut[0].PkScript = k.p2pkh() }), false},
		{"commitment not OP_RETURN", mutate(func(tx *wire.MsgTx) { tx.TxOut[1].PkScript = k.p2pkh() }), false},
		{"commitment with value", mutate(func(tx *wire.MsgTx) { tx.TxOut[1].Value = 1 }), true},
		{"script version", mutate(func(tx *wire.MsgTx) { tx.TxOut[2].Version = 1 }), false},
	}
	if !stake.IsSStx(good) {
		t.Fatalf("eacred/stake disagrees on the good ticket: %v", stake.CheckSStx(good))
	}
	for _, tc := range tests {
		if _, err := checkTicketForm(tc.tx); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
		if !tc.nodeOnly && stake.IsSStx(tc.tx) {
			t.Errorf("%s: eacred/stake accepts what the node rejects", tc.name)
		}
	}
	vote := buildVote(t, good, voting{key: k}, hashN(5), 200, 1)
	if _, err := checkVoteForm(vote); err != nil || !stake.IsSSGen(vote) {
		t.Fatalf("good vote: %v / %v", err, stake.CheckSSGen(vote))
	}
	if rev := buildRevocation(t, good, voting{key: k}); !stake.IsSSRtx(rev) {
		t.Fatalf("good revocation: %v", stake.CheckSSRtx(rev))
	}
	badRef := vote.Copy()
	badRef.TxOut[0].PkScript = badRef.TxOut[0].PkScript[:10]
	if _, err := checkVoteForm(badRef); err == nil {
		t.Error("short block reference accepted")
	}
	if classify(vote) != kindVote || classify(good) != kindTicket || classify(buildRevocation(t, good, voting{key: k})) != kindRevocation {
		t.Error("classification wrong")
	}
}

func TestSubsidies(t *testing.T) {
	s := newSubsidies(simParams)
	tests := []struct {
		h      int64
		voters int
		block  int64
		work   int64
		vote   int64
	}{
		{1, 0, 0, 0, 0}, // simnet has no premine
		{2, 0, 50000000000, 500000000, 0},
		{127, 0, 50000000000, 500000000, 0},
		{143, 0, 49504950495, 495049504, 8811881188},
		{144, 5, 49504950495, 495049504, 8811881188},
		{144, 3, 49504950495, 297029702, 8811881188},
		{144, 2, 49504950495, 0, 8811881188}, // no majority: no work subsidy
		{256, 5, 49014802470, 490148024, 8724634839},
	}
	for _, tc := range tests {
		if got := s.block(tc.h); got != tc.block {
			t.Errorf("block(%d) = %d, want %d", tc.h, got, tc.block)
		}
		if got := s.work(tc.h, tc.voters); got != tc.work {
			t.Errorf("work(%d, %d) = %d, want %d", tc.h, tc.voters, got, tc.work)
		}
		if got := s.vote(tc.h); got != tc.vote {
			t.Errorf("vote(%d) = %d, want %d", tc.h, got, tc.vote)
		}
	}
}
