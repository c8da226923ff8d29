package store

import (
	"fmt"
	"os"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
)

// ensureLoadedLocked loads the files' positions before the first write,
// so that sequence numbers continue from what is on disk.
func (f *File) ensureLoadedLocked() error {
	if f.loaded {
		return nil
	}
	_, err := f.loadLocked()
	return err
}

// Save stores st as the whole state (a full replacement): a new snapshot,
// then the journal reset.
func (f *File) Save(st pool.State) error {
	f.snapMu.Lock()
	defer f.snapMu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.ensureLoadedLocked(); err != nil {
		return err
	}
	return f.snapshotLocked(st, f.seq+1)
}

// snapshotLocked writes st as the snapshot of change seq and resets the
// journal (f.mu and f.snapMu held). A journal that cannot be reset in
// place is dropped and created afresh by the next append: its records
// are all in the snapshot, so they are skipped until then.
func (f *File) snapshotLocked(st pool.State, seq uint64) error {
	b := encodeSnapshot(st, seq)
	if err := writeAtomic(f.path, b, nil); err != nil {
		return err
	}
	broken := f.broken
	f.seq, f.snapSeq, f.snapSize, f.snapV2, f.broken, f.compactAt = seq, seq, int64(len(b)), true, false, 0
	if f.jf == nil {
		return nil // no journal yet
	}
	if broken || f.jf.Truncate(int64(len(journalHeader))) != nil || f.jf.Sync() != nil {
		_ = f.jf.Close() // dropped: the next append replaces the file
		f.jf = nil
		return nil
	}
	f.end = int64(len(journalHeader))
	return crashPoint(JournalName + " reset")
}

// Append stores changes with one write and one sync of the journal. The
// first change after a start without a snapshot in this format, or after
// a failed append that could not be undone, writes a snapshot of state()
// instead. A journal past its bound is compacted in the background.
func (f *File) Append(changes []pool.Change, state func() pool.State) error {
	if len(changes) == 0 {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.ensureLoadedLocked(); err != nil {
		return err
	}
	if !f.snapV2 || f.broken {
		// A journal follows only a snapshot of this format; a failed
		// append may have left bytes that must not be followed. The
		// snapshot writer's lock comes first.
		f.mu.Unlock()
		f.snapMu.Lock()
		f.mu.Lock()
		defer f.snapMu.Unlock()
		if !f.snapV2 || f.broken {
			return f.snapshotLocked(state(), f.seq+uint64(len(changes)))
		}
	}
	last := f.seq + uint64(len(changes))
	var buf []byte
	for i, c := range changes {
		var err error
		if buf, err = appendRecord(buf, f.seq+uint64(i)+1, c); err != nil {
			return err
		}
	}
	if f.jf == nil {
		if err := f.createJournalLocked(); err != nil {
			return err
		}
	}
	if _, err := f.jf.WriteAt(buf, f.end); err != nil {
		f.undoLocked()
		return fmt.Errorf("append to %s: %w", f.journal, err)
	}
	if err := f.jf.Sync(); err != nil {
		f.undoLocked()
		return fmt.Errorf("sync %s: %w", f.journal, err)
	}
	f.seq, f.end = last, f.end+int64(len(buf))
	f.maybeCompactLocked(state)
	return nil
}

// createJournalLocked creates an empty journal (header only).
func (f *File) createJournalLocked() error {
	if err := writeAtomic(f.journal, []byte(journalHeader), nil); err != nil {
		return err
	}
	jf, err := os.OpenFile(f.journal, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", f.journal, err)
	}
	f.jf, f.end = jf, int64(len(journalHeader))
	return nil
}

// undoLocked cuts off what a failed append may have written, so that no
// later record follows it; when that fails too, the next write is a
// snapshot (broken).
func (f *File) undoLocked() {
	if f.jf.Truncate(f.end) != nil || f.jf.Sync() != nil {
		f.broken = true
	}
}
