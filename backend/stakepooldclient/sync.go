package stakepooldclient

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/eacred/dcrstakepool/backend/poolapi"
)

// PoolUser is one user with a multisig address, as stored by the front end
// (this package's name for poolapi.UserScript, the one definition).
type PoolUser = poolapi.UserScript

// Source is the front end's database, as far as repairs need it.
type Source interface {
	// PoolUsers returns every user who has a multisig address.
	PoolUsers(ctx context.Context) ([]PoolUser, error)
	// AddedLowFeeTickets returns the admin-added low-fee tickets still to
	// be voted.
	AddedLowFeeTickets(ctx context.Context) ([]Ticket, error)
	// Probe returns the newest user with an address as stored, to check
	// that a backend derives the same keys before it is given scripts;
	// nil when no user has an address yet.
	Probe(ctx context.Context) (*Probe, error)
}

// Start runs the start-up checks and sync: it asks every backend for its
// version, health and cold wallet xpub; a backend with another cold xpub,
// an incompatible API version or a vote version different from the others
// is a configuration error returned as ErrMismatch. Then every reachable
// backend receives every user's script and preferences and the added
// low-fee tickets. Unreachable backends do not fail Start: they stay down
// and Watch repairs them when they come back.
func (c *Client) Start(ctx context.Context, src Source, require Version) error {
	c.src = src
	c.require = require
	type probe struct {
		v  Version
		h  Health
		pc PoolConfig
	}
	rs := fanout(ctx, c, c.members, c.opts.CallTimeout, "start-up checks",
		func(ctx context.Context, b Backend) (probe, error) {
			var p probe
			var err error
			if p.v, err = b.Version(ctx); err != nil {
				return p, err
			}
			if p.h, err = b.Health(ctx); err != nil {
				return p, err
			}
			if p.pc, err = b.PoolConfig(ctx); err != nil {
				return p, err
			}
			return p, nil
		})
	var errs []error
	var versions []string
	for _, r := range rs {
		if r.err != nil {
			continue
		}
		r.m.mu.Lock()
		r.m.version = r.v.v
		r.m.mu.Unlock()
		r.m.setHealth(r.v.h, c.opts.Now())
		if err := checkVersion(r.v.v, require); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.m.name(), err))
		}
		if err := c.checkConfig(r.v.pc); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.m.name(), err))
		}
		if r.v.h.WalletConnected {
			versions = append(versions, fmt.Sprintf("%s=%d", r.m.name(), r.v.h.VoteVersion))
			c.mu.Lock()
			switch {
			case c.voteVersion == 0:
				c.voteVersion = r.v.h.VoteVersion
			case c.voteVersion != r.v.h.VoteVersion:
				errs = append(errs, fmt.Errorf("%w: vote versions differ (%v)", ErrMismatch, versions))
			}
			c.mu.Unlock()
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// A backend whose sync fails now stays down and is retried by Watch;
	// that must not keep the front end from starting.
	if err := c.RepairAll(ctx); err != nil {
		c.log.Errorf("start-up sync: %v", err)
	}
	return nil
}

// checkConfig compares a backend's pool configuration with the front end's.
func (c *Client) checkConfig(pc PoolConfig) error {
	c.noteFeeAddrs(pc.FeeAddressCount)
	if pc.ColdWalletExtPub != c.opts.ColdWalletExtPub {
		return fmt.Errorf("%w: cold wallet xpub %q differs from coldwalletextpub %q",
			ErrMismatch, pc.ColdWalletExtPub, c.opts.ColdWalletExtPub)
	}
	if c.opts.Network != "" && pc.Network != c.opts.Network {
		return fmt.Errorf("%w: backend is on %q, the front end on %q", ErrMismatch, pc.Network, c.opts.Network)
	}
	if c.opts.PoolFees != 0 && math.Abs(pc.PoolFees-c.opts.PoolFees) > 1e-9 {
		return fmt.Errorf("%w: backend pool fee %v%% differs from poolfees %v%%", ErrMismatch, pc.PoolFees, c.opts.PoolFees)
	}
	return nil
}

