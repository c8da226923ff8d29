package node

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/simnet/internal/daemon"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// defaultVoteVersion is the vote version eacrwallet v1.5 writes on simnet.
const defaultVoteVersion = 8

// Config is the node's configuration (flags of `simnet node`).
type Config struct {
	daemon.Common
	MiningAddr   string
	MineInterval time.Duration
	VoteVersion  uint32

	// Parameter overrides (0 = the simnet value).
	TicketPoolSize        uint
	TicketMaturity        uint
	TicketExpiry          uint
	CoinbaseMaturity      uint
	StakeValidationHeight int64
	StakeEnabledHeight    int64
	MaxFreshStake         uint
	MinStakeDiff          int64
	StakeDiffWindow       int64

	// NoAutoRevocations deactivates DCP0009 (automatic revocations), as
	// on a network where the agenda is not active: missed and expired
	// tickets then wait for a revocation sent with sendrawtransaction.
	NoAutoRevocations bool
	// VoteTrace records when winningtickets reached each client and when
	// each vote was decided on (getvotetrace; see votetrace.go).
	VoteTrace bool
}

// AddFlags registers the node's flags.
func (c *Config) AddFlags(fs *flag.FlagSet) {
	c.Common.AddFlags(fs, daemon.DefaultDataDir("node"), "127.0.0.1:19556")
	fs.StringVar(&c.MiningAddr, "miningaddr", "", "address (P2PKH or P2SH) paid by coinbases; required to mine")
	fs.DurationVar(&c.MineInterval, "mineinterval", 0, "mine a block every interval (e.g. 1s; 0 = only on generate)")
	fs.Func("voteversion", "vote version reported by getvoteinfo and written in headers (default 8, as eacrwallet v1.5 on simnet)", func(s string) error {
		var v uint32
		_, err := fmt.Sscan(s, &v)
		c.VoteVersion = v
		return err
	})
	fs.UintVar(&c.TicketPoolSize, "ticketpoolsize", 0, "override TicketPoolSize (target pool = this x 5)")
	fs.UintVar(&c.TicketMaturity, "ticketmaturity", 0, "override TicketMaturity")
	fs.UintVar(&c.TicketExpiry, "ticketexpiry", 0, "override TicketExpiry")
	fs.UintVar(&c.CoinbaseMaturity, "coinbasematurity", 0, "override CoinbaseMaturity")
	fs.Int64Var(&c.StakeValidationHeight, "stakevalidationheight", 0, "override StakeValidationHeight")
	fs.Int64Var(&c.StakeEnabledHeight, "stakeenabledheight", 0, "override StakeEnabledHeight")
	fs.UintVar(&c.MaxFreshStake, "maxfreshstake", 0, "override MaxFreshStakePerBlock (max 255)")
	fs.Int64Var(&c.MinStakeDiff, "minstakediff", 0, "override MinimumStakeDiff (atoms)")
	fs.Int64Var(&c.StakeDiffWindow, "stakediffwindow", 0, "override StakeDiffWindowSize")
	fs.BoolVar(&c.VoteTrace, "votetrace", false, "record when winningtickets reached each client and when each vote was accepted (getvotetrace, for latency benchmarks)")
	fs.BoolVar(&c.NoAutoRevocations, "noautorevocations", false, "deactivate DCP0009 automatic ticket revocations (active by default, as on simnet)")
}

// params returns the simnet parameters with the overrides applied.
func (c *Config) params() (*chaincfg.Params, error) {
	p := chaincfg.SimNetParams().Copy()
	if c.TicketPoolSize > 0 {
		if c.TicketPoolSize > 65535 {
			return nil, fmt.Errorf("--ticketpoolsize %d is above 65535", c.TicketPoolSize)
		}
		p.TicketPoolSize = uint16(c.TicketPoolSize)
	}
	if c.TicketMaturity > 0 {
		p.TicketMaturity = uint16(c.TicketMaturity)
	}
	if c.TicketExpiry > 0 {
		p.TicketExpiry = uint32(c.TicketExpiry)
	}
	if c.CoinbaseMaturity > 0 {
		p.CoinbaseMaturity = uint16(c.CoinbaseMaturity)
	}
	if c.StakeValidationHeight > 0 {
		p.StakeValidationHeight = c.StakeValidationHeight
	}
	if c.StakeEnabledHeight > 0 {
		p.StakeEnabledHeight = c.StakeEnabledHeight
	}
	if c.MaxFreshStake > 0 {
		if c.MaxFreshStake > 255 {
			return nil, fmt.Errorf("--maxfreshstake %d is above 255", c.MaxFreshStake)
		}
		p.MaxFreshStakePerBlock = uint8(c.MaxFreshStake)
	}
	if c.MinStakeDiff > 0 {
		p.MinimumStakeDiff = c.MinStakeDiff
	}
	if c.StakeDiffWindow > 0 {
		p.StakeDiffWindowSize = c.StakeDiffWindow
	}
	if c.VoteVersion == 0 {
		c.VoteVersion = defaultVoteVersion
	}
	return p, nil
}

