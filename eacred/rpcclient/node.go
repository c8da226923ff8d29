package rpcclient

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// This file holds the node (ecrd) methods. Through a wallet connection they
// are passed through to the wallet's node.

// Version returns the version map keyed by component (e.g. "ecrd",
// "ecrdjsonrpcapi"; a wallet adds "eacrwalletjsonrpcapi").
func (c *Client) Version(ctx context.Context) (map[string]rpcjson.VersionResult, error) {
	var res map[string]rpcjson.VersionResult
	return res, c.Call(ctx, rpcjson.MethodVersion, &res)
}

// Ping checks the connection end to end.
func (c *Client) Ping(ctx context.Context) error {
	return c.Call(ctx, rpcjson.MethodPing, nil)
}

// GetBestBlock returns the hash and height of the tip.
func (c *Client) GetBestBlock(ctx context.Context) (chainhash.Hash, int64, error) {
	var res rpcjson.GetBestBlockResult
	if err := c.Call(ctx, rpcjson.MethodGetBestBlock, &res); err != nil {
		return chainhash.Hash{}, 0, err
	}
	h, err := parseHash(rpcjson.MethodGetBestBlock, res.Hash)
	return h, res.Height, err
}

// GetBestBlockHash returns the hash of the tip.
func (c *Client) GetBestBlockHash(ctx context.Context) (chainhash.Hash, error) {
	return c.callHash(ctx, rpcjson.MethodGetBestBlockHash)
}

// GetBlockCount returns the height of the tip.
func (c *Client) GetBlockCount(ctx context.Context) (int64, error) {
	var n int64
	return n, c.Call(ctx, rpcjson.MethodGetBlockCount, &n)
}

// GetBlockHash returns the hash of the main-chain block at height.
func (c *Client) GetBlockHash(ctx context.Context, height int64) (chainhash.Hash, error) {
	return c.callHash(ctx, rpcjson.MethodGetBlockHash, height)
}

// GetBlockHeader returns the serialized 180-byte header of a block.
func (c *Client) GetBlockHeader(ctx context.Context, hash chainhash.Hash) ([]byte, error) {
	return c.callHex(ctx, rpcjson.MethodGetBlockHeader, hash.String(), false)
}

// GetBlockHeaderVerbose returns the decoded header of a block.
func (c *Client) GetBlockHeaderVerbose(ctx context.Context, hash chainhash.Hash) (*rpcjson.GetBlockHeaderVerboseResult, error) {
	var res rpcjson.GetBlockHeaderVerboseResult
	if err := c.Call(ctx, rpcjson.MethodGetBlockHeader, &res, hash.String(), true); err != nil {
		return nil, err
	}
	return &res, nil
}

// GetBlock returns a serialized block (both transaction trees).
func (c *Client) GetBlock(ctx context.Context, hash chainhash.Hash) ([]byte, error) {
	return c.callHex(ctx, rpcjson.MethodGetBlock, hash.String(), false)
}

// GetBlockVerbose returns a decoded block; verboseTx includes decoded
// transactions (RawTx/RawSTx) instead of txids.
func (c *Client) GetBlockVerbose(ctx context.Context, hash chainhash.Hash, verboseTx bool) (*rpcjson.GetBlockVerboseResult, error) {
	var res rpcjson.GetBlockVerboseResult
	if err := c.Call(ctx, rpcjson.MethodGetBlock, &res, hash.String(), true, verboseTx); err != nil {
		return nil, err
	}
	return &res, nil
}

// GetRawTransaction returns a serialized transaction.
func (c *Client) GetRawTransaction(ctx context.Context, txid chainhash.Hash) ([]byte, error) {
	return c.callHex(ctx, rpcjson.MethodGetRawTransaction, txid.String())
}

