package wallet

import "github.com/eacred/dcrstakepool/eacred/subsidy"

// voteSubsidy is the stakebase value of a vote mined in a block at height
// h. The simulated node pays the original work/stake/tax split (it has no
// treasury and no DCP0010/DCP0012 split), so votes must claim exactly that.
func (w *Wallet) voteSubsidy(h int64) int64 {
	return w.subsidy.VoteSubsidy(h, subsidy.Original)
}
