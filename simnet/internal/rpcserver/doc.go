// Package rpcserver is the JSON-RPC server shared by the simulator's node
// (ecrd role) and wallet (eacrwallet role) processes.
//
// It speaks the daemons' legacy JSON-RPC dialect:
//
//   - one HTTPS listener with a self-signed certificate generated on first
//     start (rpc.cert / rpc.key in the data directory; the certificate is its
//     own CA and names localhost, the host name and every local IP);
//   - HTTP basic authentication, compared in constant time over a SHA-256 of
//     the whole Authorization header; a bad or missing header on POST is
//     answered 401 with a WWW-Authenticate realm;
//   - POST / carries one request (or, when the dialect allows it, a batch);
//     GET /ws upgrades to a websocket carrying one JSON object per text frame.
//     A websocket opened without credentials must send "authenticate" first;
//   - the envelope {"jsonrpc","result","error","id"} with both result and
//     error always present, the daemons' error codes, and notifications
//     {"jsonrpc","method","params","id":null} sent only on websockets.
//
// Roles register methods in a table. Each Method names its positional
// parameters and how many are required; the server checks the count and the
// Params accessors check each type, producing the same messages as the real
// daemons (for the node: code -8 "Failed to parse request: wrong number of
// params (expected between 1 and 2, received 0)" or "... parameter #2
// 'verbose' must be type int (got bool)"). Unknown methods get -32601 (or a
// role-supplied fallback, which the wallet uses to pass calls through to the
// node) and malformed JSON gets -32700.
//
// Websocket requests are served concurrently (replies may come out of order,
// as with the real daemons) but everything written to one client goes
// through a single FIFO queue, so notifications reach each client in exactly
// the order Notify was called.
package rpcserver
