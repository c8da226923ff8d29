package faultmatrix

import (
	"fmt"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
)

// readyMargin is how soon after a backend is ready again it counts as able
// to vote: a block mined less than this after the first stakepoold came
// back may still lose its votes without failing the matrix.
const readyMargin = 500 * time.Millisecond

// Outage is a time span in which no backend could vote (both stakepoolds
// down): From is when the last one went down, Until when the first one
// was running again (plus readyMargin).
type Outage struct{ From, Until time.Time }

// Tally is the count of one window of blocks.
type Tally struct {
	From, To      int64 // heights whose winners were due votes
	Blocks        int
	Expected      int // pool winners
	Cast          int // of those, voted on chain
	Missed        int // Expected - Cast
	Excused       int // missed winners of blocks mined while no backend could vote
	ExcusedBlocks int // blocks mined while no backend could vote (their pool winners may be missed)
	ExcusedMax    int // pool winners of those blocks
	WrongBits     int
	Foreign       int // winners the buyer did not buy
	Gaps          []int64
	MissedAt      []string // "height:ticket" of the missed votes (first few)
	WrongAt       []string
}

// countWindow counts the heights from..to from the watcher's records.
func countWindow(c *Cluster, prefs *Prefs, from, to int64, outages []Outage) Tally {
	t := Tally{From: from, To: to}
	blocks := c.Watcher.Snapshot(from, to+1)
	for i := 0; i+1 < len(blocks); i++ {
		b, next := blocks[i], blocks[i+1]
		t.Blocks++
		winners := b.Winners
		if !b.WinnersKnown {
			// The notification was lost (the watcher was reconnecting):
			// the winners are the tickets voted or missed in the next block.
			if !b.VotesKnown || !b.MissedKnown {
				t.Gaps = append(t.Gaps, b.Height)
				continue
			}
			winners = nil
			for h := range b.Votes {
				winners = append(winners, h)
			}
			winners = append(winners, b.Missed...)
		}
		if !b.VotesKnown {
			t.Gaps = append(t.Gaps, b.Height)
			continue
		}
		excused := false
		for _, o := range outages {
			if !b.Seen.Before(o.From) && !next.Seen.After(o.Until) {
				excused = true
			}
		}
		pool := 0
		for _, w := range winners {
			owner := c.Buyer.Owner(w)
			if owner == nil {
				t.Foreign++
				continue
			}
			pool++
			t.Expected++
			bits, voted := b.Votes[w]
			if !voted {
				t.Missed++
				if excused {
					t.Excused++
				} else if len(t.MissedAt) < 8 {
					t.MissedAt = append(t.MissedAt, fmt.Sprintf("%d:%s", b.Height, short(w)))
				}
				continue
			}
			t.Cast++
			if !prefs.Allowed(owner.ID, bits, b.Seen) {
				t.WrongBits++
				if len(t.WrongAt) < 8 {
					t.WrongAt = append(t.WrongAt, fmt.Sprintf("%d:%s bits %#04x want %s", b.Height, short(w), bits, wantBits(prefs, owner.ID)))
				}
			}
		}
		if excused {
			t.ExcusedBlocks++
			t.ExcusedMax += pool
		}
	}
	return t
}

func short(h chainhash.Hash) string { return h.String()[:8] }

func wantBits(p *Prefs, user int64) string {
	ws := p.Writes(user)
	for i := len(ws) - 1; i >= 0; i-- {
		if ws[i].acked {
			return fmt.Sprintf("%#04x", ws[i].bits)
		}
	}
	return "?"
}

// fullyVoted reports whether every pool winner of height has a vote in the
// next block (false while that block is not read yet).
func fullyVoted(c *Cluster, height int64) bool {
	b := c.Watcher.Get(height)
	if !b.WinnersKnown || !b.VotesKnown {
		return false
	}
	for _, w := range b.Winners {
		if c.Buyer.Owner(w) == nil {
			continue
		}
		if _, ok := b.Votes[w]; !ok {
			return false
		}
	}
	return true
}
