package node

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/big"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// API versions reported by version (ecrd speaks dcrd v1.5.1's API).
var (
	apiVersion  = rpcjson.VersionResult{VersionString: "6.1.1", Major: 6, Minor: 1, Patch: 1}
	nodeVersion = rpcjson.VersionResult{VersionString: "1.5.1+simnet", Major: 1, Minor: 5, Patch: 1, BuildMetadata: "simnet"}
)

// walletMethods are wallet commands the node refuses with -1.
var walletMethods = []string{"getbalance", "gettickets", "importscript", "getnewaddress", "getmasterpubkey",
	"createmultisig", "listscripts", "stakepooluserinfo", "addticket", "generatevote",
	"purchaseticket", "sendtoaddress", "revoketickets", "walletinfo", "getstakeinfo", "accountsyncaddressindex",
	"getaddressesbyaccount", "gettransaction", "walletpassphrase", "walletlock", "rescanwallet", "listunspent",
	"getvotechoices", "setvotechoice", "addtransaction", "walletislocked"}

type handlerFunc = func(ctx context.Context, c *rpcserver.Call) (any, error)

// locked wraps a handler so it runs with the node's lock held.
func (n *Node) locked(h handlerFunc) handlerFunc {
	return func(ctx context.Context, c *rpcserver.Call) (any, error) {
		n.mu.Lock()
		defer n.mu.Unlock()
		return h(ctx, c)
	}
}

// lockedDurable is locked for handlers that mine (generateon,
// reorganize): the blocks are fsynced after n.mu is released and before
// the answer.
func (n *Node) lockedDurable(h handlerFunc) handlerFunc {
	return func(ctx context.Context, c *rpcserver.Call) (any, error) {
		n.mu.Lock()
		res, err := h(ctx, c)
		n.mu.Unlock()
		if serr := n.syncStore(nil); serr != nil && err == nil {
			return nil, rpcjson.NewError(rpcjson.ErrCodeInternal, "%v", serr)
		}
		return res, err
	}
}

func (n *Node) registerMethods() {
	m := func(name string, params []string, required int, h handlerFunc) rpcserver.Method {
		return rpcserver.Method{Name: name, Params: params, Required: required, Handler: n.locked(h)}
	}
	ws := func(name string, params []string, required int, h handlerFunc) rpcserver.Method {
		r := m(name, params, required, h)
		r.WebsocketOnly = true
		return r
	}
	n.srv.Register(
		m("version", nil, 0, n.rpcVersion),
		m("ping", nil, 0, func(context.Context, *rpcserver.Call) (any, error) { return nil, nil }),
		m("ticketsforaddress", []string{"address"}, 1, n.rpcTicketsForAddress),
		ws("loadtxfilter", []string{"reload", "addresses", "outpoints"}, 3, n.rpcLoadTxFilter),
		ws("rescan", []string{"blockhashes"}, 1, n.rpcRescan),
		m("validateaddress", []string{"address"}, 1, n.rpcValidateAddress),
		ws("notifynewtransactions", []string{"verbose"}, 0, n.rpcNotifyNewTransactions),
		ws("stopnotifynewtransactions", nil, 0, func(_ context.Context, c *rpcserver.Call) (any, error) {
			c.Client.Unsubscribe(topicTxAccepted)
			c.Client.Unsubscribe(topicTxAcceptedVerbose)
			return nil, nil
		}),
		m("getcurrentnet", nil, 0, func(context.Context, *rpcserver.Call) (any, error) { return n.params.Net, nil }),
		m("getbestblock", nil, 0, n.rpcGetBestBlock),
		m("getbestblockhash", nil, 0, func(context.Context, *rpcserver.Call) (any, error) { return n.chain.tip().hash.String(), nil }),
		m("getblockcount", nil, 0, func(context.Context, *rpcserver.Call) (any, error) { return n.chain.height(), nil }),
		m("getblockhash", []string{"index"}, 1, n.rpcGetBlockHash),
		m("getblockheader", []string{"hash", "verbose"}, 1, n.rpcGetBlockHeader),
		m("getblock", []string{"hash", "verbose", "verbosetx"}, 1, n.rpcGetBlock),
		m("getrawtransaction", []string{"txid", "verbose"}, 1, n.rpcGetRawTransaction),
		m("getrawmempool", []string{"verbose", "txtype"}, 0, n.rpcGetRawMempool),
		m("gettxout", []string{"txid", "vout", "includemempool"}, 2, n.rpcGetTxOut),
		m("getstakedifficulty", nil, 0, n.rpcGetStakeDifficulty),
		m("existsliveticket", []string{"txhash"}, 1, n.rpcExistsLiveTicket),
		m("existslivetickets", []string{"txhashes"}, 1, n.existsBitset(func(h chainhash.Hash) bool { return n.ticketIs(h, ticketLive) })),
		m("existsmissedtickets", []string{"txhashes"}, 1, n.existsBitset(func(h chainhash.Hash) bool { return n.ticketIs(h, ticketMissed) })),
		m("existsexpiredtickets", []string{"txhashes"}, 1, n.existsBitset(func(h chainhash.Hash) bool { return n.ticketIs(h, ticketExpired) })),
		m("existsmempooltxs", []string{"txhashes"}, 1, n.existsBitset(func(h chainhash.Hash) bool { _, ok := n.pool.txs[h]; return ok })),
		m("livetickets", nil, 0, n.rpcLiveTickets),
		m("missedtickets", nil, 0, n.rpcMissedTickets),
		m("getvoteinfo", []string{"version"}, 1, n.rpcGetVoteInfo),
		m("getblockchaininfo", nil, 0, n.rpcGetBlockchainInfo),
		// Takes n.mu itself (sendTx), not for its signature checks.
		rpcserver.Method{Name: "sendrawtransaction", Params: []string{"hextx", "allowhighfees"}, Required: 1,
			Handler: n.rpcSendRawTransaction},
		rpcserver.Method{Name: "generate", Params: []string{"numblocks"}, Required: 1, Handler: n.rpcGenerate},
		rpcserver.Method{Name: "generateon", Params: []string{"parenthash", "numblocks"}, Required: 2,
			Handler: n.lockedDurable(n.rpcGenerateOn)},
		rpcserver.Method{Name: "reorganize", Params: []string{"depth"}, Required: 1, Handler: n.lockedDurable(n.rpcReorganize)},
		m("getchaintips", nil, 0, n.rpcGetChainTips),
		m("getvotetrace", []string{"clear"}, 0, n.rpcGetVoteTrace),
		ws("notifyblocks", nil, 0, n.subscribe(topicBlocks, true)),
		ws("stopnotifyblocks", nil, 0, n.subscribe(topicBlocks, false)),
		ws("notifywinningtickets", nil, 0, n.subscribe(topicWinningTickets, true)),
		ws("notifyspentandmissedtickets", nil, 0, n.subscribe(topicSpentAndMissed, true)),
		ws("notifynewtickets", nil, 0, n.subscribe(topicNewTickets, true)),
		ws("notifystakedifficulty", nil, 0, n.subscribe(topicStakeDifficulty, true)),
		ws("rebroadcastwinners", nil, 0, func(context.Context, *rpcserver.Call) (any, error) { n.rebroadcastWinners(); return nil, nil }),
		ws("rebroadcastmissed", nil, 0, n.rpcRebroadcastMissed),
		ws("session", nil, 0, func(_ context.Context, c *rpcserver.Call) (any, error) {
			return rpcjson.SessionResult{SessionID: sessionID(c.Client.ID, n.started.UnixNano())}, nil
		}),
	)
	for _, name := range walletMethods {
		n.srv.Register(rpcserver.Method{Name: name, Params: make([]string, 32), Handler: func(context.Context, *rpcserver.Call) (any, error) {
			return nil, rpcjson.ErrNoWallet()
		}})
	}
}

