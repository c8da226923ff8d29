package rpcjson

import (
	"errors"
	"fmt"
)

// ErrorCode is the numeric code of a JSON-RPC error object.
type ErrorCode int

// Error codes used by the node and the wallet. Several names share a value:
// the daemons reuse codes for related failures.
const (
	// JSON-RPC 2.0 standard codes.
	ErrCodeParse          ErrorCode = -32700 // malformed JSON
	ErrCodeInvalidRequest ErrorCode = -32600 // not a request object; wallet: bad params of a known method, batches
	ErrCodeMethodNotFound ErrorCode = -32601 // unknown method (node)
	ErrCodeInvalidParams  ErrorCode = -32602 // invalid parameters; limited user not authorized (node ws)
	ErrCodeInternal       ErrorCode = -32603 // internal error / bug

	// General application codes.
	ErrCodeMisc              ErrorCode = -1 // misc; node: mempool rule rejection; wallet: unimplemented
	ErrCodeNoWallet          ErrorCode = -1 // wallet method sent to the node
	ErrCodeForbidden         ErrorCode = -2 // forbidden by safe mode
	ErrCodeType              ErrorCode = -3 // unexpected type
	ErrCodeWallet            ErrorCode = -4 // wallet generic error
	ErrCodeInvalidAddrOrKey  ErrorCode = -5 // invalid address or key
	ErrCodeBlockNotFound     ErrorCode = -5 // node: unknown block
	ErrCodeNoTxInfo          ErrorCode = -5 // node: unknown transaction / not indexed
	ErrCodeOutOfMemory       ErrorCode = -7
	ErrCodeInsufficientFunds ErrorCode = -6 // wallet: not enough funds
	ErrCodeInvalidParameter  ErrorCode = -8 // invalid parameter; node: every param parse failure
	ErrCodeDatabase          ErrorCode = -20
	ErrCodeDeserialization   ErrorCode = -22 // bad hex / undecodable transaction
	ErrCodeVerify            ErrorCode = -25
	ErrCodeDuplicateTx       ErrorCode = -40 // transaction already in mempool or chain

	// Peer-to-peer client codes.
	ErrCodeClientNotConnected      ErrorCode = -9 // wallet: disconnected from the node
	ErrCodeClientInInitialDownload ErrorCode = -10

	// Wallet codes.
	ErrCodeWalletInvalidAccountName  ErrorCode = -11 // "account not found"
	ErrCodeWalletKeypoolRanOut       ErrorCode = -12
	ErrCodeWalletUnlockNeeded        ErrorCode = -13 // wallet locked
	ErrCodeWalletPassphraseIncorrect ErrorCode = -14
	ErrCodeWalletWrongEncState       ErrorCode = -15
	ErrCodeWalletEncryptionFailed    ErrorCode = -16
	ErrCodeWalletAlreadyUnlocked     ErrorCode = -17
)

// Standard messages the daemons send with the codes above.
const (
	MsgParse          = "Parse error"
	MsgInvalidRequest = "Invalid request"
	MsgMethodNotFound = "Method not found"
	MsgInvalidParams  = "Invalid parameters"
	MsgInternal       = "Internal error"
	// MsgNoWallet is the node's answer to wallet-only methods (code -1).
	MsgNoWallet = "This implementation does not implement wallet commands"
	// MsgWalletNotLoaded is the wallet's answer before a wallet is open (-4).
	MsgWalletNotLoaded = "request requires a wallet but wallet has not loaded yet"
	// MsgUnlockNeeded is the wallet's answer when locked (-13).
	MsgUnlockNeeded = "enter the wallet passphrase with walletpassphrase first"
	// MsgAccountNotFound is the wallet's answer for unknown accounts (-11).
	MsgAccountNotFound = "account not found"
	// MsgAddressNotFound is the wallet's answer for unknown addresses (-4).
	MsgAddressNotFound = "address not found in wallet"
	// ParseFailurePrefix starts every node parameter parse error (-8).
	ParseFailurePrefix = "Failed to parse request: "
	// AlreadyHaveTx appears in the -40 duplicate transaction message:
	// "rejected transaction <hash>: already have transaction <hash>".
	AlreadyHaveTx = "already have transaction"
)

// RPCError is the JSON-RPC error object {"code":...,"message":...}. It is
// returned by clients as an error; use errors.As to read the code.
type RPCError struct {
	Code    ErrorCode `json:"code"`
	Message string    `json:"message"`
}

// Error implements error as "-8: message".
func (e *RPCError) Error() string {
	return fmt.Sprintf("%d: %s", int(e.Code), e.Message)
}

// NewError builds an RPCError with a formatted message.
func NewError(code ErrorCode, format string, args ...any) *RPCError {
	return &RPCError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Standard error constructors (a fresh value each call, so callers may
// modify it).
func ErrParse() *RPCError { return &RPCError{Code: ErrCodeParse, Message: MsgParse} }
func ErrInvalidRequest() *RPCError {
	return &RPCError{Code: ErrCodeInvalidRequest, Message: MsgInvalidRequest}
}
func ErrMethodNotFound() *RPCError {
	return &RPCError{Code: ErrCodeMethodNotFound, Message: MsgMethodNotFound}
}
func ErrInvalidParams() *RPCError {
	return &RPCError{Code: ErrCodeInvalidParams, Message: MsgInvalidParams}
}
func ErrInternal() *RPCError { return &RPCError{Code: ErrCodeInternal, Message: MsgInternal} }
func ErrNoWallet() *RPCError { return &RPCError{Code: ErrCodeNoWallet, Message: MsgNoWallet} }

// ErrParamParse builds the node's -8 parameter error, prefixing the message
// with "Failed to parse request: ".
func ErrParamParse(format string, args ...any) *RPCError {
	return &RPCError{Code: ErrCodeInvalidParameter, Message: ParseFailurePrefix + fmt.Sprintf(format, args...)}
}

// ErrDuplicateTx builds the node's -40 answer to a second copy of a
// transaction (hash in display hex).
func ErrDuplicateTx(hash string) *RPCError {
	return &RPCError{Code: ErrCodeDuplicateTx,
		Message: fmt.Sprintf("rejected transaction %s: %s %s", hash, AlreadyHaveTx, hash)}
}

// ErrRejectedTx builds the node's -1 answer to a transaction that breaks a
// mempool or consensus rule.
func ErrRejectedTx(hash, reason string) *RPCError {
	return &RPCError{Code: ErrCodeMisc, Message: fmt.Sprintf("rejected transaction %s: %s", hash, reason)}
}

// IsCode reports whether err is (or wraps) an *RPCError with the code.
func IsCode(err error, code ErrorCode) bool {
	var re *RPCError
	return errors.As(err, &re) && re.Code == code
}

// IsDuplicateTx reports whether err is the node's "already have
// transaction" rejection, which a voting pool treats as success.
func IsDuplicateTx(err error) bool { return IsCode(err, ErrCodeDuplicateTx) }

// AsRPCError returns the *RPCError in err's chain, or wraps any other error
// as -32603 with err's text. A nil err gives nil.
func AsRPCError(err error) *RPCError {
	if err == nil {
		return nil
	}
	var re *RPCError
	if errors.As(err, &re) {
		return re
	}
	return &RPCError{Code: ErrCodeInternal, Message: err.Error()}
}
