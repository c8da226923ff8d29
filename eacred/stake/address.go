package stake

import (
	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/txscript"
)

// VotingAddress returns the ticket's voting address on network p: the
// P2SH multisig address of a stake pool ticket, or a P2PKH address.
func (t *Ticket) VotingAddress(p *chaincfg.Params) (address.Address, error) {
	return txscript.PayScriptAddress(t.Voting, p)
}

// RewardAddress returns the address a contribution's share is paid to.
func (c *Contribution) RewardAddress(p *chaincfg.Params) (address.Address, error) {
	return txscript.CommitmentAddress(c.Commitment, p)
}