// Node is the ecrd role: chain, mempool, miner and RPC server.
type Node struct {
	mu           sync.Mutex
	syncMu       sync.Mutex // serializes fsyncs of the block store (taken without mu)
	cfg          Config
	params       *chaincfg.Params
	log          *slog.Logger
	chain        *chainState
	index        map[chainhash.Hash]*block // every known block, best chain and side chains
	atHeight     map[int64][]*block        // known blocks by height, in acceptance order
	autoRevoke   bool                      // DCP0009 automatic revocations active
	pool         *mempool
	sub          *subsidies
	verify       VerifyFunc
	store        *blockStore
	srv          *rpcserver.Server
	miningScript []byte
	nonce        uint32
	started      time.Time
	trace        *voteTrace // nil without --votetrace
}

// New opens the node's data directory, replays its stored chain (or
// creates the genesis block) and prepares the RPC server.
func New(cfg Config, log *slog.Logger, verify VerifyFunc) (*Node, error) {
	p, err := cfg.params()
	if err != nil {
		return nil, err
	}
	if err := cfg.Prepare(); err != nil {
		return nil, err
	}
	n := &Node{cfg: cfg, params: p, log: log, chain: newChainState(p), pool: newMempool(),
		sub: newSubsidies(p), verify: verify, started: time.Now(),
		index: make(map[chainhash.Hash]*block), atHeight: make(map[int64][]*block),
		autoRevoke: !cfg.NoAutoRevocations}
	if cfg.MiningAddr != "" {
		pt, err := decodePayAddress(cfg.MiningAddr, p)
		if err != nil {
			return nil, fmt.Errorf("--miningaddr: %w", err)
		}
		n.miningScript = pt.script()
	}
	genesis, err := genesisBlock(p)
	if err != nil {
		return nil, err
	}
	store, blocks, err := openBlockStore(filepath.Join(cfg.DataDir, "blocks.dat"))
	if err != nil {
		return nil, err
	}
	n.store = store
	if len(blocks) == 0 {
		if err := store.append(genesis); err != nil {
			_ = store.close() // the error returned below is the one to report
			return nil, err
		}
		if err := store.sync(); err != nil {
			_ = store.close() // the error returned below is the one to report
			return nil, err
		}
		blocks = append(blocks, genesis)
	}
	if h := blocks[0].BlockHash(); h != p.GenesisHash {
		// Data directories made before the node used the real genesis
		// block start from the simulator's own; they still replay, but
		// getblockhash 0 is not simnet's.
		log.Warn("data directory starts from an old simulator genesis block, not simnet's; delete it for a faithful chain",
			"genesis", h, "want", p.GenesisHash, "datadir", cfg.DataDir)
	}
	if err := n.replay(blocks); err != nil {
		_ = store.close() // the error returned below is the one to report
		return nil, err
	}
	log.Info("chain loaded", "height", n.chain.height(), "tip", n.chain.tip().hash, "live", len(n.chain.live),
		"sideblocks", len(n.index)-len(n.chain.blocks), "autorevocations", n.autoRevoke)
	if cfg.VoteTrace {
		n.trace = newVoteTrace()
	}
	n.srv = rpcserver.New(cfg.ServerConfig(rpcserver.NodeDialect, "P-521", log))
	n.registerMethods()
	return n, nil
}

// Start begins serving RPC.
func (n *Node) Start() error { return n.srv.Start() }

// Addr is the RPC listen address.
func (n *Node) Addr() string { return n.srv.Addr() }

// Run serves until ctx ends, mining on the timer when configured.
func (n *Node) Run(ctx context.Context) error {
	if err := n.Start(); err != nil {
		_ = n.store.close() // the error returned below is the one to report
		return err
	}
	var tick <-chan time.Time
	if n.cfg.MineInterval > 0 {
		t := time.NewTicker(n.cfg.MineInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return n.Close()
		case <-tick:
			if _, err := n.generate(1); err != nil {
				n.log.Error("timed mining failed", "err", err)
			}
		}
	}
}

// Close stops the RPC server and closes the store.
func (n *Node) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := n.srv.Shutdown(ctx)
	n.mu.Lock()
	defer n.mu.Unlock()
	if serr := n.store.close(); err == nil {
		err = serr
	}
	n.log.Info("node stopped", "height", n.chain.height())
	return err
}

// Main is `simnet node`: it parses args, runs until ctx is cancelled
// (SIGINT/SIGTERM) and returns nil on a clean stop.
func Main(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("node", flag.ContinueOnError)
	var cfg Config
	cfg.AddFlags(fs)
	if err := daemon.ParseArgs(fs, args); err != nil {
		return err
	}
	if err := cfg.Prepare(); err != nil {
		return err
	}
	log, closeLog, err := cfg.OpenLog("node")
	if err != nil {
		return err
	}
	defer closeLog()
	stopProfile, err := cfg.StartProfile(log)
	if err != nil {
		return err
	}
	defer stopProfile()
	n, err := New(cfg, log, defaultVerify)
	if err != nil {
		log.Error("node failed to start", "err", err)
		return err
	}
	return n.Run(ctx)
}
