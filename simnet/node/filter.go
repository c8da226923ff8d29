package node

import (
	"context"
	"sync"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// txFilter is a websocket client's loadtxfilter: addresses (as pay-to
// hashes) and outpoints. A transaction matches when an output pays a
// filtered address (plain, stake-tagged or as a ticket commitment) or an
// input spends a filtered outpoint; the outputs of a matching transaction
// that pay filtered addresses join the filter, so later spends match too.
type txFilter struct {
	mu        sync.Mutex
	addrs     map[payTo]bool
	outpoints map[outKey]bool
}

const (
	filterKey     = "txfilter"
	topicTxFilter = "relevanttxaccepted"
)

func newTxFilter() *txFilter {
	return &txFilter{addrs: make(map[payTo]bool), outpoints: make(map[outKey]bool)}
}

// outputPays returns the address an output pays, if it is one the filter
// can hold.
func outputPays(s []byte) (payTo, bool) {
	if pt, ok := parsePayTo(s); ok {
		return pt, true
	}
	if len(s) > 0 && s[0] >= opSSTX && s[0] <= opSSTXChange {
		return parsePayTo(s[1:])
	}
	if c, err := parseCommitment(s); err == nil {
		return c.payTo, true
	}
	return payTo{}, false
}

// match reports whether tx is relevant and extends the filter.
func (f *txFilter) match(tx *wire.MsgTx) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	matched := false
	for _, in := range tx.TxIn {
		if f.outpoints[outKey{in.PreviousOutPoint.Hash, in.PreviousOutPoint.Index}] {
			matched = true
		}
	}
	h := tx.TxHash()
	for i, out := range tx.TxOut {
		if pt, ok := outputPays(out.PkScript); ok && f.addrs[pt] {
			matched = true
			f.outpoints[outKey{h, uint32(i)}] = true
		}
	}
	return matched
}

func clientFilter(c *rpcserver.Client) *txFilter {
	if c == nil {
		return nil
	}
	f, _ := c.Get(filterKey).(*txFilter)
	return f
}

// rpcLoadTxFilter: [reload bool, addresses []string, outpoints []OutPoint].
func (n *Node) rpcLoadTxFilter(_ context.Context, c *rpcserver.Call) (any, error) {
	reload := c.Params.Bool(0)
	addrs := c.Params.Strings(1)
	var ops []rpcjson.OutPoint
	c.Params.Decode(2, &ops)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	f := clientFilter(c.Client)
	if f == nil || reload {
		f = newTxFilter()
	}
	add := newTxFilter()
	for _, a := range addrs {
		pt, err := decodePayAddress(a, n.params)
		if err != nil {
			return nil, rpcjson.NewError(rpcjson.ErrCodeInvalidAddrOrKey, "Invalid address or key: %v", err)
		}
		add.addrs[pt] = true
	}
	for _, op := range ops {
		h, err := chainhash.NewHashFromStr(op.Hash)
		if err != nil {
			return nil, rpcjson.NewError(rpcjson.ErrCodeDeserialization, "%s", decodeHexMessage(op.Hash))
		}
		add.outpoints[outKey{*h, op.Index}] = true
	}
	f.mu.Lock()
	for a := range add.addrs {
		f.addrs[a] = true
	}
	for o := range add.outpoints {
		f.outpoints[o] = true
	}
	f.mu.Unlock()
	c.Client.Set(filterKey, f)
	c.Client.Subscribe(topicTxFilter)
	return nil, nil
}

// subscribedTxs lists a block's transactions matching the client's filter
// (stake tree first), or nil.
func subscribedTxs(c *rpcserver.Client, b *wire.MsgBlock) []string {
	f := clientFilter(c)
	if f == nil {
		return nil
	}
	var out []string
	for _, tree := range [][]*wire.MsgTx{b.STransactions, b.Transactions} {
		for _, tx := range tree {
			if f.match(tx) {
				out = append(out, tx.Hex())
			}
		}
	}
	return out
}

// notifyRelevant sends relevanttxaccepted to clients whose filter matches
// a newly accepted mempool transaction.
func (n *Node) notifyRelevant(tx *wire.MsgTx) {
	if err := n.srv.NotifyEach(topicTxFilter, rpcjson.NtfnRelevantTxAccepted, func(c *rpcserver.Client) []any {
		if f := clientFilter(c); f != nil && f.match(tx) {
			return []any{tx.Hex()}
		}
		return nil
	}); err != nil {
		n.log.Error("notification not sent", "method", rpcjson.NtfnRelevantTxAccepted, "err", err)
	}
}

// rpcRescan: [blockhashes []string] → {"discovereddata":[{hash, transactions}]}.
func (n *Node) rpcRescan(_ context.Context, c *rpcserver.Call) (any, error) {
	hashes := c.Params.Strings(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	type discovered struct {
		Hash         string   `json:"hash"`
		Transactions []string `json:"transactions"`
	}
	result := struct {
		DiscoveredData []discovered `json:"discovereddata"`
	}{DiscoveredData: []discovered{}}
	f := clientFilter(c.Client)
	var prev *block
	for _, s := range hashes {
		h, err := parseHash(&c.Params, s)
		if err != nil {
			return nil, err
		}
		b, ok := n.chain.blockByHash(h)
		if !ok {
			return nil, rpcjson.NewError(rpcjson.ErrCodeBlockNotFound, "Failed to fetch block %s", s)
		}
		if prev != nil && b.msg.Header.PrevBlock != prev.hash {
			return nil, rpcjson.NewError(rpcjson.ErrCodeInvalidParameter, "block %s is not a child of %s", s, prev.hash)
		}
		prev = b
		if f == nil {
			continue
		}
		if txs := subscribedTxs(c.Client, b.msg); len(txs) > 0 {
			result.DiscoveredData = append(result.DiscoveredData, discovered{Hash: s, Transactions: txs})
		}
	}
	return result, nil
}

// rpcTicketsForAddress lists live tickets whose voting output pays address.
func (n *Node) rpcTicketsForAddress(_ context.Context, c *rpcserver.Call) (any, error) {
	a := c.Params.String(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	pt, err := decodePayAddress(a, n.params)
	if err != nil {
		return nil, rpcjson.NewError(rpcjson.ErrCodeInvalidAddrOrKey, "Invalid address or key: %v", err)
	}
	out := []string{}
	for _, th := range n.chain.live {
		tx := n.chain.txAt(n.chain.txIndex[th])
		if vp, ok := parseTagged(tx.TxOut[0].PkScript, opSSTX); ok && vp == pt {
			out = append(out, th.String())
		}
	}
	return rpcjson.TicketsResult{Tickets: out}, nil
}

// rpcValidateAddress is the node's own validateaddress: whether the
// address decodes for this network (P2PKH or P2SH), re-encoded.
func (n *Node) rpcValidateAddress(_ context.Context, c *rpcserver.Call) (any, error) {
	a := c.Params.String(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	type result struct {
		IsValid bool   `json:"isvalid"`
		Address string `json:"address,omitempty"`
	}
	pt, err := decodePayAddress(a, n.params)
	if err != nil {
		return result{}, nil
	}
	return result{IsValid: true, Address: pt.encode(n.params)}, nil
}
