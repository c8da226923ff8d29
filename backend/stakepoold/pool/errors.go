package pool

import (
	"errors"
	"fmt"
)

// Kind classifies an error so each edge (gRPC) maps it to a status once.
type Kind int

// Error kinds.
const (
	KindInternal     Kind = iota // a bug or an unexpected failure
	KindInvalid                  // bad input; the message says what is wrong
	KindNotFound                 // unknown object
	KindUnavailable              // ecrd or the wallet is not connected
	KindPrecondition             // wallet locked, voting enabled, ...
	KindDuplicate                // the node already has this transaction
	// KindConflict: the node has another transaction spending the same
	// outputs in its mempool (for a vote: another back end's vote for the
	// same ticket, signed with other vote bits, got there first).
	KindConflict
)

func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindNotFound:
		return "not found"
	case KindUnavailable:
		return "unavailable"
	case KindPrecondition:
		return "precondition"
	case KindDuplicate:
		return "duplicate"
	case KindConflict:
		return "conflict"
	}
	return "internal"
}

// Error is an error with a Kind.
type Error struct {
	Kind Kind
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	switch {
	case e.Msg == "" && e.Err != nil:
		return e.Err.Error()
	case e.Err != nil:
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind k with a formatted message.
func Errorf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// Wrap returns err with kind k and a message prefix; nil stays nil.
func Wrap(k Kind, err error, msg string) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: k, Msg: msg, Err: err}
}

// KindOf returns the Kind of the outermost *Error in err's chain, or
// KindInternal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// wrapCall keeps the kind of an error from a dependency and prefixes what
// was being done; an error without a kind stays internal.
func wrapCall(err error, what string) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: KindOf(err), Msg: what, Err: err}
}
