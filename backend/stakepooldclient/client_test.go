package stakepooldclient_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/decred/slog"
	"strings"
	"sync"
	"testing"
	"time"

	spc "github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
)

const coldXpub = "spubCOLD"

// memSource is an in-memory Source.
type memSource struct {
	mu      sync.Mutex
	users   []spc.PoolUser
	tickets []spc.Ticket
	probe   *spc.Probe
}

func (s *memSource) Probe(context.Context) (*spc.Probe, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.probe, nil
}

func (s *memSource) PoolUsers(context.Context) ([]spc.PoolUser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]spc.PoolUser(nil), s.users...), nil
}

func (s *memSource) AddedLowFeeTickets(context.Context) ([]spc.Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]spc.Ticket(nil), s.tickets...), nil
}

func (s *memSource) add(u spc.PoolUser) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users = append(s.users, u)
}

func newFakes(n int) []*fakebackend.Backend {
	var fs []*fakebackend.Backend
	for i := 0; i < n; i++ {
		fs = append(fs, fakebackend.New(string(rune('a'+i))+":1", "seed", coldXpub))
	}
	return fs
}

func newClient(t *testing.T, fs []*fakebackend.Backend) *spc.Client {
	t.Helper()
	var bs []spc.Backend
	for _, f := range fs {
		bs = append(bs, f)
	}
	rec := &logRecorder{}
	lg := slog.NewBackend(rec).Logger("DBG")
	lg.SetLevel(slog.LevelTrace)
	c, err := spc.New(bs, spc.Options{ColdWalletExtPub: coldXpub, Network: "simnet", PoolFees: 7.5, Log: lg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("client log:\n%s", rec.String())
		}
	})
	return c
}

func userFor(id int64, pool, user, seed string, height int64) spc.PoolUser {
	script := fakebackend.Script([]string{fakebackend.PoolPubKey(seed, pool), user})
	return spc.PoolUser{
		Prefs: spc.VotingPrefs{UserID: id, MultisigAddress: fakebackend.ScriptAddress(script),
			VoteBits: 1, VoteBitsVersion: 8},
		RedeemScript: script, HeightRegistered: height,
	}
}

func TestStartSyncsEveryBackend(t *testing.T) {
	fs := newFakes(2)
	src := &memSource{tickets: []spc.Ticket{{Hash: "aa", MultisigAddress: "Scx"}}}
	u1 := userFor(1, "Ss1", "Sk1", "seed", 300)
	u2 := userFor(2, "Ss2", "Sk2", "seed", 200)
	src.users = []spc.PoolUser{u1, u2}
	// Backend a already has user 1's script; b has none.
	fs[0].Imported[u1.Prefs.MultisigAddress] = u1.RedeemScript
	c := newClient(t, fs)
	if err := c.Start(context.Background(), src, spc.Version{Major: 1}); err != nil {
		t.Fatalf("Start: %v", err)
	}
	for _, f := range fs {
		f.Do(func(b *fakebackend.Backend) {
			if len(b.Imported) != 2 {
				t.Errorf("%s: imported %d scripts, want 2", b.Name(), len(b.Imported))
			}
			if len(b.Prefs) != 2 || len(b.Added) != 1 {
				t.Errorf("%s: prefs %d added %d", b.Name(), len(b.Prefs), len(b.Added))
			}
		})
	}
	if fs[0].RescanFrom != 200 || fs[1].RescanFrom != 200 {
		t.Errorf("rescan heights %d %d, want 200 (smallest missing)", fs[0].RescanFrom, fs[1].RescanFrom)
	}
	if ok, why := c.Health(); !ok {
		t.Errorf("Health: %s", why)
	}
	if c.VoteVersion() != 8 {
		t.Errorf("vote version %d", c.VoteVersion())
	}
	if c.FeeAddressLimit() != 10000 {
		t.Errorf("fee address limit %d", c.FeeAddressLimit())
	}
}

