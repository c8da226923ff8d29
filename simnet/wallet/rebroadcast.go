package wallet

import (
	"context"
	"errors"
	"sort"

	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// Unmined transactions
//
// A transaction the wallet sent stays "unmined" until a block holds it.
// The node forgets its mempool when it restarts, so after every
// (re)connection the wallet sends its unmined transactions again, parents
// before children. A transaction the node refuses for good (its inputs were
// spent by something else, it expired, ...) is abandoned: forgotten, its
// inputs offered again and its outputs dropped.

// watchConnection rebroadcasts whenever the node connection comes up.
func (w *Wallet) watchConnection(ctx context.Context, c *rpcclient.Client) {
	states, stop := c.WatchState()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case s := <-states:
			if s == rpcclient.StateConnected {
				w.rebroadcast(ctx)
			}
		}
	}
}

// rebroadcast sends the unmined transactions again and abandons those the
// node rejects.
func (w *Wallet) rebroadcast(ctx context.Context) {
	type pending struct {
		id  string
		hex string
		at  int64
	}
	w.mu.Lock()
	var todo []pending
	for id, rec := range w.st.Txs {
		if rec.BlockHeight == 0 && rec.Own {
			todo = append(todo, pending{id, rec.Hex, rec.Seq})
		}
	}
	w.mu.Unlock()
	sort.Slice(todo, func(i, j int) bool { return todo[i].at < todo[j].at })
	// Several passes: a child is accepted once its parent is.
	for progress := true; progress && len(todo) > 0; {
		progress = false
		var again []pending
		for _, p := range todo {
			_, err := w.node.SendRawTransaction(ctx, p.hex)
			var re *rpcserver.Error
			switch {
			case err == nil || isDuplicate(err):
				progress = true
			case errors.As(err, &re) && re.Code != rpcserver.ErrCodeClientNotConn:
				again = append(again, p)
			default:
				return // the node went away again; retry on the next connection
			}
		}
		todo = again
	}
	if len(todo) == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range todo {
		w.log.Warn("abandoning an unmined transaction the node refuses", "tx", p.id)
		w.abandonLocked(p.id)
	}
	if err := w.saveLocked(); err != nil {
		w.log.Error("save after abandoning transactions", "err", err)
	}
}

// abandonLocked forgets an unmined transaction: its spent credits come
// back, its outputs and its ticket record go.
func (w *Wallet) abandonLocked(id string) {
	rec := w.st.Txs[id]
	if rec == nil || rec.BlockHeight != 0 {
		return
	}
	delete(w.st.Txs, id)
	w.st.touchTx(id)
	if tx, err := wire.NewTxFromHex(rec.Hex); err == nil {
		for _, in := range tx.TxIn {
			k := outpointKey(in.PreviousOutPoint.Hash.String(), in.PreviousOutPoint.Index)
			if w.st.Spent[k] == id {
				delete(w.st.Spent, k)
				w.st.touchSpent(k)
			}
		}
		for i := range tx.TxOut {
			k := outpointKey(id, uint32(i))
			delete(w.st.Credits, k)
			w.st.touchCredit(k)
		}
	}
	if t := w.st.Tickets[id]; t != nil && t.State == ticketUnmined {
		delete(w.st.Tickets, id)
		w.st.touchTicket(id)
	}
}
