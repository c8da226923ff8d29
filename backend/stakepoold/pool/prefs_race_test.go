package pool_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/rpc/statedigest"
)

// TestConcurrentUserPrefsAllKept sets the preferences of many users at
// once, one call each (the front end pushes each user's change as it is
// made): every one must be kept. Each call used to copy the users, add its
// own and publish the copy, so of two calls that overlapped the later
// publish dropped the other's user.
func TestConcurrentUserPrefsAllKept(t *testing.T) {
	h := newHarness(t, pool.State{})
	ctx := context.Background()
	_ = h.pool.StateDigest() // a cached digest that each change updates
	const n = 200
	var wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := pool.UserPrefs{UserID: int64(i), MultisigAddress: fmt.Sprintf("ScUser%d", i), VoteBits: 5, VoteBitsVersion: 8}
			if err := h.pool.SetUserPref(ctx, u); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := len(h.pool.Users()); got != n {
		t.Fatalf("%d users kept of %d set concurrently", got, n)
	}
	var want statedigest.Acc
	for _, u := range h.pool.Users() {
		want.AddUser(statedigest.UserHash(u))
	}
	if got := h.pool.StateDigest(); got.Digest() != want.Digest() || got.Users() != n {
		t.Fatalf("digest %s of %d users after the changes, want %s of %d", got.Digest(), got.Users(), want.Digest(), n)
	}
}
