package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
)

// model is what the pool holds: the state the store must give back.
type model struct {
	users map[string]pool.UserPrefs
	added []pool.PoolTicketID
}

func newModel() *model { return &model{users: map[string]pool.UserPrefs{}} }

func (m *model) apply(c pool.Change) {
	switch c.Kind {
	case pool.ChangeUser:
		m.users = maps.Clone(m.users)
		m.users[c.User.MultisigAddress] = c.User
	case pool.ChangeAddedTickets:
		m.added = slices.Clone(c.AddedTickets)
	}
}

// state returns the state now, and keeps returning it (as the pool's
// immutable maps do) whatever happens to m afterwards.
func (m *model) state() func() pool.State {
	users, added := m.users, m.added
	return func() pool.State {
		st := pool.State{AddedTickets: slices.Clone(added)}
		for _, u := range users {
			st.Users = append(st.Users, u)
		}
		return st
	}
}

// canon sorts a state the way Load returns it, with empty lists nil.
func canon(st pool.State) pool.State {
	if len(st.Users) == 0 {
		st.Users = nil
	}
	if len(st.AddedTickets) == 0 {
		st.AddedTickets = nil
	}
	st.Users = slices.Clone(st.Users)
	slices.SortFunc(st.Users, func(a, b pool.UserPrefs) int { return int(a.UserID - b.UserID) })
	st.AddedTickets = slices.Clone(st.AddedTickets)
	slices.SortFunc(st.AddedTickets, func(a, b pool.PoolTicketID) int { return strings.Compare(a.Hash, b.Hash) })
	return st
}

func randChange(r *rand.Rand) pool.Change {
	if r.IntN(10) == 0 {
		var ts []pool.PoolTicketID
		for range r.IntN(4) {
			ts = append(ts, pool.PoolTicketID{Hash: fmt.Sprintf("%064x", r.IntN(20)), MultisigAddress: fmt.Sprintf("Sc%d", r.IntN(40))})
		}
		return pool.Change{Kind: pool.ChangeAddedTickets, AddedTickets: ts}
	}
	id := 1 + r.IntN(40)
	return pool.Change{Kind: pool.ChangeUser, User: pool.UserPrefs{UserID: int64(id),
		MultisigAddress: fmt.Sprintf("Sc%d", id), VoteBits: uint16(1 + 2*r.IntN(3)), VoteBitsVersion: 8}}
}

func mustLoad(t *testing.T, dir string) (*File, pool.State) {
	t.Helper()
	f, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.Load()
	if err != nil {
		t.Fatal(err)
	}
	return f, st
}

func checkState(t *testing.T, what string, got pool.State, want func() pool.State) {
	t.Helper()
	if g, w := canon(got), canon(want()); !reflect.DeepEqual(g, w) {
		t.Fatalf("%s: loaded %+v\nwant %+v", what, g, w)
	}
}

func lowCompaction(t *testing.T, n int64) {
	old := minCompact
	minCompact = n
	t.Cleanup(func() { minCompact = old })
}

// TestJournalReplayMatchesModel stores random sequences of changes —
// single ones, groups, full replacements — through compactions and
// restarts, and checks after each step that a fresh load gives exactly
// the state the changes make.
func TestJournalReplayMatchesModel(t *testing.T) {
	lowCompaction(t, 2000)
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 7))
		dir := t.TempDir()
		f, _ := mustLoad(t, dir)
		m := newModel()
		compactions := 0
		for step := range 200 {
			switch k := r.IntN(40); {
			case k == 0: // a full replacement
				for range 5 {
					m.apply(randChange(r))
				}
				if err := f.Save(m.state()()); err != nil {
					t.Fatal(err)
				}
			case k == 1: // a restart
				f.waitCompaction()
				var st pool.State
				f, st = mustLoad(t, dir)
				checkState(t, fmt.Sprintf("seed %d step %d restart", seed, step), st, m.state())
			default: // a group of 1-4 changes
				var cs []pool.Change
				for range 1 + r.IntN(4) {
					c := randChange(r)
					m.apply(c)
					cs = append(cs, c)
				}
				if err := f.Append(cs, m.state()); err != nil {
					t.Fatal(err)
				}
			}
			f.mu.Lock()
			if f.compacting {
				compactions++
			}
			f.mu.Unlock()
			if step%7 == 0 {
				f.waitCompaction()
				_, st := mustLoad(t, dir)
				checkState(t, fmt.Sprintf("seed %d step %d", seed, step), st, m.state())
			}
		}
		f.waitCompaction()
		_, st := mustLoad(t, dir)
		checkState(t, fmt.Sprintf("seed %d end", seed), st, m.state())
		if compactions == 0 {
			t.Fatalf("seed %d: no compaction ran", seed)
		}
	}
}

