package pool_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
	"github.com/eacred/dcrstakepool/backend/stakepoold/store"
)

func newFilePool(t *testing.T, dir string) (*pool.Pool, *store.File) {
	t.Helper()
	fs, err := store.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := pool.New(pool.Config{PrefsWait: -1,
		Node: pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 200}), Wallet: pooltest.NewWallet(),
		Inspector: pooltest.Inspector{}, Addresses: pooltest.Addresses{}, Store: fs,
		Agendas: pooltest.Agendas{8: {pooltest.YesNoAgenda}}, Network: "simnet"})
	if err != nil {
		t.Fatal(err)
	}
	return p, fs
}

// TestJournalReloadEqualsPool drives a pool on the real store with random
// concurrent changes — single users' preferences (journal records, in
// group commits), added tickets, full pushes (snapshots) — and checks that
// a pool loaded from the files afterwards holds exactly what the running
// pool holds, and that the single changes went to the journal.
func TestJournalReloadEqualsPool(t *testing.T) {
	dir := t.TempDir()
	p, fs := newFilePool(t, dir)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 6))
	user := func(id int) pool.UserPrefs {
		return pool.UserPrefs{UserID: int64(id), MultisigAddress: fmt.Sprintf("Sc%d", id),
			VoteBits: uint16(1 + 2*r.IntN(3)), VoteBitsVersion: 8}
	}
	var all []pool.UserPrefs
	for id := 1; id <= 30; id++ {
		all = append(all, user(id))
	}
	if err := p.SetUserPrefs(ctx, all); err != nil {
		t.Fatal(err)
	}
	for round := range 6 {
		var wg sync.WaitGroup
		var mu sync.Mutex
		var errs []error
		for range 20 {
			u := user(1 + r.IntN(40))
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := p.SetUserPref(ctx, u); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		var tickets []pool.PoolTicketID
		for i := range r.IntN(3) {
			tickets = append(tickets, pool.PoolTicketID{Hash: fmt.Sprintf("%064x", round*10+i), MultisigAddress: "Sc1"})
		}
		if err := p.SetAddedTickets(ctx, tickets); err != nil {
			t.Fatal(err)
		}
		if round == 3 {
			if err := p.SetUserPrefs(ctx, p.Users()[:20]); err != nil {
				t.Fatal(err)
			}
		}
		q, _ := newFilePool(t, dir)
		if g, w := q.Users(), p.Users(); !reflect.DeepEqual(g, w) {
			t.Fatalf("round %d: reloaded users %+v\nwant %+v", round, g, w)
		}
		if g, w := q.AddedTickets(), p.AddedTickets(); !reflect.DeepEqual(g, w) {
			t.Fatalf("round %d: reloaded added tickets %+v, want %+v", round, g, w)
		}
		if g, w := q.StateDigest(), p.StateDigest(); g != w {
			t.Fatalf("round %d: reloaded digest %v, want %v", round, g, w)
		}
	}
	// The single changes are journal records, not snapshots.
	if b, err := readFile(fs.JournalPath()); err != nil || !strings.Contains(b, `"multisigaddress":"Sc`) {
		t.Fatalf("no user records in the journal (%v): %.200q", err, b)
	}
}

// TestNewUsesLoadedState: a state the caller has read already is not read
// again (stakepoold reads its files once at start-up).
func TestNewUsesLoadedState(t *testing.T) {
	loaded := pool.State{Users: []pool.UserPrefs{{UserID: 1, MultisigAddress: "Sc1", VoteBits: 5, VoteBitsVersion: 8}}}
	st := &countingStore{MemStore: &pooltest.MemStore{}}
	p, err := pool.New(pool.Config{PrefsWait: -1,
		Node: pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 200}), Wallet: pooltest.NewWallet(),
		Inspector: pooltest.Inspector{}, Addresses: pooltest.Addresses{}, Store: st, Loaded: &loaded,
		Network: "simnet"})
	if err != nil {
		t.Fatal(err)
	}
	if st.loads != 0 {
		t.Fatalf("the store was read %d times", st.loads)
	}
	if u := p.Users(); len(u) != 1 || u[0].VoteBits != 5 {
		t.Fatalf("users %+v, want the loaded one", u)
	}
}

type countingStore struct {
	*pooltest.MemStore
	loads int
}

func (s *countingStore) Load() (pool.State, error) {
	s.loads++
	return s.MemStore.Load()
}

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}
