package pool_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
)

// slowStore is a MemStore whose saves take as long as a file write with
// fsync does, so concurrent changes overlap as they do on a real disk.
type slowStore struct {
	*pooltest.MemStore
	delay  time.Duration
	during func() // called inside every Save, when set
}

func (s slowStore) Save(st pool.State) error {
	time.Sleep(s.delay)
	if s.during != nil {
		s.during()
	}
	return s.MemStore.Save(st)
}

func newSlowPool(t *testing.T, store slowStore) *pool.Pool {
	t.Helper()
	p, err := pool.New(pool.Config{PrefsWait: -1,
		Node: pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 200}), Wallet: pooltest.NewWallet(),
		Inspector: pooltest.Inspector{}, Addresses: pooltest.Addresses{},
		Store: store, Agendas: pooltest.Agendas{8: {pooltest.YesNoAgenda}}, Network: "simnet",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CheckWallet(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p
}

// setConcurrently changes users 1..n at once and returns each call's error.
func setConcurrently(p *pool.Pool, n int, bits uint16) []error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = p.SetUserPref(context.Background(), pool.UserPrefs{UserID: int64(i + 1),
				MultisigAddress: fmt.Sprintf("Sc%d", i+1), VoteBits: bits, VoteBitsVersion: 8})
		}()
	}
	wg.Wait()
	return errs
}

// TestConcurrentSetUserPrefKeepsEveryChange changes many users' choices
// at once, as the web load's vote-choice POSTs do: every change that was
// acknowledged must be in memory and in the last saved state.
func TestConcurrentSetUserPrefKeepsEveryChange(t *testing.T) {
	store := slowStore{MemStore: &pooltest.MemStore{}, delay: 2 * time.Millisecond}
	p := newSlowPool(t, store)
	const n = 32
	errs := setConcurrently(p, n, 5)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("user %d: %v", i+1, err)
		}
	}
	if got := len(p.Users()); got != n {
		t.Errorf("%d users in memory after %d acknowledged changes", got, n)
	}
	saved, _ := store.Load()
	if got := len(saved.Users); got != n {
		t.Errorf("%d users in the last saved state after %d acknowledged changes", got, n)
	}
}

// TestConcurrentChangesShareSaves: changes that arrive while a save runs
// are written together by the next one (group commit), instead of one
// full state write (two fsyncs on disk) each, one after the other.
func TestConcurrentChangesShareSaves(t *testing.T) {
	store := slowStore{MemStore: &pooltest.MemStore{}, delay: 5 * time.Millisecond}
	p := newSlowPool(t, store)
	const n = 32
	for i, err := range setConcurrently(p, n, 5) {
		if err != nil {
			t.Fatalf("user %d: %v", i+1, err)
		}
	}
	if store.Saves >= n/2 {
		t.Errorf("%d concurrent changes took %d saves; they should share saves", n, store.Saves)
	}
	if len(p.Users()) != n {
		t.Errorf("%d users after %d changes", len(p.Users()), n)
	}
}

// TestChangeVotesOnlyOnceStored: a change is not used (published) before
// the save that stores it has finished.
func TestChangeVotesOnlyOnceStored(t *testing.T) {
	var p *pool.Pool
	var seen []int
	store := slowStore{MemStore: &pooltest.MemStore{}, during: func() { seen = append(seen, len(p.Users())) }}
	p = newSlowPool(t, store)
	if err := p.SetUserPref(context.Background(), pool.UserPrefs{UserID: 1, MultisigAddress: "Sc1", VoteBits: 5,
		VoteBitsVersion: 8}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != 0 {
		t.Errorf("users in memory during the save: %v, want [0] (published after it)", seen)
	}
	if len(p.Users()) != 1 {
		t.Errorf("%d users after the save", len(p.Users()))
	}
}

// TestFailedSaveDropsStagedChanges: when the save fails, every change it
// carried fails and none of them is used or kept; the next change starts
// from the last stored state.
func TestFailedSaveDropsStagedChanges(t *testing.T) {
	store := slowStore{MemStore: &pooltest.MemStore{Err: errors.New("disk full")}, delay: 2 * time.Millisecond}
	p := newSlowPool(t, store)
	for i, err := range setConcurrently(p, 8, 5) {
		if pool.KindOf(err) != pool.KindInternal {
			t.Fatalf("user %d with a failing store: %v, want an internal error", i+1, err)
		}
	}
	if len(p.Users()) != 0 {
		t.Fatalf("%d users in memory after failed saves", len(p.Users()))
	}
	store.Err = nil // every call has returned
	if err := p.SetUserPref(context.Background(), pool.UserPrefs{UserID: 9, MultisigAddress: "Sc9", VoteBits: 3,
		VoteBitsVersion: 8}); err != nil {
		t.Fatal(err)
	}
	saved, _ := store.Load()
	if u := p.Users(); len(u) != 1 || u[0].UserID != 9 || len(saved.Users) != 1 {
		t.Errorf("after recovery: memory %v, saved %v; want only user 9", u, saved.Users)
	}
}