// checkVersion requires the same major version and at least the minor and
// patch of require (zero require = no check).
func checkVersion(got, require Version) error {
	if require == (Version{}) {
		return nil
	}
	if got.Major != require.Major || got.Minor < require.Minor ||
		(got.Minor == require.Minor && got.Patch < require.Patch) {
		hint := ""
		if got.Major == require.Major {
			hint = "; upgrade this stakepoold (stakepoolds are upgraded before the front end)"
		}
		return fmt.Errorf("%w: API version %d.%d.%d is not compatible with the required %d.%d.%d%s",
			ErrMismatch, got.Major, got.Minor, got.Patch, require.Major, require.Minor, require.Patch, hint)
	}
	return nil
}

// repair brings one ready backend up to date. It re-runs when a write
// arrived during the repair, at most a few times.
func (c *Client) repair(ctx context.Context, m *member) error {
	m.mu.Lock()
	m.state = StateSyncing
	m.mu.Unlock()
	for attempt := 0; attempt < 3; attempt++ {
		m.mu.Lock()
		m.dirty = false
		m.mu.Unlock()
		if err := c.repairOnce(ctx, m); err != nil {
			err = fmt.Errorf("%s: repair: %w", m.name(), err)
			m.fail(err, c.opts.Now())
			m.mu.Lock()
			m.state = StateDown
			m.needsSync = true
			m.mu.Unlock()
			return err
		}
		m.mu.Lock()
		dirty := m.dirty
		m.mu.Unlock()
		// Writes arrived during the repair, and one may have reached
		// the backend before the repair's older snapshot replaced it. A
		// digest equal to the expected one proves nothing was lost, so
		// a steady stream of vote changes cannot keep a backend from
		// ever becoming healthy.
		if dirty {
			a := c.fetch(ctx, m)
			dirty = a.err != nil || !a.snap.known || !digestMatches(a.h, a.snap)
		}
		if !dirty {
			m.mu.Lock()
			m.state = StateHealthy
			m.needsSync = false
			m.lastErr = ""
			m.lastErrAt = time.Time{}
			m.mu.Unlock()
			c.log.Infof("backend %s is synced and healthy", m.name())
			return nil
		}
	}
	return fmt.Errorf("%s: repair: writes keep arriving, will retry", m.name())
}

func (c *Client) repairOnce(ctx context.Context, m *member) error {
	call := func(timeout time.Duration, fn func(context.Context) error) error {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return fn(cctx)
	}
	var h Health
	var pc PoolConfig
	var v Version
	err := call(c.opts.CallTimeout, func(ctx context.Context) (err error) {
		if v, err = m.b.Version(ctx); err != nil {
			return err
		}
		if h, err = m.b.Health(ctx); err != nil {
			return err
		}
		pc, err = m.b.PoolConfig(ctx)
		return err
	})
	if err != nil {
		return err
	}
	m.setHealth(h, c.opts.Now())
	m.mu.Lock()
	m.version = v
	m.mu.Unlock()
	if err := checkVersion(v, c.require); err != nil {
		return err
	}
	if !h.Ready() {
		return fmt.Errorf("%w: %s", ErrBackendDown, h.Problem())
	}
	if err := c.checkConfig(pc); err != nil {
		c.halt(fmt.Sprintf("%s: %v", m.name(), err))
		return err
	}
	c.mu.Lock()
	vv := c.voteVersion
	if vv == 0 {
		c.voteVersion = h.VoteVersion
		vv = h.VoteVersion
	}
	c.mu.Unlock()
	if h.VoteVersion != vv {
		return fmt.Errorf("%w: vote version %d, the pool's is %d", ErrMismatch, h.VoteVersion, vv)
	}

	gen := c.exp.generation()
	users, tickets, err := c.loadSource(ctx, gen)
	if err != nil {
		return err
	}
	prefs := make([]VotingPrefs, len(users))
	for i, u := range users {
		prefs[i] = u.Prefs
	}
	c.exp.load(prefs, tickets, gen, c.opts.Now())

	var have []string
	if err := call(c.opts.CallTimeout, func(ctx context.Context) (err error) {
		have, err = m.b.ImportedAddresses(ctx)
		return err
	}); err != nil {
		return err
	}
	haveSet := make(map[string]bool, len(have))
	for _, a := range have {
		haveSet[a] = true
	}
	var missing []string
	rescanFrom := int64(-1)
	for _, u := range users {
		if haveSet[u.Prefs.MultisigAddress] || u.RedeemScript == "" {
			continue
		}
		missing = append(missing, u.RedeemScript)
		if rescanFrom < 0 || u.HeightRegistered < rescanFrom {
			rescanFrom = u.HeightRegistered
		}
	}
	if len(missing) > 0 {
		// A backend that was skipped while it looked down has never
		// been compared with the others: check that its wallet derives
		// the stored keys before it takes scripts (different seeds
		// would give users addresses this wallet cannot vote).
		if err := c.checkKeys(ctx, m); err != nil {
			return err
		}
		c.log.Infof("%s: importing %d missing scripts, rescan from height %d", m.name(), len(missing), rescanFrom)
		if err := call(c.opts.SyncTimeout, func(ctx context.Context) error {
			return m.b.ImportScripts(ctx, missing, rescanFrom)
		}); err != nil {
			return err
		}
	}
	if err := c.syncTickets(ctx, m); err != nil {
		return err
	}
	if err := call(c.opts.SyncTimeout, func(ctx context.Context) error {
		return m.b.SetVotingPrefs(ctx, prefs)
	}); err != nil {
		return err
	}
	return call(c.opts.CallTimeout, func(ctx context.Context) error {
		return m.b.SetAddedLowFeeTickets(ctx, tickets)
	})
}

