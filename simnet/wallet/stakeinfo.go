package wallet

import (
	"context"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// getStakeInfo counts the wallet's tickets (not those added with
// addticket) by state, asking the node which unspent ones are live or
// missed, as eacrwallet does with a node backend.
func (w *Wallet) getStakeInfo(ctx context.Context, _ *rpcserver.Call) (any, error) {
	_, next, err := w.node.StakeDifficulty(ctx)
	if err != nil {
		return nil, err
	}
	unspent := w.unspentTickets(false)
	live, err := w.liveSet(ctx, minedHashes(unspent))
	if err != nil {
		return nil, err
	}
	missed, expired, err := w.missedSets(ctx, minedHashes(unspent))
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	tip := w.tipHeight()
	maturity := int64(w.cfg.Params.TicketMaturity)
	expiry := int64(w.cfg.Params.TicketExpiry)
	res := rpcjson.GetStakeInfoResult{BlockHeight: tip, Difficulty: toCoin(next), PoolSize: w.st.PoolSize}
	var subsidy int64
	for _, t := range w.st.Tickets {
		if t.Added {
			continue
		}
		switch t.State {
		case ticketUnmined:
			res.OwnMempoolTix++
		case ticketMined:
			switch {
			case live[t.Hash]:
				res.Live++
				res.Unspent++
			case expired[t.Hash]:
				res.Expired++
				res.UnspentExpired++
			case missed[t.Hash]:
				res.Missed++
			default:
				res.Immature++
				res.Unspent++
			}
		case ticketVoted:
			res.Voted++
			if rec := w.st.Txs[t.SpentBy]; rec != nil {
				if vote, err := wire.NewTxFromHex(rec.Hex); err == nil && len(vote.TxIn) > 0 {
					subsidy += vote.TxIn[0].ValueIn
				}
			}
		case ticketRevoked:
			res.Revoked++
			if t.SpentHeight-t.Height >= maturity+expiry {
				res.Expired++
			} else {
				res.Missed++
			}
		}
	}
	res.TotalSubsidy = toCoin(subsidy)
	if res.PoolSize > 0 {
		res.ProportionLive = float64(res.Live) / float64(res.PoolSize)
	}
	if res.Missed+res.Voted > 0 {
		res.ProportionMissed = float64(res.Missed) / float64(res.Missed+res.Voted)
	}
	return res, nil
}
