package wallet

import (
	"context"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
)

// WinningTickets is the winningtickets notification handler. Only a wallet
// started with --enablevoting votes by itself: it votes every winner it
// can sign for with its default vote bits and sends the vote to the node.
// Stake pool wallets leave this to stakepoold (generatevote).
func (w *Wallet) WinningTickets(ctx context.Context, blockHash string, height int64, winners []string) {
	if !w.cfg.EnableVoting {
		return
	}
	w.mu.Lock()
	w.lastWinners = winnerNote{hash: blockHash, height: height, tickets: winners}
	w.mu.Unlock()
	if w.isLocked() {
		return
	}
	w.voteWinners(ctx, blockHash, height, winners)
}

// voteWinners votes every winner the wallet can sign for and has not seen
// spent; a vote the node already has counts as cast.
func (w *Wallet) voteWinners(ctx context.Context, blockHash string, height int64, winners []string) {
	var bh chainhash.Hash
	if err := chainhash.Decode(&bh, blockHash); err != nil {
		w.log.Warn("bad winningtickets notification", "err", err)
		return
	}
	ext := w.voteBitsExt()
	w.mu.Lock()
	bits := w.voteBitsLocked()
	w.mu.Unlock()
	for _, t := range winners {
		w.mu.Lock()
		tk := w.st.Tickets[t]
		// A ticket the best chain spent may still win on a side branch.
		ours := tk != nil && tk.Votable && tk.State != ticketUnmined
		w.mu.Unlock()
		if !ours {
			continue
		}
		vote, err := w.buildVote(bh, height, t, bits, ext)
		if err != nil {
			w.log.Warn("cannot vote", "ticket", t, "err", err)
			continue
		}
		switch err := w.publish(ctx, vote); {
		case err == nil:
			w.log.Info("voted", "ticket", t, "block", blockHash, "height", height)
		case isDuplicate(err):
			// Already cast (again after a reorganization or a late block).
		default:
			w.log.Warn("vote rejected", "ticket", t, "err", err)
		}
	}
}

// winnerNote is the last winningtickets notification.
type winnerNote struct {
	hash    string
	height  int64
	tickets []string
}

// afterTip runs when the wallet reached the node's tip: a voting wallet
// votes again the tip's winners it could not vote when told of them (the
// notification came before the block, or before a reorganization gave a
// ticket back), then revokes its missed and expired tickets.
func (w *Wallet) afterTip(ctx context.Context) {
	if !w.cfg.EnableVoting || w.isLocked() {
		return
	}
	w.mu.Lock()
	note := w.lastWinners
	tip := w.st.SyncHash
	w.mu.Unlock()
	if note.hash != "" && note.hash == tip {
		w.voteWinners(ctx, note.hash, note.height, note.tickets)
	}
	if n, err := w.revokeMissed(ctx); err != nil {
		w.log.Warn("automatic revocation failed", "err", err)
	} else if n > 0 {
		w.log.Info("revoked missed tickets", "count", n)
	}
}

// voteBitsExt is the default extended vote bits: the vote version, 4
// bytes little endian.
func (w *Wallet) voteBitsExt() []byte {
	v := w.cfg.VoteVersion
	return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)}
}
