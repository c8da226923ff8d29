package node

import (
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Automatic revocations (DCP0009)
//
// With the agenda active (the default; --noautorevocations deactivates
// it), every block holds a version 2 revocation of each ticket that
// becomes missed in it (a winner called on its parent whose vote it does
// not hold) and of each ticket that expires in it: no signature, no fee,
// each commitment paid back its share of the ticket price, the atoms left
// over distributed with the PRNG seeded by the parent's header
// (eacred/stake.NewAutoRevocation). A revocation sent with
// sendrawtransaction (of a ticket missed earlier) must then be a valid
// automatic revocation for the next block too.

// autoRevocations builds the revocations a block on the chain state's tip
// holding the given votes must include (none when the agenda is off).
func (n *Node) autoRevocations(votes []*mempoolTx) ([]*wire.MsgTx, error) {
	if !n.autoRevoke {
		return nil, nil
	}
	c := n.chain
	tip := c.tip()
	voted := make(map[chainhash.Hash]bool, len(votes))
	for _, v := range votes {
		voted[v.vote.ticket] = true
	}
	var revoke []chainhash.Hash
	for _, w := range c.winners {
		if t, ok := c.tickets[w]; ok && t.state == ticketLive && !voted[w] {
			revoke = append(revoke, w)
		}
	}
	next := tip.height + 1
	if eh := next - int64(n.params.TicketMaturity) - int64(n.params.TicketExpiry); eh >= 0 {
		for _, th := range c.ticketsMinedAt(eh) {
			if t := c.tickets[th]; t.state == ticketLive && !c.isWinner(th) {
				revoke = append(revoke, th)
			}
		}
	}
	out := make([]*wire.MsgTx, 0, len(revoke))
	for _, th := range revoke {
		t, err := n.minedTicket(th)
		if err != nil {
			return nil, err
		}
		rev, err := stake.NewAutoRevocation(t, &tip.msg.Header)
		if err != nil {
			// Never stop mining over one ticket (the mempool refuses
			// tickets this could happen to).
			n.log.Error("cannot build the automatic revocation of a ticket; it stays unrevoked", "ticket", th, "err", err)
			continue
		}
		out = append(out, rev)
	}
	return out, nil
}

// minedTicket parses a mined ticket.
func (n *Node) minedTicket(th chainhash.Hash) (*stake.Ticket, error) {
	loc, ok := n.chain.txIndex[th]
	if !ok {
		return nil, fmt.Errorf("ticket %s is not mined", th)
	}
	t, err := stake.ParseTicket(n.chain.txAt(loc))
	if err != nil {
		return nil, fmt.Errorf("stored ticket %s: %w", th, err)
	}
	return t, nil
}

// checkAutoRevocation accepts a mempool revocation while DCP0009 is active
// only if it is a valid automatic revocation for the next block.
func (n *Node) checkAutoRevocation(h chainhash.Hash, tx *wire.MsgTx, ticket chainhash.Hash) error {
	if tx.Version != stake.RevocationVersionAuto {
		return reject(h, "revocation has version %d; with automatic revocations (DCP0009) active it must be version %d",
			tx.Version, stake.RevocationVersionAuto)
	}
	t, err := n.minedTicket(ticket)
	if err != nil {
		return err
	}
	if err := stake.CheckAutoRevocation(tx, t, &n.chain.tip().msg.Header); err != nil {
		return reject(h, "invalid automatic revocation: %v", err)
	}
	return nil
}
