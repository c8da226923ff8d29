package wallet

// voteSubsidy is the stakebase value of a vote mined in a block at height
// h: the per-vote subsidy of the variant in force at h on the network
// (subsidy.VariantAt), the one rule the node pays and validates with and
// the pool's fee formula uses.
func (w *Wallet) voteSubsidy(h int64) int64 {
	return w.subsidy.VoteSubsidyOn(h)
}