// journalWith stores n single changes after a snapshot and returns the
// directory, the journal's bytes, where its last record starts, and the
// states before and after the last change.
func journalWith(t *testing.T, n int) (dir string, b []byte, lastStart int, without, with func() pool.State) {
	t.Helper()
	dir = t.TempDir()
	f, _ := mustLoad(t, dir)
	m := newModel()
	r := rand.New(rand.NewPCG(1, 2))
	m.apply(randChange(r))
	if err := f.Save(m.state()()); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if i == n-1 {
			without = m.state()
			lastStart = int(f.end)
		}
		c := randChange(r)
		m.apply(c)
		if err := f.Append([]pool.Change{c}, m.state()); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(f.JournalPath())
	if err != nil {
		t.Fatal(err)
	}
	return dir, b, lastStart, without, m.state()
}

// TestJournalTornTailAtEveryOffset cuts the journal at every byte of its
// last record (and fills the cut part with zeros, as a crash can leave
// it): each loads without error, without that change, and cuts the torn
// bytes off so that new changes load after it; only the whole record
// loads with the change.
func TestJournalTornTailAtEveryOffset(t *testing.T) {
	dir, b, last, without, with := journalWith(t, 6)
	jp := filepath.Join(dir, JournalName)
	for cut := last; cut <= len(b); cut++ {
		for _, zeros := range []bool{false, true} {
			content := slices.Clone(b[:cut])
			if zeros && cut < len(b) {
				content = append(content, make([]byte, len(b)-cut)...)
			}
			if err := os.WriteFile(jp, content, 0o600); err != nil {
				t.Fatal(err)
			}
			f, st := mustLoad(t, dir)
			want := without
			if cut == len(b) {
				want = with
			}
			checkState(t, fmt.Sprintf("cut at %d of %d (zeros %v)", cut, len(b), zeros), st, want)
			wantSize := int64(last)
			if cut == len(b) {
				wantSize = int64(len(b))
			}
			if fi, err := os.Stat(jp); err != nil || fi.Size() != wantSize {
				t.Fatalf("cut at %d: the torn record was not cut off: %v %v, want %d bytes", cut, fi.Size(), err, wantSize)
			}
			// The next change follows the kept records.
			c := pool.Change{Kind: pool.ChangeUser, User: pool.UserPrefs{UserID: 99, MultisigAddress: "Sc99", VoteBits: 1}}
			m := newModel()
			for _, u := range want().Users {
				m.users[u.MultisigAddress] = u
			}
			m.added = want().AddedTickets
			m.apply(c)
			if err := f.Append([]pool.Change{c}, m.state()); err != nil {
				t.Fatal(err)
			}
			_, st = mustLoad(t, dir)
			checkState(t, fmt.Sprintf("cut at %d, then a change", cut), st, m.state())
		}
	}
}

// TestJournalDamageInTheMiddle: a flipped byte in a record that intact
// records follow, a record of an unknown type, a sequence gap and a
// journal that does not follow its snapshot are refused with a
// CorruptError that says what to do.
func TestJournalDamageInTheMiddle(t *testing.T) {
	dir, b, _, _, _ := journalWith(t, 5)
	jp := filepath.Join(dir, JournalName)
	first := len(journalHeader)
	second := first + frameHead + int(binary.LittleEndian.Uint32(b[first:]))
	third := second + frameHead + int(binary.LittleEndian.Uint32(b[second:]))
	expectCorrupt := func(t *testing.T, content []byte, want string) {
		t.Helper()
		if err := os.WriteFile(jp, content, 0o600); err != nil {
			t.Fatal(err)
		}
		f, _ := New(dir)
		_, err := f.Load()
		var ce *CorruptError
		if !errors.As(err, &ce) {
			t.Fatalf("got %v, want a CorruptError", err)
		}
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "mv "+jp+" "+jp+".damaged") ||
			!strings.Contains(err.Error(), "mv "+f.Path()+" "+f.Path()+".damaged") {
			t.Fatalf("the error does not say %q and what to do: %v", want, err)
		}
	}
	// Every byte of the second record (of five), flipped.
	for i := second; i < third; i++ {
		c := slices.Clone(b)
		c[i] ^= 0x40
		expectCorrupt(t, c, "intact record follows")
	}
	// A record with a valid checksum but an unknown type, or a seq gap.
	reframe := func(mut func(payload []byte)) []byte {
		c := slices.Clone(b)
		payload := c[second+frameHead : third]
		mut(payload)
		binary.LittleEndian.PutUint32(c[second+4:], crc32.Checksum(payload, castagnoli))
		return c
	}
	expectCorrupt(t, reframe(func(p []byte) { p[8] = 9 }), "unknown record type 9")
	expectCorrupt(t, reframe(func(p []byte) { binary.LittleEndian.PutUint64(p, binary.LittleEndian.Uint64(p)+1) }), "sequence number")
	expectCorrupt(t, reframe(func(p []byte) { p[len(p)-1] = 'x' }), "the record at byte")
	// A header that is not the journal's.
	expectCorrupt(t, append([]byte("stakepoold journal 7\n"), b[first:]...), "journal header")
	// The first record is not the snapshot's next change.
	expectCorrupt(t, append([]byte(journalHeader), b[second:]...), "first change is")
}

