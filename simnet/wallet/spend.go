package wallet

import (
	"context"
	"encoding/hex"
	"errors"
	"sort"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// Serialized sizes used to estimate fees before signing.
const (
	p2pkhSigScriptSize = 1 + 73 + 1 + 33 // <sig+hashtype> <compressed pubkey>
	txInSize           = 32 + 4 + 1 + 4 + 8 + 4 + 4 + 1 + p2pkhSigScriptSize
	p2pkhOutSize       = 8 + 2 + 1 + 25
	txOverhead         = 4 + 1 + 1 + 4 + 4 + 1 // version, counts, locktime, expiry, witness count
)

// errInsufficient is eacrwallet's insufficient funds error.
var errInsufficient = rpcserver.NewError(rpcserver.ErrCodeInsufficient, "insufficient balance")

// isMature reports whether a credit may be spent in the next block with
// at least minconf confirmations.
func (w *Wallet) isMature(c *credit, minconf int64) bool {
	conf := int64(0)
	if c.Height > 0 {
		conf = w.tipHeight() - c.Height + 1
	}
	switch c.Kind {
	case creditCoinbase, creditStakeGen:
		return c.Height > 0 && conf >= int64(w.cfg.Params.CoinbaseMaturity)
	case creditTicketChange:
		return c.Height > 0 && conf >= int64(w.cfg.Params.SStxChangeMaturity) && conf >= minconf
	}
	return conf >= minconf
}

// selectCredits picks mature credits, oldest first, until they cover
// target plus the fee of a transaction with extraOuts outputs. It returns
// the chosen credits, their total and the fee. Caller holds mu.
func (w *Wallet) selectCreditsLocked(target int64, minconf int64, outSizes int) ([]*credit, int64, int64, error) {
	var cands []*credit
	for k, c := range w.st.Credits {
		if _, spent := w.st.Spent[k]; !spent && c.Amount > 0 && w.isMature(c, minconf) {
			cands = append(cands, c)
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].Height != cands[j].Height {
			return cands[i].Height < cands[j].Height
		}
		if cands[i].TxID != cands[j].TxID {
			return cands[i].TxID < cands[j].TxID
		}
		return cands[i].Index < cands[j].Index
	})
	var chosen []*credit
	var total int64
	for _, c := range cands {
		chosen = append(chosen, c)
		total += c.Amount
		fee := feeForSize(w.cfg.RelayFee, txOverhead+len(chosen)*txInSize+outSizes+p2pkhOutSize)
		if total >= target+fee {
			return chosen, total, fee, nil
		}
	}
	return nil, 0, 0, errInsufficient
}

// newInternalAddrLocked hands out the next change address and returns its
// hash160.
func (w *Wallet) newInternalAddrLocked() [20]byte {
	idx := w.keys.nextValid(branchInternal, w.st.NextInternal)
	w.st.NextInternal = idx + 1
	w.keys.watch(branchInternal, w.st.NextInternal+w.cfg.GapLimit)
	return w.keys.key(branchInternal, idx).hash
}

// fundedTx is a transaction spending wallet credits, with a change output
// added when the change is worth keeping.
func (w *Wallet) fundLocked(outs []*wire.TxOut, minconf int64) (*wire.MsgTx, []*credit, error) {
	var target int64
	outSizes := 0
	for _, o := range outs {
		target += o.Value
		outSizes += 8 + 2 + wire.VarBytesSize(o.PkScript)
	}
	chosen, total, fee, err := w.selectCreditsLocked(target, minconf, outSizes)
	if err != nil {
		return nil, nil, err
	}
	tx := wire.NewMsgTx(wire.TxVersion)
	for _, c := range chosen {
		var h chainhash.Hash
		if err := chainhash.Decode(&h, c.TxID); err != nil {
			return nil, nil, walletErr("stored credit %s is corrupt", c.TxID)
		}
		tx.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&h, c.Index, c.Tree), c.Amount, nil))
	}
	for _, o := range outs {
		tx.AddTxOut(o)
	}
	if change := total - target - fee; change > feeForSize(w.cfg.RelayFee, 3*p2pkhOutSize) {
		h := w.newInternalAddrLocked()
		script, _ := txscript.PayToPubKeyHashScript(h[:])
		tx.AddTxOut(wire.NewTxOut(change, script))
	}
	return tx, chosen, nil
}

// signCreditsLocked signs every input of tx, which spend chosen in order.
func (w *Wallet) signCreditsLocked(tx *wire.MsgTx, chosen []*credit) error {
	for i, c := range chosen {
		pk, err := hex.DecodeString(c.PkScript)
		if err != nil {
			return walletErr("stored credit script is corrupt")
		}
		priv, err := w.keys.privKeyAt(keyLoc{Branch: c.Branch, Index: c.AddrIndex})
		if err != nil {
			return walletErr("sign input %d: %v", i, err)
		}
		sig, err := txscript.SignP2PKH(tx, i, pk, secp256k1.PrivKeyFromBytes(priv))
		if err != nil {
			return walletErr("sign input %d: %v", i, err)
		}
		tx.TxIn[i].SignatureScript = sig
	}
	return nil
}

// publish sends a transaction to the node and, once the node accepted it,
// records it as unmined. Node errors come back with the node's code.
func (w *Wallet) publish(ctx context.Context, tx *wire.MsgTx) error {
	if _, err := w.node.SendRawTransaction(ctx, hex.EncodeToString(tx.Bytes())); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.processTxLocked(tx, blockInfo{})
	h := tx.TxHash()
	if rec := w.st.Txs[h.String()]; rec != nil && rec.BlockHeight == 0 && !rec.Own {
		w.st.NextSeq++
		rec.Own, rec.Seq = true, w.st.NextSeq
		w.st.touchTx(h.String())
	}
	return w.saveLocked()
}

// isDuplicate reports whether err is the node's "already have transaction".
func isDuplicate(err error) bool {
	var re *rpcserver.Error
	return errors.As(err, &re) && re.Code == rpcserver.ErrCodeDuplicateTx
}
