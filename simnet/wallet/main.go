package wallet

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/simnet/internal/daemon"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// seedFileName holds the wallet's seed (hex) in its data directory, so a
// restart needs no --seed.
const seedFileName = "wallet.seed"

// flags are the wallet's command-line options.
type flags struct {
	daemon.Common
	seed         string
	rpcConnect   string
	nodeUser     string
	nodePass     string
	caFile       string
	noClientTLS  bool
	coldExtKey   string
	poolFees     float64
	poolAddress  string
	enableVoting bool
	gapLimit     uint
	pass         string
	voteBits     uint
	voteVersion  uint
	txFee        float64

	// Chain parameter overrides; they must match the node's.
	ticketPoolSize, ticketMaturity, ticketExpiry, coinbaseMaturity uint
	stakeValidationHeight                                          int64
}

func (f *flags) add(fs *flag.FlagSet) {
	f.Common.AddFlags(fs, daemon.DefaultDataDir("wallet"), "127.0.0.1:19557")
	fs.StringVar(&f.seed, "seed", "", "hex HD seed (16..64 bytes); required on first start, saved in the data directory")
	fs.StringVar(&f.rpcConnect, "rpcconnect", "127.0.0.1:19556", "node JSON-RPC host:port")
	fs.StringVar(&f.nodeUser, "nodeuser", "", "node RPC user (default: --rpcuser)")
	fs.StringVar(&f.nodePass, "nodepass", "", "node RPC password (default: --rpcpass)")
	fs.StringVar(&f.caFile, "cafile", "", "the node's rpc.cert (required unless --noclienttls)")
	fs.BoolVar(&f.noClientTLS, "noclienttls", false, "connect to the node without TLS")
	fs.StringVar(&f.coldExtKey, "stakepoolcoldextkey", "", "stake pool mode: <cold wallet account xpub>:<N> (fee addresses 0..N)")
	fs.Float64Var(&f.poolFees, "poolfees", 0, "pool fee percent (e.g. 7.5) to check users' tickets against and for own pool tickets")
	fs.StringVar(&f.poolAddress, "pooladdress", "", "default pool fee address for purchaseticket")
	fs.BoolVar(&f.enableVoting, "enablevoting", false, "vote and revoke the wallet's tickets automatically (off in stake pool setups)")
	fs.UintVar(&f.gapLimit, "gaplimit", 20, "unused addresses watched past the last used one")
	fs.StringVar(&f.pass, "pass", "", "private passphrase walletpassphrase checks (the wallet starts unlocked)")
	fs.UintVar(&f.voteBits, "votebits", 1, "default vote bits")
	fs.UintVar(&f.voteVersion, "voteversion", 0, "vote version written in votes (default the network's wallet vote version)")
	fs.Float64Var(&f.txFee, "txfee", 0.0001, "relay fee rate in coins per kB for transactions and tickets")
	fs.UintVar(&f.ticketPoolSize, "ticketpoolsize", 0, "override TicketPoolSize (as given to the node)")
	fs.UintVar(&f.ticketMaturity, "ticketmaturity", 0, "override TicketMaturity (as given to the node)")
	fs.UintVar(&f.ticketExpiry, "ticketexpiry", 0, "override TicketExpiry (as given to the node)")
	fs.UintVar(&f.coinbaseMaturity, "coinbasematurity", 0, "override CoinbaseMaturity (as given to the node)")
	fs.Int64Var(&f.stakeValidationHeight, "stakevalidationheight", 0, "override StakeValidationHeight (as given to the node)")
}

