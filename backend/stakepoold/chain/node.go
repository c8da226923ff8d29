package chain

import (
	"context"
	"encoding/hex"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Node implements pool.Node over an ecrd connection.
type Node struct {
	C *rpcclient.Client
}

// BestBlock implements pool.Node.
func (n Node) BestBlock(ctx context.Context) (pool.BlockRef, error) {
	h, height, err := n.C.GetBestBlock(ctx)
	if err != nil {
		return pool.BlockRef{}, Classify(err, "getbestblock")
	}
	return pool.BlockRef{Hash: h.String(), Height: height}, nil
}

// BlockHeight implements pool.Node.
func (n Node) BlockHeight(ctx context.Context, blockHash string) (int64, error) {
	h, err := parseHash(blockHash)
	if err != nil {
		return 0, err
	}
	hdr, err := n.C.GetBlockHeaderVerbose(ctx, h)
	if err != nil {
		return 0, Classify(err, "getblockheader")
	}
	return int64(hdr.Height), nil
}

// SendRawTransaction implements pool.Node (allowhighfees false).
func (n Node) SendRawTransaction(ctx context.Context, txHex string) (string, error) {
	var txid string
	if err := n.C.Call(ctx, rpcjson.MethodSendRawTransaction, &txid, txHex, false); err != nil {
		return "", Classify(err, "sendrawtransaction")
	}
	return txid, nil
}

// RawTransaction implements pool.Node (needs ecrd's txindex for mined
// transactions).
func (n Node) RawTransaction(ctx context.Context, txid string) (pool.WalletTx, error) {
	h, err := parseHash(txid)
	if err != nil {
		return pool.WalletTx{}, err
	}
	tx, err := n.C.GetRawTransactionVerbose(ctx, h)
	if err != nil {
		return pool.WalletTx{}, Classify(err, "getrawtransaction")
	}
	return pool.WalletTx{Hex: tx.Hex, BlockHash: tx.BlockHash}, nil
}

// BlockStakeTxs implements pool.Node. It asks for the serialized block
// (getblock verbose=false) and decodes it here: the node does not build
// and encode a decoded copy of every transaction, and stakepoold does not
// parse one, while the block's votes are being cast.
func (n Node) BlockStakeTxs(ctx context.Context, blockHash string) ([]pool.StakeTx, error) {
	h, err := parseHash(blockHash)
	if err != nil {
		return nil, err
	}
	raw, err := n.C.GetBlock(ctx, h)
	if err != nil {
		return nil, Classify(err, "getblock")
	}
	return stakeTxsOf(raw)
}

// stakeTxsOf lists the stake tree of a serialized block.
func stakeTxsOf(raw []byte) ([]pool.StakeTx, error) {
	b, err := wire.NewBlockFromBytes(raw)
	if err != nil {
		return nil, pool.Errorf(pool.KindInternal, "getblock: undecodable block: %v", err)
	}
	out := make([]pool.StakeTx, len(b.STransactions))
	for i, tx := range b.STransactions {
		out[i] = pool.StakeTx{Hash: tx.TxHash().String(), Hex: tx.Hex()}
	}
	return out, nil
}

// AgendaStatus implements pool.Node: the status getvoteinfo gives each
// agenda of the version (the definitions come from chaincfg, not from here).
func (n Node) AgendaStatus(ctx context.Context, version uint32) (map[string]string, error) {
	vi, err := n.C.GetVoteInfo(ctx, version)
	if err != nil {
		return nil, Classify(err, "getvoteinfo")
	}
	out := make(map[string]string, len(vi.Agendas))
	for _, a := range vi.Agendas {
		out[a.ID] = a.Status
	}
	return out, nil
}

// AutoRevocations implements pool.Node: the "autorevocations" deployment
// of getblockchaininfo is "active".
func (n Node) AutoRevocations(ctx context.Context) (bool, error) {
	var res struct {
		Deployments map[string]struct {
			Status string `json:"status"`
		} `json:"deployments"`
	}
	if err := n.C.Call(ctx, methodGetBlockchainInfo, &res); err != nil {
		return false, Classify(err, "getblockchaininfo")
	}
	return res.Deployments[autoRevocationsAgenda].Status == "active", nil
}

// methodGetBlockchainInfo is ecrd's chain state method (deployments).
const methodGetBlockchainInfo = "getblockchaininfo"

// autoRevocationsAgenda is DCP0009's agenda id.
const autoRevocationsAgenda = "autorevocations"

// Connected implements pool.Node.
func (n Node) Connected() bool { return connected(n.C) }

// decodeHex converts a hex string to bytes, as an invalid-input error.
func decodeHex(s, what string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, pool.Errorf(pool.KindInternal, "%s: not hex: %v", what, err)
	}
	return b, nil
}
