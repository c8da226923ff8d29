package e2e

import (
	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/internal/chaincheck"
)

// An independent read of the chain: the scenarios walk the node's blocks
// (getblock) and classify a pool user's tickets themselves with
// eacred/stake, instead of trusting any wallet's answer, and run every block
// they walk (best chain and orphaned blocks alike) through the consensus
// checks of internal/chaincheck. A revocation must also be of a ticket
// missed or expired in that very block (DCP0009).

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
	// Stats counts the blocks and stake transactions checked (all of them,
	// not just the pool's).
	chaincheck.Stats
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
	v := chaincheck.New(nodeSource{c}, params)
	for h := from; h <= r.Tip; h++ {
		var hash string
		c.call(c.node, &hash, "getblockhash", h)
		b, err := c.block(hash)
		if err != nil {
			c.t.Fatalf("block %d: %v", h, err)
		}
		c.check(v, b)
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
		c.check(v, b)
	}
	r.Stats = v.Stats
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

// nodeSource reads blocks and transactions from the cluster's node.
type nodeSource struct{ c *cluster }

func (s nodeSource) Block(h chainhash.Hash) (*wire.MsgBlock, error) { return s.c.block(h.String()) }
func (s nodeSource) Tx(h chainhash.Hash) (*wire.MsgTx, error)       { return s.c.rawTx(h.String()) }

// check runs b through the rules (internal/chaincheck); a broken rule fails
// the test.
func (c *cluster) check(v *chaincheck.Checker, b *wire.MsgBlock) {
	c.t.Helper()
	for _, err := range v.Block(b) {
		c.t.Error(err)
	}
}