func TestStartMismatches(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(fs []*fakebackend.Backend)
		require spc.Version
		want    string
	}{
		{"cold xpub", func(fs []*fakebackend.Backend) { fs[1].ColdXpub = "spubOTHER" }, spc.Version{}, "cold wallet xpub"},
		{"network", func(fs []*fakebackend.Backend) { fs[0].Network = "testnet3" }, spc.Version{}, "backend is on"},
		{"pool fees", func(fs []*fakebackend.Backend) { fs[1].PoolFees = 5 }, spc.Version{}, "pool fee"},
		{"vote version", func(fs []*fakebackend.Backend) { fs[1].HealthValue.VoteVersion = 9 }, spc.Version{}, "vote versions differ"},
		{"api major", func(fs []*fakebackend.Backend) { fs[0].VersionValue.Major = 2 }, spc.Version{Major: 1}, "not compatible"},
		{"api minor", func(fs []*fakebackend.Backend) {}, spc.Version{Major: 1, Minor: spc.APIVersion.Minor + 1}, "not compatible"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFakes(2)
			tc.mutate(fs)
			c := newClient(t, fs)
			err := c.Start(context.Background(), &memSource{}, tc.require)
			if !errors.Is(err, spc.ErrMismatch) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrMismatch with %q", err, tc.want)
			}
		})
	}
}

// startWithBackendDown starts a client of two fake backends, the second
// one down.
func startWithBackendDown(t *testing.T) ([]*fakebackend.Backend, *memSource, *spc.Client) {
	t.Helper()
	fs := newFakes(2)
	fs[1].SetDown(true)
	src := &memSource{}
	c := newClient(t, fs)
	if err := c.Start(context.Background(), src, spc.Version{}); err != nil {
		t.Fatalf("Start with one backend down: %v", err)
	}
	return fs, src, c
}

func TestBackendDownAtStartIsRepairedLater(t *testing.T) {
	fs, src, c := startWithBackendDown(t)
	ctx := context.Background()
	ok, why := c.Health()
	if ok || !strings.Contains(why, "b:1") {
		t.Fatalf("Health = %v %q, want b:1 reported", ok, why)
	}
	// A sign-up while b is down succeeds on a.
	res, err := c.CreateAddress(ctx, spc.AddressRequest{Index: 1, PoolAddress: "Ss1", UserPubKeyAddr: "Sk1"})
	if err != nil {
		t.Fatalf("CreateAddress with one backend down: %v", err)
	}
	if len(res.Missed) != 1 || res.Missed[0] != "b:1" {
		t.Errorf("Missed = %v", res.Missed)
	}
	src.add(spc.PoolUser{Prefs: spc.VotingPrefs{UserID: 1, MultisigAddress: res.Multisig.Address, VoteBits: 1},
		RedeemScript: res.Multisig.RedeemScript, HeightRegistered: res.HeightRegistered})
	if fs[1].CallCount("ImportUserScript") != 0 {
		t.Errorf("down backend was sent ImportUserScript")
	}
	// b returns: the repair gives it the script and the prefs.
	fs[1].SetDown(false)
	if err := c.RepairAll(ctx); err != nil {
		t.Fatalf("RepairAll: %v", err)
	}
	fs[1].Do(func(b *fakebackend.Backend) {
		if b.Imported[res.Multisig.Address] != res.Multisig.RedeemScript {
			t.Errorf("returning backend did not get the script")
		}
		if _, ok := b.Prefs[res.Multisig.Address]; !ok {
			t.Errorf("returning backend did not get the prefs")
		}
	})
	if ok, why := c.Health(); !ok {
		t.Errorf("Health after repair: %s", why)
	}
}

func TestCreateAddress(t *testing.T) {
	fs := newFakes(3)
	c := newClient(t, fs)
	ctx := context.Background()
	if err := c.Start(ctx, &memSource{}, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	res, err := c.CreateAddress(ctx, spc.AddressRequest{Index: 7, PoolAddress: "Ss7", UserPubKeyAddr: "SkU"})
	if err != nil {
		t.Fatal(err)
	}
	wantPK := fakebackend.PoolPubKey("seed", "Ss7")
	wantScript := fakebackend.Script([]string{wantPK, "SkU"})
	if res.PoolPubKeyAddr != wantPK || res.Multisig.RedeemScript != wantScript ||
		res.Multisig.Address != fakebackend.ScriptAddress(wantScript) || res.HeightRegistered != 1000 {
		t.Errorf("result %+v", res)
	}
	for _, f := range fs {
		if f.CallCount("ImportUserScript") != 1 {
			t.Errorf("%s: ImportUserScript calls %d", f.Name(), f.CallCount("ImportUserScript"))
		}
	}
	if len(res.Missed) != 0 {
		t.Errorf("Missed %v", res.Missed)
	}
}

func TestCreateAddressErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(fs []*fakebackend.Backend)
		pool   string
		want   error
		halts  bool
	}{
		{"different seed", func(fs []*fakebackend.Backend) { fs[2].SetSeed("other") }, "Ss1", spc.ErrInconsistent, true},
		{"all rejected", func(fs []*fakebackend.Backend) {}, "bad1", spc.ErrRejected, false},
		{"all down", func(fs []*fakebackend.Backend) {
			for _, f := range fs {
				f.SetDown(true)
			}
		}, "Ss1", spc.ErrUnavailable, false},
		{"not mine", func(fs []*fakebackend.Backend) {}, "foreign1", spc.ErrNotMine, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFakes(3)
			c := newClient(t, fs)
			ctx := context.Background()
			if err := c.Start(ctx, &memSource{}, spc.Version{}); err != nil {
				t.Fatal(err)
			}
			tc.mutate(fs)
			_, err := c.CreateAddress(ctx, spc.AddressRequest{Index: 1, PoolAddress: tc.pool, UserPubKeyAddr: "SkU"})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			reason, _ := c.Halted()
			if (reason != "") != tc.halts {
				t.Fatalf("halted = %q, want halt %v", reason, tc.halts)
			}
			for _, f := range fs {
				if tc.halts && f.CallCount("ImportUserScript") != 0 {
					t.Errorf("%s: script imported despite inconsistency", f.Name())
				}
			}
		})
	}
}

