package wallet

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/eacred/dcrstakepool/simnet/internal/daemon"
)

// The wallet's database
//
// The state lives in memory; on disk it is a set of records (one per
// transaction, credit, spent mark, ticket, pool ticket, invalid pool
// ticket, imported script and processed block hash, plus one "meta" record
// of the scalar fields), kept in two files of the data directory:
//
//   - wallet.snap: every record at one moment, written to a temporary file,
//     fsynced and renamed over the old one (compaction);
//   - wallet.journal: the changes since, appended as one frame per save and
//     fsynced before the change is acknowledged.
//
// A frame is a uint32 little-endian payload length, the payload's CRC-32C
// (uint32 LE) and the payload: JSON {"gen": G, "set": {key: value}, "del":
// [keys]}. Loading applies the snapshot, then every journal frame of the
// snapshot's generation in order; a torn or corrupt last frame (a kill in
// the middle of a write, never acknowledged) is cut off, while a bad frame
// followed by good ones is corruption and stops the start. Compaction
// (when the journal passes 64 MB and twice the snapshot)
// writes the snapshot with generation G+1 first and truncates the journal
// after, so a crash between the two leaves frames of generation G that the
// next load skips (the snapshot holds them). A save costs the size of what
// changed, not of the wallet.

const (
	snapFileName    = "wallet.snap"
	journalFileName = "wallet.journal"
)

// compactAt is the journal size that triggers a compaction, when the
// journal is also twice the snapshot (a variable for tests). Compaction
// writes the whole state under the wallet's lock (seconds for a wallet of
// 10,000 pool tickets on a slow disk), so it is kept rare: a journal is
// cheap to replay at start.
var compactAt int64 = 64 << 20

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// frame is one journal entry (or the whole snapshot).
type frame struct {
	Gen uint64                     `json:"gen"`
	Set map[string]json.RawMessage `json:"set,omitempty"`
	Del []string                   `json:"del,omitempty"`
}

// journal is the open journal file.
type journal struct {
	dir      string
	f        *os.File
	gen      uint64
	size     int64 // bytes in the journal
	snapSize int64
}

