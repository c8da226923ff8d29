package faultmatrix

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Block is what the watcher knows of one block.
type Block struct {
	Height int64
	Hash   chainhash.Hash
	Seen   time.Time // when the watcher first saw it (polled every 50 ms)
	// Winners are the tickets called to vote on this block, from the
	// node's winningtickets notification.
	Winners      []chainhash.Hash
	WinnersKnown bool
	// Missed are the tickets the next block reported missed
	// (spentandmissedtickets for height+1): the fallback when the
	// winningtickets notification was lost.
	Missed      []chainhash.Hash
	MissedKnown bool
	// Votes are the votes on this block found in the next block: ticket ->
	// vote bits. VotesKnown is set once the next block was read.
	Votes      map[chainhash.Hash]uint16
	VotesKnown bool
}

// Watcher follows the node: every block (read and decoded from the chain)
// and every winningtickets and spentandmissedtickets notification. It
// reconnects by itself when the node restarts and then asks for the tip's
// winners again.
type Watcher struct {
	client *rpcclient.Client
	logf   func(string, ...any)
	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	blocks map[int64]*Block
	tip    int64
	tipCh  chan struct{} // closed and replaced at every new tip
}

// Watch connects to the node and starts following it.
func Watch(nodeAddr, certFile string, logf func(string, ...any)) (*Watcher, error) {
	w := &Watcher{blocks: make(map[int64]*Block), logf: logf, done: make(chan struct{}), tipCh: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := rpcclient.Dial(ctx, rpcclient.Config{Host: nodeAddr, User: rpcUser, Pass: rpcPass, CertFile: certFile,
		MinBackoff: 50 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, DialTimeout: 2 * time.Second,
		CallTimeout: 5 * time.Second,
		Handlers: rpcclient.NotificationHandlers{
			OnWinningTickets: func(hash chainhash.Hash, height int64, tickets []chainhash.Hash) {
				w.mu.Lock()
				b := w.block(height)
				b.Hash, b.Winners, b.WinnersKnown = hash, tickets, true
				w.mu.Unlock()
			},
			OnSpentAndMissedTickets: func(_ chainhash.Hash, height int64, _ int64, _, missed []chainhash.Hash) {
				w.mu.Lock()
				b := w.block(height - 1)
				b.Missed, b.MissedKnown = missed, true
				w.mu.Unlock()
			},
		}})
	if err != nil {
		return nil, fmt.Errorf("watch the node: %w", err)
	}
	w.client = c
	if err := c.NotifyWinningTickets(ctx); err != nil {
		c.Close()
		return nil, err
	}
	if err := c.NotifySpentAndMissedTickets(ctx); err != nil {
		c.Close()
		return nil, err
	}
	rctx, rcancel := context.WithCancel(context.Background())
	w.cancel = rcancel
	go w.run(rctx)
	return w, nil
}

// block returns the record of height, creating it. w.mu is held.
func (w *Watcher) block(height int64) *Block {
	b := w.blocks[height]
	if b == nil {
		b = &Block{Height: height}
		w.blocks[height] = b
	}
	return b
}

// Close stops the watcher.
func (w *Watcher) Close() {
	w.cancel()
	<-w.done
	w.client.Close()
}

func (w *Watcher) run(ctx context.Context) {
	defer close(w.done)
	states, stop := w.client.WatchState()
	defer stop()
	var last int64 = -1
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case s := <-states:
			if s == rpcclient.StateConnected {
				// The node may have restarted: ask for the tip's winners.
				cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				if err := w.client.RebroadcastWinners(cctx); err != nil {
					w.logf("watcher: rebroadcastwinners: %v", err)
				}
				cancel()
			}
		case <-tick.C:
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			h, err := w.client.GetBlockCount(cctx)
			cancel()
			if err != nil {
				continue
			}
			if last < 0 {
				last = h - 1
			}
			for last < h {
				if err := w.readBlock(ctx, last+1); err != nil {
					break
				}
				last++
			}
		}
	}
}

// readBlock reads block height, records when it was seen and the votes it
// holds (the votes on its parent).
func (w *Watcher) readBlock(ctx context.Context, height int64) error {
	now := time.Now()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	hash, err := w.client.GetBlockHash(cctx, height)
	if err != nil {
		return err
	}
	raw, err := w.client.GetBlock(cctx, hash)
	if err != nil {
		return err
	}
	msg, err := wire.NewBlockFromBytes(raw)
	if err != nil {
		w.logf("watcher: block %d does not decode: %v", height, err)
		return err
	}
	votes := make(map[chainhash.Hash]uint16)
	for _, tx := range msg.STransactions {
		v, err := stake.ParseVote(tx)
		if err != nil {
			continue // a ticket or revocation
		}
		if int64(v.BlockHeight) != height-1 {
			w.logf("watcher: block %d holds a vote on height %d", height, v.BlockHeight)
		}
		votes[v.TicketHash] = v.VoteBits
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	b := w.block(height)
	b.Hash = hash
	if b.Seen.IsZero() {
		b.Seen = now
	}
	p := w.block(height - 1)
	p.Votes, p.VotesKnown = votes, true
	if height > w.tip {
		w.tip = height
		close(w.tipCh)
		w.tipCh = make(chan struct{})
	}
	return nil
}

// Tip is the highest block read so far and a channel closed when a higher
// one is read.
func (w *Watcher) Tip() (int64, <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.tip, w.tipCh
}

// WaitHeight waits until block height was read, or timeout.
func (w *Watcher) WaitHeight(height int64, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		tip, ch := w.Tip()
		if tip >= height {
			return nil
		}
		select {
		case <-ch:
		case <-deadline:
			return fmt.Errorf("no block %d after %v (tip %d)", height, timeout, tip)
		}
	}
}

// Snapshot copies the records of heights from..to.
func (w *Watcher) Snapshot(from, to int64) []Block {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []Block
	for h := from; h <= to; h++ {
		if b, ok := w.blocks[h]; ok {
			cp := *b
			out = append(out, cp)
		} else {
			out = append(out, Block{Height: h})
		}
	}
	return out
}

// Get returns a copy of the record of height.
func (w *Watcher) Get(height int64) Block {
	w.mu.Lock()
	defer w.mu.Unlock()
	if b, ok := w.blocks[height]; ok {
		return *b
	}
	return Block{Height: height}
}

// MempoolVotes returns the tickets that have a vote in the node's mempool.
func MempoolVotes(c *Cluster) (map[chainhash.Hash]bool, error) {
	var hashes []string
	if err := c.nodeCall(&hashes, "getrawmempool", false, "votes"); err != nil {
		return nil, err
	}
	voted := make(map[chainhash.Hash]bool)
	for _, s := range hashes {
		var hexTx string
		if err := c.nodeCall(&hexTx, "getrawtransaction", s, 0); err != nil {
			continue // mined meanwhile
		}
		tx, err := wire.NewTxFromHex(hexTx)
		if err != nil {
			return nil, err
		}
		if v, err := stake.ParseVote(tx); err == nil {
			voted[v.TicketHash] = true
		}
	}
	return voted, nil
}
