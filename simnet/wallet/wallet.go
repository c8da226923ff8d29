package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/stakepool"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
)

// Config is what a Wallet is built from. Main fills it from the command line.
type Config struct {
	// DataDir holds the saved state.
	DataDir string
	// Seed is the HD seed all keys derive from (16..64 bytes).
	Seed []byte
	// Params are the network's parameters.
	Params *chaincfg.Params
	// GapLimit is the number of unused addresses watched beyond the last
	// one handed out, on each branch (dcrwallet's --gaplimit).
	GapLimit uint32
	// ColdExtKey and ColdCount come from --stakepoolcoldextkey=xpub:N;
	// ColdExtKey empty means the wallet is not in stake-pool mode.
	ColdExtKey string
	ColdCount  uint32
	// PoolFees is the pool fee percent (--poolfees).
	PoolFees float64
	// PoolAddress is the default fee address for the wallet's own pool
	// ticket purchases (--pooladdress).
	PoolAddress string
	// EnableVoting makes the wallet vote and revoke its tickets itself.
	EnableVoting bool
	// Passphrase is the private passphrase walletpassphrase checks.
	Passphrase string
	// VoteBits and VoteVersion are the wallet's default vote choices.
	VoteBits    uint16
	VoteVersion uint32
	// RelayFee is the fee rate in atoms per kB for the wallet's
	// transactions and tickets.
	RelayFee int64
	Log      *slog.Logger
}

// node is what the wallet needs from the node it follows. The production
// implementation talks JSON-RPC over a websocket (nodeclient.go); tests may
// substitute their own.
type node interface {
	BestBlock(ctx context.Context) (hash string, height int64, err error)
	BlockHash(ctx context.Context, height int64) (string, error)
	Block(ctx context.Context, hash string) ([]byte, error)
	SendRawTransaction(ctx context.Context, txHex string) (string, error)
	// StakeDifficulty returns the current and next ticket prices in atoms.
	StakeDifficulty(ctx context.Context) (current, next int64, err error)
	// Exists asks an exists* method (existslivetickets,
	// existsmissedtickets, existsexpiredtickets) about hashes.
	Exists(ctx context.Context, method string, hashes []string) ([]bool, error)
	// Call passes any other method through to the node.
	Call(ctx context.Context, method string, params []json.RawMessage) (json.RawMessage, error)
	Connected() bool
}

// Wallet is one running wallet. All state is guarded by mu; methods that
// talk to the node never hold mu across a call.
type Wallet struct {
	cfg  Config
	log  *slog.Logger
	keys *keyStore
	// coldAddrs is the set of fee addresses derived from the cold extended
	// key in stake-pool mode; nil otherwise.
	coldAddrs *stakepool.FeeAddressSet
	subsidy   *subsidy.Cache

	node node

	mu sync.Mutex
	st *state
	// dbMu serializes writes to db; it is taken after mu (saveUnlock
	// releases mu while it still holds dbMu).
	dbMu    sync.Mutex
	db      *journal
	scripts map[[20]byte][]byte // imported redeem scripts by hash160
	// scriptKeys are the hash160s of each imported multisig script's keys.
	scriptKeys map[[20]byte][][20]byte
	locked     bool
	lockTime   *time.Timer
	// rescanFrom is the lowest height a pending rescan must start from
	// (-1 none). The sync loop performs it.
	rescanFrom int64
	wake       chan struct{}
	// lastWinners is the last winningtickets notification (voting wallets).
	lastWinners winnerNote
}

// ErrSeedMismatch is returned when a data directory belongs to a wallet
// with another seed.
var ErrSeedMismatch = errors.New("the data directory holds a wallet made from a different seed")

