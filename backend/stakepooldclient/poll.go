package stakepooldclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultPollInterval is how often Watch asks each backend for its health
// when the caller passes no interval.
const DefaultPollInterval = time.Second

// connWatcher is implemented by backends that can report transport state
// changes (the gRPC backend): notify is called after every change until
// ctx ends.
type connWatcher interface {
	watchConn(ctx context.Context, notify func(state string))
}

// Watch polls every backend's health every interval (each backend on its
// own, so a frozen one does not delay the others), compares each backend's
// state digest with the database's, and repairs at once a backend that came
// back, missed a write or holds a different state. A backend whose
// connection changes state (lost, or ready again) is polled at once instead
// of at its next tick. It returns when ctx ends.
func (c *Client) Watch(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	var wg sync.WaitGroup
	for _, m := range c.members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.pollLoop(ctx, m, interval)
		}()
		if w, ok := m.b.(connWatcher); ok {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w.watchConn(ctx, func(state string) {
					c.log.Debugf("backend %s: connection %s", m.name(), state)
					m.poke()
				})
			}()
		}
	}
	wg.Wait()
}

func (c *Client) pollLoop(ctx context.Context, m *member, interval time.Duration) {
	// Start (or the caller) has just polled: wait first.
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-m.kick:
		}
		if m == c.members[0] && c.src != nil {
			if known, age := c.exp.age(c.opts.Now()); !known || age >= c.opts.RefreshEvery {
				c.refreshExpected(ctx)
			}
		}
		c.poll(ctx, m)
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
		t.Reset(interval)
	}
}

// refreshExpected reloads the expected state from the database
// (Options.Prefs when set, the cheap read, else the Source).
func (c *Client) refreshExpected(ctx context.Context) {
	gen := c.exp.generation()
	var prefs []VotingPrefs
	if c.opts.Prefs != nil {
		var err error
		if prefs, err = c.opts.Prefs(ctx); err != nil {
			c.log.Debugf("reload expected backend state: %v", err)
			return
		}
	} else {
		users, err := c.src.PoolUsers(ctx)
		if err != nil {
			c.log.Debugf("reload expected backend state: %v", err)
			return
		}
		prefs = make([]VotingPrefs, len(users))
		for i, u := range users {
			prefs[i] = u.Prefs
		}
	}
	tickets, err := c.src.AddedLowFeeTickets(ctx)
	if err != nil {
		c.log.Debugf("reload expected backend state: %v", err)
		return
	}
	c.exp.load(prefs, tickets, gen, c.opts.Now())
}

