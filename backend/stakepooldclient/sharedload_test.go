package stakepooldclient_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	spc "github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
)

// gatedSource counts PoolUsers calls; while armed, each call waits up to
// wait for a second caller, so that a second read that is not shared is
// always seen.
type gatedSource struct {
	*memSource
	armed atomic.Bool
	calls atomic.Int32
	wait  time.Duration
}

func (s *gatedSource) PoolUsers(ctx context.Context) ([]spc.PoolUser, error) {
	if s.armed.Load() {
		s.calls.Add(1)
		deadline := time.Now().Add(s.wait)
		for s.calls.Load() < 2 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
	return s.memSource.PoolUsers(ctx)
}

// TestRepairsShareOneSourceRead empties two backends (stakepoolds that
// lost their state) and repairs both at once: they must read every user
// from the database once between them, not once each (at 100,000 users
// one read takes a second or more).
func TestRepairsShareOneSourceRead(t *testing.T) {
	fs := newFakes(2)
	var bs []spc.Backend
	for _, f := range fs {
		bs = append(bs, f)
	}
	src := &gatedSource{memSource: &memSource{}, wait: 300 * time.Millisecond}
	for i := 1; i <= 50; i++ {
		src.add(spc.PoolUser{Prefs: spc.VotingPrefs{UserID: int64(i), MultisigAddress: fmt.Sprintf("ScSkP%d+SkU%d", i, i),
			VoteBits: 1}, RedeemScript: fmt.Sprintf("5121%04x52ae", i), HeightRegistered: 100})
	}
	c, err := spc.New(bs, spc.Options{ColdWalletExtPub: coldXpub})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := c.Close(); err != nil {
			t.Error(err)
		}
	}()
	ctx := context.Background()
	if err := c.Start(ctx, src, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		f.Do(func(fb *fakebackend.Backend) {
			if len(fb.Prefs) != 50 {
				t.Fatalf("%d users pushed at start-up", len(fb.Prefs))
			}
			fb.Prefs = map[string]spc.VotingPrefs{}
			fb.Imported = map[string]string{}
		})
	}
	src.armed.Store(true)
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	if n := src.calls.Load(); n != 1 {
		t.Fatalf("the two repairs read the users %d times, want once", n)
	}
	for _, f := range fs {
		f.Do(func(fb *fakebackend.Backend) {
			if len(fb.Prefs) != 50 {
				t.Fatalf("a backend holds %d users after the repair", len(fb.Prefs))
			}
		})
	}
}
