package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/store"
)

// TestMain lets scripts/backup-stakepoold.sh run this test binary as its
// stakepoold (-s): with STAKEPOOLD_TEST_MAIN=1 it is stakepoold's main.
func TestMain(m *testing.M) {
	if os.Getenv("STAKEPOOLD_TEST_MAIN") == "1" {
		os.Exit(realMain(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// backupScript runs scripts/backup-stakepoold.sh with this binary as its
// stakepoold.
func backupScript(t *testing.T, args ...string) (string, error) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join("..", "..", "scripts", "backup-stakepoold.sh"), append([]string{"-s", self}, args...)...)
	// A race-detector build sleeps a second at exit unless told not to.
	cmd.Env = append(os.Environ(), "STAKEPOOLD_TEST_MAIN=1",
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("backup-stakepoold.sh %s: %w\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}

// digest is the canonical hash of a state (users sorted by id, tickets by
// hash, as Load returns them).
func digest(st pool.State) [32]byte {
	st.Users = slices.Clone(st.Users)
	slices.SortFunc(st.Users, func(a, b pool.UserPrefs) int { return int(a.UserID - b.UserID) })
	st.AddedTickets = slices.Clone(st.AddedTickets)
	slices.SortFunc(st.AddedTickets, func(a, b pool.PoolTicketID) int { return strings.Compare(a.Hash, b.Hash) })
	if len(st.Users) == 0 {
		st.Users = nil
	}
	if len(st.AddedTickets) == 0 {
		st.AddedTickets = nil
	}
	b, _ := json.Marshal(st) // plain structs: never fails
	return sha256.Sum256(b)
}

// TestBackupScriptWhileWriting backs up a state directory with
// scripts/backup-stakepoold.sh while the store stakepoold runs on writes to
// it (single changes, batches large enough to compact the journal, full
// replacements that truncate it), restores each backup with the script
// into a fresh directory, and loads it: it must be the state of a write
// acknowledged during the backup or the last one before it, never older.
// Write number n sets user 1's VoteBitsVersion to 100+n, which tells
// which state a copy holds.
func TestBackupScriptWhileWriting(t *testing.T) {
	app := t.TempDir()
	conf := filepath.Join(app, "stakepoold.conf")
	if err := os.WriteFile(conf, []byte("appdata="+app+"\nsimnet=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(app, "data", "simnet") // where stakepoold puts it with this config
	f, err := store.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]pool.UserPrefs{}
	for i := 1; i <= 1000; i++ {
		u := pool.UserPrefs{UserID: int64(i), MultisigAddress: fmt.Sprintf("Sc%033d", i), VoteBits: 1, VoteBitsVersion: 8}
		if i == 1 {
			u.VoteBitsVersion = 100 // the counter: 100 + the write's number
		}
		users[u.MultisigAddress] = u
	}
	// stateOf is a new state value each time: the store sorts what it
	// is given in place.
	stateOf := func(us map[string]pool.UserPrefs, added []pool.PoolTicketID) pool.State {
		return pool.State{Users: slices.Collect(maps.Values(us)), AddedTickets: slices.Clone(added)}
	}
	counter := users[fmt.Sprintf("Sc%033d", 1)]
	if err := f.Save(stateOf(users, nil)); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	acked := [][32]byte{digest(stateOf(users, nil))} // acked[n]: the state after write n
	saves, stop, done := 0, make(chan struct{}), make(chan struct{})
	journals, journalIno := 0, uint64(0) // journal files seen
	var added []pool.PoolTicketID
	var stopOnce sync.Once
	halt := func() { stopOnce.Do(func() { close(stop) }); <-done }
	t.Cleanup(halt)
	go func() {
		defer close(done)
		r := rand.New(rand.NewPCG(13, 5))
		for n := 1; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			us := maps.Clone(users)
			var batch []pool.Change
			for range 500 + r.IntN(500) { // >= 58 kB: the journal compacts within 18 writes
				u := us[fmt.Sprintf("Sc%033d", 2+r.IntN(999))]
				u.VoteBits = uint16(1 + 2*r.IntN(3))
				us[u.MultisigAddress] = u
				batch = append(batch, pool.Change{Kind: pool.ChangeUser, User: u})
			}
			if r.IntN(10) == 0 {
				added = []pool.PoolTicketID{{Hash: fmt.Sprintf("%064x", n), MultisigAddress: fmt.Sprintf("Sc%033d", 7)}}
				batch = append(batch, pool.Change{Kind: pool.ChangeAddedTickets, AddedTickets: added})
			}
			counter.VoteBitsVersion = uint32(100 + n)
			us[counter.MultisigAddress] = counter
			batch = append(batch, pool.Change{Kind: pool.ChangeUser, User: counter})
			ack := digest(stateOf(us, added))
			var err error
			if n%25 == 0 {
				err = f.Save(stateOf(us, added))
				saves++
			} else {
				snap, snapAdded := us, added
				err = f.Append(batch, func() pool.State { return stateOf(snap, snapAdded) })
			}
			if err != nil {
				t.Error(err)
				return
			}
			users = us
			if fi, err := os.Stat(f.JournalPath()); err == nil {
				if ino := fi.Sys().(*syscall.Stat_t).Ino; ino != journalIno {
					journals, journalIno = journals+1, ino // a compaction replaced the journal
				}
			}
			mu.Lock()
			acked = append(acked, ack)
			mu.Unlock()
		}
	}()
	written := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked) - 1
	}
	out := filepath.Join(t.TempDir(), "backups")
	// backup backs up, restores into a fresh directory and loads it; it
	// returns the write the restored state holds, checked against the
	// state acknowledged after that write.
	backup := func(i int) (before, got, after int) {
		before = written()
		bk, err := backupScript(t, "-C", conf, "-o", out, "-k", "2")
		after = written()
		if err != nil {
			t.Fatal(err)
		}
		fresh := filepath.Join(t.TempDir(), "restored")
		if _, err := backupScript(t, "-d", fresh, "-r", bk); err != nil {
			t.Fatal(err)
		}
		g, err := store.New(fresh)
		if err != nil {
			t.Fatal(err)
		}
		st, err := g.Load()
		if err != nil {
			t.Fatalf("backup %d: the restored state does not load: %v", i, err)
		}
		got = -1
		for _, u := range st.Users {
			if u.UserID == 1 {
				got = int(u.VoteBitsVersion) - 100
			}
		}
		if got < before || got > after {
			t.Fatalf("backup %d holds write %d: writes %d (acknowledged before the backup) to %d were expected", i, got, before, after)
		}
		mu.Lock()
		want := acked[got]
		mu.Unlock()
		if digest(st) != want {
			t.Fatalf("backup %d holds write %d's counter but not its state", i, got)
		}
		return before, got, after
	}
	// Start once a full replacement and a compaction have happened.
	for deadline := time.Now().Add(time.Minute); written() < 30; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes in a minute", written())
		}
	}
	during := 0
	for i := range 3 {
		before, _, after := backup(i)
		during += after - before
	}
	halt()
	if t.Failed() {
		t.FailNow()
	}
	if during == 0 || saves == 0 || journals < 2 {
		t.Fatalf("%d writes during the backups, %d full replacements, %d journal files: not the writes meant",
			during, saves, journals)
	}
	// Quiet: a new snapshot, then three single changes only in the
	// journal. The backup must hold the last one.
	if err := f.Save(stateOf(users, added)); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		counter.VoteBitsVersion++
		users = maps.Clone(users)
		users[counter.MultisigAddress] = counter
		snap := users
		if err := f.Append([]pool.Change{{Kind: pool.ChangeUser, User: counter}}, func() pool.State { return stateOf(snap, added) }); err != nil {
			t.Fatal(err)
		}
		acked = append(acked, digest(stateOf(users, added)))
	}
	if _, got, _ := backup(3); got != written() {
		t.Fatalf("the backup holds write %d, not the last one (%d)", got, written())
	}
	if kept, _ := filepath.Glob(filepath.Join(out, "stakepoold-state-*")); len(kept) != 2 {
		t.Fatalf("-k 2 kept %d backups: %v", len(kept), kept)
	}
	t.Logf("%d writes in all, %d during the 3 backups, %d full replacements, %d compactions", written(), during, saves, journals-1)
}

// TestBackupScriptRefusesDamage: a damaged snapshot is not backed up (the
// script fails and leaves no backup), and a restore whose files
// stakepoold refuses fails with the previous files kept aside.
func TestBackupScriptRefusesDamage(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, store.FileName), []byte(`{"version":2,"users":[`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := backupScript(t, "-d", dir, "-o", out); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("a damaged state was backed up: %v", err)
	}
	if left, _ := os.ReadDir(out); len(left) != 0 {
		t.Fatalf("a failed backup left %v", left)
	}
	target := t.TempDir()
	if err := os.WriteFile(filepath.Join(target, store.FileName), []byte(`{"version":2}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := backupScript(t, "-d", target, "-r", dir); err == nil {
		t.Fatal("a damaged backup was restored without an error")
	}
	if olds, _ := filepath.Glob(filepath.Join(target, store.FileName+".before-restore-*")); len(olds) != 1 {
		t.Fatalf("the state before the restore was not kept aside: %v", olds)
	}
}
