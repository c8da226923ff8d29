// Package chain implements the pool's Node and Wallet interfaces over
// eacred/rpcclient websocket connections to ecrd and eacrwallet, and
// classifies their errors into pool error kinds: a dropped connection is
// KindUnavailable, ecrd's "already have transaction" (-40) is
// KindDuplicate, a mempool double spend ("-1 rejected transaction …:
// output … already spent by transaction … in the memory pool", another back
// end's vote for the same ticket with other bits) is KindConflict, "no
// information" (-5) is KindNotFound, parameter errors
// are KindInvalid and a locked wallet is KindPrecondition.
//
// Hashes cross the pool boundary as display-order hex strings, exactly as
// the daemons print them; this package converts them to chainhash values
// where the client needs them.
package chain

import (
	"context"
	"errors"
	"strings"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// Classify gives a daemon or transport error its pool kind. It adds no
// words: the pool names the call once ("wallet generatevote: -1: ..."); the
// second argument names the call for the reader of the call site only.
func Classify(err error, _ string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return pool.Wrap(pool.KindUnavailable, err, "")
	}
	if errors.Is(err, rpcclient.ErrNotConnected) || errors.Is(err, rpcclient.ErrConnectionLost) ||
		errors.Is(err, rpcclient.ErrClientClosed) || errors.Is(err, rpcclient.ErrUnauthorized) {
		return pool.Wrap(pool.KindUnavailable, err, "")
	}
	var rerr *rpcjson.RPCError
	if !errors.As(err, &rerr) {
		return pool.Wrap(pool.KindInternal, err, "")
	}
	if strings.Contains(rerr.Message, rpcjson.AlreadyHaveTx) {
		return pool.Wrap(pool.KindDuplicate, err, "")
	}
	if rerr.Code == rpcjson.ErrCodeMisc && isMempoolDoubleSpend(rerr.Message) {
		return pool.Wrap(pool.KindConflict, err, "")
	}
	kind := pool.KindInternal
	switch rerr.Code {
	case rpcjson.ErrCodeDuplicateTx:
		kind = pool.KindDuplicate
	case rpcjson.ErrCodeNoTxInfo: // also "invalid address or key"
		kind = pool.KindNotFound
	case rpcjson.ErrCodeClientNotConnected, rpcjson.ErrCodeClientInInitialDownload:
		kind = pool.KindUnavailable
	case rpcjson.ErrCodeWalletUnlockNeeded:
		kind = pool.KindPrecondition
	case rpcjson.ErrCodeInvalidParameter, rpcjson.ErrCodeDeserialization, rpcjson.ErrCodeType,
		rpcjson.ErrCodeWallet, rpcjson.ErrCodeInvalidParams:
		kind = pool.KindInvalid
	}
	return pool.Wrap(kind, err, "")
}

// The node's words for a transaction that spends an output another
// mempool transaction spends already (ecrd's mempool double-spend check).
const (
	alreadySpentBy = "already spent by transaction"
	inMemoryPool   = "in the memory pool"
)

func isMempoolDoubleSpend(msg string) bool {
	return strings.Contains(msg, alreadySpentBy) && strings.Contains(msg, inMemoryPool)
}

func parseHash(s string) (chainhash.Hash, error) {
	h, err := chainhash.NewHashFromStr(s)
	if err != nil {
		return chainhash.Hash{}, pool.Errorf(pool.KindInvalid, "hash %q: %v", s, err)
	}
	return *h, nil
}

func connected(c *rpcclient.Client) bool { return c.State() == rpcclient.StateConnected }
