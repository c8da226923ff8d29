package rpcserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// Handler serves one method. It returns the result (marshaled with
// encoding/json; a json.RawMessage is sent verbatim; nil is sent as null) or
// an error (an *Error is sent as is, anything else as -32603).
type Handler func(ctx context.Context, call *Call) (any, error)

// Method is one entry of the method table.
type Method struct {
	// Name is the JSON-RPC method name.
	Name string
	// Params names the positional parameters, in order; it fixes the
	// maximum count and the names used in type error messages.
	Params []string
	// Required is how many leading parameters must be present.
	Required int
	// WebsocketOnly methods (notify*, rescan, ...) are "Method not found"
	// over POST, as on the node.
	WebsocketOnly bool
	Handler       Handler
}

// Call is one request being served.
type Call struct {
	Method string
	Params Params
	// Client is the websocket the request arrived on, nil for POST.
	Client *Client
}

// Dialect holds the details in which the node and the wallet differ.
type Dialect struct {
	// Realm is sent in WWW-Authenticate, e.g. "ecrd RPC".
	Realm string
	// ParamErrorCode and ParamErrorPrefix shape parameter errors: the node
	// uses -8 and "Failed to parse request: ".
	ParamErrorCode   int
	ParamErrorPrefix string
	// TrailingNewline appends "\n" to POST replies (the node does).
	TrailingNewline bool
	// Batches allows a JSON array of requests (the node only; the wallet
	// answers -32600).
	Batches bool
	// DropPOSTAuthenticate answers "authenticate" sent over POST with an
	// empty 200 reply (the wallet); otherwise it is an unknown method.
	DropPOSTAuthenticate bool
}

// NodeDialect is the ecrd flavour.
var NodeDialect = Dialect{Realm: "ecrd RPC", ParamErrorCode: ErrCodeInvalidParam,
	ParamErrorPrefix: "Failed to parse request: ", TrailingNewline: true, Batches: true}

// WalletDialect is the eacrwallet flavour: parameters of a known method
// that fail to parse (count or type) are -32600 Invalid request.
var WalletDialect = Dialect{Realm: "eacrwallet RPC", ParamErrorCode: ErrCodeInvalidRequest,
	ParamErrorPrefix: "", DropPOSTAuthenticate: true}

// Params gives typed access to positional parameters. Each accessor records
// the first failure; handlers read everything they need and then check Err.
type Params struct {
	raw     []json.RawMessage
	names   []string
	dialect *Dialect
	req     int
	err     error
}

// Len is the number of parameters sent.
func (p *Params) Len() int { return len(p.raw) }

// Raw returns parameter i undecoded (nil if absent).
func (p *Params) Raw(i int) json.RawMessage {
	if i < len(p.raw) {
		return p.raw[i]
	}
	return nil
}

// Err is the first decoding error, already shaped as the daemon's *Error.
func (p *Params) Err() error { return p.err }

// Has reports whether parameter i was sent and is not null.
func (p *Params) Has(i int) bool {
	return i < len(p.raw) && len(p.raw[i]) != 0 && string(p.raw[i]) != "null"
}

// Decode unmarshals parameter i into dst (a pointer). An absent or null
// optional parameter leaves dst untouched and returns false.
func (p *Params) Decode(i int, dst any) bool {
	if p.err != nil {
		return false
	}
	if !p.Has(i) {
		if i < len(p.raw) && i < p.required() {
			p.fail(i, dst, "null")
		}
		return false
	}
	if err := json.Unmarshal(p.raw[i], dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			p.fail(i, dst, te.Value)
		} else {
			p.err = p.paramError(fmt.Sprintf("parameter #%d '%s' is not valid JSON: %v", i+1, p.name(i), err))
		}
		return false
	}
	return true
}

// required is the method's count of required parameters.
func (p *Params) required() int { return p.req }

func (p *Params) fail(i int, dst any, got string) {
	t := reflect.TypeOf(dst)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	p.err = p.paramError(fmt.Sprintf("parameter #%d '%s' must be type %v (got %s)", i+1, p.name(i), t, got))
}

func (p *Params) name(i int) string {
	if i < len(p.names) {
		return p.names[i]
	}
	return fmt.Sprintf("param%d", i+1)
}

func (p *Params) paramError(msg string) *Error {
	d := p.dialect
	if d == nil {
		d = &NodeDialect
	}
	return &Error{Code: rpcjson.ErrorCode(d.ParamErrorCode), Message: d.ParamErrorPrefix + msg}
}

// Fail records a handler-level parameter error (a value the handler
// rejects, e.g. out of range): -8 with the dialect's prefix.
func (p *Params) Fail(format string, args ...any) {
	if p.err == nil {
		prefix := ""
		if p.dialect != nil {
			prefix = p.dialect.ParamErrorPrefix
		}
		p.err = &Error{Code: ErrCodeInvalidParam, Message: prefix + fmt.Sprintf(format, args...)}
	}
}

// String returns parameter i as a string ("" when absent).
func (p *Params) String(i int) string {
	var s string
	p.Decode(i, &s)
	return s
}

// OptString returns parameter i or def when absent.
func (p *Params) OptString(i int, def string) string {
	s := def
	p.Decode(i, &s)
	return s
}

// Bool returns parameter i as a bool.
func (p *Params) Bool(i int) bool {
	var b bool
	p.Decode(i, &b)
	return b
}

// OptBool returns parameter i or def when absent.
func (p *Params) OptBool(i int, def bool) bool {
	b := def
	p.Decode(i, &b)
	return b
}

// Int returns parameter i as an int.
func (p *Params) Int(i int) int {
	var v int
	p.Decode(i, &v)
	return v
}

// OptInt returns parameter i or def when absent.
func (p *Params) OptInt(i int, def int) int {
	v := def
	p.Decode(i, &v)
	return v
}

// Int64 returns parameter i as an int64.
func (p *Params) Int64(i int) int64 {
	var v int64
	p.Decode(i, &v)
	return v
}

// Uint32 returns parameter i as a uint32.
func (p *Params) Uint32(i int) uint32 {
	var v uint32
	p.Decode(i, &v)
	return v
}

// OptUint32 returns parameter i or def when absent.
func (p *Params) OptUint32(i int, def uint32) uint32 {
	v := def
	p.Decode(i, &v)
	return v
}

// Uint16 returns parameter i as a uint16.
func (p *Params) Uint16(i int) uint16 {
	var v uint16
	p.Decode(i, &v)
	return v
}

// Float64 returns parameter i as a float64.
func (p *Params) Float64(i int) float64 {
	var v float64
	p.Decode(i, &v)
	return v
}

// OptFloat64 returns parameter i or def when absent.
func (p *Params) OptFloat64(i int, def float64) float64 {
	v := def
	p.Decode(i, &v)
	return v
}

// Strings returns parameter i as a []string.
func (p *Params) Strings(i int) []string {
	var v []string
	p.Decode(i, &v)
	return v
}

// checkCount validates the number of parameters against the method.
func checkCount(m *Method, n int, d *Dialect) *Error {
	max := len(m.Params)
	if n >= m.Required && n <= max {
		return nil
	}
	var msg string
	if m.Required == max {
		msg = fmt.Sprintf("wrong number of params (expected %d, received %d)", max, n)
	} else {
		msg = fmt.Sprintf("wrong number of params (expected between %d and %d, received %d)", m.Required, max, n)
	}
	return &Error{Code: rpcjson.ErrorCode(d.ParamErrorCode), Message: d.ParamErrorPrefix + msg}
}

// All returns every parameter undecoded (for passing a call through).
func (p *Params) All() []json.RawMessage { return p.raw }
