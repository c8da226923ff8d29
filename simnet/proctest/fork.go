package proctest

import (
	"context"

	"github.com/eacred/dcrstakepool/simnet/ctl"
)

// Forks: thin typed wrappers of the simulator node's fork methods, for
// tests that make side chains and reorganizations (see simnet/node's
// package doc for what the node notifies for each).

// ChainTip is one entry of the node's getchaintips: the best tip has
// Status "active" and BranchLen 0, side-chain tips "valid-fork" and the
// number of blocks from their fork point.
type ChainTip struct {
	Height    int64  `json:"height"`
	Hash      string `json:"hash"`
	BranchLen int64  `json:"branchlen"`
	Status    string `json:"status"`
}

// GenerateOn mines n blocks, the first on parent (any known block at or
// below the tip whose fork point is at most 63 blocks deep), each next one
// on the block before, and returns their hashes. A branch ending higher
// than the tip becomes the best chain; otherwise it stays a side chain.
// GenerateOn(tip's parent, 1) makes two tips at one height.
func GenerateOn(ctx context.Context, node ctl.Options, parent string, n int) ([]string, error) {
	var hashes []string
	err := Call(ctx, node, "generateon", &hashes, parent, n)
	return hashes, err
}

// Reorganize makes the node disconnect its last depth blocks: it mines
// depth+1 blocks on the block depth below the tip and returns their hashes
// (the new best branch, fork point's child first).
func Reorganize(ctx context.Context, node ctl.Options, depth int) ([]string, error) {
	var hashes []string
	err := Call(ctx, node, "reorganize", &hashes, depth)
	return hashes, err
}

// ChainTips returns the node's getchaintips.
func ChainTips(ctx context.Context, node ctl.Options) ([]ChainTip, error) {
	var tips []ChainTip
	err := Call(ctx, node, "getchaintips", &tips)
	return tips, err
}

// BestBlock returns the node's best block hash and height.
func BestBlock(ctx context.Context, node ctl.Options) (string, int64, error) {
	var res struct {
		Hash   string `json:"hash"`
		Height int64  `json:"height"`
	}
	err := Call(ctx, node, "getbestblock", &res)
	return res.Hash, res.Height, err
}

// BlockHash returns the hash of the best-chain block at height.
func BlockHash(ctx context.Context, node ctl.Options, height int64) (string, error) {
	var h string
	err := Call(ctx, node, "getblockhash", &h, height)
	return h, err
}
