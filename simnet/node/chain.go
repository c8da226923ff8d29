package node

import (
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// outKey names an output (the tree is implied by the transaction).
type outKey struct {
	hash  chainhash.Hash
	index uint32
}

// utxo is an unspent output of a mined transaction.
type utxo struct {
	value    int64
	version  uint16
	pkScript []byte
	height   int64
	index    uint32 // the transaction's index in its tree
	tree     int8
	kind     txKind
}

// ticketState is where a ticket is in its life.
type ticketState int

const (
	ticketImmature ticketState = iota
	ticketLive
	ticketVoted
	ticketMissed  // called to vote and did not
	ticketExpired // never called before expiry
	ticketRevoked // missed or expired, then revoked
)

// ticket is a mined ticket.
type ticket struct {
	hash        chainhash.Hash
	height      int64 // mined at
	price       int64
	state       ticketState
	wasExpired  bool // revoked after expiring (not after missing)
	spentBy     chainhash.Hash
	spentHeight int64
}

// txLoc locates a mined transaction.
type txLoc struct {
	height int64
	tree   int8
	index  int
}

// block is a known block (on the best chain or a side chain) and its
// derived data.
type block struct {
	msg    *wire.MsgBlock
	hash   chainhash.Hash
	height int64
	size   int
	parent *block // nil for the genesis block

	// winners are the tickets called to vote on this block, known once
	// the block has been connected (on the best chain or in a side-chain
	// view); winnersKnown tells an empty list from an unknown one.
	winners      []chainhash.Hash
	winnersKnown bool
	// notified is set once winningtickets was sent for the block.
	notified bool
	// orphaned is set while a block that was on the best chain is off it
	// after a reorganization: votes on it are refused.
	orphaned bool
}

// connectEvents is what connecting a block changed, for notifications.
type connectEvents struct {
	block      *block
	spent      []chainhash.Hash // tickets voted in the block
	missed     []chainhash.Hash // winners that did not vote, expired and revoked tickets
	newTickets []chainhash.Hash // tickets that became live
	winners    []chainhash.Hash // called to vote on this block (empty before SVH-1)
	revoked    []chainhash.Hash // tickets revoked in the block
	nextSBits  int64
	newWindow  bool
}

// chainState is the chain: blocks, unspent outputs and tickets. It is not
// safe for concurrent use; Node serialises access.
type chainState struct {
	params *chaincfg.Params

	blocks  []*block
	byHash  map[chainhash.Hash]int64
	txIndex map[chainhash.Hash]txLoc
	utxos   map[outKey]*utxo

	tickets       map[chainhash.Hash]*ticket
	live          []chainhash.Hash // sorted by internal byte order
	immature      map[int64][]chainhash.Hash
	winners       []chainhash.Hash // called to vote on the tip
	unspentMissed map[chainhash.Hash]bool
	sbits         int64 // stake difficulty of the next block
	// revocable are the tickets that became missed or expired when the
	// tip was connected.
	revocable []chainhash.Hash

	// undo holds, for each of the last undoDepth best-chain blocks, the
	// steps that take its effects back (run in reverse order); cur is
	// the list being recorded while a block connects.
	undo map[int64][]func()
	cur  []func()
}

// undoDepth is how many best-chain blocks can be disconnected: the
// deepest reorganization or side-chain fork point the node supports.
const undoDepth = 64

func newChainState(params *chaincfg.Params) *chainState {
	return &chainState{
		params:        params,
		byHash:        make(map[chainhash.Hash]int64),
		txIndex:       make(map[chainhash.Hash]txLoc),
		utxos:         make(map[outKey]*utxo),
		tickets:       make(map[chainhash.Hash]*ticket),
		immature:      make(map[int64][]chainhash.Hash),
		unspentMissed: make(map[chainhash.Hash]bool),
		sbits:         params.MinimumStakeDiff,
		undo:          make(map[int64][]func()),
	}
}

func (c *chainState) tip() *block { return c.blocks[len(c.blocks)-1] }

func (c *chainState) height() int64 { return int64(len(c.blocks) - 1) }

func (c *chainState) blockAt(h int64) (*block, bool) {
	if h < 0 || h >= int64(len(c.blocks)) {
		return nil, false
	}
	return c.blocks[h], true
}

func (c *chainState) blockByHash(hash chainhash.Hash) (*block, bool) {
	h, ok := c.byHash[hash]
	if !ok {
		return nil, false
	}
	return c.blocks[h], true
}

// txAt returns a mined transaction.
func (c *chainState) txAt(loc txLoc) *wire.MsgTx {
	b := c.blocks[loc.height]
	if loc.tree == wire.TxTreeStake {
		return b.msg.STransactions[loc.index]
	}
	return b.msg.Transactions[loc.index]
}

// liveIndex finds a ticket in the sorted live list.
func (c *chainState) liveIndex(h chainhash.Hash) (int, bool) {
	i := sort.Search(len(c.live), func(i int) bool { return compareHash(&c.live[i], &h) >= 0 })
	return i, i < len(c.live) && c.live[i] == h
}

func (c *chainState) addLive(h chainhash.Hash) {
	i, found := c.liveIndex(h)
	if found {
		return
	}
	c.live = append(c.live, chainhash.Hash{})
	copy(c.live[i+1:], c.live[i:])
	c.live[i] = h
	c.rec(func() { c.removeLiveRaw(h) })
}

func (c *chainState) removeLive(h chainhash.Hash) {
	if c.removeLiveRaw(h) {
		c.rec(func() { c.addLiveRaw(h) })
	}
}

func (c *chainState) addLiveRaw(h chainhash.Hash) {
	if i, found := c.liveIndex(h); !found {
		c.live = append(c.live, chainhash.Hash{})
		copy(c.live[i+1:], c.live[i:])
		c.live[i] = h
	}
}

func (c *chainState) removeLiveRaw(h chainhash.Hash) bool {
	i, found := c.liveIndex(h)
	if found {
		c.live = append(c.live[:i], c.live[i+1:]...)
	}
	return found
}

func compareHash(a, b *chainhash.Hash) int {
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// isWinner reports whether a ticket is called to vote on the tip.
func (c *chainState) isWinner(h chainhash.Hash) bool {
	for _, w := range c.winners {
		if w == h {
			return true
		}
	}
	return false
}

// rec records an undo step of the block being connected.
func (c *chainState) rec(f func()) { c.cur = append(c.cur, f) }

func (c *chainState) setUtxo(k outKey, u *utxo) {
	old, had := c.utxos[k]
	c.utxos[k] = u
	c.rec(func() {
		if had {
			c.utxos[k] = old
		} else {
			delete(c.utxos, k)
		}
	})
}

func (c *chainState) delUtxo(k outKey) {
	old, had := c.utxos[k]
	if !had {
		return
	}
	delete(c.utxos, k)
	c.rec(func() { c.utxos[k] = old })
}

func (c *chainState) setTxLoc(h chainhash.Hash, loc txLoc) {
	old, had := c.txIndex[h]
	c.txIndex[h] = loc
	c.rec(func() {
		if had {
			c.txIndex[h] = old
		} else {
			delete(c.txIndex, h)
		}
	})
}

// saveTicket records the ticket's current fields before a change.
func (c *chainState) saveTicket(t *ticket) {
	old := *t
	c.rec(func() { *t = old })
}

func (c *chainState) setMissed(h chainhash.Hash, on bool) {
	had := c.unspentMissed[h]
	if on {
		c.unspentMissed[h] = true
	} else {
		delete(c.unspentMissed, h)
	}
	c.rec(func() {
		if had {
			c.unspentMissed[h] = true
		} else {
			delete(c.unspentMissed, h)
		}
	})
}

func (c *chainState) setImmature(h int64, hs []chainhash.Hash) {
	old, had := c.immature[h]
	if hs == nil {
		delete(c.immature, h)
	} else {
		c.immature[h] = hs
	}
	c.rec(func() {
		if had {
			c.immature[h] = old
		} else {
			delete(c.immature, h)
		}
	})
}

// connectBlock applies b, whose parent is the tip.
func (c *chainState) connectBlock(b *block) *connectEvents {
	msg, height := b.msg, b.height
	ev := &connectEvents{block: b}
	p := c.params
	c.cur = nil
	prevWinners, prevSBits, prevRevocable := c.winners, c.sbits, c.revocable
	c.rec(func() { c.winners, c.sbits, c.revocable = prevWinners, prevSBits, prevRevocable })

	apply := func(tx *wire.MsgTx, tree int8, idx int) {
		kind := classify(tx)
		txHash := tx.TxHash()
		if kind != kindCoinbase {
			start := 0
			if kind == kindVote {
				start = 1 // the stakebase spends nothing
			}
			for _, in := range tx.TxIn[start:] {
				c.delUtxo(outKey{in.PreviousOutPoint.Hash, in.PreviousOutPoint.Index})
			}
		}
		for i, out := range tx.TxOut {
			if height == 0 {
				break // the genesis coinbase is not spendable
			}
			if kind == kindTicket && i%2 == 1 {
				continue // commitments are not spendable
			}
			if len(out.PkScript) > 0 && out.PkScript[0] == opReturn {
				continue
			}
			c.setUtxo(outKey{txHash, uint32(i)}, &utxo{value: out.Value, version: out.Version,
				pkScript: out.PkScript, height: height, index: uint32(idx), tree: tree, kind: kind})
		}
		c.setTxLoc(txHash, txLoc{height: height, tree: tree, index: idx})
	}
	for i, tx := range msg.Transactions {
		apply(tx, wire.TxTreeRegular, i)
	}
	voted := make(map[chainhash.Hash]bool)
	var newImmature []chainhash.Hash
	var revocations []*wire.MsgTx
	for i, tx := range msg.STransactions {
		apply(tx, wire.TxTreeStake, i)
		switch classify(tx) {
		case kindTicket:
			h := tx.TxHash()
			old, had := c.tickets[h]
			c.tickets[h] = &ticket{hash: h, height: height, price: tx.TxOut[0].Value, state: ticketImmature}
			c.rec(func() {
				if had {
					c.tickets[h] = old
				} else {
					delete(c.tickets, h)
				}
			})
			newImmature = append(newImmature, h)
		case kindVote:
			th := tx.TxIn[1].PreviousOutPoint.Hash
			if t, ok := c.tickets[th]; ok {
				c.saveTicket(t)
				t.state, t.spentBy, t.spentHeight = ticketVoted, tx.TxHash(), height
				c.removeLive(th)
				voted[th] = true
				ev.spent = append(ev.spent, th)
			}
		case kindRevocation:
			revocations = append(revocations, tx)
		}
	}
	if len(newImmature) > 0 {
		c.setImmature(height, append(append([]chainhash.Hash(nil), c.immature[height]...), newImmature...))
	}
	var revocable []chainhash.Hash
	// Winners called for this block that did not vote are missed.
	for _, w := range c.winners {
		if voted[w] {
			continue
		}
		if t, ok := c.tickets[w]; ok && t.state == ticketLive {
			c.saveTicket(t)
			t.state = ticketMissed
			c.removeLive(w)
			c.setMissed(w, true)
			ev.missed = append(ev.missed, w)
			revocable = append(revocable, w)
		}
	}
	c.blocks = append(c.blocks, b)
	c.byHash[b.hash] = height

	// Maturity: tickets mined TicketMaturity blocks ago become live.
	if mh := height - int64(p.TicketMaturity); mh >= 0 {
		for _, th := range c.immature[mh] {
			if t := c.tickets[th]; t.state == ticketImmature {
				c.saveTicket(t)
				t.state = ticketLive
				c.addLive(th)
				if height >= p.StakeEnabledHeight {
					ev.newTickets = append(ev.newTickets, th)
				}
			}
		}
		if _, ok := c.immature[mh]; ok {
			c.setImmature(mh, nil)
		}
	}
	// Expiry: live tickets that matured TicketExpiry blocks ago.
	if eh := height - int64(p.TicketMaturity) - int64(p.TicketExpiry); eh >= 0 {
		for _, th := range c.ticketsMinedAt(eh) {
			if t := c.tickets[th]; t.state == ticketLive {
				c.saveTicket(t)
				t.state = ticketExpired
				c.removeLive(th)
				c.setMissed(th, true)
				ev.missed = append(ev.missed, th)
				revocable = append(revocable, th)
			}
		}
	}
	// Revocations last: with DCP0009 a block revokes the tickets that
	// become missed or expired in it.
	for _, tx := range revocations {
		th := tx.TxIn[0].PreviousOutPoint.Hash
		if t, ok := c.tickets[th]; ok {
			c.saveTicket(t)
			t.wasExpired = t.state == ticketExpired
			t.state, t.spentBy, t.spentHeight = ticketRevoked, tx.TxHash(), height
			c.setMissed(th, false)
			ev.missed = append(ev.missed, th)
			ev.revoked = append(ev.revoked, th)
		}
	}
	c.revocable = revocable
	// Stake difficulty for the next block.
	if next := height + 1; next%p.StakeDiffWindowSize == 0 {
		c.sbits = c.nextStakeDiff()
		ev.newWindow = true
	}
	ev.nextSBits = c.sbits
	// Winners called to vote on this block.
	c.winners = nil
	if height+1 >= p.StakeValidationHeight {
		c.winners = selectWinners(b.hash, c.live, int(p.TicketsPerBlock))
	}
	b.winners, b.winnersKnown = c.winners, true
	ev.winners = c.winners
	c.undo[height] = c.cur
	c.cur = nil
	delete(c.undo, height-undoDepth)
	return ev
}

// disconnect takes the tip off the best chain, undoing its effects, and
// returns it.
func (c *chainState) disconnect() (*block, error) {
	h := c.height()
	steps, ok := c.undo[h]
	if !ok || h == 0 {
		return nil, fmt.Errorf("block %d is deeper than the %d blocks the node can disconnect", h, undoDepth)
	}
	b := c.tip()
	for i := len(steps) - 1; i >= 0; i-- {
		steps[i]()
	}
	delete(c.undo, h)
	c.blocks = c.blocks[:h]
	delete(c.byHash, b.hash)
	return b, nil
}

// ticketsMinedAt lists tickets mined at a height (from the block itself,
// since the immature index forgets heights once they mature).
func (c *chainState) ticketsMinedAt(h int64) []chainhash.Hash {
	b, ok := c.blockAt(h)
	if !ok {
		return nil
	}
	var out []chainhash.Hash
	for _, tx := range b.msg.STransactions {
		if classify(tx) == kindTicket {
			out = append(out, tx.TxHash())
		}
	}
	return out
}

// poolSize counts the tickets of the live pool.
func (c *chainState) poolSize() int { return len(c.live) }

// immatureCount counts mined tickets not yet live.
func (c *chainState) immatureCount() int {
	n := 0
	for _, hs := range c.immature {
		n += len(hs)
	}
	return n
}

// nextStakeDiff is the stake difficulty rule (see the package doc): at each
// window boundary the price is scaled by the ratio of the tickets in the
// pool (live + immature) to the target pool size TicketPoolSize *
// TicketsPerBlock, the ratio clamped to [1/2, 2], and never below
// MinimumStakeDiff.
func (c *chainState) nextStakeDiff() int64 {
	p := c.params
	target := int64(p.TicketPoolSize) * int64(p.TicketsPerBlock)
	pool := int64(c.poolSize() + c.immatureCount())
	next := c.sbits
	switch {
	case pool >= 2*target:
		next *= 2
	case pool*2 <= target:
		next /= 2
	default:
		next = next * pool / target
	}
	if next < p.MinimumStakeDiff {
		next = p.MinimumStakeDiff
	}
	return next
}

// selectWinners picks n distinct tickets from the sorted live pool: draw k
// takes the first 8 bytes of BLAKE-256(blockHash || "winners" || k) as a
// little-endian integer modulo the pool size, skipping tickets already
// drawn. The order of the draw is the order of the winningtickets keys.
func selectWinners(blockHash chainhash.Hash, live []chainhash.Hash, n int) []chainhash.Hash {
	if n > len(live) {
		n = len(live)
	}
	out := make([]chainhash.Hash, 0, n)
	taken := make(map[int]bool, n)
	seed := make([]byte, 0, 32+7+8)
	seed = append(seed, blockHash[:]...)
	seed = append(seed, "winners"...)
	for k := uint64(0); len(out) < n; k++ {
		buf := binary.LittleEndian.AppendUint64(seed, k)
		h := chainhash.HashH(buf)
		i := int(binary.LittleEndian.Uint64(h[:8]) % uint64(len(live)))
		if taken[i] {
			continue
		}
		taken[i] = true
		out = append(out, live[i])
	}
	return out
}
