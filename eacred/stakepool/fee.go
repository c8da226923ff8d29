// Package stakepool holds the money rules of a legacy stake pool (voting
// service provider): how large the pool's fee must be, which addresses the
// fee may be paid to, and the check the pool runs on every ticket before it
// agrees to vote it.
//
// # The fee
//
// A pool ticket has two contributors. The first commitment is the pool's
// fee, paid to one of the pool's fee addresses; the second is the user's
// stake. Votes pay each commitment its proportional share of ticket price +
// vote subsidy, so the pool's share of the reward is fee/(price+ticketFee)
// of it. The fee is chosen so that this share equals the pool's percentage
// of the subsidy alone:
//
//	fee = p·s·(v+z) / (10000·(s+v))
//
// with p the pool fee in hundredths of a percent (7.5% -> 750), v the ticket
// price, z the ticket's transaction fee (the network's: inputs minus all
// outputs, change included; stake.TxFee), and s the per-vote subsidy at the
// ticket's height reduced by 100/101 once per subsidy reduction expected
// while the ticket waits to vote (ceil(TicketPoolSize /
// SubsidyReductionInterval) times). Everything is integer arithmetic,
// rounded down, exactly as the wallets compute it.
//
// # Fee addresses
//
// The operator's cold wallet exports its account extended public key; fee
// addresses are its external branch, xpub/0/i, as P2PKH addresses. The
// pool accepts a fee paid to any of the first N of them (a set lookup by
// hash160), not only to the one shown to the paying user.
//
// # The ticket check
//
// When a ticket paying to a pool voting address is mined at height h, the
// pool checks: the first commitment pays a fee address, and its amount is at
// least the fee required at h for that ticket's price and transaction fee
// (computed from its input values, which mined transactions carry).
// A ticket failing the check is not voted (an administrator may add it by
// hand).
package stakepool

import (
	"math"
	"math/big"
	"math/bits"

	"github.com/eacred/dcrstakepool/eacred/subsidy"
)

// FeeBasisPoints converts a pool fee percentage to hundredths of a percent
// the way the wallets do: floor(percent * 100) (7.5 -> 750, 2.59 -> 259).
func FeeBasisPoints(percent float64) int64 {
	if math.IsNaN(percent) || percent <= 0 {
		return 0
	}
	return int64(math.Floor(percent * 100.0))
}

// ValidPoolFeeRate reports whether a pool fee percentage is usable: at
// least 0.01% and at most 100% after flooring to hundredths.
func ValidPoolFeeRate(percent float64) bool {
	bp := FeeBasisPoints(percent)
	return bp >= 1 && bp <= 10000
}

// AdjustedVoteSubsidy returns the per-vote subsidy at height h of variant v,
// reduced by 100/101 once for each subsidy reduction expected during the
// ticket's life. It is the per-vote share of the block subsidy whether or not
// votes have begun at h, so a ticket bought before stake validation height
// owes the same kind of fee as one bought after it.
func AdjustedVoteSubsidy(c *subsidy.Cache, h int64, v subsidy.Variant) int64 {
	p := c.Params()
	s := c.PerVoteShare(h, v)
	adjs := int64(1)
	if p.SubsidyReductionInterval > 0 {
		n := int64(p.TicketPoolSize)
		adjs = (n + p.SubsidyReductionInterval - 1) / p.SubsidyReductionInterval
	}
	for range adjs {
		s = s * 100 / 101
	}
	return s
}

// TicketFee returns the pool fee in atoms a ticket must commit:
// price is the ticket price (out[0] value), ticketFee the ticket's
// transaction fee in atoms, h the height the subsidy is taken at, basisPoints
// the pool fee (FeeBasisPoints) and v the subsidy variant in force.
func TicketFee(c *subsidy.Cache, price, ticketFee, h, basisPoints int64, v subsidy.Variant) int64 {
	s := AdjustedVoteSubsidy(c, h, v)
	if s+price <= 0 || basisPoints <= 0 {
		return 0
	}
	if q, ok := ticketFeeUint(basisPoints, s, price+ticketFee, s+price); ok {
		return q
	}
	num := new(big.Int).SetInt64(basisPoints)
	num.Mul(num, big.NewInt(s))
	num.Mul(num, big.NewInt(price+ticketFee))
	den := big.NewInt(s + price)
	den.Mul(den, big.NewInt(10000))
	return num.Quo(num, den).Int64()
}

// ticketFeeUint computes floor(bp·s·total / (sum·10000)) in exact 128-bit
// unsigned arithmetic without allocating. It reports false, leaving the
// case to math/big, whenever an operand is negative or zero where that
// matters, or an intermediate or the result does not fit (bp·s and
// sum·10000 must fit in 64 bits, the quotient in 63), so that whenever it
// answers, the answer is the one the big.Int formula gives.
func ticketFeeUint(bp, s, total, sum int64) (int64, bool) {
	if bp <= 0 || s < 0 || total < 0 || sum <= 0 {
		return 0, false
	}
	hi, bs := bits.Mul64(uint64(bp), uint64(s))
	if hi != 0 {
		return 0, false
	}
	hi, den := bits.Mul64(uint64(sum), 10000)
	if hi != 0 {
		return 0, false
	}
	numHi, numLo := bits.Mul64(bs, uint64(total))
	if numHi >= den { // the quotient would not fit in 64 bits
		return 0, false
	}
	q, _ := bits.Div64(numHi, numLo, den)
	if q > math.MaxInt64 {
		return 0, false
	}
	return int64(q), true
}

// TicketFeeAt is TicketFee with the pool fee as a percentage and the
// subsidy variant in force at h on the cache's network.
func TicketFeeAt(c *subsidy.Cache, price, ticketFee, h int64, percent float64) int64 {
	return TicketFee(c, price, ticketFee, h, FeeBasisPoints(percent), subsidy.VariantAt(c.Params(), h))
}