// Open loads (or creates) the wallet in cfg.DataDir. It does not connect to
// the node; Run does.
func Open(cfg Config, n node) (*Wallet, error) {
	if cfg.Params == nil {
		return nil, errors.New("wallet: no network parameters")
	}
	if cfg.GapLimit == 0 {
		cfg.GapLimit = 20
	}
	if cfg.RelayFee == 0 {
		cfg.RelayFee = 10000
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	keys, err := newKeyStore(cfg.Seed, cfg.Params)
	if err != nil {
		return nil, err
	}
	db, st, err := openState(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	pub := keys.accountXpub()
	if st.AccountXpub == "" {
		st.AccountXpub = pub
	} else if st.AccountXpub != pub {
		_ = db.close() // the error returned below is the one to report
		return nil, ErrSeedMismatch
	}
	w := &Wallet{
		cfg:        cfg,
		log:        cfg.Log,
		keys:       keys,
		node:       n,
		st:         st,
		db:         db,
		scripts:    make(map[[20]byte][]byte),
		scriptKeys: make(map[[20]byte][][20]byte),
		rescanFrom: -1,
		wake:       make(chan struct{}, 1),
		subsidy:    subsidy.NewCache(cfg.Params),
	}
	if cfg.ColdExtKey != "" {
		w.coldAddrs, err = deriveColdAddresses(cfg.ColdExtKey, cfg.ColdCount, cfg.Params)
		if err != nil {
			return nil, err
		}
	}
	for _, h := range st.Scripts {
		if err := w.addScriptLocked(h); err != nil {
			return nil, fmt.Errorf("saved script %s: %w", h, err)
		}
	}
	keys.watch(0, st.NextExternal+cfg.GapLimit)
	keys.watch(1, st.NextInternal+cfg.GapLimit)
	if err := w.saveLocked(); err != nil {
		_ = db.close() // the error returned below is the one to report
		return nil, err
	}
	// A wallet.json of an earlier version is now in the snapshot.
	if err := os.Remove(statePath(cfg.DataDir)); err != nil && !errors.Is(err, os.ErrNotExist) {
		w.log.Warn("cannot remove the migrated wallet.json", "err", err)
	}
	return w, nil
}

// saveLocked makes the changes since the last save durable (one journal
// frame, fsynced), or rewrites everything when asked to or when the journal
// has grown past the snapshot; the caller holds mu (or is the only user).
func (w *Wallet) saveLocked() error {
	w.dbMu.Lock()
	defer w.dbMu.Unlock()
	if w.st.full || w.db.needsCompaction() {
		return w.compactLocked()
	}
	fr, err := w.st.changes()
	if err != nil {
		return fmt.Errorf("encode wallet state: %w", err)
	}
	if err := w.db.append(fr); err != nil {
		return fmt.Errorf("save wallet state: %w", err)
	}
	return nil
}

// saveUnlock is saveLocked for the sync loop's block processing: the
// changes are encoded under mu, which is released before the journal frame
// is written and fsynced, so the RPCs that only read (generatevote above
// all, called the moment a block arrives) do not wait for the disk. It is
// only for state derived from the chain: an RPC that reads it before the
// fsync and a crash right after only mean the blocks are processed again
// at the next start (the saved sync height is the one before). Frames stay
// in the order of the changes: dbMu is taken before mu is released, and
// every save holds it.
func (w *Wallet) saveUnlock() error {
	w.dbMu.Lock()
	defer w.dbMu.Unlock()
	if w.st.full || w.db.needsCompaction() {
		err := w.compactLocked()
		w.mu.Unlock()
		return err
	}
	fr, err := w.st.changes()
	w.mu.Unlock()
	if err != nil {
		return fmt.Errorf("encode wallet state: %w", err)
	}
	if err := w.db.append(fr); err != nil {
		return fmt.Errorf("save wallet state: %w", err)
	}
	return nil
}

// compactLocked rewrites the snapshot; mu and dbMu are held.
func (w *Wallet) compactLocked() error {
	all, err := w.st.allRecords()
	if err != nil {
		return fmt.Errorf("encode wallet state: %w", err)
	}
	if err := w.db.compact(all); err != nil {
		return fmt.Errorf("save wallet state: %w", err)
	}
	return nil
}

// closeStore closes the database files; the wallet must not be used after.
func (w *Wallet) closeStore() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.dbMu.Lock()
	defer w.dbMu.Unlock()
	return w.db.close()
}

// stakePoolMode reports whether the wallet checks users' tickets.
func (w *Wallet) stakePoolMode() bool { return w.coldAddrs != nil }

// tipHeight is the height of the last processed block.
func (w *Wallet) tipHeight() int64 { return w.st.SyncHeight }

// unlock checks the passphrase and unlocks the wallet for timeout seconds
// (0 = until walletlock).
func (w *Wallet) unlock(pass string, timeout int64) error {
	if pass != w.cfg.Passphrase {
		return errPassphrase
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.locked = false
	if w.lockTime != nil {
		w.lockTime.Stop()
		w.lockTime = nil
	}
	if timeout > 0 {
		w.lockTime = time.AfterFunc(time.Duration(timeout)*time.Second, func() {
			w.mu.Lock()
			w.locked = true
			w.mu.Unlock()
		})
	}
	return nil
}

// lock locks the wallet: signing needs walletpassphrase again.
func (w *Wallet) lock() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.locked = true
	if w.lockTime != nil {
		w.lockTime.Stop()
		w.lockTime = nil
	}
}

// isLocked reports whether signing is refused.
func (w *Wallet) isLocked() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.locked
}

// notify wakes the sync loop (a block was announced or a rescan queued).
func (w *Wallet) notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}
