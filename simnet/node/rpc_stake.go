package node

import (
	"context"
	"math"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

func (n *Node) rpcGetStakeDifficulty(context.Context, *rpcserver.Call) (any, error) {
	return rpcjson.GetStakeDifficultyResult{
		CurrentStakeDifficulty: coins(n.chain.tip().msg.Header.SBits),
		NextStakeDifficulty:    coins(n.chain.sbits),
	}, nil
}

func (n *Node) ticketIs(h chainhash.Hash, st ticketState) bool {
	t, ok := n.chain.tickets[h]
	return ok && t.state == st
}

func (n *Node) rpcExistsLiveTicket(_ context.Context, c *rpcserver.Call) (any, error) {
	s := c.Params.String(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	h, err := parseHash(&c.Params, s)
	if err != nil {
		return nil, err
	}
	return n.ticketIs(h, ticketLive), nil
}

// existsBitset answers the exists* methods: bit i (LSB first within each
// byte) says whether hash i satisfies the predicate.
func (n *Node) existsBitset(pred func(chainhash.Hash) bool) handlerFunc {
	return func(_ context.Context, c *rpcserver.Call) (any, error) {
		strs := c.Params.Strings(0)
		if err := c.Params.Err(); err != nil {
			return nil, err
		}
		bits := make([]bool, len(strs))
		for i, s := range strs {
			h, err := parseHash(&c.Params, s)
			if err != nil {
				return nil, err
			}
			bits[i] = pred(h)
		}
		return rpcjson.EncodeBitset(bits), nil
	}
}

func (n *Node) rpcLiveTickets(context.Context, *rpcserver.Call) (any, error) {
	return rpcjson.TicketsResult{Tickets: hashStrings(n.chain.live)}, nil
}

func (n *Node) missedList() []chainhash.Hash {
	var out []chainhash.Hash
	for h := range n.chain.unspentMissed {
		if n.chain.tickets[h].state == ticketMissed {
			out = append(out, h)
		}
	}
	return out
}

func (n *Node) rpcMissedTickets(context.Context, *rpcserver.Call) (any, error) {
	return rpcjson.TicketsResult{Tickets: hashStrings(n.missedList())}, nil
}

func (n *Node) rpcRebroadcastMissed(context.Context, *rpcserver.Call) (any, error) {
	tip := n.chain.tip()
	tickets := make(map[string]string)
	for _, h := range n.missedList() {
		tickets[h.String()] = rpcjson.TicketMissed
	}
	sm := &rpcjson.SpentAndMissedTicketsNtfn{BlockHash: tip.hash.String(), BlockHeight: tip.height, StakeDiff: n.chain.sbits, Tickets: tickets}
	n.notify(topicSpentAndMissed, rpcjson.NtfnSpentAndMissedTickets, sm.Params)
	return nil, nil
}

// quorum is the number of non-abstaining votes an agenda needs in a rule
// change interval: 10% of the votes the interval can hold.
func (n *Node) quorum() uint32 {
	return n.params.RuleChangeActivationInterval * uint32(n.params.TicketsPerBlock) / 10
}

// agendaStatus derives an agenda's status from the clock only: the
// simulator does not run the lock-in state machine.
func agendaStatus(now time.Time, start, expire uint64) string {
	t := uint64(now.Unix())
	switch {
	case t < start:
		return "defined"
	case t < expire:
		return "started"
	}
	return "failed"
}

func (n *Node) rpcGetVoteInfo(_ context.Context, c *rpcserver.Call) (any, error) {
	version := c.Params.Uint32(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	agendas, ok := n.params.Agendas(version)
	if !ok && version != n.cfg.VoteVersion {
		return nil, rpcjson.NewError(rpcjson.ErrCodeInvalidParameter, "unrecognized vote version %d", version)
	}
	tip := n.chain.tip()
	rci := int64(n.params.RuleChangeActivationInterval)
	start := tip.height / rci * rci
	r := rpcjson.GetVoteInfoResult{CurrentHeight: tip.height, StartHeight: start, EndHeight: start + rci - 1,
		Hash: tip.hash.String(), VoteVersion: version, Quorum: n.quorum()}
	// Tally the votes of this version in the interval so far.
	var bitsSeen []uint16
	for h := start; h <= tip.height; h++ {
		b := n.chain.blocks[h]
		for _, tx := range b.msg.STransactions {
			if classify(tx) != kindVote {
				continue
			}
			if f, err := checkVoteForm(tx); err == nil && f.version == version {
				bitsSeen = append(bitsSeen, f.voteBits)
			}
		}
	}
	r.TotalVotes = uint32(len(bitsSeen))
	now := time.Now()
	for _, a := range agendas {
		ra := rpcjson.Agenda{ID: a.ID, Description: a.Description, Mask: a.Mask, StartTime: a.StartTime,
			ExpireTime: a.ExpireTime, Status: agendaStatus(now, a.StartTime, a.ExpireTime)}
		var nonAbstain uint32
		for _, ch := range a.Choices {
			var count uint32
			for _, vb := range bitsSeen {
				if vb&a.Mask == ch.Bits {
					count++
				}
			}
			if !ch.IsAbstain {
				nonAbstain += count
			}
			var progress float64
			if r.TotalVotes > 0 {
				progress = float64(count) / float64(r.TotalVotes)
			}
			ra.Choices = append(ra.Choices, rpcjson.Choice{ID: ch.ID, Description: ch.Description, Bits: ch.Bits,
				IsAbstain: ch.IsAbstain, IsNo: ch.IsNo, Count: count, Progress: progress})
		}
		if q := n.quorum(); q > 0 {
			ra.QuorumProgress = float64(nonAbstain) / float64(q)
		}
		r.Agendas = append(r.Agendas, ra)
	}
	return r, nil
}

// agendaAutoRevocations is DCP0009's agenda id.
const agendaAutoRevocations = "autorevocations"

func (n *Node) rpcGetBlockchainInfo(context.Context, *rpcserver.Call) (any, error) {
	tip := n.chain.tip()
	deployments := map[string]any{}
	if agendas, ok := n.params.Agendas(n.cfg.VoteVersion); ok {
		now := time.Now()
		for _, a := range agendas {
			deployments[a.ID] = map[string]any{"status": agendaStatus(now, a.StartTime, a.ExpireTime),
				"starttime": a.StartTime, "expiretime": a.ExpireTime}
		}
	}
	// DCP0009, active from genesis unless --noautorevocations.
	status := "defined"
	if n.autoRevoke {
		status = "active"
	}
	deployments[agendaAutoRevocations] = map[string]any{"status": status, "since": 0, "starttime": 0, "expiretime": uint64(math.MaxInt64)}
	return map[string]any{
		"chain": n.params.Name, "blocks": tip.height, "headers": tip.height, "syncheight": tip.height,
		"bestblockhash": tip.hash.String(), "difficulty": powLimitBits, "difficultyratio": 1.0,
		"verificationprogress": 1.0, "chainwork": chainWork(tip.height), "initialblockdownload": false,
		"maxblocksize": 393216, "deployments": deployments,
	}, nil
}
