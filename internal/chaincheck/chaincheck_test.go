package chaincheck

import (
	"fmt"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

type memSource struct {
	blocks map[chainhash.Hash]*wire.MsgBlock
	txs    map[chainhash.Hash]*wire.MsgTx
}

func (s memSource) Block(h chainhash.Hash) (*wire.MsgBlock, error) {
	if b, ok := s.blocks[h]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("no block %s", h)
}

func (s memSource) Tx(h chainhash.Hash) (*wire.MsgTx, error) {
	if tx, ok := s.txs[h]; ok {
		return tx, nil
	}
	return nil, fmt.Errorf("no tx %s", h)
}

// world is a parent block at height 255 (the last before simnet's
// subsidy reduction at 256), a child at 256 and two pool tickets.
type world struct {
	src            memSource
	parent, child  *wire.MsgBlock
	voted, revoked *wire.MsgTx
	params         *chaincfg.Params
}

func newWorld(t *testing.T) *world {
	t.Helper()
	p := chaincfg.SimNetParams()
	w := &world{src: memSource{blocks: map[chainhash.Hash]*wire.MsgBlock{}, txs: map[chainhash.Hash]*wire.MsgTx{}}, params: p}
	ticket := func(seed byte) *wire.MsgTx {
		tx, err := stake.NewTicket(stake.TicketSpec{Price: 20000,
			Voting: txscript.PayScript{ScriptHash: true, Hash: [20]byte{seed}},
			Inputs: []stake.TicketInput{
				{PrevOut: wire.OutPoint{Hash: chainhash.Hash{seed, 1}}, Value: 3001, Reward: txscript.PayScript{Hash: [20]byte{seed, 2}}},
				{PrevOut: wire.OutPoint{Hash: chainhash.Hash{seed, 3}}, Value: 17777, Reward: txscript.PayScript{Hash: [20]byte{seed, 4}}},
			}})
		if err != nil {
			t.Fatal(err)
		}
		w.src.txs[tx.TxHash()] = tx
		return tx
	}
	w.voted, w.revoked = ticket(1), ticket(2)
	w.parent = &wire.MsgBlock{Header: wire.BlockHeader{Height: 255, SBits: 20000}}
	w.src.blocks[w.parent.BlockHash()] = w.parent
	w.child = &wire.MsgBlock{Header: wire.BlockHeader{Height: 256, SBits: 20000, PrevBlock: w.parent.BlockHash()}}
	return w
}

func (w *world) vote(t *testing.T, on chainhash.Hash, height uint32, sub int64) *wire.MsgTx {
	t.Helper()
	tx, err := stake.NewVote(stake.VoteSpec{Ticket: w.voted, BlockHash: on, BlockHeight: height, VoteBits: 1,
		Subsidy: sub, StakeBaseSigScript: w.params.StakeBaseSigScript})
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func (w *world) revocation(t *testing.T) *wire.MsgTx {
	t.Helper()
	tk, err := stake.ParseTicket(w.revoked)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := stake.NewAutoRevocation(tk, &w.parent.Header)
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func TestBlockRules(t *testing.T) {
	sub := subsidy.NewCache(chaincfg.SimNetParams())
	if sub.VoteSubsidyOn(255) == sub.VoteSubsidyOn(256) {
		t.Fatal("the test needs a subsidy reduction between 255 and 256")
	}
	tests := []struct {
		name string
		make func(t *testing.T, w *world) []*wire.MsgTx
		want string // "" = valid
	}{
		{"valid vote on 255 and automatic revocation", func(t *testing.T, w *world) []*wire.MsgTx {
			return []*wire.MsgTx{w.vote(t, w.parent.BlockHash(), 255, sub.VoteSubsidyOn(255)), w.revocation(t)}
		}, ""},
		{"vote paid the subsidy of the including block", func(t *testing.T, w *world) []*wire.MsgTx {
			return []*wire.MsgTx{w.vote(t, w.parent.BlockHash(), 255, sub.VoteSubsidyOn(256))}
		}, "subsidy of the voted-on height 255"},
		{"vote on another block", func(t *testing.T, w *world) []*wire.MsgTx {
			return []*wire.MsgTx{w.vote(t, chainhash.Hash{9}, 255, sub.VoteSubsidyOn(255))}
		}, "not on the parent"},
		{"vote payout changed", func(t *testing.T, w *world) []*wire.MsgTx {
			v := w.vote(t, w.parent.BlockHash(), 255, sub.VoteSubsidyOn(255))
			v.TxOut[2].Value--
			return []*wire.MsgTx{v}
		}, "payout 0"},
		{"revocation remainder kept by the wrong output", func(t *testing.T, w *world) []*wire.MsgTx {
			r := w.revocation(t)
			r.TxOut[0].Value, r.TxOut[1].Value = r.TxOut[0].Value+1, r.TxOut[1].Value-1
			return []*wire.MsgTx{r}
		}, "not a valid automatic revocation"},
		{"ticket under the stake difficulty", func(t *testing.T, w *world) []*wire.MsgTx {
			w.child.Header.SBits = 20001
			return []*wire.MsgTx{w.voted}
		}, "under the stake difficulty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.child.STransactions = tc.make(t, w)
			c := New(w.src, w.params)
			errs := c.Block(w.child)
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Fatalf("valid block refused: %v", errs)
			case tc.want != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want)):
				t.Fatalf("errors %v, want one saying %q", errs, tc.want)
			}
		})
	}
	w := newWorld(t)
	w.child.STransactions = []*wire.MsgTx{w.vote(t, w.parent.BlockHash(), 255, sub.VoteSubsidyOn(255)), w.revocation(t), w.voted}
	c := New(w.src, w.params)
	c.Block(w.child)
	if want := (Stats{Blocks: 1, Tickets: 1, Votes: 1, Revocations: 1, AutoRevocations: 1, BoundaryVotes: 1}); c.Stats != want {
		t.Errorf("stats %+v, want %+v", c.Stats, want)
	}
}
