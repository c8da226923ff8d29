// Package store keeps stakepoold's durable state — users' voting
// preferences and the admin-added low-fee tickets — in the data directory:
// a snapshot, state.json (the whole state as one JSON document), and a
// journal beside it, state.journal, of the single changes committed since
// the snapshot (one user's preferences set, the added tickets replaced).
//
// A change costs one append and one sync of the journal, whatever the
// number of users; a group of changes committed together is one append.
// A full replacement (the front end pushing every user) writes a new
// snapshot and resets the journal. When the journal passes a quarter of
// the snapshot's size (at least 1 MiB), a new snapshot is written in the
// background and the journal is cut to the changes after it.
//
// Every write is crash-safe. A snapshot goes to a temporary file in the
// same directory, is synced, renamed over state.json and the directory is
// synced; only then is the journal reset (truncated, or replaced by a
// synced copy of its newer records). Each journal record is framed with
// its length and a CRC-32C and carries a sequence number; the snapshot
// records the last sequence number it contains and loading skips the
// records it already has, so a crash between the two steps loads the same
// state. A torn last record (a crash during an append, never acknowledged)
// is dropped with a warning and cut off. Any other damage — a damaged
// record followed by intact ones, an unknown record type, a gap in the
// sequence numbers, a damaged snapshot — is refused with a CorruptError
// saying how to recover: move the files aside, and the front end pushes
// the whole state again.
package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/decred/slog"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
)

// FileName is the snapshot's name inside the data directory.
const FileName = "state.json"

// minCompact is the journal size below which it is never compacted (a
// variable for tests).
var minCompact int64 = 1 << 20

// File stores pool.State in a snapshot file and a journal beside it. It
// implements pool.Journal. Its methods are safe for concurrent use.
type File struct {
	path, journal string
	log           slog.Logger

	// snapMu is held while a snapshot is written (Save, compaction):
	// taken before mu.
	snapMu sync.Mutex

	mu       sync.Mutex
	loaded   bool
	seq      uint64   // last change stored
	snapSeq  uint64   // last change in the snapshot on disk
	snapSize int64    // its size
	snapV2   bool     // the snapshot exists in this format (a journal may follow it)
	jf       *os.File // the journal, open for appends (nil: none yet)
	end      int64    // offset past its last intact record
	// broken is set when a failed append could not be cut off again: the
	// next Append writes a snapshot instead.
	broken     bool
	compacting bool
	compactAt  int64 // journal size that starts the next compaction (0: from the snapshot size)
	compacted  chan struct{}
}

// New returns a store for dir/state.json and dir/state.journal, creating
// dir if needed. Nothing is read before Load.
func New(dir string) (*File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	return &File{path: filepath.Join(dir, FileName), journal: filepath.Join(dir, JournalName), log: slog.Disabled}, nil
}

// SetLogger sets where warnings go (torn records dropped, compaction
// failures); the default discards them.
func (f *File) SetLogger(l slog.Logger) { f.log = l }

// Path is the snapshot's path.
func (f *File) Path() string { return f.path }

// JournalPath is the journal's path.
func (f *File) JournalPath() string { return f.journal }

// Load reads the snapshot and replays the journal's changes after it; no
// files is an empty state. A torn last journal record is dropped, logged
// and cut off; any other damage is a *CorruptError that tells the operator
// what to do, rather than a half-read state. A journal without its
// snapshot (state.json deleted) is moved aside to state.journal.orphaned
// with a warning: the state is then empty, as it was before there was a
// journal.
func (f *File) Load() (pool.State, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.loadLocked()
}

