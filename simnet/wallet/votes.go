package wallet

import (
	"context"
	"encoding/binary"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// spendableTicket is a tracked ticket with its decoded transaction,
// ready to be spent by a vote or a revocation.
type spendableTicket struct {
	t           ticket
	tx          *wire.MsgTx
	hash        chainhash.Hash
	commitments []txscript.Commitment
	blockIndex  uint32
}

// loadTicket fetches a tracked ticket the wallet can sign for. A vote may
// be built for a ticket the best chain already spent (forVote): it can be
// a winner on a side branch where it is still live, and the node judges
// the vote against the block it votes on. A revocation may not.
func (w *Wallet) loadTicket(hash string, forVote bool) (*spendableTicket, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.st.Tickets[hash]
	if t == nil {
		return nil, walletErr("ticket %s was not found in the wallet", hash)
	}
	if !t.Votable {
		return nil, walletErr("the wallet holds no key of ticket %s's voting script", hash)
	}
	if !forVote && (t.State == ticketVoted || t.State == ticketRevoked) {
		return nil, walletErr("ticket %s is already spent by %s", hash, t.SpentBy)
	}
	tx, err := w.ticketTxLocked(hash)
	if err != nil {
		return nil, walletErr("stored ticket %s is corrupt: %v", hash, err)
	}
	cs, err := ticketCommitments(tx)
	if err != nil {
		return nil, walletErr("ticket %s: %v", hash, err)
	}
	st := &spendableTicket{t: *t, tx: tx, hash: tx.TxHash(), commitments: cs}
	if rec := w.st.Txs[hash]; rec != nil {
		st.blockIndex = rec.BlockIndex
	}
	return st, nil
}

// ticketInput is the input spending a ticket's voting output.
func (s *spendableTicket) ticketInput() *wire.TxIn {
	in := wire.NewTxIn(wire.NewOutPoint(&s.hash, 0, wire.TxTreeStake), s.tx.TxOut[0].Value, nil)
	if s.t.Height > 0 {
		in.BlockHeight, in.BlockIndex = uint32(s.t.Height), s.blockIndex
	}
	return in
}

// stakeRewards splits total among the commitments in proportion to their
// amounts (the network's rule, stake.CalculateRewards).
func stakeRewards(cs []txscript.Commitment, total int64) []int64 {
	amounts := make([]int64, len(cs))
	for i, c := range cs {
		amounts[i] = c.Amount
	}
	return stake.CalculateRewards(amounts, total, 0)
}

// addPayouts adds one stake-tagged output per commitment.
func addPayouts(tx *wire.MsgTx, tag byte, cs []txscript.Commitment, amounts []int64) error {
	for i, c := range cs {
		script, err := txscript.StakeTaggedScript(tag, c.Hash[:], c.ScriptHash)
		if err != nil {
			return err
		}
		tx.AddTxOut(wire.NewTxOut(amounts[i], script))
	}
	return nil
}

// buildVote builds and signs a vote of ticketHash on the block
// (blockHash, height): a stakebase input worth the vote subsidy, the ticket
// input, the block reference, the vote bits followed by the extended bits,
// and one payout per commitment.
func (w *Wallet) buildVote(blockHash chainhash.Hash, height int64, ticketHash string, voteBits uint16, ext []byte) (*wire.MsgTx, error) {
	st, err := w.loadTicket(ticketHash, true)
	if err != nil {
		return nil, err
	}
	// The stakebase is the vote subsidy of the block voted on (ecrd's
	// rule), not of the block that will include the vote.
	subsidy := w.voteSubsidy(height)
	vote := wire.NewMsgTx(wire.TxVersion)
	null := wire.OutPoint{Index: wire.MaxPrevOutIndex, Tree: wire.TxTreeRegular}
	vote.AddTxIn(wire.NewTxIn(&null, subsidy, append([]byte(nil), w.cfg.Params.StakeBaseSigScript...)))
	vote.AddTxIn(st.ticketInput())
	vote.AddTxOut(wire.NewTxOut(0, txscript.VoteBlockRefScript(&blockHash, uint32(height))))
	bits := binary.LittleEndian.AppendUint16(nil, voteBits)
	vote.AddTxOut(wire.NewTxOut(0, txscript.AppendPush([]byte{txscript.OP_RETURN}, append(bits, ext...))))
	price := st.tx.TxOut[0].Value
	if err := addPayouts(vote, txscript.OP_SSGEN, st.commitments, stakeRewards(st.commitments, price+subsidy)); err != nil {
		return nil, walletErr("vote outputs: %v", err)
	}
	if err := w.signTicketSpend(vote, 1, st.tx.TxOut[0].PkScript); err != nil {
		return nil, err
	}
	return vote, nil
}

// buildRevocation builds and signs the revocation of a missed or expired
// ticket: the ticket input and one payout per commitment returning its
// share of the price; the relay fee is taken from the first payout when
// that commitment's revocation fee limit allows it.
func (w *Wallet) buildRevocation(ticketHash string) (*wire.MsgTx, error) {
	st, err := w.loadTicket(ticketHash, false)
	if err != nil {
		return nil, err
	}
	build := func(fee int64) (*wire.MsgTx, error) {
		rev := wire.NewMsgTx(wire.TxVersion)
		rev.AddTxIn(st.ticketInput())
		amounts := stakeRewards(st.commitments, st.tx.TxOut[0].Value)
		amounts[0] -= fee
		if err := addPayouts(rev, txscript.OP_SSRTX, st.commitments, amounts); err != nil {
			return nil, walletErr("revocation outputs: %v", err)
		}
		if err := w.signTicketSpend(rev, 0, st.tx.TxOut[0].PkScript); err != nil {
			return nil, err
		}
		return rev, nil
	}
	rev, err := build(0)
	if err != nil {
		return nil, err
	}
	fee := feeForSize(w.cfg.RelayFee, rev.SerializeSize())
	c0 := st.commitments[0]
	if fee <= txscript.MaxFee(c0.Limits.Revocation(), c0.Amount) && fee < rev.TxOut[0].Value {
		return build(fee)
	}
	return rev, nil
}

// signTicketSpend signs input idx of tx, which spends a ticket whose voting
// output is pkScript (OP_SSTX P2SH of an imported multisig script, or
// OP_SSTX P2PKH of a wallet key). The signature script is the one
// txscript.SignMultisigP2SH or SignP2PKH makes (RFC 6979 signatures, so the
// same bytes); the keys come from the key store as derived, not derived
// again and checked against the script by computing their public keys,
// which took most of a vote's time.
func (w *Wallet) signTicketSpend(tx *wire.MsgTx, idx int, pkScript []byte) error {
	_, kind, h := payTo(pkScript)
	var sigScript []byte
	var err error
	switch kind {
	case payP2SH:
		w.mu.Lock()
		redeem := w.scripts[h]
		w.mu.Unlock()
		if sigScript, err = w.signMultisig(tx, idx, redeem); err != nil {
			return err
		}
	case payP2PKH:
		var priv *secp256k1.PrivateKey
		if priv, err = w.keys.signer(h); err == nil {
			var sig []byte
			if sig, err = txscript.RawTxInSignature(tx, idx, pkScript, txscript.SigHashAll, priv); err == nil {
				pub, _ := w.keys.pubKey(h)
				sigScript, err = txscript.NewBuilder().AddData(sig).AddData(pub).Script()
			}
		}
	default:
		return walletErr("unsupported ticket voting script")
	}
	if err != nil {
		return walletErr("sign: %v", err)
	}
	tx.TxIn[idx].SignatureScript = sigScript
	return nil
}

// signMultisig returns the signature script spending input idx of tx
// through the m-of-n multisig redeem script: signatures by the wallet's
// keys of the script in the script's key order, up to m, then the script.
func (w *Wallet) signMultisig(tx *wire.MsgTx, idx int, redeem []byte) ([]byte, error) {
	m, pubs, ok := parseMultisig(redeem)
	if !ok {
		return nil, walletErr("no multisig redeem script for the ticket's voting address")
	}
	b := txscript.NewBuilder()
	signed := 0
	for _, p := range pubs {
		if signed == m {
			break
		}
		priv, err := w.keys.signer(hash160(p))
		if err != nil {
			continue
		}
		sig, err := txscript.RawTxInSignature(tx, idx, redeem, txscript.SigHashAll, priv)
		if err != nil {
			return nil, walletErr("sign: %v", err)
		}
		b.AddData(sig)
		signed++
	}
	if signed < m {
		return nil, walletErr("sign: have keys for %d of the %d required signatures", signed, m)
	}
	script, err := b.AddData(redeem).Script()
	if err != nil {
		return nil, walletErr("sign: %v", err)
	}
	return script, nil
}

// feeForSize is the relay fee for a transaction of size bytes at rate
// atoms/kB.
func feeForSize(rate int64, size int) int64 {
	return (rate*int64(size) + 999) / 1000
}

// missedSets asks the node which of the given tickets are missed and
// which expired (both may be revoked).
func (w *Wallet) missedSets(ctx context.Context, hashes []string) (missed, expired map[string]bool, err error) {
	missed, expired = make(map[string]bool), make(map[string]bool)
	if len(hashes) == 0 {
		return missed, expired, nil
	}
	for _, q := range []struct {
		method string
		set    map[string]bool
	}{{"existsmissedtickets", missed}, {"existsexpiredtickets", expired}} {
		bits, err := w.node.Exists(ctx, q.method, hashes)
		if err != nil {
			return nil, nil, err
		}
		for i, h := range hashes {
			if i < len(bits) && bits[i] {
				q.set[h] = true
			}
		}
	}
	return missed, expired, nil
}
