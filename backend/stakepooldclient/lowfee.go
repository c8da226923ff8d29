package stakepooldclient

import (
	"context"
	"github.com/eacred/dcrstakepool/backend/poolapi"
	"sort"
)

// lowFeeRank orders the states of a low-fee ticket from first to last, to
// merge the backends' answers: a backend that restarted may not have seen a
// ticket end, or may not have seen it mined yet.
var lowFeeRank = map[string]int{"": 0, poolapi.LowFeeImmature: 1, poolapi.LowFeeLive: 2,
	poolapi.LowFeeVoted: 3, poolapi.LowFeeMissed: 3, poolapi.LowFeeExpired: 3, poolapi.LowFeeRevoked: 3}

// LowFeeTickets returns the union of every reachable backend's low-fee
// tickets (ignored ones, and with includeEnded also those that ended),
// sorted by hash; where backends disagree about a ticket, the furthest
// state wins, so a ticket one backend saw end is shown as ended (and is not
// listed without includeEnded, though a backend that restarted since still
// lists it as live: the ended ones are always asked for).
func (c *Client) LowFeeTickets(ctx context.Context, includeEnded bool) ([]LowFeeTicket, error) {
	rs := fanout(ctx, c, c.usable(false), c.opts.CallTimeout, "low-fee tickets",
		func(ctx context.Context, b Backend) ([]LowFeeTicket, error) { return b.LowFeeTickets(ctx, true) })
	if err := unanswered(rs); err != nil {
		return nil, err
	}
	seen := make(map[string]LowFeeTicket)
	for _, r := range rs {
		if r.err != nil {
			continue
		}
		for _, t := range r.v {
			old, ok := seen[t.Hash]
			if !ok || lowFeeRank[t.State] > lowFeeRank[old.State] {
				if t.MinedHeight == 0 {
					t.MinedHeight = old.MinedHeight
				}
				seen[t.Hash] = t
			} else if old.MinedHeight == 0 && t.MinedHeight != 0 {
				old.MinedHeight = t.MinedHeight
				seen[t.Hash] = old
			}
		}
	}
	out := make([]LowFeeTicket, 0, len(seen))
	for _, t := range seen {
		if includeEnded || !t.Ended() {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Hash < out[j].Hash })
	return out, nil
}
