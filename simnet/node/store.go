package node

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/eacred/dcrstakepool/eacred/wire"
)

// blockStore is the node's durable chain: an append-only file of
// length-prefixed serialized blocks (uint32 LE length, then the block).
// Everything else (unspent outputs, tickets, winners) is rebuilt by
// replaying the blocks at start. A torn last record, left by a kill in the
// middle of a write, is cut off.
type blockStore struct {
	f *os.File
}

// openBlockStore opens path and returns the stored blocks in order.
func openBlockStore(path string) (*blockStore, []*wire.MsgBlock, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open block store: %w", err)
	}
	var blocks []*wire.MsgBlock
	r := bufio.NewReaderSize(f, 1<<20)
	var good int64
	for {
		var lenBuf [4]byte
		if _, err := io.ReadFull(r, lenBuf[:]); err != nil {
			break // end of file, or a torn length prefix
		}
		n := binary.LittleEndian.Uint32(lenBuf[:])
		buf := make([]byte, min(n, wire.MaxBlockPayload+1))
		if _, err := io.ReadFull(r, buf); err != nil {
			break // torn last record
		}
		b, err := wire.NewBlockFromBytes(buf)
		if err != nil {
			// A complete record that does not decode is corruption, not a
			// torn write: refuse to start rather than drop blocks.
			_ = f.Close() // the error returned below is the one to report
			return nil, nil, fmt.Errorf("block store %s: record %d at offset %d: %w", path, len(blocks), good, err)
		}
		blocks = append(blocks, b)
		good += 4 + int64(n)
	}
	if err := f.Truncate(good); err != nil {
		_ = f.Close() // the error returned below is the one to report
		return nil, nil, fmt.Errorf("truncate block store: %w", err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		_ = f.Close() // the error returned below is the one to report
		return nil, nil, fmt.Errorf("seek block store: %w", err)
	}
	return &blockStore{f: f}, blocks, nil
}

// append writes a block; sync makes the appended blocks durable.
func (s *blockStore) append(b *wire.MsgBlock) error {
	raw := b.Bytes()
	buf := make([]byte, 4, 4+len(raw))
	binary.LittleEndian.PutUint32(buf, uint32(len(raw)))
	if _, err := s.f.Write(append(buf, raw...)); err != nil {
		return fmt.Errorf("append block: %w", err)
	}
	return nil
}

// syncFile is (*os.File).Sync; tests hold it to see what waits for it.
var syncFile = (*os.File).Sync

func (s *blockStore) sync() error {
	if err := syncFile(s.f); err != nil {
		return fmt.Errorf("sync block store: %w", err)
	}
	return nil
}

func (s *blockStore) close() error {
	if s == nil || s.f == nil {
		return nil
	}
	err := s.f.Sync()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return errors.Join(err)
}
