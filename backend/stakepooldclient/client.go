package stakepooldclient

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/decred/slog"
	"github.com/eacred/dcrstakepool/eacred/votebits"
)

// Options configures a Client. Zero values get the defaults noted.
type Options struct {
	// CallTimeout bounds every ordinary call to one backend (default 5s).
	CallTimeout time.Duration
	// SyncTimeout bounds the slow repair calls (script import with rescan,
	// pushing every user's preferences) (default 2m).
	SyncTimeout time.Duration
	// ColdWalletExtPub is the front end's cold wallet xpub; every backend
	// must report the same one.
	ColdWalletExtPub string
	// Network ("mainnet", "testnet3", "simnet") and PoolFees (percent) are
	// compared with every backend's when set.
	Network  string
	PoolFees float64
	// HealthTimeout bounds one Health call of the poll (default 1s;
	// stakepoold bounds its own wallet and node calls to 0.5s).
	HealthTimeout time.Duration
	// RefreshEvery is how often the expected state is reloaded in full
	// from the Source, besides every repair (default 5m). Writes through
	// the Client keep it current in between.
	RefreshEvery time.Duration
	// Prefs, when set, reads every user's voting preferences from the
	// database for those reloads: a cheaper read than Source.PoolUsers
	// (no scripts) at 100,000 users.
	Prefs func(ctx context.Context) ([]VotingPrefs, error)
	// Log receives the client's log lines (default: disabled).
	Log slog.Logger
	// Now is the clock (default time.Now); tests replace it.
	Now func() time.Time
}

// Client fans calls out to every stakepoold. It is safe for concurrent use.
type Client struct {
	opts    Options
	log     slog.Logger
	members []*member

	mu          sync.Mutex
	haltReason  string
	haltAt      time.Time
	voteVersion uint32 // the pool's vote version, 0 until known
	feeAddrs    uint32 // smallest fee address count reported, 0 until known

	src     Source
	require Version
	exp     expected    // the state every backend must hold (expect.go)
	loads   sourceLoads // Source reads shared by concurrent repairs (sync.go)
}

// New returns a Client over backends. It makes no calls; Start runs the
// start-up checks and sync.
func New(backends []Backend, opts Options) (*Client, error) {
	if len(backends) == 0 {
		return nil, errors.New("stakepooldclient: no backends")
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = 5 * time.Second
	}
	if opts.SyncTimeout <= 0 {
		opts.SyncTimeout = 2 * time.Minute
	}
	if opts.HealthTimeout <= 0 {
		opts.HealthTimeout = time.Second
	}
	if opts.RefreshEvery <= 0 {
		opts.RefreshEvery = 5 * time.Minute
	}
	if opts.Log == nil {
		opts.Log = slog.Disabled
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &Client{opts: opts, log: opts.Log}
	for _, b := range backends {
		c.members = append(c.members, &member{b: b, state: StateUnknown, needsSync: true,
			kick: make(chan struct{}, 1)})
	}
	return c, nil
}

// Close closes every backend connection.
func (c *Client) Close() error {
	var errs []error
	for _, m := range c.members {
		if err := m.b.Close(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.name(), err))
		}
	}
	return errors.Join(errs...)
}

// result is one backend's answer in a fan-out.
type result[T any] struct {
	m   *member
	v   T
	err error
}

// fanout calls fn on every member in ms concurrently, each under its own
// timeout, and returns the answers in member order. Failures are recorded on
// the member.
func fanout[T any](ctx context.Context, c *Client, ms []*member, timeout time.Duration,
	op string, fn func(context.Context, Backend) (T, error)) []result[T] {
	res := make([]result[T], len(ms))
	var wg sync.WaitGroup
	for i, m := range ms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			v, err := fn(cctx, m.b)
			if err != nil {
				err = backendErr(m.name(), op, err)
				if m.fail(err, c.opts.Now()) {
					c.log.Warnf("%v", err)
				} else {
					c.log.Debugf("%v", err)
				}
			}
			res[i] = result[T]{m: m, v: v, err: err}
		}()
	}
	wg.Wait()
	return res
}

// usable returns the members not known to be down, marking the others as
// having missed whatever is about to happen.
func (c *Client) usable(write bool) []*member {
	var ms []*member
	for _, m := range c.members {
		if m.usable() {
			ms = append(ms, m)
		} else if write {
			m.missedWrite()
		}
	}
	return ms
}

