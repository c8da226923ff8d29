package txscript

import "fmt"

// ScriptClass is the kind of a standard public key script.
type ScriptClass uint8

// Script classes. The stake classes are stake-tagged P2PKH or P2SH scripts.
const (
	NonStandardTy ScriptClass = iota
	PubKeyTy
	PubKeyHashTy
	ScriptHashTy
	MultiSigTy
	NullDataTy
	StakeSubmissionTy
	StakeGenTy
	StakeRevocationTy
	StakeSubChangeTy
)

var classNames = [...]string{
	NonStandardTy:     "nonstandard",
	PubKeyTy:          "pubkey",
	PubKeyHashTy:      "pubkeyhash",
	ScriptHashTy:      "scripthash",
	MultiSigTy:        "multisig",
	NullDataTy:        "nulldata",
	StakeSubmissionTy: "stakesubmission",
	StakeGenTy:        "stakegen",
	StakeRevocationTy: "stakerevoke",
	StakeSubChangeTy:  "sstxchange",
}

// String returns the name dcrd's JSON-RPC uses for the class.
func (c ScriptClass) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("unknown(%d)", uint8(c))
}

// PayScript is a decoded P2PKH or P2SH script, possibly stake-tagged.
type PayScript struct {
	// Tag is 0 or one of OP_SSTX, OP_SSGEN, OP_SSRTX, OP_SSTXCHANGE.
	Tag byte
	// ScriptHash is true for P2SH, false for P2PKH (secp256k1 ECDSA).
	ScriptHash bool
	// Hash is the 20-byte hash160 of the public key or redeem script.
	Hash [Hash160Size]byte
}

// Class returns the script class of p.
func (p PayScript) Class() ScriptClass {
	switch p.Tag {
	case OP_SSTX:
		return StakeSubmissionTy
	case OP_SSGEN:
		return StakeGenTy
	case OP_SSRTX:
		return StakeRevocationTy
	case OP_SSTXCHANGE:
		return StakeSubChangeTy
	}
	if p.ScriptHash {
		return ScriptHashTy
	}
	return PubKeyHashTy
}

// Script encodes p.
func (p PayScript) Script() []byte {
	s := make([]byte, 0, 26)
	if p.Tag != 0 {
		s = append(s, p.Tag)
	}
	if p.ScriptHash {
		s = append(s, OP_HASH160, OP_DATA_20)
		s = append(s, p.Hash[:]...)
		return append(s, OP_EQUAL)
	}
	s = append(s, OP_DUP, OP_HASH160, OP_DATA_20)
	s = append(s, p.Hash[:]...)
	return append(s, OP_EQUALVERIFY, OP_CHECKSIG)
}

func hash20(h []byte) ([Hash160Size]byte, error) {
	var out [Hash160Size]byte
	if len(h) != Hash160Size {
		return out, scriptErr(ErrInvalidHashLen, "got %d bytes", len(h))
	}
	copy(out[:], h)
	return out, nil
}

// PayToPubKeyHashScript returns OP_DUP OP_HASH160 <hash> OP_EQUALVERIFY
// OP_CHECKSIG.
func PayToPubKeyHashScript(hash []byte) ([]byte, error) {
	h, err := hash20(hash)
	if err != nil {
		return nil, err
	}
	return PayScript{Hash: h}.Script(), nil
}

// PayToScriptHashScript returns OP_HASH160 <hash> OP_EQUAL.
func PayToScriptHashScript(hash []byte) ([]byte, error) {
	h, err := hash20(hash)
	if err != nil {
		return nil, err
	}
	return PayScript{ScriptHash: true, Hash: h}.Script(), nil
}

// PayToRedeemScript returns the P2SH script paying to redeemScript.
func PayToRedeemScript(redeemScript []byte) []byte {
	var h [Hash160Size]byte
	copy(h[:], Hash160(redeemScript))
	return PayScript{ScriptHash: true, Hash: h}.Script()
}

// StakeTaggedScript returns tag followed by the P2PKH (scriptHash false) or
// P2SH (scriptHash true) script for hash. tag must be OP_SSTX, OP_SSGEN,
// OP_SSRTX or OP_SSTXCHANGE.
func StakeTaggedScript(tag byte, hash []byte, scriptHash bool) ([]byte, error) {
	if !isStakeTag(tag) {
		return nil, scriptErr(ErrInvalidStakeTag, "opcode %#x", tag)
	}
	h, err := hash20(hash)
	if err != nil {
		return nil, err
	}
	return PayScript{Tag: tag, ScriptHash: scriptHash, Hash: h}.Script(), nil
}

// ParsePayScript decodes a P2PKH or P2SH script with an optional stake tag.
func ParsePayScript(script []byte) (PayScript, error) {
	var p PayScript
	s := script
	if len(s) > 0 && isStakeTag(s[0]) {
		p.Tag = s[0]
		s = s[1:]
	}
	switch {
	case len(s) == 25 && s[0] == OP_DUP && s[1] == OP_HASH160 && s[2] == OP_DATA_20 &&
		s[23] == OP_EQUALVERIFY && s[24] == OP_CHECKSIG:
		copy(p.Hash[:], s[3:23])
	case len(s) == 23 && s[0] == OP_HASH160 && s[1] == OP_DATA_20 && s[22] == OP_EQUAL:
		p.ScriptHash = true
		copy(p.Hash[:], s[2:22])
	default:
		return PayScript{}, scriptErr(ErrNotPayScript, "script %x", truncHex(script))
	}
	return p, nil
}

func truncHex(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}

// PayToPubKeyScript returns <33-byte compressed pubkey> OP_CHECKSIG.
func PayToPubKeyScript(pubKey []byte) ([]byte, error) {
	if err := checkCompressedPubKey(pubKey); err != nil {
		return nil, err
	}
	s := make([]byte, 0, 35)
	s = append(s, OP_DATA_33)
	s = append(s, pubKey...)
	return append(s, OP_CHECKSIG), nil
}

func isPayToPubKey(s []byte) bool {
	return len(s) == 35 && s[0] == OP_DATA_33 && (s[1] == 2 || s[1] == 3) && s[34] == OP_CHECKSIG
}

// IsNullData reports whether script is OP_RETURN followed by at most one
// push.
func IsNullData(script []byte) bool {
	if len(script) == 0 || script[0] != OP_RETURN {
		return false
	}
	ops, err := ParseScript(script[1:])
	return err == nil && len(ops) <= 1 && (len(ops) == 0 || ops[0].IsPush())
}

// GetScriptClass classifies a version 0 public key script. Other script
// versions are always NonStandardTy.
func GetScriptClass(version uint16, script []byte) ScriptClass {
	if version != 0 {
		return NonStandardTy
	}
	if p, err := ParsePayScript(script); err == nil {
		return p.Class()
	}
	switch {
	case isPayToPubKey(script):
		return PubKeyTy
	case IsNullData(script):
		return NullDataTy
	}
	if _, err := ParseMultiSigScript(script); err == nil {
		return MultiSigTy
	}
	return NonStandardTy
}

// IsStakeOutput reports whether script starts with a stake tag.
func IsStakeOutput(script []byte) bool { return len(script) > 0 && isStakeTag(script[0]) }
