package txscript

import (
	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// ExtractPkScriptAddrs returns the class of a public key script, the
// addresses it pays on network p and how many signatures spending it
// needs. P2PKH and P2SH scripts, stake-tagged or not, give one address;
// P2PK one pubkey address; m-of-n multisig the n pubkey addresses and m.
// Null data and non-standard scripts give no address. Ticket commitments
// are null data here; decode their reward address with
// ParseCommitmentScript and CommitmentAddress.
func ExtractPkScriptAddrs(version uint16, script []byte, p *chaincfg.Params) (ScriptClass, []address.Address, int) {
	class := GetScriptClass(version, script)
	switch class {
	case PubKeyHashTy, ScriptHashTy, StakeSubmissionTy, StakeGenTy, StakeRevocationTy, StakeSubChangeTy:
		ps, err := ParsePayScript(script)
		if err != nil {
			return NonStandardTy, nil, 0
		}
		a, err := PayScriptAddress(ps, p)
		if err != nil {
			return class, nil, 0
		}
		return class, []address.Address{a}, 1
	case PubKeyTy:
		a, err := address.NewPubKeyAddress(script[1:34], p)
		if err != nil {
			return class, nil, 0
		}
		return class, []address.Address{a}, 1
	case MultiSigTy:
		ms, err := ParseMultiSigScript(script)
		if err != nil {
			return NonStandardTy, nil, 0
		}
		addrs := make([]address.Address, 0, len(ms.PubKeys))
		for _, k := range ms.PubKeys {
			a, err := address.NewPubKeyAddress(k, p)
			if err != nil {
				return class, nil, 0
			}
			addrs = append(addrs, a)
		}
		return class, addrs, ms.Required
	}
	return class, nil, 0
}

// PayScriptAddress returns the P2PKH (secp256k1 ECDSA) or P2SH address of
// a pay script on network p; the stake tag does not change the address.
func PayScriptAddress(ps PayScript, p *chaincfg.Params) (address.Address, error) {
	if ps.ScriptHash {
		return address.FromScriptHash(ps.Hash[:], p)
	}
	return address.NewPubKeyHashAddress(ps.Hash[:], p)
}

// CommitmentAddress returns the reward address of a ticket commitment.
func CommitmentAddress(c Commitment, p *chaincfg.Params) (address.Address, error) {
	return PayScriptAddress(c.PayScript(), p)
}

// PayScriptFromAddress returns the (untagged) pay script of a P2PKH
// (secp256k1 ECDSA) or P2SH address, for building tickets and payouts.
func PayScriptFromAddress(a address.Address) (PayScript, error) {
	ha, ok := a.(address.HashAddress)
	if !ok || (a.Kind() != address.KindP2PKH && a.Kind() != address.KindP2SH) {
		return PayScript{}, scriptErr(ErrUnsupportedScript, "address %s is not P2PKH-ECDSA or P2SH", a)
	}
	return PayScript{ScriptHash: a.Kind() == address.KindP2SH, Hash: *ha.Hash160()}, nil
}
