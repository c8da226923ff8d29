package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
)

// formatVersion is written into the snapshot. Version 2 added seq, the
// last journal change the snapshot contains; version 1 files (no journal)
// still load. A file of a newer, unknown format is refused rather than
// misread.
const formatVersion = 2

type fileFormat struct {
	Version int    `json:"version"`
	Seq     uint64 `json:"seq,omitempty"`
	pool.State
}

type snapshot struct {
	exists  bool
	version int
	seq     uint64
	size    int64
	state   pool.State
}

// readSnapshot reads the snapshot; a missing file is an empty state. The
// file must be exactly one JSON object of a known format with nothing
// after it.
func readSnapshot(path string) (snapshot, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return snapshot{}, nil
	}
	if err != nil {
		return snapshot{}, fmt.Errorf("read %s: %w", path, err)
	}
	corrupt := func(err error) error { return &CorruptError{Path: path, Err: err} }
	var ff fileFormat
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ff); err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("the file is empty")
		}
		return snapshot{}, corrupt(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return snapshot{}, corrupt(fmt.Errorf("unexpected data after the JSON object at byte %d", dec.InputOffset()))
	}
	if ff.Version < 1 || ff.Version > formatVersion {
		return snapshot{}, fmt.Errorf("%s has format version %d; this stakepoold reads versions 1 to %d",
			path, ff.Version, formatVersion)
	}
	if ff.Version == 1 && ff.Seq != 0 {
		return snapshot{}, corrupt(errors.New("a version 1 file has no seq"))
	}
	return snapshot{exists: true, version: ff.Version, seq: ff.Seq, size: int64(len(b)), state: ff.State}, nil
}

// encodeSnapshot is the snapshot file of st containing changes up to seq,
// users sorted by id and tickets by hash. It sorts st's slices in place.
func encodeSnapshot(st pool.State, seq uint64) []byte {
	slices.SortFunc(st.Users, func(a, b pool.UserPrefs) int { return cmp.Compare(a.UserID, b.UserID) })
	slices.SortFunc(st.AddedTickets, func(a, b pool.PoolTicketID) int { return strings.Compare(a.Hash, b.Hash) })
	return appendState(make([]byte, 0, 96+100*len(st.Users)+110*len(st.AddedTickets)), st, seq)
}

// crashHook, when set (tests), is called at each step of a snapshot or
// journal replacement; an error stops the write there, as a crash would.
var crashHook func(step string) error

func crashPoint(step string) error {
	if crashHook == nil {
		return nil
	}
	return crashHook(step)
}

// writeAtomic replaces path with b: a temporary file in the same
// directory, synced, renamed over path, and the directory synced. A crash
// leaves the old or the new file, never a torn one. renamed, when not
// nil, runs right after the rename (before the directory sync), so that a
// caller that keeps the file open can switch to the new one.
func writeAtomic(path string, b []byte, renamed func() error) error {
	dir, name := filepath.Split(path)
	tmp, err := os.CreateTemp(dir, name+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file for %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close() // the error returned below is the one to report
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close() // the error returned below is the one to report
		return fmt.Errorf("sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if err := crashPoint(name + " synced"); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	if renamed != nil {
		if err := renamed(); err != nil {
			return err
		}
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()  // best effort: the rename is done; a failed directory sync only weakens durability
		_ = d.Close() // a directory opened only to sync it
	}
	return crashPoint(name + " renamed")
}
