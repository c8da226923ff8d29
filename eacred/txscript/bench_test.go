package txscript_test

import (
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// BenchmarkVerifyMultisigVote verifies a 1-of-2 P2SH ticket-spend
// signature, the check the simulator node runs on every vote.
func BenchmarkVerifyMultisigVote(b *testing.B) {
	pool, user := privKey(31), privKey(32)
	redeem, _ := txscript.MultiSigScript(1, [][]byte{pool.PubKey().SerializeCompressed(), user.PubKey().SerializeCompressed()})
	prev, _ := txscript.StakeTaggedScript(txscript.OP_SSTX, txscript.Hash160(redeem), true)
	tx := spendTx(chainhash.HashH([]byte("bench")), wire.TxTreeStake)
	s, err := txscript.SignMultisigP2SH(tx, 1, redeem, user)
	if err != nil {
		b.Fatal(err)
	}
	tx.TxIn[1].SignatureScript = s
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := txscript.VerifyInput(tx, 1, prev); err != nil {
			b.Fatal(err)
		}
	}
}
