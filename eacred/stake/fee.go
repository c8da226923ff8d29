package stake

import "github.com/eacred/dcrstakepool/eacred/wire"

// TxFee returns the network's fee of tx: the sum of its input values minus
// the sum of all its output values. For a ticket that is the inputs minus
// the price, the (zero-valued) commitments and every change output.
//
// The input values are the witness ValueIn fields, which the network
// requires to equal the amounts of the outputs spent, so tx must carry its
// witness. Errors match ErrBadAmount: no witness (a prefix-only
// transaction), an input value that is unknown (wire.NullValueIn) or out of
// range, an output value out of range, or outputs exceeding the inputs.
func TxFee(tx *wire.MsgTx) (int64, error) {
	if !hasInputValues(tx) {
		return 0, stakeErr(ErrBadAmount, nil, "transaction carries no input values (serialization %v)", tx.SerType)
	}
	var in, out int64
	for i, ti := range tx.TxIn {
		if !validAmount(ti.ValueIn) {
			return 0, stakeErr(ErrBadAmount, nil, "input %d value %d unknown or out of range", i, ti.ValueIn)
		}
		in += ti.ValueIn
	}
	for i, o := range tx.TxOut {
		if !validAmount(o.Value) {
			return 0, stakeErr(ErrBadAmount, nil, "output %d value %d out of range", i, o.Value)
		}
		out += o.Value
	}
	// Each term is at most MaxAtoms and there are at most a few
	// thousand, so the sums cannot overflow int64.
	if out > in {
		return 0, stakeErr(ErrBadAmount, nil, "outputs %d exceed inputs %d", out, in)
	}
	return in - out, nil
}

// hasInputValues reports whether tx was built or decoded with its witness
// and every input names its value.
func hasInputValues(tx *wire.MsgTx) bool {
	if tx.SerType == wire.TxSerializeNoWitness {
		return false
	}
	for _, in := range tx.TxIn {
		if in.ValueIn == wire.NullValueIn {
			return false
		}
	}
	return true
}