func sessionID(client uint64, start int64) uint64 {
	h := chainhash.HashH([]byte(fmt.Sprintf("%d/%d", start, client)))
	var v uint64
	for _, b := range h[:8] {
		v = v<<8 | uint64(b)
	}
	return v
}

func (n *Node) subscribe(topic string, on bool) handlerFunc {
	return func(_ context.Context, c *rpcserver.Call) (any, error) {
		if on {
			c.Client.Subscribe(topic)
		} else {
			c.Client.Unsubscribe(topic)
		}
		return nil, nil
	}
}

func coins(atoms int64) float64 { return float64(atoms) / 1e8 }

// parseHash decodes a display-hex hash parameter.
func parseHash(p *rpcserver.Params, s string) (chainhash.Hash, error) {
	h, err := chainhash.NewHashFromStr(s)
	if err != nil {
		return chainhash.Hash{}, rpcjson.NewError(rpcjson.ErrCodeDeserialization, "%s", decodeHexMessage(s))
	}
	return *h, nil
}

func decodeHexMessage(s string) string {
	return fmt.Sprintf("Argument must be hexadecimal string (not %q)", s)
}

func (n *Node) rpcVersion(context.Context, *rpcserver.Call) (any, error) {
	return map[string]rpcjson.VersionResult{"ecrd": nodeVersion, "ecrdjsonrpcapi": apiVersion}, nil
}

func (n *Node) rpcGetBestBlock(context.Context, *rpcserver.Call) (any, error) {
	tip := n.chain.tip()
	return rpcjson.GetBestBlockResult{Hash: tip.hash.String(), Height: tip.height}, nil
}