func encodeFrame(fr *frame) ([]byte, error) {
	payload, err := json.Marshal(fr)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 8, 8+len(payload))
	binary.LittleEndian.PutUint32(buf[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(buf[4:8], crc32.Checksum(payload, crcTable))
	return append(buf, payload...), nil
}

// readFrames decodes the frames of r. It returns the frames and the
// offset after the last good one; torn is true when bytes after it were
// dropped (only allowed at the end of the file).
func readFrames(r io.Reader) ([]*frame, int64, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	var out []*frame
	var good int64
	for {
		var hdr [8]byte
		n, err := io.ReadFull(br, hdr[:])
		if err == io.EOF {
			return out, good, nil
		}
		if err != nil {
			return out, good, errTorn{n}
		}
		size := binary.LittleEndian.Uint32(hdr[0:4])
		if size > 1<<30 {
			return out, good, errTorn{n}
		}
		payload := make([]byte, size)
		if _, err := io.ReadFull(br, payload); err != nil {
			return out, good, errTorn{n}
		}
		if crc32.Checksum(payload, crcTable) != binary.LittleEndian.Uint32(hdr[4:8]) {
			return out, good, errTorn{n}
		}
		fr := &frame{}
		if err := json.Unmarshal(payload, fr); err != nil {
			return out, good, fmt.Errorf("frame at offset %d has a good checksum but does not decode: %w", good, err)
		}
		out = append(out, fr)
		good += 8 + int64(size)
	}
}

// errTorn marks an incomplete or damaged frame.
type errTorn struct{ n int }

func (errTorn) Error() string { return "torn or damaged frame" }

// openJournal reads the snapshot and journal of dir (either may be
// missing) and returns the frames to apply, in order, and the journal open
// for appending.
func openJournal(dir string) (*journal, []*frame, error) {
	var frames []*frame
	j := &journal{dir: dir}
	snap, err := os.ReadFile(filepath.Join(dir, snapFileName))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, nil, fmt.Errorf("read wallet snapshot: %w", err)
	default:
		fs, good, err := readFrames(bytesReader(snap))
		if err != nil || len(fs) != 1 || good != int64(len(snap)) {
			// The snapshot is renamed into place only once complete.
			return nil, nil, fmt.Errorf("wallet snapshot %s is damaged (%v); restore it from a backup or delete the data directory and rescan",
				filepath.Join(dir, snapFileName), err)
		}
		frames = append(frames, fs[0])
		j.gen, j.snapSize = fs[0].Gen, int64(len(snap))
	}
	path := filepath.Join(dir, journalFileName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open wallet journal: %w", err)
	}
	fs, good, err := readFrames(f)
	var torn errTorn
	if err != nil && !errors.As(err, &torn) {
		_ = f.Close() // the error returned below is the one to report
		return nil, nil, fmt.Errorf("wallet journal %s: %w", path, err)
	}
	if errors.As(err, &torn) {
		// Only the last frame may be torn: anything decodable after the
		// damage means the file is corrupt, not cut short.
		if fi, serr := f.Stat(); serr == nil && fi.Size()-good > 8 {
			if rest, rerr := readRest(f, good); rerr == nil && hasGoodFrameAfter(rest) {
				_ = f.Close() // the error returned below is the one to report
				return nil, nil, fmt.Errorf("wallet journal %s is corrupt at offset %d (good frames follow); restore it from a backup", path, good)
			}
		}
	}
	if err := f.Truncate(good); err != nil {
		_ = f.Close() // the error returned below is the one to report
		return nil, nil, fmt.Errorf("truncate wallet journal: %w", err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		_ = f.Close() // the error returned below is the one to report
		return nil, nil, fmt.Errorf("seek wallet journal: %w", err)
	}
	for _, fr := range fs {
		if fr.Gen == j.gen {
			frames = append(frames, fr)
		}
	}
	j.f, j.size = f, good
	return j, frames, nil
}

// syncFile is (*os.File).Sync; tests hold it to see what waits for it.
var syncFile = (*os.File).Sync

// append writes one frame and makes it durable.
func (j *journal) append(fr *frame) error {
	fr.Gen = j.gen
	buf, err := encodeFrame(fr)
	if err != nil {
		return fmt.Errorf("encode wallet journal frame: %w", err)
	}
	if _, err := j.f.Write(buf); err != nil {
		return fmt.Errorf("append to wallet journal: %w", err)
	}
	if err := syncFile(j.f); err != nil {
		return fmt.Errorf("fsync wallet journal: %w", err)
	}
	j.size += int64(len(buf))
	return nil
}

// needsCompaction reports whether the journal should be folded into a new
// snapshot.
func (j *journal) needsCompaction() bool {
	return j.size >= compactAt && j.size > 2*j.snapSize
}

// compact writes all records as the new snapshot (generation gen+1) and
// empties the journal.
func (j *journal) compact(all map[string]json.RawMessage) error {
	fr := &frame{Gen: j.gen + 1, Set: all}
	buf, err := encodeFrame(fr)
	if err != nil {
		return fmt.Errorf("encode wallet snapshot: %w", err)
	}
	if err := writeFileSynced(filepath.Join(j.dir, snapFileName), buf); err != nil {
		return err
	}
	j.gen, j.snapSize = fr.Gen, int64(len(buf))
	if err := j.f.Truncate(0); err != nil {
		return fmt.Errorf("truncate wallet journal: %w", err)
	}
	if _, err := j.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("seek wallet journal: %w", err)
	}
	j.size = 0
	return j.f.Sync()
}

func (j *journal) close() error {
	if j == nil || j.f == nil {
		return nil
	}
	return j.f.Close()
}

func bytesReader(b []byte) io.Reader { return &sliceReader{b: b} }

type sliceReader struct{ b []byte }

func (r *sliceReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

// readRest reads f from offset off to its end.
func readRest(f *os.File, off int64) ([]byte, error) {
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

// hasGoodFrameAfter reports whether a frame with a valid checksum starts
// anywhere in b after its first byte (b starts at a damaged frame).
func hasGoodFrameAfter(b []byte) bool {
	for off := 1; off+8 <= len(b); off++ {
		size := int(binary.LittleEndian.Uint32(b[off : off+4]))
		if size == 0 || off+8+size > len(b) {
			continue
		}
		payload := b[off+8 : off+8+size]
		if crc32.Checksum(payload, crcTable) == binary.LittleEndian.Uint32(b[off+4:off+8]) && json.Valid(payload) {
			return true
		}
	}
	return false
}

// writeFileSynced replaces path atomically with data (temporary file,
// fsync, rename, fsync of the directory).
func writeFileSynced(path string, data []byte) error {
	if err := daemon.WriteFileAtomic(path, data, 0o600); err != nil {
		return fmt.Errorf("write wallet snapshot: %w", err)
	}
	return nil
}
