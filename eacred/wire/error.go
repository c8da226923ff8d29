package wire

import "fmt"

// ErrorKind identifies a class of decoding failure. Compare with errors.Is.
type ErrorKind string

// Error returns the kind's description.
func (k ErrorKind) Error() string { return string(k) }

// Kinds of decoding failures.
const (
	// ErrTruncated: the input ended before the structure was complete.
	ErrTruncated = ErrorKind("truncated input")
	// ErrTooLarge: a count or length exceeds what the format allows.
	ErrTooLarge = ErrorKind("count or length too large")
	// ErrBadSerType: the transaction's serialization type is unknown or
	// not the one required.
	ErrBadSerType = ErrorKind("bad serialization type")
	// ErrNonCanonicalVarInt: a variable-length integer was not minimally
	// encoded.
	ErrNonCanonicalVarInt = ErrorKind("non-canonical varint")
	// ErrTrailingBytes: bytes remain after a complete structure.
	ErrTrailingBytes = ErrorKind("trailing bytes")
	// ErrWitnessCount: a full transaction's witness count differs from
	// its input count.
	ErrWitnessCount = ErrorKind("witness count does not match input count")
	// ErrBadHex: hex input could not be decoded.
	ErrBadHex = ErrorKind("invalid hex")
)

// Error is a decoding failure: a Kind plus a description of where it
// happened.
type Error struct {
	Kind        ErrorKind
	Description string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Description == "" {
		return string(e.Kind)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Description)
}

// Unwrap lets errors.Is match the Kind.
func (e *Error) Unwrap() error { return e.Kind }

func wireErr(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Description: fmt.Sprintf(format, args...)}
}