func (f *File) loadLocked() (pool.State, error) {
	removeTemps(filepath.Dir(f.path))
	if f.jf != nil {
		_ = f.jf.Close() // reopened below
		f.jf = nil
	}
	f.loaded, f.broken = false, false
	snap, err := readSnapshot(f.path)
	if err != nil {
		return pool.State{}, err
	}
	b, err := os.ReadFile(f.journal)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		b = nil
	case err != nil:
		return pool.State{}, fmt.Errorf("read %s: %w", f.journal, err)
	case !snap.exists:
		orphan := f.journal + ".orphaned"
		if err := os.Rename(f.journal, orphan); err != nil {
			return pool.State{}, fmt.Errorf("move aside %s (its snapshot %s is missing): %w", f.journal, f.path, err)
		}
		f.log.Warnf("%s is missing: its journal, which only holds changes made after it, was moved to %s; "+
			"starting with no stored state (the front end pushes it again)", f.path, orphan)
		b = nil
	}
	st := newReplay(snap.state)
	f.seq, f.snapSeq, f.snapSize, f.snapV2 = snap.seq, snap.seq, snap.size, snap.exists && snap.version >= 2
	f.end = 0
	if b != nil {
		recs, end, err := parseJournal(b)
		if err != nil && !errors.Is(err, errTorn) {
			return pool.State{}, f.corrupt(f.journal, err)
		}
		if !f.snapV2 && len(recs) > 0 {
			return pool.State{}, f.corrupt(f.path, fmt.Errorf("a journal of changes follows a snapshot of format version %d", snap.version))
		}
		if len(recs) > 0 && recs[0].seq > snap.seq+1 {
			return pool.State{}, f.corrupt(f.journal, fmt.Errorf("its first change is %d but the snapshot %s ends at change %d",
				recs[0].seq, f.path, snap.seq))
		}
		if errors.Is(err, errTorn) {
			if end == 0 {
				end = len(journalHeader) // a torn header: the file is rewritten whole below
			}
			f.log.Warnf("%s: dropping %d bytes at byte %d, an incomplete last change (a crash while it was "+
				"being stored, so it was never acknowledged)", f.journal, len(b)-end, end)
			if err := cutJournal(f.journal, b, end); err != nil {
				return pool.State{}, err
			}
		}
		for _, r := range recs {
			if r.seq > snap.seq {
				st.apply(r.change)
				f.seq = r.seq
			}
		}
		if f.seq == snap.seq && end > len(journalHeader) {
			// Every record is in the snapshot (a crash after the
			// snapshot's rename, before the journal's reset): reset it
			// now, so that new records do not follow stale ones.
			if err := cutJournal(f.journal, b, len(journalHeader)); err != nil {
				return pool.State{}, err
			}
			end = len(journalHeader)
		}
		f.end = int64(end)
		jf, err := os.OpenFile(f.journal, os.O_RDWR, 0)
		if err != nil {
			return pool.State{}, fmt.Errorf("open %s: %w", f.journal, err)
		}
		f.jf = jf
	}
	f.loaded = true
	return st.state(), nil
}

// cutJournal cuts the journal at end (a torn tail), or writes it afresh
// when even its header was torn.
func cutJournal(path string, b []byte, end int) error {
	if len(b) < len(journalHeader) {
		return writeAtomic(path, []byte(journalHeader), nil)
	}
	jf, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if err := jf.Truncate(int64(end)); err != nil {
		_ = jf.Close() // the error returned is the one to report
		return fmt.Errorf("cut the torn end of %s: %w", path, err)
	}
	if err := jf.Sync(); err != nil {
		_ = jf.Close() // the error returned is the one to report
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := jf.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

func (f *File) corrupt(path string, err error) *CorruptError {
	return &CorruptError{Path: path, Err: err, snapshot: f.path, journal: f.journal}
}

// CorruptError is a state file that cannot be read as a whole.
type CorruptError struct {
	Path              string // the damaged file
	Err               error
	snapshot, journal string
}

func (e *CorruptError) Error() string {
	snap, jrnl := e.snapshot, e.journal
	if snap == "" {
		snap = e.Path
	}
	if jrnl == "" {
		jrnl = filepath.Join(filepath.Dir(snap), JournalName)
	}
	return fmt.Sprintf("the state file %s is damaged (%v). stakepoold does not guess users' voting preferences "+
		"from a damaged file. To recover, move the snapshot and its journal aside and start stakepoold again: "+
		"mv %s %s.damaged; mv %s %s.damaged (if it exists). It then starts with no stored preferences and the "+
		"front end (dcrstakepool) pushes every user's preferences and added low-fee tickets to it again as soon "+
		"as its health check sees this back end; a winner of a user not pushed yet waits up to prefswait and is "+
		"then voted with the wallet's default vote bits", e.Path, e.Err, snap, snap, jrnl, jrnl)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// removeTemps removes temporary files a crash left behind.
func removeTemps(dir string) {
	for _, pat := range []string{FileName + ".tmp-*", JournalName + ".tmp-*"} {
		names, _ := filepath.Glob(filepath.Join(dir, pat)) // the pattern is valid
		for _, n := range names {
			_ = os.Remove(n) // best effort: a leftover is only litter
		}
	}
}
