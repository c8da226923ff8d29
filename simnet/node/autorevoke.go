package node

import (
	"bytes"
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Automatic revocations (DCP0009)
//
// With the agenda active (the default; --noautorevocations deactivates
// it), every block holds a version 2 revocation of each ticket that became
// missed or expired when its parent was connected: no signature, no fee,
// each commitment paid back its share of the ticket price with the atoms
// left over distributed as the rule says (eacred/stake builds it). A
// revocation sent with sendrawtransaction must then be exactly that
// transaction too.

// autoRevocations builds the revocations the next block on the chain
// state's tip must hold (none when the agenda is not active).
func (n *Node) autoRevocations() ([]*wire.MsgTx, error) {
	if !n.autoRevoke {
		return nil, nil
	}
	c := n.chain
	out := make([]*wire.MsgTx, 0, len(c.revocable))
	for _, th := range c.revocable {
		rev, err := n.buildAutoRevocation(th)
		if err != nil {
			return nil, err
		}
		out = append(out, rev)
	}
	return out, nil
}

// buildAutoRevocation is the version 2 revocation of a mined ticket in the
// block after the tip.
func (n *Node) buildAutoRevocation(th chainhash.Hash) (*wire.MsgTx, error) {
	c := n.chain
	loc, ok := c.txIndex[th]
	if !ok {
		return nil, fmt.Errorf("automatic revocation: ticket %s is not mined", th)
	}
	rev, err := stake.NewRevocation(c.txAt(loc), 0, stake.RevocationVersionAuto)
	if err != nil {
		return nil, fmt.Errorf("automatic revocation of %s: %w", th, err)
	}
	return rev, nil
}

// checkAutoRevocation accepts a mempool revocation while DCP0009 is active
// only if it is exactly the version 2 revocation the rule defines.
func (n *Node) checkAutoRevocation(h chainhash.Hash, tx *wire.MsgTx, ticket chainhash.Hash) error {
	if tx.Version != stake.RevocationVersionAuto {
		return reject(h, "revocation has version %d; with automatic revocations (DCP0009) active it must be version %d",
			tx.Version, stake.RevocationVersionAuto)
	}
	want, err := n.buildAutoRevocation(ticket)
	if err != nil {
		return err
	}
	if !bytes.Equal(want.Bytes(), tx.Bytes()) {
		return reject(h, "version 2 revocation of ticket %s does not pay the commitments as DCP0009 requires (want %s)", ticket, want.TxHash())
	}
	return nil
}
