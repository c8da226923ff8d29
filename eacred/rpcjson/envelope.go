package rpcjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Version is the "jsonrpc" value clients send.
const Version = "1.0"

var jsonNull = json.RawMessage("null")

// Request is a client request or, with a null ID, a server notification.
// The JSON field order is jsonrpc, method, params, id (the order the node
// uses for notifications).
type Request struct {
	JSONRPC string            `json:"jsonrpc"`
	Method  string            `json:"method"`
	Params  []json.RawMessage `json:"params"`
	// ID is a JSON number or string; nil or "null" marks a notification.
	ID json.RawMessage `json:"id"`
}

// MarshalJSON writes nil Params as [] and a nil ID as null.
func (r Request) MarshalJSON() ([]byte, error) {
	type plain Request
	p := plain(r)
	if p.Params == nil {
		p.Params = []json.RawMessage{}
	}
	if len(p.ID) == 0 {
		p.ID = jsonNull
	}
	return json.Marshal(p)
}

// IsNotification reports whether the request has no id (and therefore gets
// no reply).
func (r *Request) IsNotification() bool {
	return len(r.ID) == 0 || bytes.Equal(bytes.TrimSpace(r.ID), jsonNull)
}

// IDUint64 returns the id as an unsigned number, as this package's clients
// send it.
func (r *Request) IDUint64() (uint64, bool) { return idUint64(r.ID) }

// NewRequest builds a request with a numeric id, marshaling each positional
// parameter. Callers leave out trailing optional parameters.
func NewRequest(id uint64, method string, params ...any) (*Request, error) {
	raw, err := MarshalParams(params...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	return &Request{JSONRPC: Version, Method: method, Params: raw,
		ID: json.RawMessage(strconv.FormatUint(id, 10))}, nil
}

// NewNotification builds a server notification (id null).
func NewNotification(method string, params ...any) (*Request, error) {
	raw, err := MarshalParams(params...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	return &Request{JSONRPC: Version, Method: method, Params: raw, ID: jsonNull}, nil
}

// DecodeRequest parses one request object. Malformed JSON gives -32700;
// a non-object, a params value that is not an array, or an empty method
// gives -32600. A missing params key decodes as no params.
func DecodeRequest(data []byte) (*Request, *RPCError) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		if !json.Valid(data) {
			return nil, ErrParse()
		}
		return nil, ErrInvalidRequest()
	}
	var r Request
	if p, ok := probe["params"]; ok && !bytes.Equal(bytes.TrimSpace(p), jsonNull) {
		if err := json.Unmarshal(p, &r.Params); err != nil {
			return nil, ErrInvalidRequest()
		}
	}
	if m, ok := probe["method"]; ok {
		if err := json.Unmarshal(m, &r.Method); err != nil {
			return nil, ErrInvalidRequest()
		}
	}
	if v, ok := probe["jsonrpc"]; ok {
		_ = json.Unmarshal(v, &r.JSONRPC) // any value is tolerated; see ReplyVersion
	}
	r.ID = probe["id"]
	if r.Method == "" {
		return &r, ErrInvalidRequest()
	}
	return &r, nil
}

// ReplyVersion is the "jsonrpc" value a server echoes: the request's "1.0"
// or "2.0", and "1.0" for anything else.
func (r *Request) ReplyVersion() string {
	if r.JSONRPC == "2.0" {
		return "2.0"
	}
	return Version
}

// Response is a server's reply. Result and Error are both always written,
// one of them null.
type Response struct {
	JSONRPC string          `json:"jsonrpc"`
	Result  json.RawMessage `json:"result"`
	Error   *RPCError       `json:"error"`
	ID      json.RawMessage `json:"id"`
}

// MarshalJSON writes a nil Result or ID as null.
func (r Response) MarshalJSON() ([]byte, error) {
	type plain Response
	p := plain(r)
	if len(p.Result) == 0 || p.Error != nil {
		p.Result = jsonNull
	}
	if len(p.ID) == 0 {
		p.ID = jsonNull
	}
	return json.Marshal(p)
}

// NewResponse builds the reply to a request with the given id. If err is
// non-nil the reply carries AsRPCError(err) and a null result; otherwise
// result is marshaled (a json.RawMessage is used verbatim, nil is null).
func NewResponse(id json.RawMessage, result any, err error) (*Response, error) {
	resp := &Response{JSONRPC: Version, ID: id}
	if err != nil {
		resp.Error = AsRPCError(err)
		return resp, nil
	}
	switch v := result.(type) {
	case nil:
		resp.Result = jsonNull
	case json.RawMessage:
		resp.Result = v
	default:
		b, merr := json.Marshal(v)
		if merr != nil {
			return nil, fmt.Errorf("marshal result: %w", merr)
		}
		resp.Result = b
	}
	return resp, nil
}

// IDUint64 returns the id as an unsigned number.
func (r *Response) IDUint64() (uint64, bool) { return idUint64(r.ID) }

// Err returns the error object as an error (nil when Error is nil).
func (r *Response) Err() error {
	if r.Error == nil {
		return nil
	}
	return r.Error
}

// UnmarshalResult decodes the result into dst; it returns the RPC error if
// the response carries one.
func (r *Response) UnmarshalResult(dst any) error {
	if r.Error != nil {
		return r.Error
	}
	if dst == nil {
		return nil
	}
	res := r.Result
	if len(res) == 0 {
		res = jsonNull
	}
	if err := json.Unmarshal(res, dst); err != nil {
		return fmt.Errorf("decode result: %w", err)
	}
	return nil
}

// Message is any incoming message on a client's websocket: a response (ID
// set, Method empty) or a notification (Method set, ID null).
type Message struct {
	JSONRPC string            `json:"jsonrpc"`
	Method  string            `json:"method,omitempty"`
	Params  []json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage   `json:"result,omitempty"`
	Error   *RPCError         `json:"error,omitempty"`
	ID      json.RawMessage   `json:"id"`
}

// IsNotification reports whether the message is a server notification.
func (m *Message) IsNotification() bool {
	return m.Method != "" && (len(m.ID) == 0 || bytes.Equal(bytes.TrimSpace(m.ID), jsonNull))
}

// Response returns the message viewed as a response.
func (m *Message) Response() *Response {
	return &Response{JSONRPC: m.JSONRPC, Result: m.Result, Error: m.Error, ID: m.ID}
}

func idUint64(id json.RawMessage) (uint64, bool) {
	s := string(bytes.TrimSpace(id))
	if len(s) >= 2 && s[0] == '"' {
		var str string
		if json.Unmarshal(id, &str) != nil {
			return 0, false
		}
		s = str
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}
