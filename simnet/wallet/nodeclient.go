package wallet

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// rpcNode is the node connection: a websocket JSON-RPC client that
// reconnects by itself and repeats its subscriptions after a reconnect.
// The node's certificate may not exist yet when the wallet starts (a
// harness may start the wallet first to learn its mining address): the
// client reads it at every dial attempt. Until the node is reachable,
// calls fail with -9 and the wallet's sync loop retries.
type rpcNode struct {
	c *rpcclient.Client
}

func dialNode(cfg rpcclient.Config) (*rpcNode, error) {
	c, err := rpcclient.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("node connection: %w", err)
	}
	return &rpcNode{c: c}, nil
}

// nodeErr turns a client error into what the wallet answers: the node's
// own error object when it sent one, -9 when it cannot be reached.
func nodeErr(err error) error {
	var re *rpcjson.RPCError
	if errors.As(err, &re) {
		return rpcserver.NewError(int(re.Code), "%s", re.Message)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return rpcserver.NewError(rpcserver.ErrCodeClientNotConn, "disconnected from consensus RPC: %v", err)
}

func (n *rpcNode) call(ctx context.Context, method string, result any, params ...any) error {
	if err := n.c.Call(ctx, method, result, params...); err != nil {
		return nodeErr(err)
	}
	return nil
}

func (n *rpcNode) BestBlock(ctx context.Context) (string, int64, error) {
	var res rpcjson.GetBestBlockResult
	err := n.call(ctx, "getbestblock", &res)
	return res.Hash, res.Height, err
}

func (n *rpcNode) BlockHash(ctx context.Context, height int64) (string, error) {
	var h string
	err := n.call(ctx, "getblockhash", &h, height)
	return h, err
}

func (n *rpcNode) Block(ctx context.Context, hash string) ([]byte, error) {
	var h string
	if err := n.call(ctx, "getblock", &h, hash, false); err != nil {
		return nil, err
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, fmt.Errorf("node sent block %s as bad hex: %w", hash, err)
	}
	return b, nil
}

func (n *rpcNode) SendRawTransaction(ctx context.Context, txHex string) (string, error) {
	var id string
	err := n.call(ctx, "sendrawtransaction", &id, txHex, false)
	return id, err
}

func (n *rpcNode) StakeDifficulty(ctx context.Context) (int64, int64, error) {
	var res rpcjson.GetStakeDifficultyResult
	if err := n.call(ctx, "getstakedifficulty", &res); err != nil {
		return 0, 0, err
	}
	return int64(math.Round(res.CurrentStakeDifficulty * 1e8)), int64(math.Round(res.NextStakeDifficulty * 1e8)), nil
}

func (n *rpcNode) Exists(ctx context.Context, method string, hashes []string) ([]bool, error) {
	var bits string
	if err := n.call(ctx, method, &bits, hashes); err != nil {
		return nil, err
	}
	return rpcjson.DecodeBitset(bits, len(hashes))
}

func (n *rpcNode) Call(ctx context.Context, method string, params []json.RawMessage) (json.RawMessage, error) {
	res, err := n.c.RawCall(ctx, method, params)
	if err != nil {
		return nil, nodeErr(err)
	}
	return res, nil
}

func (n *rpcNode) Connected() bool { return n.c.State() == rpcclient.StateConnected }

func (n *rpcNode) Close() { n.c.Close() }