func TestHaltAndRecheck(t *testing.T) {
	fs := newFakes(2)
	c := newClient(t, fs)
	ctx := context.Background()
	if err := c.Start(ctx, &memSource{}, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	good, err := c.CreateAddress(ctx, spc.AddressRequest{Index: 1, PoolAddress: "Ss1", UserPubKeyAddr: "SkA"})
	if err != nil {
		t.Fatal(err)
	}
	fs[1].SetSeed("restored-from-another-seed")
	_, err = c.CreateAddress(ctx, spc.AddressRequest{Index: 2, PoolAddress: "Ss2", UserPubKeyAddr: "SkB"})
	if !errors.Is(err, spc.ErrInconsistent) {
		t.Fatalf("err = %v, want ErrInconsistent", err)
	}
	if ok, why := c.Health(); ok || !strings.Contains(why, "halted") {
		t.Fatalf("Health = %v %q", ok, why)
	}
	// Halted: even with the wallets fixed, creation stays off until re-check.
	fs[1].SetSeed("seed")
	if _, err := c.CreateAddress(ctx, spc.AddressRequest{Index: 2, PoolAddress: "Ss2", UserPubKeyAddr: "SkB"}); !errors.Is(err, spc.ErrHalted) {
		t.Fatalf("err = %v, want ErrHalted", err)
	}
	probe := &spc.Probe{Index: 1, PoolAddress: "Ss1", PoolPubKeyAddr: good.PoolPubKeyAddr,
		UserPubKeyAddr: "SkA", RedeemScript: good.Multisig.RedeemScript, MultisigAddress: good.Multisig.Address}
	fs[1].SetSeed("still-wrong")
	if err := c.Recheck(ctx, probe); !errors.Is(err, spc.ErrInconsistent) {
		t.Fatalf("Recheck with a wrong wallet: %v", err)
	}
	if r, _ := c.Halted(); r == "" {
		t.Fatal("failed re-check lifted the halt")
	}
	fs[1].SetSeed("seed")
	if err := c.Recheck(ctx, probe); err != nil {
		t.Fatalf("Recheck: %v", err)
	}
	if ok, why := c.Health(); !ok {
		t.Fatalf("Health after re-check: %s", why)
	}
	if _, err := c.CreateAddress(ctx, spc.AddressRequest{Index: 2, PoolAddress: "Ss2", UserPubKeyAddr: "SkB"}); err != nil {
		t.Fatalf("CreateAddress after re-check: %v", err)
	}
}

func TestReadsAndWrites(t *testing.T) {
	fs := newFakes(2)
	fs[0].Ignored = []spc.Ticket{{Hash: "02", MultisigAddress: "ScA"}}
	fs[1].Ignored = []spc.Ticket{{Hash: "01", MultisigAddress: "ScB"}, {Hash: "02", MultisigAddress: "ScA"}}
	fs[0].Tickets["ScA"] = spc.UserTickets{Tickets: []spc.UserTicket{{Hash: "t1", Status: spc.StatusLive}}}
	fs[1].Tickets["ScA"] = spc.UserTickets{Tickets: []spc.UserTicket{{Hash: "t1", Status: spc.StatusLive}}}
	fs[0].Stake = spc.StakeInfo{BlockHeight: 5}
	fs[1].Stake = spc.StakeInfo{BlockHeight: 6}
	c := newClient(t, fs)
	ctx := context.Background()
	if err := c.Start(ctx, &memSource{}, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	ign, err := c.IgnoredLowFeeTickets(ctx)
	if err != nil || len(ign) != 2 || ign[0].Hash != "01" || ign[1].Hash != "02" {
		t.Fatalf("ignored union = %v %v", ign, err)
	}
	// First backend down: reads come from the second.
	fs[0].SetDown(true)
	si, err := c.StakeInfo(ctx)
	if err != nil || si.BlockHeight != 6 {
		t.Fatalf("StakeInfo = %+v %v", si, err)
	}
	ut, err := c.UserTickets(ctx, "ScA")
	if err != nil || len(ut.Tickets) != 1 {
		t.Fatalf("UserTickets = %+v %v", ut, err)
	}
	// A write with one backend down succeeds and marks it for repair.
	p := spc.VotingPrefs{UserID: 1, MultisigAddress: "ScA", VoteBits: 5, VoteBitsVersion: 8}
	if err := c.PushUserPrefs(ctx, p); err != nil {
		t.Fatalf("PushUserPrefs: %v", err)
	}
	if fs[1].Prefs["ScA"].VoteBits != 5 {
		t.Errorf("prefs not pushed")
	}
	fs[1].SetDown(true)
	if err := c.PushUserPrefs(ctx, p); !errors.Is(err, spc.ErrUnavailable) {
		t.Fatalf("PushUserPrefs all down: %v", err)
	}
	if _, err := c.StakeInfo(ctx); !errors.Is(err, spc.ErrUnavailable) {
		t.Fatalf("StakeInfo all down: %v", err)
	}
	st := c.Statuses()
	if len(st) != 2 || st[0].State != spc.StateDown || st[0].LastError == "" || st[0].Conn != "TransientFailure" {
		t.Errorf("statuses %+v", st)
	}
}

func TestNotReadyBackendIsDown(t *testing.T) {
	fs := newFakes(2)
	fs[1].HealthValue.WalletUnlocked = false
	c := newClient(t, fs)
	if err := c.Start(context.Background(), &memSource{}, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	ok, why := c.Health()
	if ok || !strings.Contains(why, "wallet locked") {
		t.Fatalf("Health = %v %q", ok, why)
	}
}

func TestNew(t *testing.T) {
	if _, err := spc.New(nil, spc.Options{}); err == nil {
		t.Fatal("New with no backends succeeded")
	}
}

func TestTicketSync(t *testing.T) {
	fs := newFakes(3)
	fs[0].WalletTix = []string{"t1", "t2", "gone1"}
	fs[1].WalletTix = []string{"t2", "t3"}
	fs[2].SetDown(true)
	c := newClient(t, fs)
	ctx := context.Background()
	if err := c.Start(ctx, &memSource{}, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"t1": true, "t2": true, "t3": true}
	check := func(f *fakebackend.Backend) {
		t.Helper()
		got := map[string]bool{}
		f.Do(func(b *fakebackend.Backend) {
			for _, h := range b.WalletTix {
				got[h] = true
			}
		})
		for h := range want {
			if !got[h] {
				t.Errorf("%s lacks ticket %s (has %v)", f.Name(), h, got)
			}
		}
		if got["gone1"] {
			t.Errorf("%s accepted a refused ticket", f.Name())
		}
	}
	check(fs[1])
	fs[0].Do(func(b *fakebackend.Backend) {
		if len(b.WalletTix) != 4 { // t1 t2 gone1 + t3
			t.Errorf("a: %v", b.WalletTix)
		}
	})
	// The backend that was down gets everything when it returns, and a
	// refused ticket does not keep it from becoming healthy.
	fs[2].SetDown(false)
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	check(fs[2])
	if ok, why := c.Health(); !ok {
		t.Fatalf("Health: %s", why)
	}
}

func TestVoteVersionChange(t *testing.T) {
	fs := newFakes(2)
	c := newClient(t, fs)
	ctx := context.Background()
	if err := c.Start(ctx, &memSource{}, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	// The network moves to vote version 9: both wallets follow.
	for _, f := range fs {
		f.Do(func(b *fakebackend.Backend) { b.HealthValue.VoteVersion = 9 })
	}
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	if c.VoteVersion() != 9 {
		t.Fatalf("vote version %d, want 9", c.VoteVersion())
	}
	if ok, why := c.Health(); !ok {
		t.Fatalf("Health after the upgrade: %s", why)
	}
	// One wallet alone on another version is reported, not adopted.
	fs[1].Do(func(b *fakebackend.Backend) { b.HealthValue.VoteVersion = 10 })
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	if c.VoteVersion() != 9 {
		t.Fatalf("vote version %d, want 9", c.VoteVersion())
	}
	if ok, why := c.Health(); ok || !strings.Contains(why, "vote version 10") {
		t.Fatalf("Health = %v %q", ok, why)
	}
}

// failingImports is a fake whose ImportScripts fails (wallet busy).
type failingImports struct{ *fakebackend.Backend }

func (f failingImports) ImportScripts(context.Context, []string, int64) error {
	return fmt.Errorf("%w: wallet busy", spc.ErrBackendDown)
}

func TestStartSurvivesFailedSync(t *testing.T) {
	fs := newFakes(2)
	c, err := spc.New([]spc.Backend{fs[0], failingImports{fs[1]}}, spc.Options{ColdWalletExtPub: coldXpub})
	if err != nil {
		t.Fatal(err)
	}
	src := &memSource{users: []spc.PoolUser{userFor(1, "Ss1", "Sk1", "seed", 10)}}
	if err := c.Start(context.Background(), src, spc.Version{}); err != nil {
		t.Fatalf("Start failed because one backend's sync failed: %v", err)
	}
	st := c.Statuses()
	if st[0].State != spc.StateHealthy || st[1].State != spc.StateDown || !strings.Contains(st[1].LastError, "wallet busy") {
		t.Fatalf("statuses %+v", st)
	}
}

func TestWatchRepairs(t *testing.T) {
	fs := newFakes(2)
	fs[1].SetDown(true)
	c := newClient(t, fs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := c.Start(ctx, &memSource{}, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	go c.Watch(ctx, 5*time.Millisecond)
	fs[1].SetDown(false)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if ok, _ := c.Health(); ok {
			break
		}
		if time.Now().After(deadline) {
			_, why := c.Health()
			t.Fatalf("Watch did not repair the returning backend: %s", why)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRepairChecksKeysBeforeImport: a backend that was down while a user
// signed up never took part in the comparison of pool keys. When it comes
// back with a wallet of another seed, the repair must not give it the
// user's script (that wallet could not vote the address) and must halt
// address creation, as a disagreement during sign-up does.
func TestRepairChecksKeysBeforeImport(t *testing.T) {
	fs, src, c := startWithBackendDown(t)
	ctx := context.Background()
	req := spc.AddressRequest{Index: 1, PoolAddress: "Ss1", UserPubKeyAddr: "Sk1"}
	res, err := c.CreateAddress(ctx, req)
	if err != nil {
		t.Fatalf("CreateAddress with one backend down: %v", err)
	}
	src.add(spc.PoolUser{Prefs: spc.VotingPrefs{UserID: 1, MultisigAddress: res.Multisig.Address, VoteBits: 1},
		RedeemScript: res.Multisig.RedeemScript, HeightRegistered: res.HeightRegistered})
	src.mu.Lock()
	src.probe = &spc.Probe{Index: 1, PoolAddress: req.PoolAddress, PoolPubKeyAddr: fakebackend.PoolPubKey("seed", req.PoolAddress),
		UserPubKeyAddr: req.UserPubKeyAddr, RedeemScript: res.Multisig.RedeemScript, MultisigAddress: res.Multisig.Address}
	src.mu.Unlock()

	// b comes back with a wallet restored from another seed.
	fs[1].Do(func(b *fakebackend.Backend) { b.Seed = "other seed" })
	fs[1].SetDown(false)
	if err := c.RepairAll(ctx); err == nil {
		t.Fatalf("RepairAll of a backend with another seed succeeded")
	}
	fs[1].Do(func(b *fakebackend.Backend) {
		if _, ok := b.Imported[res.Multisig.Address]; ok {
			t.Errorf("the backend with another seed was given the user's script")
		}
	})
	if reason, _ := c.Halted(); !strings.Contains(reason, "pool key of user 1") {
		t.Errorf("address creation not halted (reason %q)", reason)
	}

	// The same backend with the right seed is repaired normally.
	fs[1].Do(func(b *fakebackend.Backend) { b.Seed = "seed" })
	if err := c.RepairAll(ctx); err != nil {
		t.Fatalf("RepairAll with the right seed: %v", err)
	}
	fs[1].Do(func(b *fakebackend.Backend) {
		if b.Imported[res.Multisig.Address] != res.Multisig.RedeemScript {
			t.Errorf("the repaired backend did not get the script")
		}
	})
}
