package pool

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/decred/slog"

	"github.com/eacred/dcrstakepool/backend/poolapi"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// UserPrefs is one user's voting preferences (the pool's name for
// poolapi.User, the one definition both programs share).
type UserPrefs = poolapi.User

// PoolTicketID is a ticket and the multisig address that owns it (the
// pool's name for poolapi.Ticket).
type PoolTicketID = poolapi.Ticket

// Config holds a Pool's dependencies.
type Config struct {
	Node      Node
	Wallet    Wallet
	Inspector TicketInspector
	Addresses AddressChecker
	Store     Store
	// Loaded, when not nil, is the state the caller has already read
	// from Store (New then does not read it again).
	Loaded  *State
	Metrics Metrics      // optional
	Log     slog.Logger  // optional
	Agendas AgendaSource // optional; validates vote bits of the current version
	// LoadConcurrency bounds concurrent gettransaction calls while loading
	// tickets (default 32).
	LoadConcurrency int
	// Network is reported by Health.
	Network string
	// VoteTimeout bounds the voting of one block's winners, measured from
	// the winningtickets notification: a wallet or node call still running
	// then is abandoned, so a stuck daemon never sends a stale vote late
	// (default DefaultVoteTimeout).
	VoteTimeout time.Duration
	// PrefsWait is how long a vote waits, after start-up, for the front
	// end's first full push of the users' preferences (the stored ones may
	// be stale or missing); the vote is cast as soon as the push arrives, or
	// with the stored bits (the wallet's default for an unknown user) when
	// the wait is over. Default min(2 s, VoteTimeout/4); negative disables
	// the wait.
	PrefsWait time.Duration
	// PrefsGrace ends that waiting when no push came this long after
	// start-up (the front end is down): votes then use the stored
	// preferences at once. Default DefaultPrefsGrace.
	PrefsGrace time.Duration
}

// DefaultPrefsGrace is Config.PrefsGrace's default.
const DefaultPrefsGrace = 30 * time.Second

// DefaultVoteTimeout is Config.VoteTimeout's default.
const DefaultVoteTimeout = 10 * time.Second

// AgendaSource returns the agendas of a vote version. It is the chain
// parameters (*chaincfg.Params), the one source of agendas: pushed vote
// bits are checked against it, and the front end is answered with it.
type AgendaSource interface {
	Agendas(voteVersion uint32) ([]chaincfg.Agenda, bool)
}

// Pool tracks the pool's tickets and users and votes.
type Pool struct {
	node        Node
	wallet      Wallet
	inspector   TicketInspector
	addrs       AddressChecker
	store       Store
	metrics     Metrics
	log         slog.Logger
	agendas     AgendaSource
	loadConc    int
	network     string
	voteTimeout time.Duration
	prefsWait   time.Duration

	// prefsPushed is closed once the front end has pushed preferences
	// (at once when the stored state had users).
	prefsPushed chan struct{}
	prefsOnce   sync.Once

	// saveMu serialises Store writes so memory and disk change in the same
	// order; commits stages the changes waiting for the next write
	// (commit.go).
	saveMu  sync.Mutex
	commits committer

	mu      sync.RWMutex
	users   map[string]UserPrefs // by multisig address
	added   map[string]string    // ticket -> multisig, admin-added
	live    map[string]string    // ticket -> multisig, fee OK
	ignored map[string]string    // ticket -> multisig, low fee
	// gone holds the tickets recent blocks spent or missed (ticket ->
	// height), ours or not yet known: a newtickets or winner lookup that
	// finishes after the block that spent the ticket must not make it
	// live again.
	gone     map[string]int64
	low      lowFeeBook // what is known about low-fee tickets (lowfee.go)
	defaults WalletInfo // wallet's default vote bits/version
	walletOK bool       // CheckWallet passed: voting allowed
	synced   bool       // ticket sets built at least once

	processedHeight atomic.Int64
	revoking        atomic.Bool // a revoketickets call is running
	autoRevoke      atomic.Bool // DCP0009 active: the node revokes

	chainMu sync.Mutex
	tips    map[int64][]string    // height -> tips processed (recent heights)
	removed map[string]removedSet // block hash -> tickets it spent or missed

	digestMu sync.Mutex
	digest   digestCache // StateDigest of the current maps (digest.go)
}

