package txscript

import (
	"bytes"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// VerifyInput checks that input idx of tx carries a valid signature script
// for prevPkScript, the script of the output it spends. Supported
// previous scripts: P2PKH and P2SH (both optionally stake-tagged, so a
// vote's or revocation's ticket input is covered) with an m-of-n multisig
// redeem script, and P2PK. Any other script kind is ErrUnsupportedScript:
// this is a template checker, not a general script interpreter.
func VerifyInput(tx *wire.MsgTx, idx int, prevPkScript []byte) error {
	if idx < 0 || idx >= len(tx.TxIn) {
		return scriptErr(ErrInvalidIndex, "input %d of %d", idx, len(tx.TxIn))
	}
	pushes, err := PushedData(tx.TxIn[idx].SignatureScript)
	if err != nil {
		return err
	}
	if isPayToPubKey(prevPkScript) {
		if len(pushes) != 1 {
			return scriptErr(ErrSigScriptShape, "P2PK spend needs 1 push, got %d", len(pushes))
		}
		return verifySig(tx, idx, prevPkScript, pushes[0], prevPkScript[1:34])
	}
	ps, err := ParsePayScript(prevPkScript)
	if err != nil {
		return scriptErr(ErrUnsupportedScript, "previous output script %x", truncHex(prevPkScript))
	}
	if !ps.ScriptHash {
		if len(pushes) != 2 {
			return scriptErr(ErrSigScriptShape, "P2PKH spend needs <sig> <pubkey>, got %d pushes", len(pushes))
		}
		pub := pushes[1]
		if !bytes.Equal(Hash160(pub), ps.Hash[:]) {
			return scriptErr(ErrKeyMismatch, "pubkey hash %x, script pays %x", Hash160(pub), ps.Hash)
		}
		return verifySig(tx, idx, prevPkScript, pushes[0], pub)
	}
	if len(pushes) == 0 {
		return scriptErr(ErrSigScriptShape, "P2SH spend without a redeem script")
	}
	redeem := pushes[len(pushes)-1]
	if !bytes.Equal(Hash160(redeem), ps.Hash[:]) {
		return scriptErr(ErrKeyMismatch, "redeem script hash %x, script pays %x", Hash160(redeem), ps.Hash)
	}
	ms, err := ParseMultiSigScript(redeem)
	if err != nil {
		return scriptErr(ErrUnsupportedScript, "redeem script is not multisig: %v", err)
	}
	sigs := pushes[:len(pushes)-1]
	if len(sigs) != ms.Required {
		return scriptErr(ErrSigScriptShape, "%d-of-%d multisig needs %d signatures, got %d",
			ms.Required, len(ms.PubKeys), ms.Required, len(sigs))
	}
	return verifyMultiSig(tx, idx, redeem, sigs, ms.PubKeys)
}

// verifyMultiSig matches signatures to keys in order, as OP_CHECKMULTISIG
// does: each signature must verify against a key after the key that
// matched the previous signature.
func verifyMultiSig(tx *wire.MsgTx, idx int, redeem []byte, sigs, keys [][]byte) error {
	hash, err := SignatureHash(tx, idx, redeem, SigHashAll)
	if err != nil {
		return err
	}
	k := 0
	for i, raw := range sigs {
		sig, err := parseSig(raw)
		if err != nil {
			return scriptErr(ErrInvalidSignature, "signature %d: %v", i, err)
		}
		matched := false
		for ; k < len(keys) && len(keys)-k >= len(sigs)-i; k++ {
			pub, err := secp256k1.ParsePubKey(keys[k])
			if err != nil {
				continue
			}
			if sig.Verify(hash, pub) {
				matched = true
				k++
				break
			}
		}
		if !matched {
			return scriptErr(ErrBadSignature, "multisig signature %d matches no remaining key", i)
		}
	}
	return nil
}

func parseSig(raw []byte) (*ecdsa.Signature, error) {
	if len(raw) < 2 {
		return nil, scriptErr(ErrInvalidSignature, "%d bytes", len(raw))
	}
	if ht := SigHashType(raw[len(raw)-1]); ht != SigHashAll {
		return nil, scriptErr(ErrUnsupportedHashType, "hash type %#x", byte(ht))
	}
	sig, err := ecdsa.ParseDERSignature(raw[:len(raw)-1])
	if err != nil {
		return nil, scriptErr(ErrInvalidSignature, "%v", err)
	}
	// Like the network's script engine, refuse the high-S twin of a
	// signature (a source of malleability).
	if s := sig.S(); s.IsOverHalfOrder() {
		return nil, scriptErr(ErrInvalidSignature, "S value above half the group order")
	}
	return sig, nil
}

func verifySig(tx *wire.MsgTx, idx int, subScript, rawSig, rawPub []byte) error {
	sig, err := parseSig(rawSig)
	if err != nil {
		return err
	}
	pub, err := secp256k1.ParsePubKey(rawPub)
	if err != nil {
		return scriptErr(ErrInvalidPubKey, "%v", err)
	}
	hash, err := SignatureHash(tx, idx, subScript, SigHashAll)
	if err != nil {
		return err
	}
	if !sig.Verify(hash, pub) {
		return scriptErr(ErrBadSignature, "input %d", idx)
	}
	return nil
}
