package wallet

// voteSubsidy is the stakebase value of a vote on the block at height h
// (the height in the vote's block reference; the vote is mined at h+1):
// eacred/subsidy's VoteSubsidyOn, the rule the node validates with.
func (w *Wallet) voteSubsidy(h int64) int64 {
	return w.subsidy.VoteSubsidyOn(h)
}
