package pool_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
	"github.com/eacred/dcrstakepool/backend/stakepoold/rpc/statedigest"
)

func wantDigest(users []pool.UserPrefs, tickets []pool.PoolTicketID) string {
	return statedigest.Of(users, tickets).Digest()
}

// TestHealthReportsStateDigest: Health's digest follows every kind of write
// and equals what the front end computes from the same records.
func TestHealthReportsStateDigest(t *testing.T) {
	u1 := pool.UserPrefs{UserID: 1, MultisigAddress: "ScUser1", VoteBits: 5, VoteBitsVersion: 8}
	u2 := pool.UserPrefs{UserID: 2, MultisigAddress: "ScUser2", VoteBits: 1, VoteBitsVersion: 8}
	h := newHarness(t, pool.State{Users: []pool.UserPrefs{u1}})
	ctx := context.Background()
	check := func(step string, users []pool.UserPrefs, tickets []pool.PoolTicketID) {
		t.Helper()
		hl := h.pool.Health(ctx)
		if want := wantDigest(users, tickets); hl.StateDigest != want {
			t.Fatalf("%s: digest %s, want %s", step, hl.StateDigest, want)
		}
		if hl.Users != len(users) {
			t.Fatalf("%s: users %d, want %d", step, hl.Users, len(users))
		}
	}
	check("loaded from disk", []pool.UserPrefs{u1}, nil)
	if err := h.pool.SetUserPref(ctx, u2); err != nil {
		t.Fatal(err)
	}
	check("one user added", []pool.UserPrefs{u1, u2}, nil)
	u2b := u2
	u2b.VoteBits = 3
	if err := h.pool.SetUserPref(ctx, u2b); err != nil {
		t.Fatal(err)
	}
	check("one user changed", []pool.UserPrefs{u1, u2b}, nil)
	tk := pool.PoolTicketID{Hash: strings.Repeat("ab", 32), MultisigAddress: "ScUser1"}
	if err := h.pool.SetAddedTickets(ctx, []pool.PoolTicketID{{Hash: strings.ToUpper(tk.Hash), MultisigAddress: tk.MultisigAddress}}); err != nil {
		t.Fatal(err)
	}
	check("ticket added", []pool.UserPrefs{u1, u2b}, []pool.PoolTicketID{tk})
	if err := h.pool.SetUserPrefs(ctx, []pool.UserPrefs{u1}); err != nil {
		t.Fatal(err)
	}
	check("all replaced", []pool.UserPrefs{u1}, []pool.PoolTicketID{tk})
	// A failed store write leaves memory, and so the digest, unchanged.
	h.store.Err = errors.New("disk full")
	if err := h.pool.SetUserPref(ctx, u2); err == nil {
		t.Fatal("store failure not reported")
	}
	check("failed write", []pool.UserPrefs{u1}, []pool.PoolTicketID{tk})
}

// hangingWallet answers WalletInfo only when the caller gives up.
type hangingWallet struct{ *pooltest.Wallet }

func (w hangingWallet) WalletInfo(ctx context.Context) (pool.WalletInfo, error) {
	<-ctx.Done()
	return pool.WalletInfo{}, pool.Wrap(pool.KindUnavailable, ctx.Err(), "walletinfo")
}

// TestHealthBoundsAFrozenWallet: a wallet that stops answering makes Health
// report a problem within about HealthCallTimeout, not hang for the
// caller's whole deadline.
func TestHealthBoundsAFrozenWallet(t *testing.T) {
	w := pooltest.NewWallet()
	p, err := pool.New(pool.Config{Node: pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 200}),
		Wallet: hangingWallet{w}, Inspector: pooltest.Inspector{}, Addresses: pooltest.Addresses{}, Network: "simnet"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	hl := p.Health(ctx)
	took := time.Since(start)
	if took > pool.HealthCallTimeout+time.Second {
		t.Fatalf("Health took %v with a frozen wallet", took)
	}
	if hl.Ready || !contains(hl.Problems, "walletinfo") {
		t.Fatalf("frozen wallet not reported: %+v", hl)
	}
}

// BenchmarkStateDigest100k is stakepoold's cost for the digest after one
// user's change, at 100,000 users (the Health answer after a write; every
// other Health answer reuses it).
func BenchmarkStateDigest100k(b *testing.B) {
	users := make([]pool.UserPrefs, 100_000)
	for i := range users {
		users[i] = pool.UserPrefs{UserID: int64(i + 1), MultisigAddress: fmt.Sprintf("Sc%033d", i), VoteBits: 1, VoteBitsVersion: 8}
	}
	h := newHarness(b, pool.State{Users: users})
	ctx := context.Background()
	b.Run("after a change", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			u := users[i%len(users)]
			u.VoteBits = uint16(1 + 2*(i%2))
			if err := h.pool.SetUserPref(ctx, u); err != nil {
				b.Fatal(err)
			}
			runtime.GC() // the copy SetUserPref made is not the digest's cost
			b.StartTimer()
			_ = h.pool.StateDigest().Digest()
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = h.pool.StateDigest().Digest()
		}
	})
}
