package node

import (
	"context"
	"sort"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// Fork methods for the harness and tests (like generate, not part of what
// the pool calls): generateon mines on a chosen parent, reorganize makes a
// side chain the best chain; getchaintips is ecrd's own method.

// rpcGenerateOn is `generateon parenthash numblocks`: it mines numblocks
// blocks, the first on parenthash (the tip or any known block at or below
// it whose fork point is at most 63 blocks deep), each next one on the
// block before. A branch that ends higher than the tip becomes the best
// chain (a reorganization); one that does not stays a side chain, with its
// winningtickets sent when a chain through it would reorganize fewer than
// 6 blocks. Side-chain blocks hold the mempool's votes on their parent and
// the automatic revocations, nothing else.
func (n *Node) rpcGenerateOn(_ context.Context, c *rpcserver.Call) (any, error) {
	s := c.Params.String(0)
	count := c.Params.Uint32(1)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	h, err := parseHash(&c.Params, s)
	if err != nil {
		return nil, err
	}
	if count == 0 {
		return nil, rpcjson.NewError(rpcjson.ErrCodeInvalidParameter, "Please request a nonzero number of blocks to generate.")
	}
	if n.miningScript == nil {
		return nil, rpcjson.NewError(rpcjson.ErrCodeInternal, "No payment addresses specified via --miningaddr")
	}
	parent, ok := n.lookupBlock(h)
	if !ok {
		return nil, rpcjson.NewError(rpcjson.ErrCodeBlockNotFound, "Block not found")
	}
	if depth := n.chain.height() - n.forkPoint(parent).height; depth >= undoDepth {
		return nil, rpcjson.NewError(rpcjson.ErrCodeInvalidParameter, "fork point of %s is %d blocks below the tip; at most %d", s, depth, undoDepth-1)
	}
	hashes, err := n.generateOnLocked(parent, int(count))
	if err != nil {
		return nil, rpcjson.NewError(rpcjson.ErrCodeInternal, "%v", err)
	}
	return hashes, nil
}

// rpcReorganize is `reorganize depth`: it forks the best chain below its
// last depth blocks and mines depth+1 blocks on the fork point, so depth
// blocks are disconnected and the new branch, one block higher, becomes
// the best chain. It returns the new branch's hashes. The orphaned
// blocks' transactions go back to the mempool where still valid.
func (n *Node) rpcReorganize(_ context.Context, c *rpcserver.Call) (any, error) {
	depth := c.Params.Uint32(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	if depth == 0 || int64(depth) >= undoDepth || int64(depth) >= n.chain.height() {
		return nil, rpcjson.NewError(rpcjson.ErrCodeInvalidParameter, "reorganization depth %d is out of range 1..%d", depth,
			min(undoDepth-1, n.chain.height()-1))
	}
	if n.miningScript == nil {
		return nil, rpcjson.NewError(rpcjson.ErrCodeInternal, "No payment addresses specified via --miningaddr")
	}
	fork, _ := n.chain.blockAt(n.chain.height() - int64(depth))
	hashes, err := n.generateOnLocked(fork, int(depth)+1)
	if err != nil {
		return nil, rpcjson.NewError(rpcjson.ErrCodeInternal, "%v", err)
	}
	return hashes, nil
}

// chainTip is one getchaintips entry.
type chainTip struct {
	Height    int64  `json:"height"`
	Hash      string `json:"hash"`
	BranchLen int64  `json:"branchlen"`
	Status    string `json:"status"`
}

// rpcGetChainTips is ecrd's getchaintips: every block without a child, the
// best tip ("active", branchlen 0) first, then side-chain tips
// ("valid-fork", branchlen = blocks from the fork point), highest first.
func (n *Node) rpcGetChainTips(context.Context, *rpcserver.Call) (any, error) {
	hasChild := make(map[*block]bool, len(n.index))
	for _, b := range n.index {
		if b.parent != nil {
			hasChild[b.parent] = true
		}
	}
	tip := n.chain.tip()
	out := []chainTip{{Height: tip.height, Hash: tip.hash.String(), Status: "active"}}
	var side []chainTip
	for _, b := range n.index {
		if hasChild[b] || b == tip {
			continue
		}
		side = append(side, chainTip{Height: b.height, Hash: b.hash.String(),
			BranchLen: b.height - n.forkPoint(b).height, Status: "valid-fork"})
	}
	sort.Slice(side, func(i, j int) bool {
		if side[i].Height != side[j].Height {
			return side[i].Height > side[j].Height
		}
		return side[i].Hash < side[j].Hash
	})
	return append(out, side...), nil
}
