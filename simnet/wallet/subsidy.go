package wallet

// voteSubsidy is one vote's share of the block subsidy of a block at
// height h, with the original work/stake/tax split the simulated node pays:
// the block subsidy is BaseSubsidy reduced by Mul/Div once per completed
// SubsidyReductionInterval, and each of the TicketsPerBlock votes gets
// StakeRewardProportion tenths of it divided among them. Blocks before
// StakeValidationHeight-1 pay no vote subsidy.
func (w *Wallet) voteSubsidy(h int64) int64 {
	p := w.cfg.Params
	if h < p.StakeValidationHeight-1 || h <= 0 {
		return 0
	}
	v := p.BaseSubsidy
	for i := int64(0); i < h/p.SubsidyReductionInterval; i++ {
		v = v * p.MulSubsidy / p.DivSubsidy
	}
	total := int64(p.WorkRewardProportion) + int64(p.StakeRewardProportion) + int64(p.BlockTaxProportion)
	return v * int64(p.StakeRewardProportion) / (total * int64(p.TicketsPerBlock))
}
