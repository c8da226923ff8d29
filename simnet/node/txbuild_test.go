package node

import (
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// coin is a spendable output for tests.
type coin struct {
	op     wire.OutPoint
	value  int64
	script []byte
	key    *testKey
}

// coinbaseCoin is the miner output of a block's coinbase.
func coinbaseCoin(b *wire.MsgBlock, key *testKey) coin {
	cb := b.Transactions[0]
	return coin{op: wire.OutPoint{Hash: cb.TxHash(), Index: 1}, value: cb.TxOut[1].Value, script: cb.TxOut[1].PkScript, key: key}
}

// must2 adapts a (script, error) result for inline use.
func must2(t testing.TB) func([]byte, error) []byte {
	return func(s []byte, err error) []byte { return mustScript(t, s, err) }
}

func mustScript(t testing.TB, s []byte, err error) []byte {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// buildSpend pays value to `to` from c, returning change to c's key.
func buildSpend(t testing.TB, c coin, to []byte, value, fee int64, signer *testKey) *wire.MsgTx {
	t.Helper()
	tx := wire.NewMsgTx(wire.TxVersion)
	tx.AddTxIn(wire.NewTxIn(&c.op, c.value, nil))
	tx.AddTxOut(wire.NewTxOut(value, to))
	if change := c.value - value - fee; change > 0 {
		tx.AddTxOut(wire.NewTxOut(change, c.key.p2pkh()))
	}
	sig, err := txscript.SignP2PKH(tx, 0, c.script, signer.priv)
	if err != nil {
		t.Fatal(err)
	}
	tx.TxIn[0].SignatureScript = sig
	return tx
}

// voting describes a ticket's voting output: a P2PKH key or a 1-of-2
// multisig P2SH.
type voting struct {
	key    *testKey
	redeem []byte
}

func (v voting) script(t testing.TB, tag byte) []byte {
	t.Helper()
	hash, p2sh := v.key.hash[:], false
	if v.redeem != nil {
		hash, p2sh = txscript.Hash160(v.redeem), true
	}
	s, err := txscript.StakeTaggedScript(tag, hash, p2sh)
	return mustScript(t, s, err)
}

func (v voting) sign(t testing.TB, tx *wire.MsgTx, idx int, prevScript []byte) {
	t.Helper()
	var sig []byte
	var err error
	if v.redeem != nil {
		sig, err = txscript.SignMultisigP2SH(tx, idx, v.redeem, v.key.priv)
	} else {
		sig, err = txscript.SignP2PKH(tx, idx, prevScript, v.key.priv)
	}
	if err != nil {
		t.Fatal(err)
	}
	tx.TxIn[idx].SignatureScript = sig
}

// buildTicket buys a one-contributor ticket from c whose reward goes back
// to c's key.
func buildTicket(t testing.TB, c coin, v voting, price, fee int64) *wire.MsgTx {
	t.Helper()
	tx := wire.NewMsgTx(wire.TxVersion)
	tx.AddTxIn(wire.NewTxIn(&c.op, c.value, nil))
	tx.AddTxOut(wire.NewTxOut(price, v.script(t, txscript.OP_SSTX)))
	commit := txscript.Commitment{Hash: c.key.hash, Amount: price + fee, Limits: txscript.NewFeeLimits(0, 0x58)}
	tx.AddTxOut(wire.NewTxOut(0, must2(t)(txscript.CommitmentScript(commit))))
	tx.AddTxOut(wire.NewTxOut(c.value-price-fee, must2(t)(txscript.StakeTaggedScript(txscript.OP_SSTXCHANGE, c.key.hash[:], false))))
	sig, err := txscript.SignP2PKH(tx, 0, c.script, c.key.priv)
	if err != nil {
		t.Fatal(err)
	}
	tx.TxIn[0].SignatureScript = sig
	return tx
}

func ticketCommitments(t testing.TB, ticket *wire.MsgTx) []commitment {
	t.Helper()
	f, err := checkTicketForm(ticket)
	if err != nil {
		t.Fatal(err)
	}
	return f.commitments
}

// buildVote votes ticket on block (hash, height) with the payouts the
// node expects for a vote in block height+1.
func buildVote(t testing.TB, ticket *wire.MsgTx, v voting, hash chainhash.Hash, height int64, bits uint16) *wire.MsgTx {
	t.Helper()
	return buildVoteSubsidy(t, ticket, v, hash, height, bits, newSubsidies(simParams).vote(height))
}

// buildVoteSubsidy is buildVote with an explicit vote subsidy (for nodes
// with overridden parameters).
func buildVoteSubsidy(t testing.TB, ticket *wire.MsgTx, v voting, hash chainhash.Hash, height int64, bits uint16, subsidy int64) *wire.MsgTx {
	t.Helper()
	price := ticket.TxOut[0].Value
	tx := wire.NewMsgTx(wire.TxVersion)
	tx.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&chainhash.Hash{}, wire.MaxPrevOutIndex, wire.TxTreeRegular), subsidy, simParams.StakeBaseSigScript))
	th := ticket.TxHash()
	tx.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&th, 0, wire.TxTreeStake), price, nil))
	tx.AddTxOut(wire.NewTxOut(0, txscript.VoteBlockRefScript(&hash, uint32(height))))
	tx.AddTxOut(wire.NewTxOut(0, txscript.VoteBitsScript(bits, defaultVoteVersion)))
	cs := ticketCommitments(t, ticket)
	for i, amt := range stakePayouts(cs, price+subsidy) {
		tx.AddTxOut(wire.NewTxOut(amt, must2(t)(txscript.StakeTaggedScript(txscript.OP_SSGEN, cs[i].hash160[:], cs[i].p2sh))))
	}
	v.sign(t, tx, 1, ticket.TxOut[0].PkScript)
	return tx
}

// buildRevocation revokes ticket, paying the commitments their shares.
func buildRevocation(t testing.TB, ticket *wire.MsgTx, v voting) *wire.MsgTx {
	t.Helper()
	tx := wire.NewMsgTx(wire.TxVersion)
	th := ticket.TxHash()
	tx.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&th, 0, wire.TxTreeStake), ticket.TxOut[0].Value, nil))
	cs := ticketCommitments(t, ticket)
	for i, amt := range stakePayouts(cs, ticket.TxOut[0].Value) {
		tx.AddTxOut(wire.NewTxOut(amt, must2(t)(txscript.StakeTaggedScript(txscript.OP_SSRTX, cs[i].hash160[:], cs[i].p2sh))))
	}
	v.sign(t, tx, 0, ticket.TxOut[0].PkScript)
	return tx
}

// forgeSig replaces input idx's signature script with a signature by key
// (not necessarily the key the output pays to).
func forgeSig(t testing.TB, tx *wire.MsgTx, idx int, prevScript []byte, key *testKey) {
	t.Helper()
	sig, err := txscript.RawTxInSignature(tx, idx, prevScript, txscript.SigHashAll, key.priv)
	if err != nil {
		t.Fatal(err)
	}
	s := txscript.AppendPush(nil, sig)
	tx.TxIn[idx].SignatureScript = txscript.AppendPush(s, key.priv.PubKey().SerializeCompressed())
}

// corruptSig flips a bit of the S value of input idx's signature (the
// byte before the hash type), keeping the encoding valid.
func corruptSig(tx *wire.MsgTx, idx int) {
	s := tx.TxIn[idx].SignatureScript
	sigLen := int(s[0])
	s[sigLen-1] ^= 0x01
}

func outPointOf(tx *wire.MsgTx, idx uint32) wire.OutPoint {
	return wire.OutPoint{Hash: tx.TxHash(), Index: idx}
}
