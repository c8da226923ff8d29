package wallet

import (
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// Error codes eacrwallet uses beyond the framework's.
const (
	codeAccountNotFound = -11
	codeUnlockNeeded    = -13
	codePassphrase      = -14
)

// The wallet's errors with eacrwallet's codes and messages.
var (
	errAccountNotFound = rpcserver.NewError(codeAccountNotFound, "account not found")
	errLocked          = rpcserver.NewError(codeUnlockNeeded, "enter the wallet passphrase with walletpassphrase first")
	errPassphrase      = rpcserver.NewError(codePassphrase, "invalid passphrase for master private key")
	errNotConnected    = rpcserver.NewError(rpcserver.ErrCodeClientNotConn, "disconnected from consensus RPC")
)

// invalidParam is a -8 error (dcrwallet's Encoding/parameter kind).
func invalidParam(format string, args ...any) error {
	return rpcserver.NewError(rpcserver.ErrCodeInvalidParam, format, args...)
}

// walletErr is a -4 error, dcrwallet's code for every wallet failure
// without a more specific one.
func walletErr(format string, args ...any) error {
	return rpcserver.NewError(rpcserver.ErrCodeWallet, format, args...)
}

// invalidAddress is a -5 error.
func invalidAddress(format string, args ...any) error {
	return rpcserver.NewError(rpcserver.ErrCodeInvalidAddress, format, args...)
}

// decodeErr is a -22 error (hex or transaction decoding).
func decodeErr(format string, args ...any) error {
	return rpcserver.NewError(rpcserver.ErrCodeDeserialize, format, args...)
}
