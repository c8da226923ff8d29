package wallet

import (
	"bytes"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// TestSignTicketSpendMatchesTxscript: the wallet signs a ticket spend
// with the keys its key store keeps, and the signature script is
// byte-for-byte what txscript's signers make from freshly derived keys:
// 1-of-2 scripts with the wallet's key first or second, a 2-of-2 script
// with both keys, a P2PKH voting output; a script without a wallet key is
// refused.
func TestSignTicketSpendMatchesTxscript(t *testing.T) {
	w := openTestWallet(t)
	mine, mine2 := w.keys.key(branchExternal, 3), w.keys.key(branchExternal, 4)
	other := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{7}, 32)).PubKey().SerializeCompressed()
	fresh := func(k *derivedKey) *secp256k1.PrivateKey {
		loc, _ := w.keys.lookup(k.hash)
		b, err := w.keys.privKeyAt(loc) // derived again from the branch key
		if err != nil {
			t.Fatal(err)
		}
		return secp256k1.PrivKeyFromBytes(b)
	}
	spend := func() *wire.MsgTx {
		tx := wire.NewMsgTx(wire.TxVersion)
		tx.AddTxIn(wire.NewTxIn(&wire.OutPoint{Index: wire.MaxPrevOutIndex}, 5, nil))
		tx.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&chainhash.Hash{3}, 0, wire.TxTreeStake), 2e8, nil))
		tx.AddTxOut(wire.NewTxOut(2e8, []byte{txscript.OP_TRUE}))
		return tx
	}
	for _, c := range []struct {
		name string
		m    int
		pubs [][]byte
		keys []*derivedKey
	}{
		{"1-of-2, wallet key first", 1, [][]byte{mine.pub, other}, []*derivedKey{mine}},
		{"1-of-2, wallet key second", 1, [][]byte{other, mine.pub}, []*derivedKey{mine}},
		{"2-of-2, both wallet keys", 2, [][]byte{mine2.pub, mine.pub}, []*derivedKey{mine, mine2}},
	} {
		redeem, err := txscript.MultiSigScript(c.m, c.pubs)
		if err != nil {
			t.Fatal(err)
		}
		w.addScriptBytesLocked(redeem)
		pk, _ := txscript.StakeTaggedScript(txscript.OP_SSTX, txscript.Hash160(redeem), true)
		tx := spend()
		if err := w.signTicketSpend(tx, 1, pk); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var privs []*secp256k1.PrivateKey
		for _, k := range c.keys {
			privs = append(privs, fresh(k))
		}
		want, err := txscript.SignMultisigP2SH(spend(), 1, redeem, privs...)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(tx.TxIn[1].SignatureScript, want) {
			t.Fatalf("%s: signature script\n%x\nwant\n%x", c.name, tx.TxIn[1].SignatureScript, want)
		}
		if err := txscript.VerifyInput(tx, 1, pk); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
	}

	pk, _ := txscript.StakeTaggedScript(txscript.OP_SSTX, mine.hash[:], false)
	tx := spend()
	if err := w.signTicketSpend(tx, 1, pk); err != nil {
		t.Fatal(err)
	}
	want, err := txscript.SignP2PKH(spend(), 1, pk, fresh(mine))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(tx.TxIn[1].SignatureScript, want) {
		t.Fatalf("P2PKH: signature script\n%x\nwant\n%x", tx.TxIn[1].SignatureScript, want)
	}

	theirs, _ := txscript.MultiSigScript(1, [][]byte{other, secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{8}, 32)).PubKey().SerializeCompressed()})
	w.addScriptBytesLocked(theirs)
	pk, _ = txscript.StakeTaggedScript(txscript.OP_SSTX, txscript.Hash160(theirs), true)
	if err := w.signTicketSpend(spend(), 1, pk); err == nil {
		t.Fatal("signed a script without a wallet key")
	}
}
