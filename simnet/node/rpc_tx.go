package node

import (
	"context"
	"encoding/hex"
	"errors"
	"time"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// defaultVerify checks input signatures with eacred/txscript.
func defaultVerify(tx *wire.MsgTx, idx int, prevPkScript []byte) error {
	return txscript.VerifyInput(tx, idx, prevPkScript)
}

// rpcSendRawTransaction runs without n.mu held by its wrapper: sendTx
// takes it around the checks that need it.
func (n *Node) rpcSendRawTransaction(_ context.Context, c *rpcserver.Call) (any, error) {
	hexTx := c.Params.String(0)
	c.Params.OptBool(1, false) // allowhighfees: the simulator has no fee ceiling
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	raw, err := hex.DecodeString(hexTx)
	if err != nil {
		return nil, rpcjson.NewError(rpcjson.ErrCodeDeserialization, "%s", decodeHexMessage(hexTx))
	}
	tx, err := wire.NewTxFromBytes(raw)
	if err != nil {
		return nil, rpcjson.NewError(rpcjson.ErrCodeDeserialization, "TX decode failed: %v", err)
	}
	e, err := n.sendTx(c.Client, tx)
	if err != nil {
		var dup *duplicateError
		var rej *rejectError
		switch {
		case errors.As(err, &dup):
			return nil, rpcjson.ErrDuplicateTx(dup.hash.String())
		case errors.As(err, &rej):
			n.log.Debug("rejected transaction", "tx", rej.hash, "reason", rej.reason)
			return nil, rpcjson.ErrRejectedTx(rej.hash.String(), rej.reason)
		}
		return nil, err
	}
	return e.hash.String(), nil
}

// sendTx accepts a transaction sent by client c (nil for POST) into the
// mempool, traces it and announces it. Its signatures are checked first
// without n.mu (presign), so the node's lock is not held while secp256k1
// verifies and concurrent calls verify in parallel; the acceptance itself
// then runs with n.mu held, all of it again, and takes those results for
// the same inputs and scripts: the outcome is that of checking everything
// at that moment.
func (n *Node) sendTx(c *rpcserver.Client, tx *wire.MsgTx) (*mempoolTx, error) {
	checked := n.presign(tx)
	n.mu.Lock()
	defer n.mu.Unlock()
	e, err := n.acceptTxWith(tx, checked.verifier(n.verify))
	if n.trace != nil {
		outcome := traceAccepted
		if err != nil {
			outcome = traceRejected
			if errors.As(err, new(*duplicateError)) {
				outcome = traceDuplicate
			}
		}
		n.trace.vote(c, tx, outcome, time.Now())
	}
	if err != nil {
		return nil, err
	}
	n.log.Debug("accepted transaction", "tx", e.hash, "kind", e.kind)
	n.notifyAccepted(e)
	n.notifyRelevant(tx)
	return e, nil
}

func (n *Node) rpcGetRawTransaction(_ context.Context, c *rpcserver.Call) (any, error) {
	s := c.Params.String(0)
	verbose := c.Params.OptInt(1, 0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	h, err := parseHash(&c.Params, s)
	if err != nil {
		return nil, err
	}
	var tx *wire.MsgTx
	var loc *txLoc
	if e, ok := n.pool.txs[h]; ok {
		tx = e.tx
	} else if l, ok := n.chain.txIndex[h]; ok {
		tx, loc = n.chain.txAt(l), &l
	} else {
		return nil, rpcjson.NewError(rpcjson.ErrCodeNoTxInfo, "No information available about transaction")
	}
	if verbose == 0 {
		return tx.Hex(), nil
	}
	return n.txRaw(tx, loc), nil
}

// txRaw builds the verbose transaction object; loc is nil for mempool txs.
func (n *Node) txRaw(tx *wire.MsgTx, loc *txLoc) rpcjson.TxRawResult {
	kind := classify(tx)
	r := rpcjson.TxRawResult{Hex: tx.Hex(), Txid: tx.TxHash().String(), Version: int32(tx.Version),
		LockTime: tx.LockTime, Expiry: tx.Expiry}
	for i, in := range tx.TxIn {
		v := rpcjson.Vin{Sequence: in.Sequence, AmountIn: coins(in.ValueIn), BlockHeight: in.BlockHeight, BlockIndex: in.BlockIndex}
		switch {
		case kind == kindCoinbase:
			v.Coinbase = hex.EncodeToString(in.SignatureScript)
		case kind == kindVote && i == 0:
			v.Stakebase = hex.EncodeToString(in.SignatureScript)
		default:
			v.Txid = in.PreviousOutPoint.Hash.String()
			v.Vout = in.PreviousOutPoint.Index
			v.Tree = in.PreviousOutPoint.Tree
			v.ScriptSig = &rpcjson.ScriptSig{Asm: txscript.DisasmString(in.SignatureScript), Hex: hex.EncodeToString(in.SignatureScript)}
		}
		r.Vin = append(r.Vin, v)
	}
	for i, out := range tx.TxOut {
		r.Vout = append(r.Vout, rpcjson.Vout{Value: coins(out.Value), N: uint32(i), Version: out.Version,
			ScriptPubKey: n.scriptPubKey(out.PkScript, kind == kindTicket && i%2 == 1)})
	}
	if loc != nil {
		b := n.chain.blocks[loc.height]
		r.BlockHash = b.hash.String()
		r.BlockHeight = loc.height
		r.BlockIndex = uint32(loc.index)
		r.Confirmations = n.chain.height() - loc.height + 1
		r.Time = int64(b.msg.Header.Timestamp)
		r.Blocktime = r.Time
	}
	return r
}

// scriptPubKey describes an output script for verbose results.
func (n *Node) scriptPubKey(s []byte, isCommitment bool) rpcjson.ScriptPubKeyResult {
	r := rpcjson.ScriptPubKeyResult{Asm: txscript.DisasmString(s), Hex: hex.EncodeToString(s)}
	if isCommitment {
		if c, err := parseCommitment(s); err == nil {
			amt := coins(c.amount)
			r.Type, r.Addresses, r.CommitAmt = rpcjson.ScriptStakeCommitment, []string{c.payTo.encode(n.params)}, &amt
			return r
		}
	}
	class, addrs, reqSigs := txscript.ExtractPkScriptAddrs(0, s, n.params)
	r.Type, r.ReqSigs = class.String(), int32(reqSigs)
	for _, a := range addrs {
		r.Addresses = append(r.Addresses, a.String())
	}
	return r
}

func (n *Node) rpcGetTxOut(_ context.Context, c *rpcserver.Call) (any, error) {
	s := c.Params.String(0)
	vout := c.Params.Uint32(1)
	includeMempool := c.Params.OptBool(2, true)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	h, err := parseHash(&c.Params, s)
	if err != nil {
		return nil, err
	}
	key := outKey{h, vout}
	tip := n.chain.tip()
	if includeMempool {
		if _, spent := n.pool.spent[key]; spent {
			return nil, nil
		}
		if e, ok := n.pool.txs[h]; ok {
			if int(vout) >= len(e.tx.TxOut) {
				return nil, nil
			}
			out := e.tx.TxOut[vout]
			return rpcjson.GetTxOutResult{BestBlock: tip.hash.String(), Value: coins(out.Value),
				ScriptPubKey: n.scriptPubKey(out.PkScript, e.kind == kindTicket && vout%2 == 1), Version: int32(out.Version)}, nil
		}
	}
	u, ok := n.chain.utxos[key]
	if !ok {
		return nil, nil
	}
	return rpcjson.GetTxOutResult{BestBlock: tip.hash.String(), Confirmations: tip.height - u.height + 1,
		Value: coins(u.value), ScriptPubKey: n.scriptPubKey(u.pkScript, false), Version: int32(u.version),
		Coinbase: u.kind == kindCoinbase}, nil
}