// params returns the simnet parameters with the overrides applied.
func (f *flags) params() (*chaincfg.Params, error) {
	p := chaincfg.SimNetParams().Copy()
	if f.ticketPoolSize > 65535 || f.ticketMaturity > 65535 || f.coinbaseMaturity > 65535 || f.ticketExpiry >= 1<<32 {
		return nil, errors.New("a chain parameter override is out of range")
	}
	if f.ticketPoolSize > 0 {
		p.TicketPoolSize = uint16(f.ticketPoolSize)
	}
	if f.ticketMaturity > 0 {
		p.TicketMaturity = uint16(f.ticketMaturity)
	}
	if f.ticketExpiry > 0 {
		p.TicketExpiry = uint32(f.ticketExpiry)
	}
	if f.coinbaseMaturity > 0 {
		p.CoinbaseMaturity = uint16(f.coinbaseMaturity)
	}
	if f.stakeValidationHeight > 0 {
		p.StakeValidationHeight = f.stakeValidationHeight
	}
	return p, nil
}

// loadSeed returns the seed from --seed or the data directory, saving a
// new one and refusing a --seed that differs from the saved one.
func (f *flags) loadSeed() ([]byte, error) {
	path := filepath.Join(f.DataDir, seedFileName)
	saved, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read seed: %w", err)
	}
	var seed []byte
	if f.seed != "" {
		if seed, err = hex.DecodeString(f.seed); err != nil {
			return nil, errors.New("--seed is not hex")
		}
	}
	switch {
	case len(saved) == 0 && seed == nil:
		return nil, errors.New("--seed is required to create a wallet")
	case len(saved) == 0:
		if len(seed) < 16 || len(seed) > 64 {
			return nil, fmt.Errorf("--seed must be 16 to 64 bytes, not %d", len(seed))
		}
		if err := daemon.WriteFileAtomic(path, []byte(hex.EncodeToString(seed)), 0o600); err != nil {
			return nil, err
		}
		return seed, nil
	}
	old, err := hex.DecodeString(string(bytes.TrimSpace(saved)))
	if err != nil {
		return nil, fmt.Errorf("%s is corrupt", path)
	}
	if seed != nil && !bytes.Equal(seed, old) {
		return nil, ErrSeedMismatch
	}
	return old, nil
}

// config turns the flags into a wallet Config.
func (f *flags) config() (Config, error) {
	p, err := f.params()
	if err != nil {
		return Config{}, err
	}
	seed, err := f.loadSeed()
	if err != nil {
		return Config{}, err
	}
	cfg := Config{DataDir: f.DataDir, Seed: seed, Params: p, GapLimit: uint32(f.gapLimit), PoolFees: f.poolFees,
		PoolAddress: f.poolAddress, EnableVoting: f.enableVoting, Passphrase: f.pass, VoteBits: uint16(f.voteBits),
		VoteVersion: uint32(f.voteVersion)}
	if f.voteBits > 0xffff || f.gapLimit == 0 || f.gapLimit > 10000 {
		return Config{}, errors.New("--votebits or --gaplimit out of range")
	}
	if cfg.VoteVersion == 0 {
		cfg.VoteVersion = p.WalletVoteVersion
	}
	if cfg.RelayFee, err = fromCoin(f.txFee); err != nil || cfg.RelayFee <= 0 {
		return Config{}, errors.New("--txfee must be a positive amount")
	}
	if f.coldExtKey != "" {
		if cfg.ColdExtKey, cfg.ColdCount, err = ParseColdExtKey(f.coldExtKey); err != nil {
			return Config{}, err
		}
		if !validPoolFees(f.poolFees) {
			return Config{}, errors.New("stake pool mode needs --poolfees between 0.01 and 100")
		}
	}
	if f.poolFees != 0 && !validPoolFees(f.poolFees) {
		return Config{}, errors.New("--poolfees must be between 0.01 and 100")
	}
	return cfg, nil
}