// New builds a Pool and loads the stored preferences and added tickets.
func New(cfg Config) (*Pool, error) {
	var err error
	p := &Pool{
		node:        cfg.Node,
		wallet:      cfg.Wallet,
		inspector:   cfg.Inspector,
		addrs:       cfg.Addresses,
		store:       cfg.Store,
		metrics:     cfg.Metrics,
		log:         cfg.Log,
		agendas:     cfg.Agendas,
		loadConc:    cfg.LoadConcurrency,
		network:     cfg.Network,
		users:       make(map[string]UserPrefs),
		added:       make(map[string]string),
		live:        make(map[string]string),
		ignored:     make(map[string]string),
		gone:        make(map[string]int64),
		low:         newLowFeeBook(),
		voteTimeout: cfg.VoteTimeout,
		prefsWait:   cfg.PrefsWait,
		prefsPushed: make(chan struct{}),
		tips:        make(map[int64][]string),
		removed:     make(map[string]removedSet),
	}
	if p.voteTimeout <= 0 {
		p.voteTimeout = DefaultVoteTimeout
	}
	if p.prefsWait == 0 {
		p.prefsWait = min(2*time.Second, p.voteTimeout/4)
	}
	if p.metrics == nil {
		p.metrics = nopMetrics{}
	}
	if p.log == nil {
		p.log = slog.Disabled
	}
	if p.loadConc <= 0 {
		p.loadConc = 32
	}
	if p.store != nil || cfg.Loaded != nil {
		var st State
		if cfg.Loaded != nil {
			st = *cfg.Loaded
		} else if st, err = p.store.Load(); err != nil {
			return nil, wrapCall(err, "load stored state")
		}
		for _, u := range st.Users {
			p.users[u.MultisigAddress] = u
		}
		for _, t := range st.AddedTickets {
			p.added[t.Hash] = t.MultisigAddress
		}
		p.log.Infof("Loaded %d users' voting preferences and %d added low-fee tickets from disk",
			len(p.users), len(p.added))
	}
	switch {
	case p.prefsWait <= 0:
		p.markPrefsPushed()
	default:
		grace := cfg.PrefsGrace
		if grace <= 0 {
			grace = DefaultPrefsGrace
		}
		if len(p.users) == 0 {
			p.log.Warnf("No stored voting preferences: until the front end pushes them, a winner of an unknown user "+
				"waits up to %v for them and is then voted with the wallet's default bits", p.prefsWait)
		}
		p.log.Infof("Until the front end's first push of the users' preferences (at most %v), each vote waits "+
			"up to %v for it", grace, p.prefsWait)
		time.AfterFunc(grace, func() {
			select {
			case <-p.prefsPushed:
			default:
				p.log.Warnf("No voting preferences from the front end %v after start-up: voting with the stored ones", grace)
				p.markPrefsPushed()
			}
		})
	}
	return p, nil
}

// CheckWallet reads the wallet's settings and refuses a wallet that votes on
// its own (the pool would double vote). It keeps the wallet's default vote
// bits for users without preferences.
func (p *Pool) CheckWallet(ctx context.Context) (WalletInfo, error) {
	wi, err := p.wallet.WalletInfo(ctx)
	if err != nil {
		return wi, wrapCall(err, "wallet walletinfo")
	}
	if wi.Voting {
		p.mu.Lock()
		p.walletOK = false
		p.mu.Unlock()
		return wi, Errorf(KindPrecondition, "the wallet has voting enabled; "+
			"run it with enablevoting=0 so that only stakepoold votes (otherwise tickets are voted twice)")
	}
	p.mu.Lock()
	p.defaults, p.walletOK = wi, true
	p.mu.Unlock()
	return wi, nil
}

// Counts returns the sizes of the live (votable), ignored and added sets and
// the number of users.
func (p *Pool) Counts() (live, ignored, added, users int) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	live = len(p.live)
	for t := range p.added {
		if _, ok := p.ignored[t]; ok {
			live++
		}
	}
	return live, len(p.ignored) - p.addedIgnoredLocked(), len(p.added), len(p.users)
}

func (p *Pool) addedIgnoredLocked() int {
	n := 0
	for t := range p.added {
		if _, ok := p.ignored[t]; ok {
			n++
		}
	}
	return n
}

// LiveTickets lists the tickets that will be voted: fee-checked tickets plus
// tracked low-fee tickets an admin added.
func (p *Pool) LiveTickets() []PoolTicketID {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := make([]PoolTicketID, 0, len(p.live))
	for t, a := range p.live {
		out = append(out, PoolTicketID{Hash: t, MultisigAddress: a})
	}
	for t, a := range p.added {
		if _, ok := p.ignored[t]; ok {
			out = append(out, PoolTicketID{Hash: t, MultisigAddress: a})
		}
	}
	return sortTickets(out)
}

// IgnoredTickets lists tracked low-fee tickets that were not added.
func (p *Pool) IgnoredTickets() []PoolTicketID {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := make([]PoolTicketID, 0, len(p.ignored))
	for t, a := range p.ignored {
		if _, ok := p.added[t]; !ok {
			out = append(out, PoolTicketID{Hash: t, MultisigAddress: a})
		}
	}
	return sortTickets(out)
}

// AddedTickets lists the admin-added low-fee tickets.
func (p *Pool) AddedTickets() []PoolTicketID {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := make([]PoolTicketID, 0, len(p.added))
	for t, a := range p.added {
		out = append(out, PoolTicketID{Hash: t, MultisigAddress: a})
	}
	return sortTickets(out)
}

// Users returns the stored preferences, sorted by user id.
func (p *Pool) Users() []UserPrefs {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := make([]UserPrefs, 0, len(p.users))
	for _, u := range p.users {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UserID < out[j].UserID })
	return out
}

func sortTickets(ts []PoolTicketID) []PoolTicketID {
	sort.Slice(ts, func(i, j int) bool { return ts[i].Hash < ts[j].Hash })
	return ts
}

// ProcessedHeight is the height of the last block whose winners were
// processed (0 before the first).
func (p *Pool) ProcessedHeight() int64 { return p.processedHeight.Load() }

// heightCache remembers block heights for the duration of one ticket scan
// (many tickets share a block). It is dropped with the scan, so the daemon
// does not keep one entry per block it has ever seen; nil asks every time.
type heightCache struct {
	mu sync.Mutex
	m  map[string]int64
}

func newHeightCache() *heightCache { return &heightCache{m: make(map[string]int64)} }

// blockHeight returns the height of a block, from c when it knows it.
func (p *Pool) blockHeight(ctx context.Context, c *heightCache, hash string) (int64, error) {
	if c != nil {
		c.mu.Lock()
		h, ok := c.m[hash]
		c.mu.Unlock()
		if ok {
			return h, nil
		}
	}
	h, err := p.node.BlockHeight(ctx, hash)
	if err != nil {
		return 0, err
	}
	if c != nil {
		c.mu.Lock()
		c.m[hash] = h
		c.mu.Unlock()
	}
	return h, nil
}
