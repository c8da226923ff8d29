// Package rpcjson holds the wire format spoken by the network's node (ecrd)
// and wallet (eacrwallet) daemons over their JSON-RPC interface, shared by
// the client the pool uses (package rpcclient) and by the simulator that
// stands in for the daemons.
//
// # The envelope
//
// Every message is one JSON object. A client sends a Request:
//
//	{"jsonrpc":"1.0","method":"getblockheader","params":["<hash>",true],"id":7}
//
// Parameters are always positional (a JSON array). Trailing optional
// parameters are simply left out so the server applies its defaults; an
// explicit null is not the same as "absent". The id must not be null: a
// request without an id is a JSON-RPC notification and the daemons never
// answer it.
//
// The server answers with a Response that always carries both "result" and
// "error", one of them null, and echoes the id:
//
//	{"jsonrpc":"1.0","result":{...},"error":null,"id":7}
//	{"jsonrpc":"1.0","result":null,"error":{"code":-5,"message":"..."},"id":7}
//
// Over a websocket the server handles requests concurrently, so answers can
// arrive out of order and must be matched to requests by id.
//
// The node also pushes notifications on websockets after a client subscribes
// (notifyblocks, notifywinningtickets, ...). A notification has the shape of
// a request with "id":null; see the *Ntfn types for the parameters of each.
//
// # Errors
//
// The "error" object is an RPCError: a numeric code from the ErrCode*
// constants (the daemons' codes: -8 invalid parameter, -22 deserialization,
// -40 duplicate transaction, -32601 method not found, ...) and a message.
// RPCError implements error, so callers use errors.As to get the code.
//
// # Results
//
// The *Result types mirror the daemons' result objects field for field,
// with the same JSON names (lower case, e.g. "confirmations", except the
// wallet's "redeemScript"). Amounts are coins as float64 (1 coin = 1e8
// atoms) except the stake difficulty carried by ticket notifications, which
// is int64 atoms. Hashes are the usual display hex (byte-reversed).
// Methods with a bare result (a string, a number, null) have no type here.
//
// The Method* constants name every method; the comment on each gives its
// positional parameters and result type.
package rpcjson