// GetRawTransactionVerbose returns a decoded transaction with its block
// position (verbose is an int on the wire: 1).
func (c *Client) GetRawTransactionVerbose(ctx context.Context, txid chainhash.Hash) (*rpcjson.TxRawResult, error) {
	var res rpcjson.TxRawResult
	if err := c.Call(ctx, rpcjson.MethodGetRawTransaction, &res, txid.String(), 1); err != nil {
		return nil, err
	}
	return &res, nil
}

// SendRawTransaction broadcasts a serialized transaction and returns its
// hash. A copy the node already has fails with code -40
// (rpcjson.IsDuplicateTx).
func (c *Client) SendRawTransaction(ctx context.Context, tx []byte, allowHighFees bool) (chainhash.Hash, error) {
	return c.callHash(ctx, rpcjson.MethodSendRawTransaction, hex.EncodeToString(tx), allowHighFees)
}

// GetStakeDifficulty returns the current and next ticket prices (coins).
func (c *Client) GetStakeDifficulty(ctx context.Context) (*rpcjson.GetStakeDifficultyResult, error) {
	var res rpcjson.GetStakeDifficultyResult
	if err := c.Call(ctx, rpcjson.MethodGetStakeDifficulty, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// ExistsLiveTicket reports whether a ticket is in the live pool.
func (c *Client) ExistsLiveTicket(ctx context.Context, ticket chainhash.Hash) (bool, error) {
	var live bool
	return live, c.Call(ctx, rpcjson.MethodExistsLiveTicket, &live, ticket.String())
}

// ExistsLiveTickets reports for each ticket whether it is live.
func (c *Client) ExistsLiveTickets(ctx context.Context, tickets []chainhash.Hash) ([]bool, error) {
	return c.callBitset(ctx, rpcjson.MethodExistsLiveTickets, tickets)
}

// ExistsMissedTickets reports for each ticket whether it was missed.
func (c *Client) ExistsMissedTickets(ctx context.Context, tickets []chainhash.Hash) ([]bool, error) {
	return c.callBitset(ctx, rpcjson.MethodExistsMissedTickets, tickets)
}

// ExistsExpiredTickets reports for each ticket whether it expired.
func (c *Client) ExistsExpiredTickets(ctx context.Context, tickets []chainhash.Hash) ([]bool, error) {
	return c.callBitset(ctx, rpcjson.MethodExistsExpiredTickets, tickets)
}

// ExistsMempoolTxs reports for each transaction whether it is in the
// mempool.
func (c *Client) ExistsMempoolTxs(ctx context.Context, txs []chainhash.Hash) ([]bool, error) {
	return c.callBitset(ctx, rpcjson.MethodExistsMempoolTxs, txs)
}

// LiveTickets returns the whole live ticket pool.
func (c *Client) LiveTickets(ctx context.Context) ([]chainhash.Hash, error) {
	return c.callTickets(ctx, rpcjson.MethodLiveTickets)
}

// MissedTickets returns every missed, unrevoked ticket.
func (c *Client) MissedTickets(ctx context.Context) ([]chainhash.Hash, error) {
	return c.callTickets(ctx, rpcjson.MethodMissedTickets)
}

// TicketsForAddress returns the live tickets whose voting output pays
// address.
func (c *Client) TicketsForAddress(ctx context.Context, address string) ([]chainhash.Hash, error) {
	return c.callTickets(ctx, rpcjson.MethodTicketsForAddress, address)
}

// GetVoteInfo returns the consensus votes (agendas) of a vote version.
func (c *Client) GetVoteInfo(ctx context.Context, version uint32) (*rpcjson.GetVoteInfoResult, error) {
	var res rpcjson.GetVoteInfoResult
	if err := c.Call(ctx, rpcjson.MethodGetVoteInfo, &res, version); err != nil {
		return nil, err
	}
	return &res, nil
}

// GetCurrentNet returns the network magic (simnet 0x12141c16).
func (c *Client) GetCurrentNet(ctx context.Context) (uint32, error) {
	var net uint32
	return net, c.Call(ctx, rpcjson.MethodGetCurrentNet, &net)
}

// GetTxOut returns an unspent output, or nil if it is spent or unknown.
func (c *Client) GetTxOut(ctx context.Context, txid chainhash.Hash, vout uint32, includeMempool bool) (*rpcjson.GetTxOutResult, error) {
	var res *rpcjson.GetTxOutResult
	return res, c.Call(ctx, rpcjson.MethodGetTxOut, &res, txid.String(), vout, includeMempool)
}

// Generate mines n blocks (simnet) and returns their hashes.
func (c *Client) Generate(ctx context.Context, n uint32) ([]chainhash.Hash, error) {
	var res []string
	if err := c.Call(ctx, rpcjson.MethodGenerate, &res, n); err != nil {
		return nil, err
	}
	return parseHashes(rpcjson.MethodGenerate, res)
}

// Session returns the id the node gave this connection; it changes after a
// reconnect.
func (c *Client) Session(ctx context.Context) (uint64, error) {
	var res rpcjson.SessionResult
	return res.SessionID, c.Call(ctx, rpcjson.MethodSession, &res)
}

// LoadTxFilter sets the filter selecting the transactions sent with
// blockconnected (reload replaces the previous filter).
func (c *Client) LoadTxFilter(ctx context.Context, reload bool, addresses []string, outpoints []rpcjson.OutPoint) error {
	if addresses == nil {
		addresses = []string{}
	}
	if outpoints == nil {
		outpoints = []rpcjson.OutPoint{}
	}
	return c.Call(ctx, rpcjson.MethodLoadTxFilter, nil, reload, addresses, outpoints)
}

// RebroadcastWinners asks the node to resend winningtickets for the tip.
func (c *Client) RebroadcastWinners(ctx context.Context) error {
	return c.Call(ctx, rpcjson.MethodRebroadcastWinners, nil)
}

// RebroadcastMissed asks the node to resend the missed tickets.
func (c *Client) RebroadcastMissed(ctx context.Context) error {
	return c.Call(ctx, rpcjson.MethodRebroadcastMissed, nil)
}

func (c *Client) callHash(ctx context.Context, method string, params ...any) (chainhash.Hash, error) {
	var s string
	if err := c.Call(ctx, method, &s, params...); err != nil {
		return chainhash.Hash{}, err
	}
	return parseHash(method, s)
}

func (c *Client) callHex(ctx context.Context, method string, params ...any) ([]byte, error) {
	var s string
	if err := c.Call(ctx, method, &s, params...); err != nil {
		return nil, err
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%s: result is not hex: %w", method, err)
	}
	return b, nil
}

func (c *Client) callBitset(ctx context.Context, method string, hashes []chainhash.Hash) ([]bool, error) {
	strs := make([]string, len(hashes))
	for i := range hashes {
		strs[i] = hashes[i].String()
	}
	var s string
	if err := c.Call(ctx, method, &s, strs); err != nil {
		return nil, err
	}
	bits, err := rpcjson.DecodeBitset(s, len(hashes))
	if err != nil {
		return nil, fmt.Errorf("decode bitset: %w", err)
	}
	return bits, nil
}

func (c *Client) callTickets(ctx context.Context, method string, params ...any) ([]chainhash.Hash, error) {
	var res rpcjson.TicketsResult
	if err := c.Call(ctx, method, &res, params...); err != nil {
		return nil, err
	}
	return parseHashes(method, res.Tickets)
}

func parseHash(method, s string) (chainhash.Hash, error) {
	var h chainhash.Hash
	if err := chainhash.Decode(&h, s); err != nil {
		return h, fmt.Errorf("%s: bad hash %q in result: %w", method, s, err)
	}
	return h, nil
}

func parseHashes(method string, strs []string) ([]chainhash.Hash, error) {
	out := make([]chainhash.Hash, len(strs))
	for i, s := range strs {
		var err error
		if out[i], err = parseHash(method, s); err != nil {
			return nil, err
		}
	}
	return out, nil
}
