package wallet

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/eacred/dcrstakepool/eacred/wire"
)

// blockInfo says where a transaction was mined; height 0 means unmined.
type blockInfo struct {
	hash   string
	height int64
	index  uint32
	time   int64
}

// processBlockLocked applies one main-chain block at height. The caller
// holds mu and saves afterwards.
func (w *Wallet) processBlockLocked(blk *wire.MsgBlock, height int64) {
	hash := blk.BlockHash().String()
	t := int64(blk.Header.Timestamp)
	for i, tx := range blk.Transactions {
		w.processTxLocked(tx, blockInfo{hash, height, uint32(i), t})
	}
	for i, tx := range blk.STransactions {
		w.processTxLocked(tx, blockInfo{hash, height, uint32(i), t})
	}
	switch n := int64(len(w.st.BlockHashes)); {
	case height < n: // a rescan of a block already processed
		w.st.BlockHashes[height] = hash
	default:
		for int64(len(w.st.BlockHashes)) < height {
			w.st.touchBlock(int64(len(w.st.BlockHashes)))
			w.st.BlockHashes = append(w.st.BlockHashes, "")
		}
		w.st.BlockHashes = append(w.st.BlockHashes, hash)
	}
	w.st.touchBlock(height)
	if height >= w.st.SyncHeight {
		w.st.SyncHeight = height
		w.st.SyncHash = hash
		w.st.PoolSize = blk.Header.PoolSize
	}
}

// processTxLocked applies one transaction, mined (bi.height > 0) or sent by
// the wallet and still unmined. It reports whether the transaction touches
// the wallet. Applying the same transaction twice is harmless, which is what
// makes rescans simple.
func (w *Wallet) processTxLocked(tx *wire.MsgTx, bi blockInfo) bool {
	txHash := tx.TxHash()
	id := txHash.String()
	relevant, ownInputs := false, false
	kind := classify(tx)
	for _, in := range tx.TxIn {
		k := outpointKey(in.PreviousOutPoint.Hash.String(), in.PreviousOutPoint.Index)
		_, isCredit := w.st.Credits[k]
		_, isSpent := w.st.Spent[k]
		if !isCredit && !isSpent {
			continue
		}
		relevant, ownInputs = true, true
		w.st.touchCredit(k)
		w.st.touchSpent(k)
		if bi.height > 0 {
			delete(w.st.Credits, k)
			delete(w.st.Spent, k)
		} else {
			// Kept until the spend is mined, so that abandoning the
			// transaction gives the credit back.
			w.st.Spent[k] = id
		}
	}
	switch kind {
	case txTicket:
		if w.processTicketLocked(tx, id, bi, ownInputs) {
			relevant = true
		}
	case txVote:
		if w.spendTicketLocked(tx.TxIn[1].PreviousOutPoint.Hash.String(), id, bi.height, true) {
			relevant = true
		}
	case txRevocation:
		if w.spendTicketLocked(tx.TxIn[0].PreviousOutPoint.Hash.String(), id, bi.height, false) {
			relevant = true
		}
	}
	for i := range tx.TxOut {
		c, loc, mine := w.creditFor(tx, id, kind, i, bi.height)
		if !mine {
			continue
		}
		relevant = true
		k := outpointKey(id, uint32(i))
		w.st.Credits[k] = c
		w.st.touchCredit(k)
		w.markUsedLocked(loc)
	}
	if relevant {
		rec := w.st.Txs[id]
		if rec == nil {
			rec = &txRecord{Received: time.Now().Unix()}
			w.st.Txs[id] = rec
		}
		w.st.touchTx(id)
		rec.Hex = hex.EncodeToString(tx.Bytes())
		if bi.height > 0 {
			rec.BlockHash, rec.BlockHeight, rec.BlockIndex, rec.BlockTime = bi.hash, bi.height, bi.index, bi.time
		}
	}
	return relevant
}

// creditFor is output i of tx as a credit of the wallet, when it pays one
// of the wallet's keys (mine false otherwise).
func (w *Wallet) creditFor(tx *wire.MsgTx, id string, kind txKind, i int, height int64) (*credit, keyLoc, bool) {
	out := tx.TxOut[i]
	if kind == txTicket && i == 0 || out.Value == 0 {
		return nil, keyLoc{}, false
	}
	tag, pk, h := payTo(out.PkScript)
	if pk != payP2PKH || tag == opSStx {
		return nil, keyLoc{}, false
	}
	loc, mine := w.keys.lookup(h)
	if !mine {
		return nil, keyLoc{}, false
	}
	c := &credit{TxID: id, Index: uint32(i), Amount: out.Value, PkScript: hex.EncodeToString(out.PkScript),
		Height: height, Branch: loc.Branch, AddrIndex: loc.Index}
	switch {
	case kind == txCoinbase:
		c.Kind = creditCoinbase
	case tag == opSSGen || tag == opSSRtx:
		c.Kind = creditStakeGen
	case tag == opSStxChange:
		c.Kind = creditTicketChange
	}
	if kind == txTicket || kind == txVote || kind == txRevocation {
		c.Tree = 1
	}
	return c, loc, true
}

