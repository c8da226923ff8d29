package e2e

import (
	"fmt"
	"sort"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// An independent read of the chain: the scenarios walk the node's blocks
// (getblock) and classify a pool user's tickets themselves with
// eacred/stake, instead of trusting any wallet's answer, and check every
// stake transaction of every block they walk (best chain and orphaned
// blocks alike) against the consensus rules: a vote votes on its parent,
// claims the subsidy of the height voted on and pays each commitment its
// exact share; a revocation is a DCP0009 automatic revocation (version 2,
// no signature, the exact amounts) of a ticket that is missed or expired
// in that block; a ticket has the ticket shape and pays at least the
// block's stake difficulty.

// chainTicket is one pool ticket as the chain says it is.
type chainTicket struct {
	Hash   string
	Mined  int64
	Status string // immature, live, voted, missed, expired
	// Spent is the height of the block holding the vote or revocation.
	Spent int64
	// Reward is a vote's stakebase (the subsidy of the block voted on).
	Reward int64
	// LastBlock is true for a ticket missed in the very block it would
	// have expired in (see classify).
	LastBlock bool
}

// chainRead is the result of a walk.
type chainRead struct {
	Tip     int64
	Tickets map[string]*chainTicket
	// Votes, Revocations, Tickets checked (all tickets, not just the pool's).
	Votes, Revocations, TicketsSeen, Blocks int
	// AutoRevocations counts version 2 revocations (all of them, under
	// DCP0009).
	AutoRevocations int
	// BoundaryVotes counts votes on a block k·128−1 (the last block before a
	// subsidy reduction on simnet).
	BoundaryVotes int
}

func (r *chainRead) counts() map[string]int {
	n := make(map[string]int)
	for _, t := range r.Tickets {
		n[t.Status]++
	}
	return n
}

func (r *chainRead) subsidy() int64 {
	var s int64
	for _, t := range r.Tickets {
		if t.Status == "voted" {
			s += t.Reward
		}
	}
	return s
}

// block fetches and decodes a block by hash (side-chain blocks too).
func (c *cluster) block(hash string) (*wire.MsgBlock, error) {
	var hexBlock string
	if err := c.tryCall(c.node, &hexBlock, "getblock", hash, false); err != nil {
		return nil, err
	}
	return wire.NewBlockFromHex(hexBlock)
}

// readChain walks the best chain from height from to the tip, classifies
// the tickets paying to multisig and validates every stake transaction;
// extra are more blocks to validate (orphaned ones). A rule broken fails
// the test.
func (c *cluster) readChain(multisig string, from int64, extra []string) *chainRead {
	c.t.Helper()
	params := chaincfg.SimNetParams()
	maturity, expiry := int64(params.TicketMaturity), c.ticketExpiry()
	a, err := address.Decode(multisig, params)
	if err != nil {
		c.t.Fatalf("decode %s: %v", multisig, err)
	}
	sh, ok := a.(*address.ScriptHashAddress)
	if !ok {
		c.t.Fatalf("%s is not a P2SH address", multisig)
	}
	want := *sh.Hash160()
	r := &chainRead{Tickets: make(map[string]*chainTicket)}
	var best struct {
		Hash   string
		Height int64
	}
	c.call(c.node, &best, "getbestblock")
	r.Tip = best.Height
	v := &validator{c: c, sub: subsidy.NewCache(params)}
	for h := from; h <= r.Tip; h++ {
		var hash string
		c.call(c.node, &hash, "getblockhash", h)
		b, err := c.block(hash)
		if err != nil {
			c.t.Fatalf("block %d: %v", h, err)
		}
		v.check(r, b)
		parentWinners := c.watcher.winnersOf(b.Header.PrevBlock)
		for _, tx := range b.STransactions {
			switch stake.DetermineTxType(tx) {
			case stake.TxTypeSStx:
				if t, err := stake.ParseTicket(tx); err == nil && t.Voting.ScriptHash && t.Voting.Hash == want {
					r.Tickets[tx.TxHash().String()] = &chainTicket{Hash: tx.TxHash().String(), Mined: h}
				}
			case stake.TxTypeSSGen:
				vote, _ := stake.ParseVote(tx)
				if t := r.Tickets[vote.TicketHash.String()]; t != nil {
					if t.Status != "" {
						c.t.Errorf("ticket %s spent twice on the best chain (%s at %d, vote at %d)", t.Hash, t.Status, t.Spent, h)
					}
					t.Status, t.Spent, t.Reward = "voted", h, vote.Subsidy
				}
			case stake.TxTypeSSRtx:
				rev, _ := stake.ParseRevocation(tx)
				if t := r.Tickets[rev.TicketHash.String()]; t != nil {
					if t.Status != "" {
						c.t.Errorf("ticket %s spent twice on the best chain (%s at %d, revocation at %d)", t.Hash, t.Status, t.Spent, h)
					}
					t.Spent = h
					// Missed: called to vote on the parent and not voted.
					// Expired: never called, and this is the block
					// mined+maturity+expiry. A ticket called on the last
					// block it could be, and missed, is missed for the
					// node, but expired by the wallets' rule (they decide
					// by heights: revoked at mined+maturity+expiry).
					called := contains(parentWinners, rev.TicketHash)
					switch {
					case called && h == t.Mined+maturity+expiry:
						t.Status, t.LastBlock = "expired", true
					case called:
						t.Status = "missed"
					case h == t.Mined+maturity+expiry:
						t.Status = "expired"
					default:
						c.t.Errorf("ticket %s revoked at %d: neither called on the parent nor expiring (mined %d)", t.Hash, h, t.Mined)
					}
				}
			}
		}
	}
	for _, t := range r.Tickets {
		if t.Status != "" {
			continue
		}
		if r.Tip >= t.Mined+maturity {
			t.Status = "live"
		} else {
			t.Status = "immature"
		}
	}
	for _, hash := range extra {
		b, err := c.block(hash)
		if err != nil {
			c.t.Fatalf("block %s: %v", hash, err)
		}
		v.check(r, b)
	}
	return r
}

// ticketExpiry is the TicketExpiry the cluster's chain runs with.
func (c *cluster) ticketExpiry() int64 {
	if c.expiry > 0 {
		return c.expiry
	}
	return int64(chaincfg.SimNetParams().TicketExpiry)
}

func contains(hs []chainhash.Hash, h chainhash.Hash) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

// validator checks stake transactions against the consensus rules.
type validator struct {
	c   *cluster
	sub *subsidy.Cache
}

func (v *validator) ticket(h chainhash.Hash) *stake.Ticket {
	v.c.t.Helper()
	tx, err := v.c.rawTx(h.String())
	if err != nil {
		v.c.t.Fatalf("ticket %s: %v", h, err)
	}
	t, err := stake.ParseTicket(tx)
	if err != nil {
		v.c.t.Fatalf("ticket %s does not parse: %v", h, err)
	}
	return t
}

// check validates every stake transaction of b.
func (v *validator) check(r *chainRead, b *wire.MsgBlock) {
	c := v.c
	c.t.Helper()
	r.Blocks++
	height := int64(b.Header.Height)
	parent, err := c.block(b.Header.PrevBlock.String())
	if err != nil {
		c.t.Fatalf("parent of block %d: %v", height, err)
	}
	for _, tx := range b.STransactions {
		switch stake.DetermineTxType(tx) {
		case stake.TxTypeSStx:
			r.TicketsSeen++
			t, err := stake.ParseTicket(tx)
			if err != nil {
				c.t.Errorf("block %d: ticket %s does not parse: %v", height, tx.TxHash(), err)
				continue
			}
			if t.Price < b.Header.SBits {
				c.t.Errorf("block %d: ticket %s pays %d, under the stake difficulty %d", height, t.Hash, t.Price, b.Header.SBits)
			}
			if fee, err := stake.TxFee(tx); err != nil || fee < 0 {
				c.t.Errorf("block %d: ticket %s fee %d: %v", height, t.Hash, fee, err)
			}
		case stake.TxTypeSSGen:
			r.Votes++
			vote, err := stake.ParseVote(tx)
			if err != nil {
				c.t.Errorf("block %d: vote %s does not parse: %v", height, tx.TxHash(), err)
				continue
			}
			if vote.BlockHash != b.Header.PrevBlock || int64(vote.BlockHeight) != height-1 {
				c.t.Errorf("block %d: vote %s votes on %d %s, not the parent", height, vote.Hash, vote.BlockHeight, vote.BlockHash)
			}
			if (int64(vote.BlockHeight)+1)%chaincfg.SimNetParams().SubsidyReductionInterval == 0 {
				r.BoundaryVotes++
			}
			if want := v.sub.VoteSubsidyOn(int64(vote.BlockHeight)); vote.Subsidy != want {
				c.t.Errorf("block %d: vote %s claims %d atoms, the subsidy of the voted-on height %d is %d",
					height, vote.Hash, vote.Subsidy, vote.BlockHeight, want)
			}
			t := v.ticket(vote.TicketHash)
			checkPayouts(c, fmt.Sprintf("block %d: vote %s", height, vote.Hash), t, vote.Payouts,
				stake.CalculateRewards(amounts(t), t.Price, vote.Subsidy))
		case stake.TxTypeSSRtx:
			r.Revocations++
			rev, err := stake.ParseRevocation(tx)
			if err != nil {
				c.t.Errorf("block %d: revocation %s does not parse: %v", height, tx.TxHash(), err)
				continue
			}
			t := v.ticket(rev.TicketHash)
			if tx.Version == 2 {
				r.AutoRevocations++
			}
			if err := stake.CheckAutoRevocation(tx, t, &parent.Header); err != nil {
				c.t.Errorf("block %d: revocation %s of %s is not a valid automatic revocation: %v", height, rev.Hash, t.Hash, err)
			}
		}
	}
}

func amounts(t *stake.Ticket) []int64 {
	a := make([]int64, len(t.Contributions))
	for i, com := range t.Contributions {
		a[i] = com.Amount
	}
	return a
}

func checkPayouts(c *cluster, what string, t *stake.Ticket, got []stake.Payout, want []int64) {
	c.t.Helper()
	if len(got) != len(want) {
		c.t.Errorf("%s: %d payouts for %d commitments", what, len(got), len(want))
		return
	}
	for i, p := range got {
		com := t.Contributions[i]
		if p.Value != want[i] || p.Script.Hash != com.Hash || p.Script.ScriptHash != com.ScriptHash {
			c.t.Errorf("%s: payout %d = %d atoms to %x, want %d to commitment %x", what, i, p.Value, p.Script.Hash, want[i], com.Hash)
		}
	}
}

// sortedHashes lists the tickets of r with status st.
func (r *chainRead) sortedHashes(st string) []string {
	var hs []string
	for h, t := range r.Tickets {
		if t.Status == st {
			hs = append(hs, h)
		}
	}
	sort.Strings(hs)
	return hs
}
