package pool_test

import (
	"context"
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
	delay time.Duration
}

func (s slowStore) Save(st pool.State) error {
	time.Sleep(s.delay)
	return s.MemStore.Save(st)
}

// TestConcurrentSetUserPrefKeepsEveryChange changes many users' choices
// at once, as the web load's vote-choice POSTs do: every change that was
// acknowledged must be in memory and in the last saved state.
func TestConcurrentSetUserPrefKeepsEveryChange(t *testing.T) {
	store := slowStore{MemStore: &pooltest.MemStore{}, delay: 2 * time.Millisecond}
	p, err := pool.New(pool.Config{PrefsWait: -1,
		Node: pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 200}), Wallet: pooltest.NewWallet(),
		Inspector: pooltest.Inspector{}, Addresses: pooltest.Addresses{},
		Store: store, Agendas: pooltest.Agendas{8: {pooltest.YesNoAgenda}}, Network: "simnet",
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := p.CheckWallet(ctx); err != nil {
		t.Fatal(err)
	}
	const n = 32
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = p.SetUserPref(ctx, pool.UserPrefs{UserID: int64(i + 1), MultisigAddress: fmt.Sprintf("Sc%d", i+1),
				VoteBits: 5, VoteBitsVersion: 8})
		}()
	}
	wg.Wait()
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
