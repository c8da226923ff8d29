package stakepooldclient

import (
	"context"
	"sync"
	"time"

	"github.com/eacred/dcrstakepool/eacred/votebits"
)

// Backend is one stakepoold, spoken to in domain types. Implementations wrap
// failures in ErrBackendDown or ErrBackendRejected; any other error is
// treated as "down". Dial returns the gRPC implementation.
type Backend interface {
	// Name identifies the backend in logs and on the status page (host:port).
	Name() string
	// ConnState is the transport's state (gRPC connectivity state name).
	ConnState() string
	Version(ctx context.Context) (Version, error)
	Health(ctx context.Context) (Health, error)
	PoolConfig(ctx context.Context) (PoolConfig, error)
	// PrepareUserScript asks the backend for user req.Index's voting
	// script (API 1.3): its wallet watches the pool key's index, says
	// whether it owns req.PoolAddress and gives its pubkey, and the backend
	// builds and checks the 1-of-2 multisig [pool key, user key].
	PrepareUserScript(ctx context.Context, req AddressRequest) (UserScript, error)
	// ImportUserScript imports user index's voting script without rescan
	// and returns the best block height. Importing a known script succeeds.
	ImportUserScript(ctx context.Context, index uint32, ms Multisig) (int64, error)
	// ImportScripts imports scripts (hex) the wallet is missing and rescans
	// from rescanFrom.
	ImportScripts(ctx context.Context, scripts []string, rescanFrom int64) error
	// ImportedAddresses lists the P2SH addresses of the scripts the wallet
	// has imported.
	ImportedAddresses(ctx context.Context) ([]string, error)
	// WalletTickets lists the tickets the wallet tracks (immature included).
	WalletTickets(ctx context.Context) ([]string, error)
	// AddMissingTicket gives the wallet a ticket another wallet knows.
	AddMissingTicket(ctx context.Context, hash string) error
	// SetVotingPrefs replaces every user's voting preferences.
	SetVotingPrefs(ctx context.Context, prefs []VotingPrefs) error
	// SetUserVotingPrefs sets one user's voting preferences.
	SetUserVotingPrefs(ctx context.Context, prefs VotingPrefs) error
	// SetAddedLowFeeTickets replaces the admin-added low-fee tickets.
	SetAddedLowFeeTickets(ctx context.Context, tickets []Ticket) error
	AddedLowFeeTickets(ctx context.Context) ([]Ticket, error)
	// LowFeeTickets lists the ignored low-fee tickets with their state and
	// mined height, and with includeEnded those that ended (API 1.2).
	LowFeeTickets(ctx context.Context, includeEnded bool) ([]LowFeeTicket, error)
	LiveTickets(ctx context.Context) ([]Ticket, error)
	UserTickets(ctx context.Context, multisigAddr string) (UserTickets, error)
	StakeInfo(ctx context.Context) (StakeInfo, error)
	Agendas(ctx context.Context) (votebits.VoteInfo, error)
	Close() error
}

// member is one backend plus what the client knows about it.
type member struct {
	b Backend

	mu        sync.Mutex
	state     State
	health    Health
	healthAt  time.Time
	answered  bool // the last Health call was answered
	version   Version
	lastErr   string
	lastErrAt time.Time
	// needsSync: the backend missed a write (or was never synced) and must
	// be repaired before it counts as healthy.
	needsSync bool
	// dirty: a write happened while a repair was running, so the repair
	// must run again before the backend is healthy.
	dirty bool
	// kick asks the member's poll loop to poll now (buffered, 1).
	kick chan struct{}
	// run is the repair in progress (nil when none).
	run *repairRun
	// stale: the last poll found the backend's state digest different
	// from the database's; mismatchAt/mismatchWait pace repairs of a
	// digest that stays different after a repair.
	stale        bool
	mismatchAt   time.Time
	mismatchWait time.Duration
}

// repairRun is one repair of a member; done closes when it ends.
type repairRun struct {
	done chan struct{}
	err  error
}

func (m *member) name() string { return m.b.Name() }

// usable reports whether the member should be sent calls (not known down).
func (m *member) usable() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state != StateDown
}

func (m *member) healthy() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state == StateHealthy
}

// fail records err; a "down" error also marks the member down and in need
// of a repair. It reports whether this is news (a new error text or a
// change of state), so callers log a failing backend once, not every poll.
func (m *member) fail(err error, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	news := m.lastErr != err.Error()
	m.lastErr = err.Error()
	m.lastErrAt = now
	if isDown(err) {
		news = news || m.state != StateDown
		m.state = StateDown
		m.needsSync = true
		m.dirty = true
	}
	return news
}

// missedWrite marks that the member did not receive a write.
func (m *member) missedWrite() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.needsSync = true
	m.dirty = true
	if m.state == StateHealthy {
		m.state = StateDown
	}
}

// wrote notes a successful write; if a repair is running it must re-run so
// that the write is not lost behind the repair's older snapshot.
func (m *member) wrote() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.state == StateSyncing {
		m.dirty = true
	}
}

func (m *member) setHealth(h Health, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.health = h
	m.healthAt = now
	m.answered = true
}

// poke asks the member's poll loop to poll at once.
func (m *member) poke() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

func (m *member) status() BackendStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	return BackendStatus{
		Name:        m.b.Name(),
		Conn:        m.b.ConnState(),
		State:       m.state,
		Health:      m.health,
		HealthAt:    m.healthAt,
		Answered:    m.answered,
		Version:     m.version,
		LastError:   m.lastErr,
		LastErrorAt: m.lastErrAt,
	}
}
