// Package chaincheck checks the stake transactions of a block against the
// consensus rules, from the block and its parent alone plus the tickets
// they spend, as fetched from a node: the integration tests run every block
// the simulator's scenarios make (best chain, side chains, orphaned blocks)
// through it, so the simulator cannot agree with itself on a rule it gets
// wrong.
//
// The rules checked: a vote votes on the block's parent (hash and height),
// claims as stakebase the subsidy of the height voted on (a vote on block
// k·SubsidyReductionInterval−1 is paid before the reduction) and pays each
// of its ticket's commitments exactly its share (stake.CalculateRewards); a
// revocation is a DCP0009 automatic revocation of its ticket for this block
// (version 2, no signature, no fee, the amounts of stake.RevocationRewards
// seeded by the parent's header); a ticket has the ticket shape (each
// commitment equal to its input minus its change), pays at least the
// block's stake difficulty and a fee of zero or more.
package chaincheck

import (
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Source fetches blocks (any known block, side chains included) and
// transactions with their input values (getrawtransaction).
type Source interface {
	Block(hash chainhash.Hash) (*wire.MsgBlock, error)
	Tx(hash chainhash.Hash) (*wire.MsgTx, error)
}

// Stats counts what a Checker has checked.
type Stats struct {
	Blocks, Tickets, Votes, Revocations int
	// AutoRevocations counts version 2 revocations.
	AutoRevocations int
	// BoundaryVotes counts votes on a block k·SubsidyReductionInterval−1,
	// the last block before a subsidy reduction.
	BoundaryVotes int
}

// Checker checks blocks of one network.
type Checker struct {
	src    Source
	params *chaincfg.Params
	sub    *subsidy.Cache
	Stats
}

// New returns a Checker reading from src.
func New(src Source, params *chaincfg.Params) *Checker {
	return &Checker{src: src, params: params, sub: subsidy.NewCache(params)}
}

// Block checks every stake transaction of b and returns one error per
// broken rule (nil when all hold). An error fetching the parent or a
// ticket is returned as well.
func (c *Checker) Block(b *wire.MsgBlock) []error {
	c.Blocks++
	height := int64(b.Header.Height)
	parent, err := c.src.Block(b.Header.PrevBlock)
	if err != nil {
		return []error{fmt.Errorf("block %d: parent %s: %w", height, b.Header.PrevBlock, err)}
	}
	var errs []error
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("block %d %s: "+format, append([]any{height, b.BlockHash()}, args...)...))
	}
	for _, tx := range b.STransactions {
		switch stake.DetermineTxType(tx) {
		case stake.TxTypeSStx:
			c.Tickets++
			t, err := stake.ParseTicket(tx)
			if err != nil {
				fail("ticket %s: %v", tx.TxHash(), err)
				continue
			}
			if t.Price < b.Header.SBits {
				fail("ticket %s pays %d atoms, under the stake difficulty %d", t.Hash, t.Price, b.Header.SBits)
			}
			if fee, err := stake.TxFee(tx); err != nil || fee < 0 {
				fail("ticket %s: fee %d: %v", t.Hash, fee, err)
			}
		case stake.TxTypeSSGen:
			c.Votes++
			vote, err := stake.ParseVote(tx)
			if err != nil {
				fail("vote %s: %v", tx.TxHash(), err)
				continue
			}
			if vote.BlockHash != b.Header.PrevBlock || int64(vote.BlockHeight) != height-1 {
				fail("vote %s votes on %d %s, not on the parent", vote.Hash, vote.BlockHeight, vote.BlockHash)
			}
			if (int64(vote.BlockHeight)+1)%c.params.SubsidyReductionInterval == 0 {
				c.BoundaryVotes++
			}
			if want := c.sub.VoteSubsidyOn(int64(vote.BlockHeight)); vote.Subsidy != want {
				fail("vote %s claims %d atoms; the subsidy of the voted-on height %d is %d",
					vote.Hash, vote.Subsidy, vote.BlockHeight, want)
			}
			t, err := c.ticket(vote.TicketHash)
			if err != nil {
				fail("vote %s: %v", vote.Hash, err)
				continue
			}
			if err := payouts(t, vote.Payouts, stake.CalculateRewards(amounts(t), t.Price, vote.Subsidy)); err != nil {
				fail("vote %s: %v", vote.Hash, err)
			}
		case stake.TxTypeSSRtx:
			c.Revocations++
			rev, err := stake.ParseRevocation(tx)
			if err != nil {
				fail("revocation %s: %v", tx.TxHash(), err)
				continue
			}
			if tx.Version == 2 {
				c.AutoRevocations++
			}
			t, err := c.ticket(rev.TicketHash)
			if err != nil {
				fail("revocation %s: %v", rev.Hash, err)
				continue
			}
			if err := stake.CheckAutoRevocation(tx, t, &parent.Header); err != nil {
				fail("revocation %s of %s is not a valid automatic revocation: %v", rev.Hash, t.Hash, err)
			}
		}
	}
	return errs
}

func (c *Checker) ticket(h chainhash.Hash) (*stake.Ticket, error) {
	tx, err := c.src.Tx(h)
	if err != nil {
		return nil, fmt.Errorf("ticket %s: %w", h, err)
	}
	t, err := stake.ParseTicket(tx)
	if err != nil {
		return nil, fmt.Errorf("ticket %s does not parse: %w", h, err)
	}
	return t, nil
}

func amounts(t *stake.Ticket) []int64 {
	a := make([]int64, len(t.Contributions))
	for i, com := range t.Contributions {
		a[i] = com.Amount
	}
	return a
}

// payouts checks that got pays each commitment of t want[i] atoms.
func payouts(t *stake.Ticket, got []stake.Payout, want []int64) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d payouts for %d commitments", len(got), len(want))
	}
	for i, p := range got {
		com := t.Contributions[i]
		if p.Value != want[i] || p.Script.Hash != com.Hash || p.Script.ScriptHash != com.ScriptHash {
			return fmt.Errorf("payout %d = %d atoms to %x, want %d to commitment %x", i, p.Value, p.Script.Hash, want[i], com.Hash)
		}
	}
	return nil
}
