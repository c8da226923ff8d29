package simtest

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	"github.com/eacred/dcrstakepool/backend/stakepoold/rpc/statedigest"
	"github.com/eacred/dcrstakepool/backend/stakepoold/store"
	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// TestKillDuringPrefChanges kill -9s a real stakepoold while clients
// commit users' preference changes in a loop (journal appends), several
// times. After each kill every acknowledged change is in the files (a
// user's value is the last acknowledged one, or the one in flight when
// the process died), and the restarted stakepoold reports the digest of
// exactly that state. stakepoold's gRPC server answers before its ecrd
// and wallet are reachable, so none are started.
func TestKillDuringPrefChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("starts stakepoold")
	}
	dir := t.TempDir()
	listen := freePort(t)
	args := []string{"--simnet", "--appdata", dir, "--coldwalletextpub", accountXpub(t, coldSeed).String(),
		"--poolfees", "5", "--feeaddresses", "10",
		"--ecrdhost", freePort(t), "--ecrduser", "user", "--ecrdpassword", "pass",
		"--wallethost", freePort(t), "--walletuser", "user", "--walletpassword", "pass",
		"--rpclisten", listen}
	sp := startStakepoold(t, dir, args...)
	c := dialStakepoold(t, filepath.Join(dir, "rpc.cert"), listen)
	waitHealth := func() *pb.HealthResponse {
		deadline := time.Now().Add(30 * time.Second)
		for {
			h, err := c.Health(ctx(t), &pb.HealthRequest{})
			if err == nil {
				return h
			}
			if time.Now().After(deadline) {
				t.Fatalf("stakepoold does not answer: %v\n%s", err, sp.p.Output())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitHealth()

	const users, workers = 60, 4
	prefs := make([]*pb.UserVotingPrefs, users)
	for i := range prefs {
		h := sha256.Sum256(fmt.Appendf(nil, "user %d", i))
		a, err := address.FromScriptHash(h[:20], chaincfg.SimNetParams())
		if err != nil {
			t.Fatal(err)
		}
		// An unknown vote version: stored, its bits only need bit 0.
		prefs[i] = &pb.UserVotingPrefs{UserId: int64(i + 1), MultisigAddress: a.String(), VoteBits: 1, VoteBitsVersion: 99}
	}
	if _, err := c.SetUserVotingPrefs(ctx(t), &pb.SetUserVotingPrefsRequest{Users: prefs}); err != nil {
		t.Fatal(err)
	}
	// acked[i] is user i's last acknowledged bits; inflight[i] the bits of
	// a change sent and not answered (0: none). Worker w owns the users
	// i with i%workers == w, so each user's changes are sequential.
	acked := make([]uint16, users)
	inflight := make([]uint16, users)
	for i := range acked {
		acked[i] = 1
	}
	next := uint16(1)
	for round := range 3 {
		var wg sync.WaitGroup
		var mu sync.Mutex
		changes := 0
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(round), uint64(w)))
				for {
					i := w + workers*r.IntN(users/workers)
					mu.Lock()
					next += 2
					bits := next
					inflight[i] = bits
					mu.Unlock()
					u := &pb.UserVotingPrefs{UserId: prefs[i].UserId, MultisigAddress: prefs[i].MultisigAddress,
						VoteBits: uint32(bits), VoteBitsVersion: prefs[i].VoteBitsVersion}
					if _, err := c.SetUserVotingPref(ctx(t), &pb.SetUserVotingPrefRequest{User: u}); err != nil {
						return // killed: this change may or may not be stored
					}
					mu.Lock()
					acked[i], inflight[i] = bits, 0
					changes++
					mu.Unlock()
				}
			}()
		}
		time.Sleep(time.Duration(300+rand.IntN(400)) * time.Millisecond)
		sp.kill()
		wg.Wait()
		if changes == 0 {
			t.Fatalf("round %d: no change acknowledged before the kill", round)
		}

		f, err := store.New(filepath.Join(dir, "data", "simnet"))
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.Load()
		if err != nil {
			t.Fatalf("round %d: after kill -9 the state does not load: %v", round, err)
		}
		got := map[int64]uint16{}
		for _, u := range st.Users {
			got[u.UserID] = u.VoteBits
		}
		if len(got) != users {
			t.Fatalf("round %d: %d users stored, want %d", round, len(got), users)
		}
		for i := range users {
			g := got[int64(i+1)]
			if g != acked[i] && (inflight[i] == 0 || g != inflight[i]) {
				t.Fatalf("round %d: user %d has bits %d; acknowledged %d (in flight %d)", round, i+1, g, acked[i], inflight[i])
			}
			acked[i], inflight[i] = g, 0 // what the restarted daemon holds
		}
		t.Logf("round %d: %d changes acknowledged before kill -9, all stored", round, changes)

		sp.start()
		h := waitHealth()
		want := statedigest.Of(st.Users, st.AddedTickets).Digest()
		if h.StateDigest != want || h.Users != users {
			t.Fatalf("round %d: restarted stakepoold holds %d users, digest %s; the files hold %s",
				round, h.Users, h.StateDigest, want)
		}
	}
}
