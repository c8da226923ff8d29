package stakepooldclient

import (
	"errors"
	"fmt"
)

// Errors a Backend implementation wraps its failures in, so the Client can
// tell "this backend is not there" from "this backend answered no".
var (
	// ErrBackendDown means the backend could not do the work now: not
	// reachable, timed out, or its ecrd/wallet is disconnected or locked.
	// The backend is marked down and repaired when it returns.
	ErrBackendDown = errors.New("backend unavailable")
	// ErrBackendRejected means the backend answered that the request is
	// invalid (bad address, bad script). It is an answer, compared with the
	// other backends' answers like any other.
	ErrBackendRejected = errors.New("request rejected by backend")
)

// Errors returned by Client methods; test with errors.Is.
var (
	// ErrUnavailable means no backend could answer.
	ErrUnavailable = errors.New("no stakepoold backend available")
	// ErrInconsistent means backends gave different answers where they
	// must agree. The client halts address creation when it sees one.
	ErrInconsistent = errors.New("stakepoold backends disagree")
	// ErrHalted means address creation is stopped after an inconsistency
	// until an admin re-check passes or the process restarts.
	ErrHalted = errors.New("address creation halted")
	// ErrRejected means every backend that answered refused the request
	// as invalid; the message says why.
	ErrRejected = errors.New("rejected")
	// ErrNotMine means the voting wallets do not own the pool key derived
	// from votingwalletextpub: the configured xpub is not the wallets'.
	ErrNotMine = errors.New("pool key is not owned by the voting wallets")
	// ErrMismatch means a backend's configuration does not match the front
	// end's (cold wallet xpub, vote version, API version).
	ErrMismatch = errors.New("backend configuration mismatch")
)

// backendErr wraps err with the backend's name and the operation.
func backendErr(name, op string, err error) error {
	return fmt.Errorf("%s: %s: %w", name, op, err)
}

// isDown reports whether err means the backend was not able to answer
// (as opposed to answering "invalid").
func isDown(err error) bool {
	return err != nil && !errors.Is(err, ErrBackendRejected)
}
