package txscript

import "fmt"

// ErrorKind identifies a class of script failure. Compare with errors.Is.
type ErrorKind string

// Error returns the kind's description.
func (k ErrorKind) Error() string { return string(k) }

// Kinds of script failures.
const (
	ErrMalformedPush       = ErrorKind("malformed data push")
	ErrScriptTooLong       = ErrorKind("script too long")
	ErrElementTooLarge     = ErrorKind("pushed element too large")
	ErrInvalidHashLen      = ErrorKind("hash must be 20 bytes")
	ErrInvalidPubKey       = ErrorKind("invalid public key")
	ErrInvalidMultiSig     = ErrorKind("invalid multisig script")
	ErrInvalidStakeTag     = ErrorKind("invalid stake tag")
	ErrNotPayScript        = ErrorKind("not a P2PKH or P2SH script")
	ErrInvalidCommitment   = ErrorKind("invalid ticket commitment script")
	ErrInvalidVoteScript   = ErrorKind("invalid vote output script")
	ErrInvalidIndex        = ErrorKind("input index out of range")
	ErrUnsupportedHashType = ErrorKind("unsupported signature hash type")
	ErrUnsupportedScript   = ErrorKind("unsupported script kind")
	ErrNotPushOnly         = ErrorKind("signature script is not push-only")
	ErrKeyMismatch         = ErrorKind("key does not match script")
	ErrSigScriptShape      = ErrorKind("signature script has the wrong shape")
	ErrBadSignature        = ErrorKind("signature verification failed")
	ErrInvalidSignature    = ErrorKind("invalid signature encoding")
)

// Error is a script failure: a Kind plus details.
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

func scriptErr(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Description: fmt.Sprintf(format, args...)}
}
