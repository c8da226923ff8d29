package wallet

import (
	"context"
	"fmt"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
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
			w.mu.Unlock()
			// The node's chain no longer extends ours: a reorganization.
			if err := w.reorganize(ctx, next-1); err != nil {
				return err
			}
			continue
		}
		w.processBlockLocked(blk, next)
		// While catching up, save every saveEvery blocks: a crash in
		// between only means processing some blocks again. The fsync runs
		// without mu (saveUnlock).
		if next == best || next%saveEvery == 0 {
			err = w.saveUnlock()
		} else {
			w.mu.Unlock()
		}
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
	st.rewrite()
	w.st = st
}

// maxRollback bounds how far back the wallet looks for the fork point of a
// reorganization before it rescans from the genesis block instead.
const maxRollback = 256

// reorganize handles a node chain that no longer extends the wallet's at
// height top: it finds the last block both chains share and takes back
// everything learnt from the wallet's blocks above it (rollbackLocked); the
// caller then processes the node's blocks from there. Without a common
// block within maxRollback it starts over from the genesis block.
func (w *Wallet) reorganize(ctx context.Context, top int64) error {
	fork := int64(-1)
	for h := top; h >= 0 && h > top-maxRollback; h-- {
		w.mu.Lock()
		ours := ""
		if h < int64(len(w.st.BlockHashes)) {
			ours = w.st.BlockHashes[h]
		}
		w.mu.Unlock()
		theirs, err := w.node.BlockHash(ctx, h)
		if err != nil {
			return err
		}
		if ours != "" && ours == theirs {
			fork = h
			break
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if fork < 0 {
		w.log.Warn("chain reorganized deeper than the wallet can follow; rescanning from the genesis block", "height", top)
		w.resetChainLocked()
		return w.saveLocked()
	}
	w.log.Info("chain reorganized; rolling back the orphaned blocks", "fork", fork, "orphaned", w.st.SyncHeight-fork)
	w.rollbackLocked(fork)
	if err := w.saveLocked(); err != nil {
		return err
	}
	// Unmined transactions the new chain made invalid are abandoned.
	w.mu.Unlock()
	w.rebroadcast(ctx)
	w.mu.Lock()
	return nil
}

// rollbackLocked takes back the effects of the processed blocks above
// height fork, as if they had never been seen: their transactions are
// forgotten (the wallet's own go back to unmined, to be mined again),
// credits they created go, outputs they spent come back, tickets they
// mined are unmined or forgotten, and tickets they voted or revoked are
// live again (votes the wallet cast for orphaned blocks are abandoned).
// The blocks of the new branch are then processed as usual.
func (w *Wallet) rollbackLocked(fork int64) {
	st := w.st
	orphanedBlocks := make(map[chainhash.Hash]bool)
	for _, h := range st.BlockHashes[min(fork+1, int64(len(st.BlockHashes))):] {
		if bh, err := chainhash.NewHashFromStr(h); err == nil {
			orphanedBlocks[*bh] = true
		}
	}
	orphaned := make(map[string]*wire.MsgTx)
	var voidVotes []string
	for id, rec := range st.Txs {
		tx, err := wire.NewTxFromHex(rec.Hex)
		if err != nil {
			continue
		}
		if rec.BlockHeight > fork {
			orphaned[id] = tx
			continue
		}
		// The wallet's unmined votes on orphaned blocks can never be mined.
		if rec.BlockHeight == 0 && rec.Own && classify(tx) == txVote {
			if v, err := stake.ParseVote(tx); err == nil && orphanedBlocks[v.BlockHash] {
				voidVotes = append(voidVotes, id)
			}
		}
	}
	for _, id := range voidVotes {
		w.abandonLocked(id)
	}
	keepUnmined := func(id string) bool {
		rec := st.Txs[id]
		if rec == nil || !rec.Own {
			return false
		}
		tx := orphaned[id]
		if tx == nil {
			return false
		}
		k := classify(tx)
		return k != txVote && k != txRevocation // votes on orphaned blocks are void
	}
	// Credits created above the fork.
	for k, c := range st.Credits {
		if c.Height > fork {
			if keepUnmined(c.TxID) {
				c.Height = 0
			} else {
				delete(st.Credits, k)
			}
		}
	}
	// Outputs the orphaned transactions spent are unspent again (or spent
	// by the wallet's own transaction, now unmined).
	for id, tx := range orphaned {
		own := keepUnmined(id)
		for _, in := range tx.TxIn {
			op := in.PreviousOutPoint
			prevID := op.Hash.String()
			prev := st.Txs[prevID]
			if prev == nil || (prev.BlockHeight > fork && !keepUnmined(prevID)) {
				continue
			}
			ptx, err := wire.NewTxFromHex(prev.Hex)
			if err != nil || int(op.Index) >= len(ptx.TxOut) {
				continue
			}
			height := prev.BlockHeight
			if height > fork {
				height = 0
			}
			c, _, mine := w.creditFor(ptx, prevID, classify(ptx), int(op.Index), height)
			if !mine {
				continue
			}
			k := outpointKey(prevID, op.Index)
			st.Credits[k] = c
			if own {
				st.Spent[k] = id
			} else {
				delete(st.Spent, k)
			}
		}
	}
	// Tickets.
	for id, t := range st.Tickets {
		if t.SpentHeight > fork {
			t.State, t.SpentBy, t.SpentHeight = ticketMined, "", 0
		}
		if t.Height > fork {
			switch {
			case t.Added:
				t.Height = 0 // assumed mined, as when added
			case keepUnmined(id):
				t.State, t.Height = ticketUnmined, 0
			default:
				delete(st.Tickets, id)
			}
		}
	}
	for _, u := range st.PoolUsers {
		for _, pt := range append([]*poolTicket(nil), u.Tickets...) {
			if pt.SpentByHeight > fork {
				u.unspend(pt.Hash)
			}
			if pt.Height > fork {
				if t := st.Tickets[pt.Hash]; t != nil && t.Added {
					pt.Height = 0
				} else {
					u.removeTicket(pt.Hash)
				}
			}
		}
		for _, h := range append([]string(nil), u.Invalid...) {
			if _, gone := orphaned[h]; gone {
				u.removeInvalid(h)
			}
		}
	}
	// Transaction records.
	for id := range orphaned {
		if keepUnmined(id) {
			rec := st.Txs[id]
			rec.BlockHash, rec.BlockHeight, rec.BlockIndex, rec.BlockTime = "", 0, 0, 0
			continue
		}
		delete(st.Txs, id)
		for k, spender := range st.Spent {
			if spender == id {
				delete(st.Spent, k)
			}
		}
	}
	if int64(len(st.BlockHashes)) > fork+1 {
		st.BlockHashes = st.BlockHashes[:fork+1]
	}
	st.SyncHeight, st.SyncHash = fork, st.BlockHashes[fork]
	st.rewrite()
}
