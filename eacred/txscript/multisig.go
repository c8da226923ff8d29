package txscript

import "github.com/decred/dcrd/dcrec/secp256k1/v4"

// MultiSig is a decoded m-of-n multisig script.
type MultiSig struct {
	Required int
	// PubKeys are the 33-byte compressed keys in script order.
	PubKeys [][]byte
}

func checkCompressedPubKey(k []byte) error {
	if len(k) != 33 || (k[0] != 2 && k[0] != 3) {
		return scriptErr(ErrInvalidPubKey, "want a 33-byte compressed key, got %d bytes", len(k))
	}
	if _, err := secp256k1.ParsePubKey(k); err != nil {
		return scriptErr(ErrInvalidPubKey, "%v", err)
	}
	return nil
}

// MultiSigScript returns OP_m <key 1> ... <key n> OP_n OP_CHECKMULTISIG with
// the keys in exactly the given order (no sorting: the legacy pool passes
// the pool key first and the user key second). Keys must be 33-byte
// compressed secp256k1 points; 1 <= m <= n <= 16.
func MultiSigScript(required int, pubKeys [][]byte) ([]byte, error) {
	n := len(pubKeys)
	if n == 0 || n > MaxPubKeysPerMultiSig {
		return nil, scriptErr(ErrInvalidMultiSig, "%d keys, want 1..%d", n, MaxPubKeysPerMultiSig)
	}
	if required < 1 || required > n {
		return nil, scriptErr(ErrInvalidMultiSig, "%d required of %d keys", required, n)
	}
	s := make([]byte, 0, 3+34*n)
	s = append(s, SmallIntOp(required))
	for i, k := range pubKeys {
		if err := checkCompressedPubKey(k); err != nil {
			return nil, scriptErr(ErrInvalidPubKey, "key %d: %v", i, err)
		}
		s = append(s, OP_DATA_33)
		s = append(s, k...)
	}
	return append(s, SmallIntOp(n), OP_CHECKMULTISIG), nil
}

// ParseMultiSigScript decodes a multisig script whose keys are 33-byte
// compressed secp256k1 points.
func ParseMultiSigScript(script []byte) (*MultiSig, error) {
	ops, err := ParseScript(script)
	if err != nil {
		return nil, err
	}
	if len(ops) < 4 || ops[len(ops)-1].Code != OP_CHECKMULTISIG {
		return nil, scriptErr(ErrInvalidMultiSig, "not OP_m <keys> OP_n OP_CHECKMULTISIG")
	}
	m, okM := smallInt(ops[0].Code)
	n, okN := smallInt(ops[len(ops)-2].Code)
	keys := ops[1 : len(ops)-2]
	if !okM || !okN || m < 1 || n < m || n != len(keys) {
		return nil, scriptErr(ErrInvalidMultiSig, "counts do not match: %d ops", len(ops))
	}
	ms := &MultiSig{Required: m, PubKeys: make([][]byte, n)}
	for i, k := range keys {
		if k.Code != OP_DATA_33 {
			return nil, scriptErr(ErrInvalidMultiSig, "element %d is not a 33-byte push", i+1)
		}
		if err := checkCompressedPubKey(k.Data); err != nil {
			return nil, scriptErr(ErrInvalidPubKey, "key %d: %v", i, err)
		}
		ms.PubKeys[i] = append([]byte(nil), k.Data...)
	}
	return ms, nil
}