// Main runs the wallet role until ctx is cancelled (SIGINT/SIGTERM).
func Main(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("wallet", flag.ContinueOnError)
	var f flags
	f.add(fs)
	if err := daemon.ParseArgs(fs, args); err != nil {
		return err // -h comes back as flag.ErrHelp, which simnet exits 0 on
	}
	if err := f.Prepare(); err != nil {
		return err
	}
	log, closeLog, err := f.OpenLog("wallet")
	if err != nil {
		return err
	}
	defer closeLog()
	stopProfile, err := f.StartProfile(log)
	if err != nil {
		return err
	}
	defer stopProfile()
	cfg, err := f.config()
	if err != nil {
		log.Error("bad configuration", "err", err)
		return err
	}
	cfg.Log = log
	if !f.noClientTLS && f.caFile == "" {
		return errors.New("--cafile (the node's rpc.cert) is required unless --noclienttls")
	}
	nodeUser, nodePass := f.nodeUser, f.nodePass
	if nodeUser == "" {
		nodeUser = f.User
	}
	if nodePass == "" {
		nodePass = f.Pass
	}
	var wp atomic.Pointer[Wallet] // set once the wallet is open
	n, err := dialNode(rpcclient.Config{Host: f.rpcConnect, User: nodeUser, Pass: nodePass, CertFile: f.caFile,
		DisableTLS: f.noClientTLS, MinBackoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second,
		CallTimeout: 30 * time.Second, Log: clientLog{log},
		Handlers: rpcclient.NotificationHandlers{
			OnBlockConnected: func([]byte, [][]byte) {
				if w := wp.Load(); w != nil {
					w.BlockConnected()
				}
			},
			OnWinningTickets: func(block chainhash.Hash, height int64, tickets []chainhash.Hash) {
				w := wp.Load()
				if w == nil {
					return
				}
				hs := make([]string, len(tickets))
				for i, t := range tickets {
					hs[i] = t.String()
				}
				w.WinningTickets(ctx, block.String(), height, hs)
			},
		}})
	if err != nil {
		log.Error("bad node connection settings", "err", err)
		return err
	}
	defer n.Close()
	w, err := Open(cfg, n)
	if err != nil {
		log.Error("cannot open wallet", "err", err)
		return err
	}
	wp.Store(w)
	srv := rpcserver.New(f.ServerConfig(rpcserver.WalletDialect, "P-256", log))
	w.Register(srv)
	if err := srv.Start(); err != nil {
		log.Error("cannot start RPC server", "err", err)
		return err
	}
	log.Info("wallet RPC server listening", "addr", srv.Addr(), "stakepool", w.stakePoolMode(),
		"voting", cfg.EnableVoting, "xpub", w.keys.accountXpub())
	go w.subscribe(ctx, n)
	go w.watchConnection(ctx, n.c)
	err = w.Run(ctx)
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutCtx); serr != nil && err == nil {
		err = serr
	}
	w.mu.Lock()
	if serr := w.saveLocked(); serr != nil && err == nil {
		err = serr
	}
	w.mu.Unlock()
	if cerr := w.closeStore(); cerr != nil && err == nil {
		err = cerr
	}
	log.Info("wallet stopped")
	return err
}

// subscribe asks the node for block (and, for a voting wallet, winning
// ticket) notifications once it is reachable; the client repeats the
// subscriptions after every reconnect.
func (w *Wallet) subscribe(ctx context.Context, n *rpcNode) {
	for ctx.Err() == nil {
		if err := n.c.WaitConnected(ctx); err != nil {
			return
		}
		err := n.c.NotifyBlocks(ctx)
		if err == nil && w.cfg.EnableVoting {
			err = n.c.NotifyWinningTickets(ctx)
		}
		if err == nil {
			w.notify()
			return
		}
		w.log.Warn("subscribing to node notifications failed; retrying", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// Register adds the wallet's methods to srv and passes every other method
// through to the node, as eacrwallet does.
func (w *Wallet) Register(srv *rpcserver.Server) {
	for _, ms := range [][]rpcserver.Method{w.addrMethods(), w.stakeMethods(), w.txMethods(), w.infoMethods(), w.voteChoiceMethods()} {
		srv.Register(ms...)
	}
	srv.SetFallback(func(ctx context.Context, c *rpcserver.Call) (any, error) {
		return w.node.Call(ctx, c.Method, c.Params.All())
	})
}