// Credit kinds (how an output matures).
const (
	creditCoinbase     = "coinbase"
	creditStakeGen     = "stakegen"
	creditTicketChange = "ticketchange"
)

// markUsedLocked notes that an address received coins, moving the gap-limit
// window forward.
func (w *Wallet) markUsedLocked(loc keyLoc) {
	switch loc.Branch {
	case branchExternal:
		if loc.Index+1 > w.st.UsedExternal {
			w.st.UsedExternal = loc.Index + 1
		}
		w.keys.watch(branchExternal, max(w.st.UsedExternal, w.st.NextExternal)+w.cfg.GapLimit)
	case branchInternal:
		if loc.Index+1 > w.st.NextInternal {
			w.st.NextInternal = loc.Index + 1
		}
		w.keys.watch(branchInternal, w.st.NextInternal+w.cfg.GapLimit)
	}
}

// processTicketLocked handles a ticket: the wallet tracks tickets it paid
// for or can vote; in stake-pool mode, a mined ticket paying one of the
// imported scripts is checked against the pool fee first, and recorded as
// valid or invalid for that user.
func (w *Wallet) processTicketLocked(tx *wire.MsgTx, id string, bi blockInfo, own bool) bool {
	_, kind, h := payTo(tx.TxOut[0].PkScript)
	votable, poolUser := false, ""
	switch kind {
	case payP2SH:
		if _, ok := w.scripts[h]; ok {
			votable = w.canSignScript(h)
			poolUser = hex.EncodeToString(h[:])
		}
	case payP2PKH:
		_, votable = w.keys.lookup(h)
	}
	if poolUser != "" && w.stakePoolMode() {
		if bi.height == 0 {
			// Stake-pool mode ignores tickets until they are mined.
			return own
		}
		u := w.st.poolUserFor(poolUser)
		if t := w.st.Tickets[id]; t == nil || !t.Added {
			if err := w.checkPoolFee(tx, bi.height); err != nil {
				w.log.Info("ticket fails the pool fee check", "ticket", id, "height", bi.height, "reason", err)
				u.addInvalid(id)
				if !own {
					return true
				}
				votable = false
			} else {
				u.addValid(id, bi.height)
			}
		}
	}
	if !votable && !own {
		return false
	}
	w.trackTicketLocked(tx, id, bi.height, votable, own)
	return true
}

// trackTicketLocked adds or updates a tracked ticket. The caller records
// the ticket's transaction in Txs.
func (w *Wallet) trackTicketLocked(tx *wire.MsgTx, id string, height int64, votable, own bool) *ticket {
	t := w.st.Tickets[id]
	if t == nil {
		t = &ticket{Hash: id, State: ticketUnmined}
		w.st.Tickets[id] = t
	}
	w.st.touchTicket(id)
	t.Votable = t.Votable || votable
	t.Own = t.Own || own
	if height > 0 && t.State == ticketUnmined {
		t.State, t.Height = ticketMined, height
	}
	return t
}

// spendTicketLocked records a vote or revocation of a ticket. It reports
// whether the ticket is one the wallet knows.
func (w *Wallet) spendTicketLocked(ticketHash, spender string, height int64, voted bool) bool {
	if height == 0 {
		_, ok := w.st.Tickets[ticketHash]
		return ok
	}
	known := false
	if t := w.st.Tickets[ticketHash]; t != nil {
		known = true
		w.st.touchTicket(ticketHash)
		t.State = ticketRevoked
		if voted {
			t.State = ticketVoted
		}
		t.SpentBy, t.SpentHeight = spender, height
	}
	for _, k := range w.st.sortedPoolUsers() {
		if w.st.PoolUsers[k].markSpent(ticketHash, spender, height, voted) {
			known = true
			break
		}
	}
	return known
}

// ticketTxLocked returns a tracked ticket's transaction.
func (w *Wallet) ticketTxLocked(id string) (*wire.MsgTx, error) {
	rec := w.st.Txs[id]
	if rec == nil {
		return nil, fmt.Errorf("no transaction recorded for ticket %s", id)
	}
	return wire.NewTxFromHex(rec.Hex)
}
