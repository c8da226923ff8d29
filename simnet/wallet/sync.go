package wallet

import (
	"context"
	"fmt"
	"time"

	"github.com/eacred/dcrstakepool/eacred/wire"
)

// pollInterval is how often the wallet checks the node's tip when no
// blockconnected notification arrives (a missed notification, e.g. across a
// reconnect, is thus never fatal).
const pollInterval = 2 * time.Second

// saveEvery bounds how many blocks are processed between two saves of the
// state while catching up.
const saveEvery = 100

// Run follows the node until ctx is cancelled: it catches up from the last
// processed block, then processes each new block as the node announces it.
// Errors talking to the node are logged and retried.
func (w *Wallet) Run(ctx context.Context) error {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		if err := w.catchUp(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("sync with node failed; will retry", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-t.C:
		}
	}
}

// BlockConnected tells the wallet that the node has a new block; the sync
// loop fetches it. It is the blockconnected notification handler.
func (w *Wallet) BlockConnected() { w.notify() }

// catchUp processes every block between the wallet's tip and the node's,
// first re-scanning from a height a script import asked for.
func (w *Wallet) catchUp(ctx context.Context) error {
	w.mu.Lock()
	from := w.rescanFrom
	w.rescanFrom = -1
	w.mu.Unlock()
	if from >= 0 {
		if err := w.rescan(ctx, from); err != nil {
			w.mu.Lock()
			if w.rescanFrom < 0 || from < w.rescanFrom {
				w.rescanFrom = from
			}
			w.mu.Unlock()
			return err
		}
	}
	_, best, err := w.node.BestBlock(ctx)
	if err != nil {
		return err
	}
	for {
		w.mu.Lock()
		next := w.st.SyncHeight + 1
		if len(w.st.BlockHashes) == 0 {
			next = 0
		}
		w.mu.Unlock()
		if next > best || ctx.Err() != nil {
			return nil
		}
		blk, hash, err := w.fetchBlock(ctx, next)
		if err != nil {
			return err
		}
		w.mu.Lock()
		if next > 0 && (int64(len(w.st.BlockHashes)) < next || blk.Header.PrevBlock.String() != w.st.BlockHashes[next-1]) {
			// The node's chain no longer extends ours: start over from
			// the genesis block, keeping keys, scripts and added tickets.
			w.log.Warn("chain reorganized below the wallet's tip; rescanning", "height", next, "block", hash)
			w.resetChainLocked()
			err = w.saveLocked()
			w.mu.Unlock()
			if err != nil {
				return err
			}
			continue
		}
		w.processBlockLocked(blk, next)
		// While catching up, save every saveEvery blocks: a crash in
		// between only means processing some blocks again.
		if next == best || next%saveEvery == 0 {
			err = w.saveLocked()
		}
		w.mu.Unlock()
		if err != nil {
			return err
		}
		if next%100 == 0 || next == best {
			w.log.Debug("synced", "height", next, "block", hash)
		}
		if next == best {
			w.afterTip(ctx)
		}
	}
}

// fetchBlock gets the main-chain block at height from the node.
func (w *Wallet) fetchBlock(ctx context.Context, height int64) (*wire.MsgBlock, string, error) {
	hash, err := w.node.BlockHash(ctx, height)
	if err != nil {
		return nil, "", err
	}
	raw, err := w.node.Block(ctx, hash)
	if err != nil {
		return nil, "", err
	}
	blk, err := wire.NewBlockFromBytes(raw)
	if err != nil {
		return nil, "", fmt.Errorf("node sent an undecodable block %s: %w", hash, err)
	}
	if got := blk.BlockHash(); got.String() != hash {
		return nil, "", fmt.Errorf("node sent block %s for hash %s", got, hash)
	}
	return blk, hash, nil
}

// rescan processes again the blocks from height from up to the wallet's
// tip, picking up what newly imported scripts make relevant.
func (w *Wallet) rescan(ctx context.Context, from int64) error {
	w.mu.Lock()
	tip := w.st.SyncHeight
	w.mu.Unlock()
	if from < 1 {
		from = 1
	}
	w.log.Info("rescanning", "from", from, "to", tip)
	for h := from; h <= tip; h++ {
		blk, _, err := w.fetchBlock(ctx, h)
		if err != nil {
			return err
		}
		w.mu.Lock()
		w.processBlockLocked(blk, h)
		w.mu.Unlock()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.saveLocked()
}

// resetChainLocked forgets everything learnt from blocks. Keys, address
// cursors, imported scripts and tickets added by hand are kept.
func (w *Wallet) resetChainLocked() {
	old := w.st
	st := newState()
	st.AccountXpub = old.AccountXpub
	st.NextExternal, st.NextInternal, st.UsedExternal = old.NextExternal, old.NextInternal, old.UsedExternal
	st.Scripts = old.Scripts
	for id, t := range old.Tickets {
		if t.Added {
			st.Tickets[id] = &ticket{Hash: t.Hash, State: ticketMined, Votable: t.Votable, Added: true}
			if rec := old.Txs[id]; rec != nil {
				st.Txs[id] = &txRecord{Hex: rec.Hex, Received: rec.Received}
			}
		}
	}
	for k, u := range old.PoolUsers {
		for _, t := range u.Tickets {
			if at := st.Tickets[t.Hash]; at != nil && at.Added {
				st.poolUserFor(k).addValid(t.Hash, 0)
			}
		}
	}
	w.st = st
}