// TestCompactionCrashPoints stops a compaction (and a full replacement)
// at every step, as a crash would, and loads what is on disk: every
// stored change is there, and changes stored after the restart load too.
func TestCompactionCrashPoints(t *testing.T) {
	steps := []string{FileName + " synced", FileName + " renamed", JournalName + " synced", JournalName + " renamed"}
	saveSteps := []string{FileName + " synced", FileName + " renamed", JournalName + " reset"}
	run := func(t *testing.T, step string, full bool) {
		if full {
			lowCompaction(t, 1<<30) // the crash must come in the save
		} else {
			lowCompaction(t, 1500)
		}
		dir := t.TempDir()
		f, _ := mustLoad(t, dir)
		m := newModel()
		r := rand.New(rand.NewPCG(3, 4))
		m.apply(randChange(r))
		if err := f.Save(m.state()()); err != nil {
			t.Fatal(err)
		}
		// The journal exists before the crash point is armed (its creation
		// goes through the same steps).
		c := randChange(r)
		m.apply(c)
		if err := f.Append([]pool.Change{c}, m.state()); err != nil {
			t.Fatal(err)
		}
		crashed := false
		var before func() pool.State
		crashHook = func(s string) error {
			if s == step && !crashed {
				crashed = true
				return errors.New("crash at " + s)
			}
			return nil
		}
		defer func() { crashHook = nil }()
		for i := 0; !crashed && i < 1000; i++ {
			if full && i == 20 {
				// A full replacement that drops users: records replayed
				// over it would bring them back.
				before = m.state()
				next := newModel()
				for a, u := range m.users {
					if u.UserID%2 == 0 {
						u.VoteBits = 7 // no change before makes these bits
						next.users[a] = u
					}
				}
				m = next
				if err := f.Save(m.state()()); err == nil {
					t.Fatalf("the save did not stop at %s", step)
				}
				break
			}
			c := randChange(r)
			m.apply(c)
			if err := f.Append([]pool.Change{c}, m.state()); err != nil {
				t.Fatal(err)
			}
			f.waitCompaction()
		}
		if !crashed || full && before == nil {
			t.Fatalf("never reached %s", step)
		}
		crashHook = nil
		f2, st := mustLoad(t, dir)
		if !full {
			checkState(t, "after the crash", st, m.state())
		} else if g := canon(st); !reflect.DeepEqual(g, canon(m.state()())) && !reflect.DeepEqual(g, canon(before())) {
			// The unacknowledged full replacement may or may not be
			// there, but nothing else.
			t.Fatalf("after a crash in a full replacement: loaded %+v\nwant %+v\nor %+v", g, canon(m.state()()), canon(before()))
		}
		if full {
			m = newModel()
			for _, u := range st.Users {
				m.users[u.MultisigAddress] = u
			}
			m.added = st.AddedTickets
		}
		for _, n := range []int{3, 50} { // before a compaction, and after
			for range n {
				c := randChange(r)
				m.apply(c)
				if err := f2.Append([]pool.Change{c}, m.state()); err != nil {
					t.Fatal(err)
				}
			}
			f2.waitCompaction()
			_, st = mustLoad(t, dir)
			checkState(t, fmt.Sprintf("%d changes after the restart", n), st, m.state())
		}
	}
	for _, s := range steps {
		t.Run("compaction/"+s, func(t *testing.T) { run(t, s, false) })
	}
	for _, s := range saveSteps {
		t.Run("save/"+s, func(t *testing.T) { run(t, s, true) })
	}
}

