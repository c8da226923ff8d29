package node

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// perVoteSubsidy is the published rule, written out here independently
// of eacred/subsidy: the block subsidy starts at base and is multiplied
// by mul/div (integer division) once per reduction interval passed; a vote
// on the block at height h gets floor(subsidy(h) * 89 / (100 * 5)) (DCP0012
// stake share, 5 votes), nothing before stake validation height - 1.
func perVoteSubsidy(base, mul, div, interval, svh, h int64) int64 {
	if h < svh-1 {
		return 0
	}
	s := base
	for i := int64(0); i < h/interval; i++ {
		s = s * mul / div
	}
	return s * 89 / (100 * 5)
}

type voteSubsidyVectors struct {
	Params struct {
		Base     int64 `json:"base_subsidy"`
		Mul      int64 `json:"mul_subsidy"`
		Div      int64 `json:"div_subsidy"`
		Interval int64 `json:"subsidy_reduction_interval"`
		SVH      int64 `json:"stake_validation_height"`
	} `json:"params"`
	Vectors []struct {
		Height int64 `json:"height"`
		Want   int64 `json:"want_per_vote_subsidy"`
	} `json:"vectors"`
}

// TestPerVoteSubsidyRule checks the test's own formula against the
// published vectors (dcrd's mock mainnet parameters), so the simnet
// expectations below come from a checked rule, not from eacred.
func TestPerVoteSubsidyRule(t *testing.T) {
	raw, err := os.ReadFile("testdata/vote_subsidy_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v voteSubsidyVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	p := v.Params
	for _, c := range v.Vectors {
		if got := perVoteSubsidy(p.Base, p.Mul, p.Div, p.Interval, p.SVH, c.Height); got != c.Want {
			t.Errorf("height %d: rule gives %d, vector %d", c.Height, got, c.Want)
		}
	}
	// Simnet (chainparams vectors): the published shortfall.
	if d := simnetVote(255) - simnetVote(256); d != 87246349 {
		t.Fatalf("simnet subsidy(255) - subsidy(256) = %d, the issue says 87,246,349", d)
	}
}

// simnetVote is the per-vote subsidy on simnet block h (published simnet
// parameters, stake validation from the test node's override on: the
// zero before it does not matter above 144).
func simnetVote(h int64) int64 { return perVoteSubsidy(50000000000, 100, 101, 128, 144, h) }

// TestVoteSubsidyAtVotedOnHeight: votes on blocks 254, 255 and 256 (k*128-2,
// k*128-1, k*128 with k = 2) are accepted with the stakebase of the block
// they vote ON, and refused with the one of the block that includes them;
// the mined votes carry that stakebase.
func TestVoteSubsidyAtVotedOnHeight(t *testing.T) {
	miner, voter := newTestKey("miner"), newTestKey("voter")
	v := voting{key: voter}
	// Stake validation at 250, so the 60 tickets are not all called
	// (and missed) before the blocks of interest.
	p := startNode(t, "", "--miningaddr", miner.addr(), "--ticketmaturity", "2", "--coinbasematurity", "2",
		"--stakevalidationheight", "250")
	p.generate(70)
	tickets := map[string]*wire.MsgTx{}
	buy := func(from, to int64) {
		for h := from; h <= to; h++ {
			tk := buildTicket(t, coinbaseCoin(p.block(h), miner), v, simParams.MinimumStakeDiff, 1e4)
			if _, err := p.send(tk); err != nil {
				t.Fatalf("ticket from block %d: %v", h, err)
			}
			tickets[tk.TxHash().String()] = tk
		}
	}
	buy(2, 21)
	p.generate(1)
	buy(22, 41)
	p.generate(1)
	buy(42, 61)
	p.generate(1)
	ws := p.dialWS()
	ws.request("notifywinningtickets")
	p.generate(254 - 73) // tip 254
	for h := int64(249); h < 254; h++ {
		ws.next() // winners of blocks nobody votes on
	}
	for _, height := range []int64{254, 255, 256} {
		wt, err := rpcjson.ParseWinningTickets(ws.next().Params)
		if err != nil || wt.BlockHeight != height {
			t.Fatalf("winningtickets %+v %v, want height %d", wt, err, height)
		}
		block := hashesFromStrings(t, []string{wt.BlockHash})[0]
		want := simnetVote(height)
		if height == 255 && want == simnetVote(256) {
			t.Fatal("the boundary case has no boundary")
		}
		for i, th := range wt.Tickets {
			if i == 0 && simnetVote(height+1) != want {
				// The including block's subsidy is refused.
				_, err := p.send(buildVoteSubsidy(t, tickets[th], v, block, height, 1, simnetVote(height+1)))
				wantReject(t, err, "invalid vote payouts")
			}
			if _, err := p.send(buildVoteSubsidy(t, tickets[th], v, block, height, 1, want)); err != nil {
				t.Fatalf("vote on %d with stakebase %d: %v", height, want, err)
			}
		}
		p.generate(1) // block height+1 holds the votes
		mined := 0
		for _, tx := range p.block(height + 1).STransactions {
			if vote, err := stake.ParseVote(tx); err == nil {
				mined++
				if vote.BlockHeight != uint32(height) || tx.TxIn[0].ValueIn != want {
					t.Fatalf("vote in block %d on %d has stakebase %d, want %d", height+1, vote.BlockHeight, tx.TxIn[0].ValueIn, want)
				}
			}
		}
		if mined != 5 {
			t.Fatalf("block %d holds %d votes", height+1, mined)
		}
	}
}
