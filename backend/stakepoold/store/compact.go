package store

import (
	"fmt"
	"os"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
)

// maybeCompactLocked starts a compaction in the background when the
// journal has passed its bound: a quarter of the snapshot's size, at
// least minCompact (f.mu held).
func (f *File) maybeCompactLocked(state func() pool.State) {
	if f.compacting {
		return
	}
	bound := f.compactAt
	if bound == 0 {
		bound = max(f.snapSize/4, minCompact)
	}
	if f.end-int64(len(journalHeader)) < bound {
		return
	}
	f.compacting, f.compacted = true, make(chan struct{})
	go f.compact(f.seq, f.end, state, f.compacted)
}

// compact writes the state of change seq (state, whose journal records end
// at offset end) as the new snapshot, and then replaces the journal with
// its records after seq. Appends go on meanwhile, and wait only while
// those newer records are copied. A failure is logged and retried once the
// journal has grown by another bound.
func (f *File) compact(seq uint64, end int64, state func() pool.State, done chan struct{}) {
	err := f.compactTo(seq, end, state)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		f.log.Warnf("Compacting %s into a new snapshot %s failed (retried later; the journal stays valid): %v",
			f.journal, f.path, err)
		f.compactAt = f.end - int64(len(journalHeader)) + max(f.snapSize/4, minCompact)
	}
	f.compacting = false
	close(done)
}

func (f *File) compactTo(seq uint64, end int64, state func() pool.State) error {
	f.snapMu.Lock()
	defer f.snapMu.Unlock()
	f.mu.Lock()
	newer := f.snapSeq >= seq // a full replacement came first
	f.mu.Unlock()
	if newer {
		return nil
	}
	b := encodeSnapshot(state(), seq)
	if err := writeAtomic(f.path, b, nil); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snapSeq, f.snapSize = seq, int64(len(b))
	if f.jf == nil || f.broken {
		return nil // the next append writes a snapshot or a new journal
	}
	j := make([]byte, len(journalHeader)+int(f.end-end))
	copy(j, journalHeader)
	if _, err := f.jf.ReadAt(j[len(journalHeader):], end); err != nil {
		return fmt.Errorf("read %s: %w", f.journal, err)
	}
	return writeAtomic(f.journal, j, func() error {
		// The old file is gone from the directory: appends go to the
		// new one from now on.
		_ = f.jf.Close() // replaced
		jf, err := os.OpenFile(f.journal, os.O_RDWR, 0)
		if err != nil {
			f.jf, f.broken = nil, true // the next append writes a snapshot
			return fmt.Errorf("open %s: %w", f.journal, err)
		}
		f.jf, f.end = jf, int64(len(j))
		return nil
	})
}

// waitCompaction waits for a running compaction (tests).
func (f *File) waitCompaction() {
	f.mu.Lock()
	c := f.compacting
	done := f.compacted
	f.mu.Unlock()
	if c {
		<-done
	}
}