// TestUpgradeAndOrphanedJournal: a version 1 file (no journal) loads and
// the first change writes a version 2 snapshot; a journal whose snapshot
// was deleted is moved aside (the state is empty, as deleting state.json
// always meant); a journal after a version 1 snapshot is refused.
func TestUpgradeAndOrphanedJournal(t *testing.T) {
	dir := t.TempDir()
	v1 := `{"version": 1, "users": [{"userid": 1, "multisigaddress": "ScA", "votebits": 5, "votebitsversion": 8}], "addedtickets": []}`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(v1), 0o600); err != nil {
		t.Fatal(err)
	}
	f, st := mustLoad(t, dir)
	m := newModel()
	for _, u := range st.Users {
		m.users[u.MultisigAddress] = u
	}
	if len(m.users) != 1 || m.users["ScA"].VoteBits != 5 {
		t.Fatalf("version 1 file: %+v", st)
	}
	c := pool.Change{Kind: pool.ChangeUser, User: pool.UserPrefs{UserID: 2, MultisigAddress: "ScB", VoteBits: 1}}
	m.apply(c)
	if err := f.Append([]pool.Change{c}, m.state()); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(f.Path()); !strings.Contains(string(b), `"version": 2`) {
		t.Fatalf("the first change did not write a version 2 snapshot:\n%s", b)
	}
	for range 3 {
		c.User.VoteBits += 2
		m.apply(c)
		if err := f.Append([]pool.Change{c}, m.state()); err != nil {
			t.Fatal(err)
		}
	}
	_, st = mustLoad(t, dir)
	checkState(t, "upgraded", st, m.state())

	// A journal after a version 1 snapshot.
	if err := os.WriteFile(f.Path(), []byte(v1), 0o600); err != nil {
		t.Fatal(err)
	}
	f3, _ := New(dir)
	var ce *CorruptError
	if _, err := f3.Load(); !errors.As(err, &ce) {
		t.Fatalf("journal after a version 1 snapshot: got %v, want a CorruptError", err)
	}

	// state.json deleted: the journal is moved aside.
	if err := os.Remove(f.Path()); err != nil {
		t.Fatal(err)
	}
	f4, st := mustLoad(t, dir)
	if len(st.Users) != 0 || len(st.AddedTickets) != 0 {
		t.Fatalf("without its snapshot the journal was replayed: %+v", st)
	}
	if _, err := os.Stat(f4.JournalPath() + ".orphaned"); err != nil {
		t.Fatalf("the orphaned journal was not kept: %v", err)
	}
	m = newModel()
	m.apply(c)
	if err := f4.Append([]pool.Change{c}, m.state()); err != nil {
		t.Fatal(err)
	}
	_, st = mustLoad(t, dir)
	checkState(t, "after the orphaned journal", st, m.state())
}

// TestBackupCopyJournalFirst checks the README's backup order: copies of
// the journal and then the snapshot, taken while changes, compactions and
// full replacements run, always load, each to a state the store held at
// some point. (Copied the other way round, a compaction between the two
// copies can leave a gap; the window is too narrow for a test to hit it
// reliably.)
func TestBackupCopyJournalFirst(t *testing.T) {
	lowCompaction(t, 1200)
	dir := t.TempDir()
	f, _ := mustLoad(t, dir)
	m := newModel()
	r := rand.New(rand.NewPCG(9, 9))
	m.apply(randChange(r))
	if err := f.Save(m.state()()); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]bool{fmt.Sprint(canon(m.state()())): true}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 300 {
			c := randChange(r)
			m.apply(c)
			mu.Lock()
			seen[fmt.Sprint(canon(m.state()()))] = true
			mu.Unlock()
			var err error
			if i%150 == 149 {
				err = f.Save(m.state()())
			} else {
				err = f.Append([]pool.Change{c}, m.state())
			}
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	copies := 0
	for running := true; running; copies++ {
		select {
		case <-done:
			running = false
		default:
		}
		b := t.TempDir()
		j, jerr := os.ReadFile(f.JournalPath())
		s, serr := os.ReadFile(f.Path())
		if serr != nil {
			t.Fatal(serr)
		}
		if jerr == nil {
			if err := os.WriteFile(filepath.Join(b, JournalName), j, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(b, FileName), s, 0o600); err != nil {
			t.Fatal(err)
		}
		_, st := mustLoad(t, b)
		mu.Lock()
		ok := seen[fmt.Sprint(canon(st))]
		mu.Unlock()
		if !ok {
			t.Fatalf("copy %d loads a state the store never held: %+v", copies, canon(st))
		}
	}
	f.waitCompaction()
	t.Logf("%d consistent copies", copies)
}
