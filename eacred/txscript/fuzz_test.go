package txscript_test

import (
	"bytes"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// FuzzScripts feeds arbitrary scripts to every parser: no panics, and each
// accepted template re-encodes to the same bytes.
func FuzzScripts(f *testing.F) {
	var v multisigVectors
	readVectors(f, "multisig_p2sh.json", &v)
	for _, s := range []string{v.OneOfOne.RedeemScript, v.OneOfOne.PayScript, v.OneOfOne.VoteRights,
		v.OneOfTwo.RedeemScript, v.OneOfTwo.SSTXScript, "6a06010007000000", "4c02aabb"} {
		f.Add(mustHex(f, s))
	}
	c, _ := txscript.CommitmentScript(txscript.Commitment{Amount: 12345, ScriptHash: true, Limits: txscript.FeeLimitsWalletV1})
	f.Add(c)
	f.Fuzz(func(t *testing.T, s []byte) {
		_ = txscript.DisasmString(s)
		_ = txscript.GetScriptClass(0, s)
		_, _ = txscript.PushedData(s)
		if ps, err := txscript.ParsePayScript(s); err == nil && !bytes.Equal(ps.Script(), s) {
			t.Fatalf("pay script round trip %x", s)
		}
		if ms, err := txscript.ParseMultiSigScript(s); err == nil {
			if again, err := txscript.MultiSigScript(ms.Required, ms.PubKeys); err != nil || !bytes.Equal(again, s) {
				t.Fatalf("multisig round trip %x: %v", s, err)
			}
		}
		if cm, err := txscript.ParseCommitmentScript(s); err == nil && len(s) == 32 {
			if again, err := txscript.CommitmentScript(cm); err != nil || !bytes.Equal(again, s) {
				t.Fatalf("commitment round trip %x: %v", s, err)
			}
		}
		if h, height, err := txscript.ParseVoteBlockRefScript(s); err == nil && !bytes.Equal(txscript.VoteBlockRefScript(&h, height), s) {
			t.Fatalf("block ref round trip %x", s)
		}
		_, _, _ = txscript.ParseVoteBitsScript(s)
	})
}

// FuzzVerifyInput verifies arbitrary signature scripts against a 1-of-2
// P2SH ticket output and a P2PKH output: never a panic, never accepted.
func FuzzVerifyInput(f *testing.F) {
	pool, user := privKey(21), privKey(22)
	redeem, _ := txscript.MultiSigScript(1, [][]byte{pool.PubKey().SerializeCompressed(), user.PubKey().SerializeCompressed()})
	p2sh, _ := txscript.StakeTaggedScript(txscript.OP_SSTX, txscript.Hash160(redeem), true)
	p2pkh, _ := txscript.PayToPubKeyHashScript(txscript.Hash160(pool.PubKey().SerializeCompressed()))
	tx := spendTx(chainhash.HashH([]byte("fuzz")), wire.TxTreeStake)
	good, _ := txscript.SignMultisigP2SH(tx, 0, redeem, pool)
	f.Add(good)
	f.Add(append([]byte{0}, good...))
	f.Fuzz(func(t *testing.T, sigScript []byte) {
		c := tx.Copy()
		c.TxIn[0].SignatureScript = sigScript
		errP2SH := txscript.VerifyInput(c, 0, p2sh)
		errPKH := txscript.VerifyInput(c, 0, p2pkh)
		// Only the genuine signature script (or one with the same
		// pushes) may pass; a forged one must not.
		if errP2SH == nil {
			pushes, _ := txscript.PushedData(sigScript)
			if len(pushes) != 2 || !bytes.Equal(pushes[1], redeem) {
				t.Fatalf("accepted odd script %x", sigScript)
			}
		}
		if errPKH == nil {
			t.Fatalf("P2PKH accepted without a key's signature: %x", sigScript)
		}
	})
}