// sourceLoads lets the repairs that run at once (RepairAll repairs every
// backend that lost its state together) share one read of the Source: at
// 100,000 users each read of every user's script takes a second or more.
type sourceLoads struct {
	mu  sync.Mutex
	cur *sourceLoad // the read in flight, if any
}

// sourceLoad is one read of the Source, made at change generation gen.
type sourceLoad struct {
	gen     uint64
	done    chan struct{}
	users   []PoolUser
	tickets []Ticket
	err     error
}

// loadSource returns every user and the added low-fee tickets. A repair
// that read generation gen joins a read already in flight for the same
// generation (no write went through the Client since that read began, so
// it is as current as a read of its own); otherwise it reads. The slices
// are shared: callers must not modify them. Only reads in flight are
// shared, never a finished one.
func (c *Client) loadSource(ctx context.Context, gen uint64) ([]PoolUser, []Ticket, error) {
	c.loads.mu.Lock()
	if l := c.loads.cur; l != nil && l.gen == gen {
		c.loads.mu.Unlock()
		select {
		case <-l.done:
			return l.users, l.tickets, l.err
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	l := &sourceLoad{gen: gen, done: make(chan struct{})}
	c.loads.cur = l
	c.loads.mu.Unlock()
	defer func() {
		c.loads.mu.Lock()
		if c.loads.cur == l {
			c.loads.cur = nil
		}
		c.loads.mu.Unlock()
		close(l.done)
	}()
	if l.users, l.err = c.src.PoolUsers(ctx); l.err != nil {
		l.err = fmt.Errorf("load users: %w", l.err)
		return nil, nil, l.err
	}
	if l.tickets, l.err = c.src.AddedLowFeeTickets(ctx); l.err != nil {
		l.err = fmt.Errorf("load low-fee tickets: %w", l.err)
		return nil, nil, l.err
	}
	return l.users, l.tickets, nil
}

// checkKeys compares m's derivation of the newest stored user's pool key
// and script with what the database holds, and halts address creation on a
// difference.
func (c *Client) checkKeys(ctx context.Context, m *member) error {
	p, err := c.src.Probe(ctx)
	if err != nil {
		return fmt.Errorf("load the key probe: %w", err)
	}
	if p == nil {
		return nil
	}
	cctx, cancel := context.WithTimeout(ctx, c.opts.CallTimeout)
	defer cancel()
	us, err := m.b.PrepareUserScript(cctx, p.request())
	if err != nil {
		return err
	}
	problem := p.differs(us)
	if problem == "" {
		return nil
	}
	c.halt(fmt.Sprintf("%s: %s", m.name(), problem))
	return fmt.Errorf("%w: %s", ErrInconsistent, problem)
}

// syncTickets gives m every ticket another reachable backend's wallet
// tracks and m's does not (a wallet that was down missed them). Scripts
// must be imported first so the wallet can follow the tickets. A ticket the
// backend refuses (e.g. no longer on chain) is logged and skipped.
func (c *Client) syncTickets(ctx context.Context, m *member) error {
	var others []*member
	for _, o := range c.members {
		if o != m && o.usable() {
			others = append(others, o)
		}
	}
	if len(others) == 0 {
		return nil
	}
	all := append([]*member{m}, others...)
	rs := fanout(ctx, c, all, c.opts.CallTimeout, "wallet tickets",
		func(ctx context.Context, b Backend) ([]string, error) { return b.WalletTickets(ctx) })
	if rs[0].err != nil {
		return rs[0].err
	}
	have := make(map[string]bool, len(rs[0].v))
	for _, h := range rs[0].v {
		have[h] = true
	}
	var missing []string
	for _, r := range rs[1:] {
		for _, h := range r.v {
			if !have[h] {
				have[h] = true
				missing = append(missing, h)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	c.log.Infof("%s: adding %d ticket(s) its wallet missed", m.name(), len(missing))
	for _, h := range missing {
		cctx, cancel := context.WithTimeout(ctx, c.opts.CallTimeout)
		err := m.b.AddMissingTicket(cctx, h)
		cancel()
		switch {
		case err == nil:
		case isDown(err):
			return fmt.Errorf("add missing ticket %s: %w", h, err)
		default:
			c.log.Warnf("%s: ticket %s not added: %v", m.name(), h, err)
		}
	}
	return nil
}

// Probe is a known user's address used by Recheck to prove the wallets
// agree again: they must derive the same pool pubkey and the same script
// as stored.
type Probe struct {
	Index           uint32
	PoolAddress     string
	PoolPubKeyAddr  string
	UserPubKeyAddr  string
	RedeemScript    string
	MultisigAddress string
}

// request is the PrepareUserScript request that re-derives the probe.
func (p *Probe) request() AddressRequest {
	return AddressRequest{Index: p.Index, PoolAddress: p.PoolAddress, UserPubKeyAddr: p.UserPubKeyAddr}
}

// differs says how a backend's answer differs from the stored probe ("" when
// it does not).
func (p *Probe) differs(us UserScript) string {
	switch {
	case !us.PoolKeyMine || us.PoolPubKeyAddr != p.PoolPubKeyAddr:
		return fmt.Sprintf("pool key of user %d is %q (mine=%t), stored %q", p.Index, us.PoolPubKeyAddr, us.PoolKeyMine, p.PoolPubKeyAddr)
	case us.Multisig.RedeemScript != p.RedeemScript || us.Multisig.Address != p.MultisigAddress:
		return fmt.Sprintf("multisig of user %d differs from the stored one", p.Index)
	}
	return ""
}

// Recheck is the admin's "the wallets are fixed" button: every reachable
// backend must report the configured cold xpub and the same vote version,
// and, given a probe, must derive the probe's pool pubkey and script. When
// all checks pass the halt is lifted and every backend is re-synced.
func (c *Client) Recheck(ctx context.Context, p *Probe) error {
	type answer struct {
		h  Health
		pc PoolConfig
		us UserScript
	}
	rs := fanout(ctx, c, c.members, c.opts.CallTimeout, "re-check",
		func(ctx context.Context, b Backend) (a answer, err error) {
			if a.h, err = b.Health(ctx); err != nil {
				return a, err
			}
			if a.pc, err = b.PoolConfig(ctx); err != nil {
				return a, err
			}
			if p == nil {
				return a, nil
			}
			a.us, err = b.PrepareUserScript(ctx, p.request())
			return a, err
		})
	var problems []error
	n := 0
	var vv uint32
	for _, r := range rs {
		if r.err != nil {
			continue
		}
		n++
		a := r.v
		name := r.m.name()
		if err := c.checkConfig(a.pc); err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
		}
		if vv == 0 {
			vv = a.h.VoteVersion
		} else if a.h.VoteVersion != vv {
			problems = append(problems, fmt.Errorf("%s: vote version %d differs from %d", name, a.h.VoteVersion, vv))
		}
		if p != nil {
			if problem := p.differs(a.us); problem != "" {
				problems = append(problems, fmt.Errorf("%s: %s", name, problem))
			}
		}
	}
	if n == 0 {
		return ErrUnavailable
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %w", ErrInconsistent, errors.Join(problems...))
	}
	c.mu.Lock()
	c.haltReason = ""
	c.haltAt = time.Time{}
	if vv != 0 {
		c.voteVersion = vv
	}
	c.mu.Unlock()
	c.log.Infof("re-check passed on %d backend(s); address creation resumed", n)
	for _, m := range c.members {
		m.missedWrite()
	}
	return c.RepairAll(ctx)
}
