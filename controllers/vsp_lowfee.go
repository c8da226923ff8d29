package controllers

import (
	"context"
	"github.com/eacred/dcrstakepool/backend/poolapi"
	"strings"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
)

// The voting wallets list a user's low-fee tickets (paid too little pool
// fee, not accepted by an admin) apart from the others, as bare hashes
// (stakepooluserinfo's "invalid" list), forever. What became of each is
// known from the stakepoolds, which follow them from the block that mines
// them (immature, live) to the block that votes, misses or expires them
// (under DCP0009 the node revokes a missed or expired ticket in that same
// block). This file sorts them by that state, for the tickets page and the
// statistics alike, so that the two agree.

// lowFeeSplit is a user's low-fee tickets sorted by what the backends know.
type lowFeeSplit struct {
	// Waiting are immature or live: an admin can still accept them.
	Waiting []ticketRow
	// Ended were voted, missed or expired; they join the page's sections
	// with the other tickets, marked low fee.
	Ended []stakepooldclient.UserTicket
	// Unknown are the rest: no backend knows their state (a backend that
	// restarted after they ended does not).
	Unknown []ticketRow
}

// lowFeeStatus maps an ended low-fee state to the tickets page's status.
func lowFeeStatus(state string) (stakepooldclient.TicketStatus, bool) {
	switch state {
	case poolapi.LowFeeVoted:
		return stakepooldclient.StatusVoted, true
	case poolapi.LowFeeMissed, poolapi.LowFeeRevoked:
		return stakepooldclient.StatusMissed, true
	case poolapi.LowFeeExpired:
		return stakepooldclient.StatusExpired, true
	}
	return "", false
}

// lowFeeByHash indexes the backends' low-fee tickets by lower-case hash.
func lowFeeByHash(ts []stakepooldclient.LowFeeTicket) map[string]stakepooldclient.LowFeeTicket {
	m := make(map[string]stakepooldclient.LowFeeTicket, len(ts))
	for _, t := range ts {
		m[strings.ToLower(t.Hash)] = t
	}
	return m
}

// splitLowFee sorts a user's low-fee tickets (the wallet's invalid list) by
// the state the backends report for them.
func splitLowFee(invalid []string, known map[string]stakepooldclient.LowFeeTicket, explorer string) lowFeeSplit {
	var s lowFeeSplit
	for _, h := range invalid {
		t, ok := known[strings.ToLower(h)]
		if st, ended := lowFeeStatus(t.State); ok && ended {
			s.Ended = append(s.Ended, stakepooldclient.UserTicket{Hash: h, Status: st,
				TicketHeight: uint32(max(t.MinedHeight, 0)), SpentByHeight: uint32(max(t.StateHeight, 0))})
			continue
		}
		r := newTicketRow(h, explorer)
		if ok && t.State != "" {
			r.State = t.State
			r.Bought = uint32(max(t.MinedHeight, 0))
			s.Waiting = append(s.Waiting, r)
			continue
		}
		s.Unknown = append(s.Unknown, r)
	}
	return s
}

// countEndedLowFee adds to si the low-fee tickets that ended without being
// accepted (the wallets' getstakeinfo leaves them out, the tickets page
// shows them as voted, missed or expired), with each vote's reward.
// Accepted ones (added) are counted from the wallets' records already
// (addLowFeeCounts).
func (s *Server) countEndedLowFee(ctx context.Context, si *stakepooldclient.StakeInfo) error {
	ts, err := s.backends.LowFeeTickets(ctx, true)
	if err != nil {
		return err
	}
	var added map[string]bool
	n := 0
	for _, t := range ts {
		if t.Ended() {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	acc, err := s.store.AddedLowFeeTickets(ctx)
	if err != nil {
		return err
	}
	added = make(map[string]bool, len(acc))
	for _, t := range acc {
		added[strings.ToLower(t.TicketHash)] = true
	}
	for _, t := range ts {
		if added[strings.ToLower(t.Hash)] {
			continue
		}
		st, ended := lowFeeStatus(t.State)
		if !ended {
			continue
		}
		switch st {
		case stakepooldclient.StatusVoted:
			si.Voted++
			si.TotalSubsidyAtoms += s.voteReward(uint32(max(t.StateHeight, 0)))
		case stakepooldclient.StatusMissed:
			si.Missed++
		case stakepooldclient.StatusExpired:
			si.Expired++
		}
	}
	if si.Missed+si.Voted > 0 {
		si.ProportionMissed = float64(si.Missed) / float64(si.Missed+si.Voted)
	}
	return nil
}

// stateWord is a low-fee state as the pages show it.
func stateWord(state string) string {
	switch state {
	case poolapi.LowFeeImmature:
		return "Immature"
	case poolapi.LowFeeLive:
		return "Live"
	case "":
		return "Live" // a backend before API 1.2 lists live tickets only
	}
	return strings.ToUpper(state[:1]) + state[1:]
}

// tipHeight is the best height of the latest statistics (0 when unknown).
func (s *Server) tipHeight(ctx context.Context) int64 {
	ps, err := s.stats.Get(ctx)
	if err != nil || !ps.StakeOK {
		return 0
	}
	return ps.Stake.BlockHeight
}

// expiresAt estimates when a low-fee ticket expires if it is never
// selected: TicketMaturity + TicketExpiry blocks after the block that mined
// it, at the target block time plus 5%. Without its mined height or the
// tip, the longest it can still take is assumed (a ticket mined now).
func (s *Server) expiresAt(t stakepooldclient.LowFeeTicket, tip int64, now time.Time) time.Time {
	p := s.cfg.Params
	blocks := int64(p.TicketMaturity) + int64(p.TicketExpiry)
	if t.MinedHeight > 0 && tip > 0 {
		blocks = max(t.MinedHeight+blocks-tip, 0)
	}
	return now.Add(time.Duration(float64(time.Duration(blocks)*p.TargetTimePerBlock) * 1.05)).UTC()
}
