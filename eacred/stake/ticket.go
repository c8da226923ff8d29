package stake

import (
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// MaxAtoms is the largest valid amount (21 million coins).
const MaxAtoms = 21e6 * 1e8

func validAmount(v int64) bool { return v >= 0 && v <= MaxAtoms }

// Contribution is one contributor's part of a ticket: their commitment and
// their change output.
type Contribution struct {
	txscript.Commitment
	// Change is the OP_SSTXCHANGE output script (tag included).
	Change      txscript.PayScript
	ChangeValue int64
}

// Ticket is a parsed ticket.
type Ticket struct {
	Hash chainhash.Hash
	// Price is out[0]'s value (the stake difficulty the ticket paid).
	Price int64
	// Voting is out[0]'s script: OP_SSTX + P2PKH or P2SH.
	Voting txscript.PayScript
	// Contributions in input order; Contributions[0] is the first
	// commitment (the pool fee in a stake pool ticket).
	Contributions []Contribution
	// Fee is the network's transaction fee: the sum of the input values
	// minus the sum of all output values, change included (TxFee). When
	// the transaction carries no input values (InputsKnown false), it is
	// the sum of the commitments minus the price instead, which the
	// network makes equal for every valid ticket.
	Fee int64
	// InputsKnown reports that every input's value was in the
	// transaction (its witness), so that Fee was computed from the
	// inputs and each commitment was checked to be its input's value
	// minus its change, as the network requires.
	InputsKnown bool
	// Expiry is the transaction's expiry height (0 = none).
	Expiry uint32
}

// TotalCommitted returns the sum of the contributions' amounts.
func (t *Ticket) TotalCommitted() int64 {
	var sum int64
	for _, c := range t.Contributions {
		sum += c.Amount
	}
	return sum
}

// ParseTicket checks tx's ticket structure and decodes it. When tx carries
// its input values (a full serialization without wire.NullValueIn), each
// commitment must equal its input's value minus its change, the rule the
// network enforces, and Fee is inputs minus all outputs. Errors match
// ErrNotTicket (and the underlying txscript error when a script is bad).
func ParseTicket(tx *wire.MsgTx) (*Ticket, error) {
	nIn, nOut := len(tx.TxIn), len(tx.TxOut)
	if nIn < 1 || nIn > MaxInputsPerSStx {
		return nil, stakeErr(ErrNotTicket, nil, "%d inputs, want 1..%d", nIn, MaxInputsPerSStx)
	}
	if nOut != 2*nIn+1 {
		return nil, stakeErr(ErrNotTicket, nil, "%d outputs for %d inputs, want %d", nOut, nIn, 2*nIn+1)
	}
	for i, o := range tx.TxOut {
		if o.Version != 0 {
			return nil, stakeErr(ErrNotTicket, nil, "output %d has script version %d", i, o.Version)
		}
		if !validAmount(o.Value) {
			return nil, stakeErr(ErrNotTicket, nil, "output %d value %d out of range", i, o.Value)
		}
	}
	voting, err := txscript.ParsePayScript(tx.TxOut[0].PkScript)
	if err != nil || voting.Tag != txscript.OP_SSTX {
		return nil, stakeErr(ErrNotTicket, err, "output 0 is not an OP_SSTX P2PKH/P2SH script")
	}
	t := newTicket(nIn)
	t.Price, t.Voting, t.Expiry = tx.TxOut[0].Value, voting, tx.Expiry
	var committed int64
	for k := range nIn {
		c := &t.Contributions[k]
		co, ch := tx.TxOut[2*k+1], tx.TxOut[2*k+2]
		if c.Commitment, err = txscript.ParseCommitmentScript(co.PkScript); err != nil {
			return nil, stakeErr(ErrNotTicket, err, "output %d is not a commitment", 2*k+1)
		}
		if !validAmount(c.Amount) {
			return nil, stakeErr(ErrNotTicket, nil, "commitment %d amount %d out of range", k, c.Amount)
		}
		if c.Change, err = txscript.ParsePayScript(ch.PkScript); err != nil || c.Change.Tag != txscript.OP_SSTXCHANGE {
			return nil, stakeErr(ErrNotTicket, err, "output %d is not an OP_SSTXCHANGE script", 2*k+2)
		}
		if co.Value != 0 {
			return nil, stakeErr(ErrNotTicket, nil, "commitment output %d has value %d, want 0", 2*k+1, co.Value)
		}
		c.ChangeValue = ch.Value
		committed += c.Amount
	}
	if committed < t.Price {
		return nil, stakeErr(ErrNotTicket, nil, "commitments %d below the ticket price %d", committed, t.Price)
	}
	t.Fee = committed - t.Price
	if t.InputsKnown = hasInputValues(tx); t.InputsKnown {
		var in int64
		for k, c := range t.Contributions {
			v := tx.TxIn[k].ValueIn
			if !validAmount(v) {
				return nil, stakeErr(ErrNotTicket, nil, "input %d value %d out of range", k, v)
			}
			if c.Amount != v-c.ChangeValue {
				return nil, stakeErr(ErrNotTicket, nil, "commitment %d is %d atoms but input %d minus its change is %d",
					k, c.Amount, k, v-c.ChangeValue)
			}
			in += v
		}
		// Outputs: the price, zero-valued commitments and the changes.
		out := t.Price
		for _, c := range t.Contributions {
			out += c.ChangeValue
		}
		t.Fee = in - out
	}
	t.Hash = tx.TxHash()
	return t, nil
}

// ticketWithTwo holds a ticket and room for two contributions, so that the
// common tickets (solo: one, stake pool: two) take one allocation.
type ticketWithTwo struct {
	t Ticket
	c [2]Contribution
}

// newTicket returns a zero ticket with n zero contributions.
func newTicket(n int) *Ticket {
	if n <= 2 {
		b := new(ticketWithTwo)
		b.t.Contributions = b.c[:n:n]
		return &b.t
	}
	return &Ticket{Contributions: make([]Contribution, n)}
}

// TicketInput is one contributor of a ticket being built.
type TicketInput struct {
	// PrevOut is the output spent and Value its amount.
	PrevOut wire.OutPoint
	Value   int64
	// Reward is the contributor's reward address (untagged P2PKH/P2SH).
	Reward txscript.PayScript
	Limits txscript.FeeLimits
	// ChangeValue is returned to Change; nil Change means the all-zero
	// P2PKH hash wallets use for zero-value change.
	ChangeValue int64
	Change      *txscript.PayScript
}

// TicketSpec describes a ticket to build.
type TicketSpec struct {
	Price  int64
	Voting txscript.PayScript // the tag is set to OP_SSTX
	Inputs []TicketInput
	Expiry uint32
}

// NewTicket builds an unsigned ticket. Each commitment amount is the
// input's value minus its change. The ticket fee (inputs minus price minus
// change) must not be negative. Inputs carry their values as witness data;
// sign them with txscript.SignP2PKH.
//
// For a stake pool ticket pass two inputs: first the pool fee (Reward =
// a pool fee address, Value = the pool fee), then the user's (Reward = the
// user's reward address), and Voting = the 1-of-2 multisig P2SH.
func NewTicket(spec TicketSpec) (*wire.MsgTx, error) {
	n := len(spec.Inputs)
	if n < 1 || n > MaxInputsPerSStx {
		return nil, stakeErr(ErrBadContribution, nil, "%d inputs, want 1..%d", n, MaxInputsPerSStx)
	}
	if !validAmount(spec.Price) || spec.Price == 0 {
		return nil, stakeErr(ErrBadAmount, nil, "ticket price %d", spec.Price)
	}
	voting := spec.Voting
	voting.Tag = txscript.OP_SSTX
	tx := wire.NewMsgTx(wire.TxVersion)
	tx.Expiry = spec.Expiry
	tx.AddTxOut(wire.NewTxOut(spec.Price, voting.Script()))
	var committed int64
	for k, in := range spec.Inputs {
		if !validAmount(in.Value) || !validAmount(in.ChangeValue) || in.ChangeValue > in.Value {
			return nil, stakeErr(ErrBadAmount, nil, "input %d: value %d, change %d", k, in.Value, in.ChangeValue)
		}
		prev := in.PrevOut
		tx.AddTxIn(wire.NewTxIn(&prev, in.Value, nil))
		reward := in.Reward
		commit, err := txscript.CommitmentScript(txscript.Commitment{
			Hash: reward.Hash, ScriptHash: reward.ScriptHash,
			Amount: in.Value - in.ChangeValue, Limits: in.Limits,
		})
		if err != nil {
			return nil, stakeErr(ErrBadContribution, err, "input %d", k)
		}
		tx.AddTxOut(wire.NewTxOut(0, commit))
		change := txscript.PayScript{}
		if in.Change != nil {
			change = *in.Change
		}
		change.Tag = txscript.OP_SSTXCHANGE
		tx.AddTxOut(wire.NewTxOut(in.ChangeValue, change.Script()))
		committed += in.Value - in.ChangeValue
	}
	if committed < spec.Price {
		return nil, stakeErr(ErrBadAmount, nil, "contributions %d below ticket price %d", committed, spec.Price)
	}
	return tx, nil
}