// agree checks the successful answers in rs are all equal (by key) and that
// no backend rejected what another accepted. It returns the common answer.
// ok is false when nobody answered; rejected holds the first rejection when
// every answer was a rejection.
func agree[T any](rs []result[T], key func(T) string) (v T, ok bool, rejected error, err error) {
	var first *result[T]
	var firstRej *result[T]
	for i := range rs {
		r := &rs[i]
		switch {
		case r.err == nil:
			if first == nil {
				first = r
			} else if key(r.v) != key(first.v) {
				return v, false, nil, fmt.Errorf("%w: %s answered %q but %s answered %q",
					ErrInconsistent, first.m.name(), key(first.v), r.m.name(), key(r.v))
			}
		case !isDown(r.err):
			if firstRej == nil {
				firstRej = r
			}
		}
	}
	switch {
	case first != nil && firstRej != nil:
		return v, false, nil, fmt.Errorf("%w: %s accepted the request but %v",
			ErrInconsistent, first.m.name(), firstRej.err)
	case first != nil:
		return first.v, true, nil, nil
	case firstRej != nil:
		return v, false, firstRej.err, nil
	}
	return v, false, nil, nil
}

// unanswered is the error of a read that no backend answered:
// ErrUnavailable, wrapping the last failure; nil when one answered.
func unanswered[T any](rs []result[T]) error {
	var lastErr error
	for _, r := range rs {
		if r.err == nil {
			return nil
		}
		lastErr = r.err
	}
	if lastErr != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, lastErr)
	}
	return ErrUnavailable
}

// firstAnswer asks healthy members one after another (then the other usable
// ones) and returns the first answer. A rejection is returned as is.
func firstAnswer[T any](ctx context.Context, c *Client, op string,
	fn func(context.Context, Backend) (T, error)) (T, error) {
	var zero T
	var lastErr error
	for _, pass := range []bool{true, false} {
		for _, m := range c.members {
			if m.healthy() != pass || !m.usable() {
				continue
			}
			cctx, cancel := context.WithTimeout(ctx, c.opts.CallTimeout)
			v, err := fn(cctx, m.b)
			cancel()
			if err == nil {
				return v, nil
			}
			err = backendErr(m.name(), op, err)
			news := m.fail(err, c.opts.Now())
			if !isDown(err) {
				return zero, fmt.Errorf("%w: %w", ErrRejected, err)
			}
			if news {
				c.log.Warnf("%v", err)
			}
			lastErr = err
		}
	}
	if lastErr != nil {
		return zero, fmt.Errorf("%w: %w", ErrUnavailable, lastErr)
	}
	return zero, ErrUnavailable
}

// writeAll sends a write to every usable member. It succeeds when at least
// one backend took it; the others are repaired later. A rejection by every
// backend is returned as ErrRejected.
func writeAll(ctx context.Context, c *Client, op string, timeout time.Duration,
	fn func(context.Context, Backend) error) error {
	ms := c.usable(true)
	rs := fanout(ctx, c, ms, timeout, op, func(ctx context.Context, b Backend) (struct{}, error) {
		return struct{}{}, fn(ctx, b)
	})
	okCount := 0
	var rej, down error
	for _, r := range rs {
		switch {
		case r.err == nil:
			okCount++
			r.m.wrote()
		case isDown(r.err):
			down = r.err
		default:
			rej = r.err
			r.m.missedWrite()
		}
	}
	switch {
	case okCount > 0:
		return nil
	case rej != nil:
		return fmt.Errorf("%w: %w", ErrRejected, rej)
	case down != nil:
		return fmt.Errorf("%w: %w", ErrUnavailable, down)
	}
	return ErrUnavailable
}

// StakeInfo returns the stake summary of the first backend that answers.
func (c *Client) StakeInfo(ctx context.Context) (StakeInfo, error) {
	return firstAnswer(ctx, c, "stake info", func(ctx context.Context, b Backend) (StakeInfo, error) {
		return b.StakeInfo(ctx)
	})
}

// Agendas returns the agendas of the current vote version.
func (c *Client) Agendas(ctx context.Context) (votebits.VoteInfo, error) {
	return firstAnswer(ctx, c, "agendas", func(ctx context.Context, b Backend) (votebits.VoteInfo, error) {
		return b.Agendas(ctx)
	})
}

// UserTickets returns a user's tickets from the first backend that answers.
func (c *Client) UserTickets(ctx context.Context, multisigAddr string) (UserTickets, error) {
	ut, _, err := c.UserTicketsFrom(ctx, multisigAddr)
	return ut, err
}

// UserTicketsFrom is UserTickets and the name of the backend that answered
// (BackendStatus.Name), whose wallet the list is from: a cache of the list
// is good while that backend's best block is.
func (c *Client) UserTicketsFrom(ctx context.Context, multisigAddr string) (UserTickets, string, error) {
	type from struct {
		ut   UserTickets
		name string
	}
	f, err := firstAnswer(ctx, c, "user tickets", func(ctx context.Context, b Backend) (from, error) {
		ut, err := b.UserTickets(ctx, multisigAddr)
		return from{ut, b.Name()}, err
	})
	return f.ut, f.name, err
}

// IgnoredLowFeeTickets returns the union of every reachable backend's ignored
// low-fee tickets (a backend may not have seen every ticket yet), sorted by
// hash.
func (c *Client) IgnoredLowFeeTickets(ctx context.Context) ([]Ticket, error) {
	ts, err := c.LowFeeTickets(ctx, false)
	if err != nil {
		return nil, err
	}
	out := make([]Ticket, len(ts))
	for i, t := range ts {
		out[i] = Ticket{Hash: t.Hash, MultisigAddress: t.MultisigAddress}
	}
	return out, nil
}

