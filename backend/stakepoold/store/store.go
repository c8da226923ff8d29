// Package store keeps stakepoold's durable state — users' voting
// preferences and the admin-added low-fee tickets — in one JSON file in the
// data directory.
//
// Writes are atomic: the new content goes to a temporary file in the same
// directory, is synced to disk, and then renamed over the old file (and the
// directory is synced), so a crash leaves either the old or the new state,
// never a torn file. A missing file is an empty state (first start).
package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

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

// Load reads the state; a missing file is an empty state.
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
	if err := dec.Decode(&ff); err != nil {
		return pool.State{}, fmt.Errorf("decode %s: %w", f.path, err)
	}
	if ff.Version != formatVersion {
		return pool.State{}, fmt.Errorf("%s has format version %d; this stakepoold reads version %d",
			f.path, ff.Version, formatVersion)
	}
	return ff.State, nil
}

// Save writes the state atomically.
func (f *File) Save(st pool.State) error {
	sort.Slice(st.Users, func(i, j int) bool { return st.Users[i].UserID < st.Users[j].UserID })
	sort.Slice(st.AddedTickets, func(i, j int) bool { return st.AddedTickets[i].Hash < st.AddedTickets[j].Hash })
	b, err := json.MarshalIndent(fileFormat{Version: formatVersion, State: st}, "", " ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	dir := filepath.Dir(f.path)
	tmp, err := os.CreateTemp(dir, FileName+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary state file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("replace %s: %w", f.path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
