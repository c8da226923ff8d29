// Package store keeps stakepoold's durable state — users' voting
// preferences and the admin-added low-fee tickets — in one JSON file in the
// data directory.
//
// Writes are atomic: the new content goes to a temporary file in the same
// directory, is synced to disk, and then renamed over the old file (and the
// directory is synced), so a crash leaves either the old or the new state,
// never a torn file. A missing file is an empty state (first start); a
// damaged one (truncated, trailing data, unknown fields) is refused with a
// CorruptError saying how to recover: move it aside, and the front end
// pushes the whole state again.
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

// FileName is the state file's name inside the data directory.
const FileName = "state.json"

// formatVersion is written into the file; a file from a newer, unknown
// format is refused rather than misread.
const formatVersion = 1

// File stores pool.State in a JSON file.
type File struct {
	path string
}

// New returns a store for dir/state.json, creating dir if needed.
func New(dir string) (*File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	return &File{path: filepath.Join(dir, FileName)}, nil
}

// Path is the file's path.
func (f *File) Path() string { return f.path }

type fileFormat struct {
	Version int `json:"version"`
	pool.State
}

// Load reads the state; a missing file is an empty state. The file must be
// exactly one JSON object of the known format with nothing after it: a
// truncated, corrupt or padded file is refused with a *CorruptError that
// tells the operator what to do, rather than half read.
func (f *File) Load() (pool.State, error) {
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return pool.State{}, nil
	}
	if err != nil {
		return pool.State{}, fmt.Errorf("read %s: %w", f.path, err)
	}
	var ff fileFormat
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ff); err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("the file is empty")
		}
		return pool.State{}, &CorruptError{Path: f.path, Err: err}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return pool.State{}, &CorruptError{Path: f.path,
			Err: fmt.Errorf("unexpected data after the JSON object at byte %d", dec.InputOffset())}
	}
	if ff.Version != formatVersion {
		return pool.State{}, fmt.Errorf("%s has format version %d; this stakepoold reads version %d",
			f.path, ff.Version, formatVersion)
	}
	return ff.State, nil
}

// CorruptError is a state file that cannot be read as a whole.
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("the state file %s is damaged (%v). stakepoold does not guess users' voting preferences "+
		"from a damaged file. To recover, move it aside and start stakepoold again: "+
		"mv %s %s.damaged. It then starts with no stored preferences and the front end (dcrstakepool) "+
		"pushes every user's preferences and added low-fee tickets to it again as soon as its health check "+
		"sees this back end; a winner of a user not pushed yet waits up to prefswait and is then voted with "+
		"the wallet's default vote bits", e.Path, e.Err, e.Path, e.Path)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// Save writes the state atomically.
func (f *File) Save(st pool.State) error {
	slices.SortFunc(st.Users, func(a, b pool.UserPrefs) int { return cmp.Compare(a.UserID, b.UserID) })
	slices.SortFunc(st.AddedTickets, func(a, b pool.PoolTicketID) int { return strings.Compare(a.Hash, b.Hash) })
	b := appendState(make([]byte, 0, 64+100*len(st.Users)+110*len(st.AddedTickets)), st)
	dir := filepath.Dir(f.path)
	tmp, err := os.CreateTemp(dir, FileName+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary state file: %w", err)
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
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("replace %s: %w", f.path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()  // best effort: the rename is done; a failed directory sync only weakens durability
		_ = d.Close() // a directory opened only to sync it
	}
	return nil
}