// AddedLowFeeTickets returns the union of the backends' added tickets.
func (c *Client) AddedLowFeeTickets(ctx context.Context) ([]Ticket, error) {
	return c.ticketUnion(ctx, "added low-fee tickets", Backend.AddedLowFeeTickets)
}

// LiveTickets returns the union of the backends' live pool tickets.
func (c *Client) LiveTickets(ctx context.Context) ([]Ticket, error) {
	return c.ticketUnion(ctx, "live tickets", Backend.LiveTickets)
}

func (c *Client) ticketUnion(ctx context.Context, op string,
	fn func(Backend, context.Context) ([]Ticket, error)) ([]Ticket, error) {
	rs := fanout(ctx, c, c.usable(false), c.opts.CallTimeout, op,
		func(ctx context.Context, b Backend) ([]Ticket, error) { return fn(b, ctx) })
	if err := unanswered(rs); err != nil {
		return nil, err
	}
	seen := make(map[string]Ticket)
	for _, r := range rs {
		if r.err != nil {
			continue
		}
		for _, t := range r.v {
			seen[t.Hash] = t
		}
	}
	out := make([]Ticket, 0, len(seen))
	for _, t := range seen {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Hash < out[j].Hash })
	return out, nil
}

// PushUserPrefs sends one user's voting preferences to every backend. The
// database must already hold them: they become part of the state every
// backend's digest is compared with.
func (c *Client) PushUserPrefs(ctx context.Context, p VotingPrefs) error {
	defer c.exp.begin(func() { c.exp.setUser(p) })()
	return writeAll(ctx, c, "set user voting prefs", c.opts.CallTimeout,
		func(ctx context.Context, b Backend) error { return b.SetUserVotingPrefs(ctx, p) })
}

// PushAllPrefs replaces every user's voting preferences on every backend.
func (c *Client) PushAllPrefs(ctx context.Context, prefs []VotingPrefs) error {
	defer c.exp.begin(func() { c.exp.setAllUsers(prefs) })()
	return writeAll(ctx, c, "set voting prefs", c.opts.SyncTimeout,
		func(ctx context.Context, b Backend) error { return b.SetVotingPrefs(ctx, prefs) })
}

// PushAddedLowFeeTickets replaces the admin-added low-fee tickets on every
// backend.
func (c *Client) PushAddedLowFeeTickets(ctx context.Context, tickets []Ticket) error {
	defer c.exp.begin(func() { c.exp.setTickets(tickets) })()
	return writeAll(ctx, c, "set added low-fee tickets", c.opts.CallTimeout,
		func(ctx context.Context, b Backend) error { return b.SetAddedLowFeeTickets(ctx, tickets) })
}

// Statuses returns a snapshot of every backend, in configuration order.
func (c *Client) Statuses() []BackendStatus {
	out := make([]BackendStatus, len(c.members))
	for i, m := range c.members {
		out[i] = m.status()
	}
	return out
}

// Halted returns the reason address creation is halted ("" when it is not)
// and since when.
func (c *Client) Halted() (string, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.haltReason, c.haltAt
}

// halt stops address creation with reason (the first reason is kept).
func (c *Client) halt(reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.haltReason == "" {
		c.haltReason = reason
		c.haltAt = c.opts.Now()
	}
	c.log.Criticalf("address creation halted: %s", reason)
}

// FeeAddressLimit returns the smallest number of fee addresses any backend
// derives (0 until a backend reported): a user id at or above it would get
// a fee address the backends do not recognize.
func (c *Client) FeeAddressLimit() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.feeAddrs
}

func (c *Client) noteFeeAddrs(n uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n > 0 && (c.feeAddrs == 0 || n < c.feeAddrs) {
		c.feeAddrs = n
	}
}

// VoteVersion returns the pool's vote version (0 until a backend reported).
func (c *Client) VoteVersion() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.voteVersion
}

// Health reports whether every backend is healthy and nothing is halted;
// reason says what is wrong otherwise, naming every backend that is not
// healthy, and starts with "no backend can vote" when none can.
func (c *Client) Health() (ok bool, reason string) {
	var parts []string
	if r, _ := c.Halted(); r != "" {
		parts = append(parts, "address creation halted: "+r)
	}
	voters := 0
	for _, m := range c.members {
		st := m.status()
		if st.CanVote() {
			voters++
		}
		if st.State == StateHealthy {
			continue
		}
		parts = append(parts, fmt.Sprintf("backend %s %s", st.Name, st.Why()))
	}
	if voters == 0 {
		parts = append([]string{"no backend can vote"}, parts...)
	}
	if len(parts) == 0 {
		return true, ""
	}
	return false, strings.Join(parts, "; ")
}
