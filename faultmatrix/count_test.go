package faultmatrix

import (
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
)

// TestCountWindow: expected, cast, missed, excused and wrong bits of a
// window of blocks, from the watcher's records.
func TestCountWindow(t *testing.T) {
	u := &User{ID: 1, VoteBits: 0x0005}
	tk := func(b byte) chainhash.Hash { return chainhash.Hash{b} }
	c := &Cluster{Users: []*User{u}}
	c.Buyer = &Buyer{c: c, owners: map[chainhash.Hash]*User{tk(1): u, tk(2): u, tk(3): u, tk(4): u, tk(5): u, tk(9): nil}}
	t0 := time.Now()
	c.Watcher = &Watcher{blocks: map[int64]*Block{
		// 100: two pool winners voted right, one wrong, one missed, one foreign.
		100: {Height: 100, Seen: t0, WinnersKnown: true, Winners: []chainhash.Hash{tk(1), tk(2), tk(3), tk(4), tk(9)},
			VotesKnown: true, Votes: map[chainhash.Hash]uint16{tk(1): 0x0005, tk(2): 0x0005, tk(3): 0x0001}},
		// 101 and 102 are mined while no backend can vote.
		101: {Height: 101, Seen: t0.Add(time.Second), WinnersKnown: true, Winners: []chainhash.Hash{tk(5)},
			VotesKnown: true, Votes: map[chainhash.Hash]uint16{}},
		// 102: the winners notification was lost: voted + missed of 103.
		102: {Height: 102, Seen: t0.Add(2 * time.Second), MissedKnown: true, Missed: []chainhash.Hash{tk(2)},
			VotesKnown: true, Votes: map[chainhash.Hash]uint16{tk(1): 0x0005}},
		// 103: nothing known of its votes yet (104 not read): a gap.
		103: {Height: 103, Seen: t0.Add(3 * time.Second), WinnersKnown: true, Winners: []chainhash.Hash{tk(1)}},
		104: {Height: 104, Seen: t0.Add(4 * time.Second)},
	}}
	p := NewPrefs(c.Users)
	out := []Outage{{From: t0.Add(500 * time.Millisecond), Until: t0.Add(2500 * time.Millisecond)}}
	got := countWindow(c, p, 100, 103, out)
	want := Tally{From: 100, To: 103, Blocks: 4, Expected: 7, Cast: 4, Missed: 3, Excused: 1, ExcusedBlocks: 1, ExcusedMax: 1,
		WrongBits: 1, Foreign: 1}
	if got.Blocks != want.Blocks || got.Expected != want.Expected || got.Cast != want.Cast || got.Missed != want.Missed ||
		got.Excused != want.Excused || got.ExcusedBlocks != want.ExcusedBlocks || got.ExcusedMax != want.ExcusedMax ||
		got.WrongBits != want.WrongBits || got.Foreign != want.Foreign {
		t.Errorf("countWindow = %+v\nwant %+v", got, want)
	}
	if len(got.Gaps) != 1 || got.Gaps[0] != 103 {
		t.Errorf("gaps %v, want [103]", got.Gaps)
	}
	if len(got.MissedAt) != 2 || len(got.WrongAt) != 1 {
		t.Errorf("missed at %v, wrong at %v", got.MissedAt, got.WrongAt)
	}
}
