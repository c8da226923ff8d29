package stakepooldclient_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/decred/slog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
	"github.com/eacred/dcrstakepool/backend/stakepoold/rpcserver"
	spc "github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/eacred/votebits"
)

func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

func threeUsers() *memSource {
	return &memSource{users: []spc.PoolUser{userFor(1, "Ss1", "Sk1", "seed", 50),
		userFor(2, "Ss2", "Sk2", "seed", 60), userFor(3, "Ss3", "Sk3", "seed", 70)}}
}

// TestDigestMismatchIsRepaired: a backend that lost its state between two
// polls (a stakepoold restarted with an empty state.json) never looks down,
// yet the next poll finds its digest different and pushes everything.
func TestDigestMismatchIsRepaired(t *testing.T) {
	fs := newFakes(2)
	c := newClient(t, fs)
	ctx := context.Background()
	src := threeUsers()
	src.tickets = []spc.Ticket{{Hash: strings.Repeat("ab", 32), MultisigAddress: src.users[0].Prefs.MultisigAddress}}
	if err := c.Start(ctx, src, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	// A healthy steady state is not repaired again.
	before := fs[0].CallCount("SetVotingPrefs")
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	if n := fs[0].CallCount("SetVotingPrefs"); n != before {
		t.Fatalf("a backend in sync was repaired again (%d -> %d pushes)", before, n)
	}
	for _, lose := range []struct {
		name string
		f    func(b *fakebackend.Backend)
	}{
		{"all users lost", func(b *fakebackend.Backend) { b.Prefs = map[string]spc.VotingPrefs{} }},
		{"stale bits", func(b *fakebackend.Backend) {
			p := b.Prefs[src.users[1].Prefs.MultisigAddress]
			p.VoteBits = 5
			b.Prefs[p.MultisigAddress] = p
		}},
		{"added tickets lost", func(b *fakebackend.Backend) { b.Added = nil }},
	} {
		fs[0].Do(lose.f)
		if err := c.RepairAll(ctx); err != nil {
			t.Fatal(err)
		}
		fs[0].Do(func(b *fakebackend.Backend) {
			if len(b.Prefs) != 3 || b.Prefs[src.users[1].Prefs.MultisigAddress].VoteBits != 1 || len(b.Added) != 1 {
				t.Errorf("%s: not repaired: prefs %v added %v", lose.name, b.Prefs, b.Added)
			}
		})
	}
	if ok, why := c.Health(); !ok {
		t.Fatalf("Health after repairs: %s", why)
	}
}

// TestWritesKeepTheExpectedDigest: writes through the client update the
// expected digest incrementally, so the backends that took them are not
// repaired; a backend that got a write the database does not hold is.
func TestWritesKeepTheExpectedDigest(t *testing.T) {
	fs := newFakes(2)
	c := newClient(t, fs)
	ctx := context.Background()
	src := threeUsers()
	if err := c.Start(ctx, src, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	p := src.users[2].Prefs
	p.VoteBits = 3
	src.mu.Lock()
	src.users[2].Prefs = p // the database is written first
	src.mu.Unlock()
	if err := c.PushUserPrefs(ctx, p); err != nil {
		t.Fatal(err)
	}
	tk := []spc.Ticket{{Hash: strings.Repeat("cd", 32), MultisigAddress: p.MultisigAddress}}
	src.mu.Lock()
	src.tickets = tk
	src.mu.Unlock()
	if err := c.PushAddedLowFeeTickets(ctx, tk); err != nil {
		t.Fatal(err)
	}
	before := fs[1].CallCount("SetVotingPrefs")
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	if n := fs[1].CallCount("SetVotingPrefs"); n != before {
		t.Fatalf("writes through the client made the backends look out of date (%d repairs)", n-before)
	}
	// Someone changed a backend behind the front end's back.
	fs[1].Do(func(b *fakebackend.Backend) {
		q := b.Prefs[p.MultisigAddress]
		q.VoteBits = 5
		b.Prefs[p.MultisigAddress] = q
	})
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	fs[1].Do(func(b *fakebackend.Backend) {
		if b.Prefs[p.MultisigAddress].VoteBits != 3 {
			t.Fatalf("backend not repaired: %v", b.Prefs[p.MultisigAddress])
		}
	})
}

// TestHealthNamesEveryBackend: /status's reason names every unhealthy
// backend and says when none can vote.
func TestHealthNamesEveryBackend(t *testing.T) {
	fs := newFakes(3)
	c := newClient(t, fs)
	ctx := context.Background()
	if err := c.Start(ctx, &memSource{}, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	fs[0].SetDown(true)
	fs[2].Do(func(b *fakebackend.Backend) { b.HealthValue.WalletConnected = false })
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	ok, why := c.Health()
	if ok || !strings.Contains(why, "a:1") || !strings.Contains(why, "c:1") || strings.Contains(why, "b:1") ||
		strings.Contains(why, "no backend can vote") {
		t.Fatalf("Health = %v %q", ok, why)
	}
	fs[1].SetDown(true)
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	ok, why = c.Health()
	if ok || !strings.HasPrefix(why, "no backend can vote") || !strings.Contains(why, "b:1") {
		t.Fatalf("Health with every backend down = %v %q", ok, why)
	}
}

// logRecorder is a slog backend writing into a buffer.
type logRecorder struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (r *logRecorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.Write(p)
}

func (r *logRecorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.String()
}

// TestBackendGoingBadIsLogged: a backend whose wallet disconnects is logged
// when it happens, once.
func TestBackendGoingBadIsLogged(t *testing.T) {
	fs := newFakes(2)
	rec := &logRecorder{}
	log := slog.NewBackend(rec).Logger("BKND")
	log.SetLevel(slog.LevelInfo)
	var bs []spc.Backend
	for _, f := range fs {
		bs = append(bs, f)
	}
	c, err := spc.New(bs, spc.Options{ColdWalletExtPub: coldXpub, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Start(ctx, &memSource{}, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	fs[1].Do(func(b *fakebackend.Backend) { b.HealthValue.WalletConnected = false })
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	out := rec.String()
	if n := strings.Count(out, "backend b:1 is down"); n != 1 || !strings.Contains(out, "wallet not connected") {
		t.Fatalf("want one line about b:1 going down, log:\n%s", out)
	}
}

// tcpDaemon is a real stakepoold core and gRPC server on a loopback TCP
// port that can be stopped and started again on the same port, like a
// restarted process.
type tcpDaemon struct {
	t        *testing.T
	addr     string
	certFile string
	creds    credentials.TransportCredentials
	srv      *grpc.Server
	pool     *pool.Pool
}

func newTCPDaemon(t *testing.T) *tcpDaemon {
	certFile, tcfg := testCert(t, t.TempDir())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &tcpDaemon{t: t, addr: ln.Addr().String(), certFile: certFile, creds: credentials.NewTLS(tcfg)}
	d.serve(ln)
	t.Cleanup(d.stop)
	return d
}

// serve starts a fresh daemon with an empty state (as after state.json was
// deleted).
func (d *tcpDaemon) serve(ln net.Listener) {
	ctx := context.Background()
	node := pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 300})
	node.Info = votebits.VoteInfo{VoteVersion: 8}
	p, err := pool.New(pool.Config{Node: node, Wallet: pooltest.NewWallet(), Inspector: pooltest.Inspector{},
		Addresses: pooltest.Addresses{}, Store: &pooltest.MemStore{},
		Agendas: pooltest.Agendas{8: {pooltest.YesNoAgenda}}, Network: "simnet"})
	if err != nil {
		d.t.Fatal(err)
	}
	if _, err := p.CheckWallet(ctx); err != nil {
		d.t.Fatal(err)
	}
	if _, err := p.LoadTickets(ctx); err != nil {
		d.t.Fatal(err)
	}
	d.pool = p
	d.srv = rpcserver.NewGRPCServer(rpcserver.New(rpcserver.Config{Pool: p, DaemonVersion: "test", ColdXPub: coldXpub,
		Network: "simnet", PoolFees: 7.5, FeeAddrCount: 10000}), grpc.Creds(d.creds))
	go func() {
		_ = d.srv.Serve(ln) // returns when the test stops the server
	}()
}

func (d *tcpDaemon) stop() {
	if d.srv != nil {
		d.srv.Stop()
		d.srv = nil
	}
}

func (d *tcpDaemon) restart() {
	var ln net.Listener
	var err error
	for i := 0; i < 100; i++ { // the port may take a moment to be free
		if ln, err = net.Listen("tcp", d.addr); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		d.t.Fatal(err)
	}
	d.serve(ln)
}

func (d *tcpDaemon) users() int { _, _, _, n := d.pool.Counts(); return n }

// TestRestartedStakepooldIsNoticedAndRepairedAtOnce: with a poll interval
// far longer than the test, a stakepoold that goes away is reported down,
// and one that comes back with an empty state is repaired, within about a
// second each — through the connection-state watch, not the next poll.
func TestRestartedStakepooldIsNoticedAndRepairedAtOnce(t *testing.T) {
	ds := []*tcpDaemon{newTCPDaemon(t), newTCPDaemon(t)}
	var bs []spc.Backend
	for _, d := range ds {
		b, err := spc.Dial(spc.DialConfig{Host: d.addr, CertFile: d.certFile})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := b.Close(); err != nil {
				t.Error(err)
			}
		})
		bs = append(bs, b)
	}
	c, err := spc.New(bs, spc.Options{ColdWalletExtPub: coldXpub, Network: "simnet", PoolFees: 7.5})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := &memSource{}
	for i := int64(1); i <= 3; i++ {
		s := fmt.Sprintf("SkP%d+SkU%d", i, i)
		src.users = append(src.users, spc.PoolUser{Prefs: spc.VotingPrefs{UserID: i, MultisigAddress: "Sc" + s,
			VoteBits: 5, VoteBitsVersion: 8}, RedeemScript: fmt.Sprintf("%x", s), HeightRegistered: 90})
	}
	if err := c.Start(ctx, src, spc.APIVersion); err != nil {
		t.Fatal(err)
	}
	if ok, why := c.Health(); !ok {
		t.Fatalf("Health: %s", why)
	}
	go c.Watch(ctx, time.Hour)
	time.Sleep(50 * time.Millisecond) // let the watches start

	start := time.Now()
	ds[0].stop()
	waitFor(t, "stopped stakepoold reported down", 3*time.Second, func() bool {
		ok, why := c.Health()
		return !ok && strings.Contains(why, ds[0].addr)
	})
	down := time.Since(start)
	start = time.Now()
	ds[0].restart() // empty state: 0 users
	waitFor(t, "restarted stakepoold repaired", 5*time.Second, func() bool {
		ok, _ := c.Health()
		return ok && ds[0].users() == 3
	})
	back := time.Since(start)
	t.Logf("down noticed in %v, restarted backend repaired in %v", down, back)
	if u := ds[0].pool.Users(); len(u) != 3 || u[0].VoteBits != 5 {
		t.Fatalf("restarted daemon holds %v", u)
	}
}

// busyPrefs is a backend that gets a user's vote change right after every
// full preference push, as a busy pool does while a backend is repaired.
type busyPrefs struct {
	*fakebackend.Backend
	after func()
}

func (s busyPrefs) SetVotingPrefs(ctx context.Context, prefs []spc.VotingPrefs) error {
	err := s.Backend.SetVotingPrefs(ctx, prefs)
	s.after()
	return err
}

// TestRepairCompletesUnderSteadyWrites: vote changes arriving during every
// repair must not keep a backend from ever becoming healthy: the repair's
// end is proven by the digest, not by the absence of writes.
func TestRepairCompletesUnderSteadyWrites(t *testing.T) {
	fs := newFakes(2)
	src := threeUsers()
	var c *spc.Client
	changes := 0
	change := func() {
		changes++
		p := src.users[2].Prefs
		p.VoteBits = uint16(1 + 2*(changes%2))
		src.mu.Lock()
		src.users[2].Prefs = p // the database first
		src.mu.Unlock()
		if err := c.PushUserPrefs(context.Background(), p); err != nil {
			t.Error(err) // called from the repair's goroutine: no Fatal
		}
	}
	c, err := spc.New([]spc.Backend{busyPrefs{fs[0], change}, fs[1]}, spc.Options{ColdWalletExtPub: coldXpub})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Start(ctx, src, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	fs[0].Do(func(b *fakebackend.Backend) { b.Prefs = map[string]spc.VotingPrefs{} }) // state lost
	for i := 0; i < 3; i++ {
		if err := c.RepairAll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if ok, why := c.Health(); !ok {
		t.Fatalf("after %d vote changes during repairs: %s", changes, why)
	}
	fs[0].Do(func(b *fakebackend.Backend) {
		if len(b.Prefs) != 3 || b.Prefs[src.users[2].Prefs.MultisigAddress].VoteBits != src.users[2].Prefs.VoteBits {
			t.Fatalf("backend holds %v", b.Prefs)
		}
	})
}

// frozenHealth is a backend whose process stopped answering (SIGSTOP): its
// Health call hangs until the caller gives up.
type frozenHealth struct {
	*fakebackend.Backend
	frozen chan struct{} // closed: frozen
}

func (f frozenHealth) Health(ctx context.Context) (spc.Health, error) {
	select {
	case <-f.frozen:
		<-ctx.Done()
		return spc.Health{}, fmt.Errorf("%w: %v", spc.ErrBackendDown, ctx.Err())
	default:
		return f.Backend.Health(ctx)
	}
}

// TestFrozenBackendIsReportedWithinSeconds: a backend that stops answering
// without closing its connection is reported down within a poll interval
// plus the health timeout, and the other backend stays healthy meanwhile.
func TestFrozenBackendIsReportedWithinSeconds(t *testing.T) {
	fs := newFakes(2)
	fz := frozenHealth{fs[0], make(chan struct{})}
	c, err := spc.New([]spc.Backend{fz, fs[1]}, spc.Options{ColdWalletExtPub: coldXpub})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := c.Start(ctx, &memSource{}, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	go c.Watch(ctx, spc.DefaultPollInterval)
	start := time.Now()
	close(fz.frozen)
	waitFor(t, "frozen backend reported", 4*time.Second, func() bool {
		ok, why := c.Health()
		return !ok && strings.Contains(why, "a:1") && !strings.Contains(why, "b:1")
	})
	t.Logf("frozen backend reported down after %v", time.Since(start))
}