func (n *Node) rpcGetBlockHash(_ context.Context, c *rpcserver.Call) (any, error) {
	idx := c.Params.Int64(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	b, ok := n.chain.blockAt(idx)
	if !ok {
		return nil, rpcjson.NewError(rpcjson.ErrCodeMisc, "Block number out of range")
	}
	return b.hash.String(), nil
}

// blockParam resolves the hash parameter of getblock/getblockheader.
func (n *Node) blockParam(c *rpcserver.Call) (*block, error) {
	s := c.Params.String(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	h, err := parseHash(&c.Params, s)
	if err != nil {
		return nil, err
	}
	b, ok := n.lookupBlock(h)
	if !ok {
		return nil, rpcjson.NewError(rpcjson.ErrCodeBlockNotFound, "Block not found")
	}
	return b, nil
}

func (n *Node) rpcGetBlockHeader(_ context.Context, c *rpcserver.Call) (any, error) {
	verbose := c.Params.OptBool(1, true)
	b, err := n.blockParam(c)
	if err != nil {
		return nil, err
	}
	if !verbose {
		return b.msg.Header.Hex(), nil
	}
	h := &b.msg.Header
	return rpcjson.GetBlockHeaderVerboseResult{
		Hash: b.hash.String(), Confirmations: n.confirmations(b), Version: h.Version,
		MerkleRoot: h.MerkleRoot.String(), StakeRoot: h.StakeRoot.String(), VoteBits: h.VoteBits,
		FinalState: hex.EncodeToString(h.FinalState[:]), Voters: h.Voters, FreshStake: h.FreshStake,
		Revocations: h.Revocations, PoolSize: h.PoolSize, Bits: fmt.Sprintf("%08x", h.Bits),
		SBits: coins(h.SBits), Height: h.Height, Size: h.Size, Time: int64(h.Timestamp), Nonce: h.Nonce,
		ExtraData: hex.EncodeToString(h.ExtraData[:]), StakeVersion: h.StakeVersion, Difficulty: 1,
		ChainWork: chainWork(b.height), PreviousHash: prevHash(b), NextHash: n.nextHash(b),
	}, nil
}

// chainWork: every simulated block does the minimum work (2 hashes at the
// simnet proof-of-work limit), so the chain work is 2*(height+1).
func chainWork(height int64) string {
	return fmt.Sprintf("%064x", new(big.Int).SetInt64(2*(height+1)))
}

func prevHash(b *block) string {
	if b.height == 0 {
		return ""
	}
	return b.msg.Header.PrevBlock.String()
}

// confirmations is ecrd's count for a block: -1 off the best chain.
func (n *Node) confirmations(b *block) int64 {
	if !n.onBest(b) {
		return -1
	}
	return n.chain.height() - b.height + 1
}

func (n *Node) nextHash(b *block) string {
	if !n.onBest(b) {
		return ""
	}
	if nb, ok := n.chain.blockAt(b.height + 1); ok {
		return nb.hash.String()
	}
	return ""
}

func (n *Node) rpcGetBlock(_ context.Context, c *rpcserver.Call) (any, error) {
	verbose := c.Params.OptBool(1, true)
	verboseTx := c.Params.OptBool(2, false)
	b, err := n.blockParam(c)
	if err != nil {
		return nil, err
	}
	if !verbose {
		return b.msg.Hex(), nil
	}
	h := &b.msg.Header
	r := rpcjson.GetBlockVerboseResult{
		Hash: b.hash.String(), Confirmations: n.confirmations(b), Size: int32(b.size),
		Height: b.height, Version: h.Version, MerkleRoot: h.MerkleRoot.String(), StakeRoot: h.StakeRoot.String(),
		Time: int64(h.Timestamp), Nonce: h.Nonce, VoteBits: h.VoteBits, FinalState: hex.EncodeToString(h.FinalState[:]),
		Voters: h.Voters, FreshStake: h.FreshStake, Revocations: h.Revocations, PoolSize: h.PoolSize,
		Bits: fmt.Sprintf("%08x", h.Bits), SBits: coins(h.SBits), ExtraData: hex.EncodeToString(h.ExtraData[:]),
		StakeVersion: h.StakeVersion, Difficulty: 1, ChainWork: chainWork(b.height),
		PreviousHash: prevHash(b), NextHash: n.nextHash(b),
	}
	for i, tx := range b.msg.Transactions {
		if verboseTx {
			r.RawTx = append(r.RawTx, n.txRaw(tx, n.locIfBest(b, wire.TxTreeRegular, i)))
		} else {
			r.Tx = append(r.Tx, tx.TxHash().String())
		}
	}
	for i, tx := range b.msg.STransactions {
		if verboseTx {
			r.RawSTx = append(r.RawSTx, n.txRaw(tx, n.locIfBest(b, wire.TxTreeStake, i)))
		} else {
			r.STx = append(r.STx, tx.TxHash().String())
		}
	}
	return r, nil
}

func (n *Node) rpcGenerate(_ context.Context, c *rpcserver.Call) (any, error) {
	count := c.Params.Uint32(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	if count == 0 {
		return nil, rpcjson.NewError(rpcjson.ErrCodeInvalidParameter, "Please request a nonzero number of blocks to generate.")
	}
	if n.miningScript == nil {
		return nil, rpcjson.NewError(rpcjson.ErrCodeInternal, "No payment addresses specified via --miningaddr")
	}
	hashes, err := n.generate(int(count))
	if err != nil {
		return nil, rpcjson.NewError(rpcjson.ErrCodeInternal, "%v", err)
	}
	return hashes, nil
}

// locIfBest locates a transaction of b for verbose results; nil (no block
// fields) for a side-chain block.
func (n *Node) locIfBest(b *block, tree int8, i int) *txLoc {
	if !n.onBest(b) {
		return nil
	}
	return &txLoc{b.height, tree, i}
}