// RepairAll polls every backend once and waits for the repairs that poll
// started (or that were running): every backend that is ready but missed
// writes, was never synced, or holds a state whose digest differs from
// the database's is brought up to date from the Source. Backends that are
// not ready are marked down.
func (c *Client) RepairAll(ctx context.Context) error {
	if c.src != nil {
		if known, _ := c.exp.age(c.opts.Now()); !known {
			c.refreshExpected(ctx)
		}
	}
	// All answers first, so that a vote version change every backend
	// made is seen as one.
	as := make([]answer, len(c.members))
	var wg sync.WaitGroup
	for i, m := range c.members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			as[i] = c.fetch(ctx, m)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	c.adoptVoteVersion()
	// The runs are taken from handle, not read back from the members: a
	// repair that ends before the loop below gets to it has cleared
	// m.run, and its error must not be lost.
	runs := make([]*repairRun, len(c.members))
	for i, m := range c.members {
		runs[i] = c.handle(ctx, m, as[i])
	}
	var errs []error
	for _, run := range runs {
		if run == nil {
			continue
		}
		select {
		case <-run.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if run.err != nil {
			errs = append(errs, run.err)
		}
	}
	return errors.Join(errs...)
}

// answer is one Health call's outcome and the expectation it is compared
// with.
type answer struct {
	h    Health
	err  error
	snap snapshot
}

// fetch asks one backend for its health (bounded by HealthTimeout) and
// stores a successful answer.
func (c *Client) fetch(ctx context.Context, m *member) answer {
	snap := c.exp.snapshot()
	cctx, cancel := context.WithTimeout(ctx, c.opts.HealthTimeout)
	h, err := m.b.Health(cctx)
	cancel()
	if err == nil {
		m.setHealth(h, c.opts.Now())
	} else {
		m.mu.Lock()
		m.answered = false
		m.mu.Unlock()
	}
	return answer{h: h, err: err, snap: snap}
}

// poll asks one backend for its health and acts on the answer.
func (c *Client) poll(ctx context.Context, m *member) {
	a := c.fetch(ctx, m)
	if ctx.Err() != nil {
		return
	}
	c.adoptVoteVersion()
	c.handle(ctx, m, a)
}

// handle acts on one backend's health answer: it logs a backend that goes
// bad (and one that recovers, when its repair ends), checks the vote
// version and the state digest, and starts a repair when one is needed.
// It returns the repair of m that is running (the one it started or one
// already under way), or nil.
func (c *Client) handle(ctx context.Context, m *member, a answer) *repairRun {
	now := c.opts.Now()
	if a.err != nil {
		c.noteFailure(m, backendErr(m.name(), "health", a.err), now)
		return m.running()
	}
	h := a.h
	if !h.Ready() {
		c.noteFailure(m, fmt.Errorf("%s: %w: %s", m.name(), ErrBackendDown, h.Problem()), now)
		return m.running()
	}
	if vv := c.VoteVersion(); vv != 0 && h.VoteVersion != vv {
		c.noteFailure(m, fmt.Errorf("%s: %w: vote version %d, the other backends' is %d",
			m.name(), ErrMismatch, h.VoteVersion, vv), now)
		m.missedWrite()
		return m.running()
	}
	c.checkDigest(m, h, a.snap, now)
	m.mu.Lock()
	need := (m.needsSync || m.state != StateHealthy) && m.run == nil
	m.mu.Unlock()
	if need && c.src != nil {
		return c.startRepair(ctx, m)
	}
	return m.running()
}

// running returns the repair of m under way, or nil.
func (m *member) running() *repairRun {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.run
}

// noteFailure marks m down (or records the error) and logs it when it is
// news: a backend whose wallet or node goes bad is logged once, when it
// happens, not on every poll.
func (c *Client) noteFailure(m *member, err error, now time.Time) {
	if m.fail(err, now) {
		c.log.Warnf("backend %s is down: %v", m.name(), err)
	}
}

// checkDigest compares the backend's reported state with the database's
// and marks it for repair when they differ. Nothing is compared while the
// backend is being repaired or a write is on its way (the two would differ
// for a moment on purpose).
func (c *Client) checkDigest(m *member, h Health, snap snapshot, now time.Time) {
	if !snap.known {
		return
	}
	// A match proves the backend holds everything written so far; a
	// difference only counts when no write could explain it.
	differs := !digestMatches(h, snap)
	if differs && !c.exp.stable(snap) {
		return
	}
	why := fmt.Sprintf("holds a state whose digest differs from the database's (users %d, database %d)", h.Users, snap.users)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.run != nil {
		return
	}
	if !differs {
		m.stale, m.mismatchWait = false, 0
		return
	}
	if m.stale && now.Sub(m.mismatchAt) < m.mismatchWait {
		return // repaired a moment ago and still different: wait a little
	}
	if m.stale {
		// A repair did not make the digests agree: something other than
		// lost state (a backend refusing part of it?); retry, slower.
		c.log.Errorf("backend %s: %s after a repair; repairing again in %v", m.name(), why, m.mismatchWait)
		m.mismatchWait = min(2*m.mismatchWait, time.Minute)
	} else {
		c.log.Warnf("backend %s %s: repairing it now", m.name(), why)
		m.mismatchWait = time.Second
	}
	m.stale, m.mismatchAt = true, now
	m.needsSync = true
	if m.state == StateHealthy {
		m.state = StateSyncing
	}
}

// digestMatches compares a backend's reported state with the expected one
// (only the user count for a server without digests).
func digestMatches(h Health, snap snapshot) bool {
	if h.StateDigest == "" {
		return int64(h.Users) == snap.users
	}
	return h.StateDigest == snap.digest
}

// startRepair runs a repair of m in the background (one at a time per
// member) and returns it, or the repair already running.
func (c *Client) startRepair(ctx context.Context, m *member) *repairRun {
	run := &repairRun{done: make(chan struct{})}
	m.mu.Lock()
	if cur := m.run; cur != nil {
		m.mu.Unlock()
		return cur
	}
	m.run = run
	m.mu.Unlock()
	go func() {
		run.err = c.repair(ctx, m)
		if run.err != nil && ctx.Err() == nil {
			c.log.Errorf("backend repair: %v", run.err)
		}
		if run.err == nil {
			// Confirm the repair: a digest that agrees now ends the
			// pacing of repeated mismatch repairs.
			if a := c.fetch(ctx, m); a.err == nil && a.snap.known && digestMatches(a.h, a.snap) {
				m.mu.Lock()
				m.stale, m.mismatchWait = false, 0
				m.mu.Unlock()
			}
		}
		m.mu.Lock()
		m.run = nil
		m.mu.Unlock()
		close(run.done)
	}()
	return run
}

// adoptVoteVersion follows a network vote version change: when every ready
// backend reports the same version and it differs from the pool's, the pool
// moves to it (users' older preferences no longer apply; stakepoold votes
// them with the wallet defaults until users choose again).
func (c *Client) adoptVoteVersion() {
	var v uint32
	for _, m := range c.members {
		m.mu.Lock()
		h, answered := m.health, m.answered
		m.mu.Unlock()
		// A mismatched member's answer counts (every backend may have
		// moved); one that did not answer or is not ready does not.
		if !answered || !h.Ready() {
			continue
		}
		if v == 0 {
			v = h.VoteVersion
		} else if h.VoteVersion != v {
			return // they disagree: nothing to adopt
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != 0 && v != c.voteVersion {
		if c.voteVersion != 0 {
			c.log.Infof("vote version changed from %d to %d", c.voteVersion, v)
		}
		c.voteVersion = v
	}
}
