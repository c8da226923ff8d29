package rpcserver

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// Error codes used by the daemons (see the project's rpc reference §1.5),
// the values of eacred/rpcjson's ErrCode* kept untyped so they compare
// with an *Error's Code and convert to int alike.
const (
	ErrCodeParse          = -32700
	ErrCodeInvalidRequest = -32600
	ErrCodeMethodNotFound = -32601
	ErrCodeInvalidParams  = -32602
	ErrCodeInternal       = -32603
	ErrCodeMisc           = -1
	ErrCodeNoWallet       = -1
	ErrCodeType           = -3
	ErrCodeWallet         = -4
	ErrCodeInvalidAddress = -5
	ErrCodeNoTxInfo       = -5
	ErrCodeBlockNotFound  = -5
	ErrCodeInsufficient   = -6
	ErrCodeInvalidParam   = -8
	ErrCodeClientNotConn  = -9
	ErrCodeDeserialize    = -22
	ErrCodeVerify         = -25
	ErrCodeDuplicateTx    = -40
)

// Error is the JSON-RPC error object shared with the client package
// (eacred/rpcjson). Handlers return it (or wrap it) to choose the code and
// message the client sees; any other error becomes -32603.
type Error = rpcjson.RPCError

// NewError builds an *Error with a formatted message.
func NewError(code int, format string, args ...any) *Error {
	return &Error{Code: rpcjson.ErrorCode(code), Message: fmt.Sprintf(format, args...)}
}

// Standard errors with the daemons' exact messages.
var (
	errParse          = rpcjson.ErrParse()
	errInvalidRequest = rpcjson.ErrInvalidRequest()
	errMethodNotFound = rpcjson.ErrMethodNotFound()
)

// asRPCError converts any handler error into the error object sent.
func asRPCError(err error) *Error {
	var re *Error
	if errors.As(err, &re) {
		return re
	}
	return &Error{Code: ErrCodeInternal, Message: err.Error()}
}

// request is one decoded JSON-RPC request.
type request struct {
	Jsonrpc json.RawMessage   `json:"jsonrpc"`
	Method  string            `json:"method"`
	Params  []json.RawMessage `json:"params"`
	ID      json.RawMessage   `json:"id"`
}

// hasID reports whether the request expects a reply (a null or missing id
// makes it a notification, which the daemons never answer).
func (r *request) hasID() bool {
	return len(r.ID) != 0 && string(r.ID) != "null"
}

// version returns the jsonrpc value echoed in the reply.
func (r *request) version() string {
	var v string
	if json.Unmarshal(r.Jsonrpc, &v) == nil && (v == "1.0" || v == "2.0") {
		return v
	}
	return "1.0"
}

// response keeps the daemons' field order: jsonrpc, result, error, id.
type response struct {
	Jsonrpc string          `json:"jsonrpc"`
	Result  json.RawMessage `json:"result"`
	Error   *Error          `json:"error"`
	ID      json.RawMessage `json:"id"`
}

// notification keeps the order jsonrpc, method, params, id (always null).
type notification struct {
	Jsonrpc string          `json:"jsonrpc"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
	ID      json.RawMessage `json:"id"`
}

var jsonNull = json.RawMessage("null")

func marshalResponse(ver string, id json.RawMessage, result any, rerr *Error) []byte {
	resp := response{Jsonrpc: ver, Result: jsonNull, Error: rerr, ID: id}
	if len(id) == 0 {
		resp.ID = jsonNull
	}
	if rerr == nil && result != nil {
		b, err := marshalResult(result)
		if err != nil {
			resp.Error = &Error{Code: ErrCodeInternal, Message: "cannot marshal result: " + err.Error()}
		} else {
			resp.Result = b
		}
	}
	b, err := json.Marshal(resp)
	if err != nil { // cannot happen: every field is already valid JSON
		return []byte(`{"jsonrpc":"1.0","result":null,"error":{"code":-32603,"message":"internal error"},"id":null}`)
	}
	return b
}

func marshalResult(result any) (json.RawMessage, error) {
	if raw, ok := result.(json.RawMessage); ok {
		if len(raw) == 0 {
			return jsonNull, nil
		}
		return raw, nil
	}
	return json.Marshal(result)
}

// MarshalNotification encodes a notification message.
func MarshalNotification(method string, params ...any) ([]byte, error) {
	if params == nil {
		params = []any{}
	}
	p, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("marshal %s params: %w", method, err)
	}
	return json.Marshal(notification{Jsonrpc: "1.0", Method: method, Params: p, ID: jsonNull})
}
