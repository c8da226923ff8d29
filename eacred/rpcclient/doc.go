// Package rpcclient is the websocket JSON-RPC client the pool uses to talk
// to the network's node (ecrd) and wallet (eacrwallet) daemons.
//
// # Connection
//
// Both daemons serve JSON-RPC over HTTPS with a self-signed certificate
// (rpc.cert in their data directory, which is its own CA). The client
// trusts exactly that certificate (Config.Certificates, or Config.CertFile,
// which is read again at every connection attempt so a client may start
// before the daemon has written it), opens a websocket on wss://host/ws and authenticates with HTTP basic auth
// on the upgrade request: wrong credentials are refused with 401 before the
// upgrade. Each text frame carries one JSON message (package rpcjson
// describes the envelope).
//
// # Calls
//
// Every call gets a fresh numeric id (a request without an id would be a
// notification the daemon never answers). Parameters are positional, and
// optional trailing ones are left out so the daemon applies its defaults.
// The daemon answers calls concurrently and possibly out of order; the
// client matches answers to callers by id. A call ends when its answer
// arrives, its context ends (Config.CallTimeout applies when the context
// has no deadline), the connection drops (ErrConnectionLost: the request
// may or may not have been executed, so it is not retried) or the client is
// closed (ErrClientClosed). An error object from the daemon is returned as
// a *rpcjson.RPCError carrying its code:
//
//	var rerr *rpcjson.RPCError
//	if errors.As(err, &rerr) && rerr.Code == rpcjson.ErrCodeDuplicateTx { ... }
//
// Node and wallet share one Client type (the transport); node.go and
// wallet.go hold the typed methods of each daemon. Methods a wallet does not
// implement are passed through by the wallet to its node, so node methods
// also work on a wallet connection.
//
// # Notifications
//
// Only the node sends notifications, and only to clients that subscribed
// (NotifyBlocks, NotifyWinningTickets, NotifySpentAndMissedTickets,
// NotifyNewTickets, NotifyStakeDifficulty). Handlers set in
// Config.Handlers are called one at a time, in the order the node sent the
// notifications, on a goroutine of their own, so a handler may make calls
// on the same client. A slow handler delays later notifications but never
// the answers to calls.
//
// # Reconnecting and state
//
// When the connection drops the client fails the calls in flight, then
// redials at once; a second attempt follows at once too when the first
// failed fast (refused while the daemon restarts), and then the delay
// starts at Config.MinBackoff (100 ms) and doubles up to Config.MaxBackoff
// (1 s), each spread by ±20%, so a returning daemon is reached within about
// a second however long it was away. After each reconnect it repeats every subscription
// made before, before it reports StateConnected again, so notifications
// resume without the caller's help (notifications sent while disconnected
// are lost; a caller that must not miss a block compares heights after
// reconnecting). State returns the current connection state; WatchState
// returns a channel that always yields the latest state.
package rpcclient
