package simtest

import (
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/internal/chaincheck"
)

// nodeSource reads blocks (side chains too) and transactions from the
// simulator node, for internal/chaincheck.
type nodeSource struct{ p *proc }

func (s nodeSource) Block(h chainhash.Hash) (*wire.MsgBlock, error) {
	var hexBlock string
	if err := s.p.call("getblock", &hexBlock, h.String(), false); err != nil {
		return nil, err
	}
	return wire.NewBlockFromHex(hexBlock)
}

func (s nodeSource) Tx(h chainhash.Hash) (*wire.MsgTx, error) {
	var hexTx string
	if err := s.p.call("getrawtransaction", &hexTx, h.String(), 0); err != nil {
		return nil, err
	}
	return wire.NewTxFromHex(hexTx)
}

// checkChain runs every block of the scenario through the consensus checks
// of internal/chaincheck: the best chain from stake validation height to
// the tip and every block mined with the fork API (side chains and
// orphaned blocks), so the simulator's votes, automatic revocations and
// tickets are judged by rules it does not share.
func (w *world) checkChain() {
	t := w.t
	t.Helper()
	params := chaincfg.SimNetParams()
	c := chaincheck.New(nodeSource{w.node}, params)
	var best rpcjson.GetBestBlockResult
	w.node.must("getbestblock", &best)
	hashes := append([]string(nil), w.forked...)
	for h := params.StakeValidationHeight - 1; h <= best.Height; h++ {
		var hash string
		w.node.must("getblockhash", &hash, h)
		hashes = append(hashes, hash)
	}
	src := nodeSource{w.node}
	for _, s := range hashes {
		h, err := chainhash.NewHashFromStr(s)
		if err != nil {
			t.Fatal(err)
		}
		b, err := src.Block(*h)
		if err != nil {
			t.Fatalf("block %s: %v", s, err)
		}
		for _, err := range c.Block(b) {
			t.Error(err)
		}
	}
	t.Logf("chain checked: %+v (%d fork-API blocks)", c.Stats, len(w.forked))
	if c.Votes == 0 {
		t.Error("no vote in the blocks checked")
	}
}
