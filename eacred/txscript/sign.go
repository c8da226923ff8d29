package txscript

import (
	"bytes"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// RawTxInSignature returns the DER signature of input idx over subScript
// with the hash-type byte appended (RFC 6979 deterministic nonces).
func RawTxInSignature(tx *wire.MsgTx, idx int, subScript []byte, hashType SigHashType, priv *secp256k1.PrivateKey) ([]byte, error) {
	hash, err := SignatureHash(tx, idx, subScript, hashType)
	if err != nil {
		return nil, err
	}
	sig := ecdsa.Sign(priv, hash).Serialize()
	return append(sig, byte(hashType)), nil
}

// SignP2PKH returns the signature script <sig> <compressed pubkey> that
// spends input idx of tx, whose previous output script prevPkScript is a
// P2PKH script (optionally stake-tagged, e.g. a ticket's OP_SSTX output or
// its OP_SSTXCHANGE change) paying to priv's key. The tx input itself is not
// modified.
func SignP2PKH(tx *wire.MsgTx, idx int, prevPkScript []byte, priv *secp256k1.PrivateKey) ([]byte, error) {
	ps, err := ParsePayScript(prevPkScript)
	if err != nil {
		return nil, err
	}
	if ps.ScriptHash {
		return nil, scriptErr(ErrUnsupportedScript, "SignP2PKH needs a P2PKH script, got P2SH")
	}
	pub := priv.PubKey().SerializeCompressed()
	if !bytes.Equal(Hash160(pub), ps.Hash[:]) {
		return nil, scriptErr(ErrKeyMismatch, "key hash %x, script pays %x", Hash160(pub), ps.Hash)
	}
	sig, err := RawTxInSignature(tx, idx, prevPkScript, SigHashAll, priv)
	if err != nil {
		return nil, err
	}
	return NewBuilder().AddData(sig).AddData(pub).Script()
}

// SignMultisigP2SH returns the signature script that spends input idx of
// tx through the m-of-n multisig redeemScript: the m signatures in the
// order of their keys in the script, then the redeem script (Decred's
// OP_CHECKMULTISIG takes no dummy element). privs must hold at least m keys
// of the script; extra keys are ignored. For the stake pool's 1-of-2
// scripts one key of either party is enough.
func SignMultisigP2SH(tx *wire.MsgTx, idx int, redeemScript []byte, privs ...*secp256k1.PrivateKey) ([]byte, error) {
	ms, err := ParseMultiSigScript(redeemScript)
	if err != nil {
		return nil, err
	}
	hash, err := SignatureHash(tx, idx, redeemScript, SigHashAll)
	if err != nil {
		return nil, err
	}
	b := NewBuilder()
	signed := 0
	for _, pk := range ms.PubKeys {
		if signed == ms.Required {
			break
		}
		for _, priv := range privs {
			if bytes.Equal(priv.PubKey().SerializeCompressed(), pk) {
				sig := append(ecdsa.Sign(priv, hash).Serialize(), byte(SigHashAll))
				b.AddData(sig)
				signed++
				break
			}
		}
	}
	if signed < ms.Required {
		return nil, scriptErr(ErrKeyMismatch, "have keys for %d of the %d required signatures", signed, ms.Required)
	}
	return b.AddData(redeemScript).Script()
}
