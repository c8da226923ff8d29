package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
)

// JournalName is the journal's name inside the data directory, beside
// the snapshot (FileName).
const JournalName = "state.journal"

// journalHeader starts every journal file: it names the file and its
// format's version.
const journalHeader = "stakepoold journal 1\n"

// A journal file is journalHeader followed by records, each framed as
//
//	length  uint32, little endian: the payload's length
//	crc     uint32, little endian: CRC-32C (Castagnoli) of the payload
//	payload seq uint64 little endian, type byte, body
//
// The body is JSON: one user's preferences (recUser) or the list of
// added tickets (recAddedTickets). seq numbers every change since the pool
// was first stored, one after the other; the snapshot records the last seq
// it contains.
const (
	frameHead   = 8         // length + crc
	payloadHead = 9         // seq + type
	maxPayload  = 256 << 20 // far above the largest legal record (1,000,000 added tickets)

	recUser         byte = 1
	recAddedTickets byte = 2
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendRecord appends the frame of change number seq to b.
func appendRecord(b []byte, seq uint64, c pool.Change) ([]byte, error) {
	var typ byte
	var body []byte
	var err error
	switch c.Kind {
	case pool.ChangeUser:
		typ = recUser
		body, err = json.Marshal(c.User)
	case pool.ChangeAddedTickets:
		typ = recAddedTickets
		tickets := c.AddedTickets
		if tickets == nil {
			tickets = []pool.PoolTicketID{}
		}
		body, err = json.Marshal(tickets)
	default:
		return b, fmt.Errorf("change of unknown kind %d", c.Kind)
	}
	if err != nil {
		return b, fmt.Errorf("encode change %d: %w", seq, err)
	}
	n := payloadHead + len(body)
	if n > maxPayload {
		return b, fmt.Errorf("change %d is too large to store (%d bytes)", seq, n)
	}
	start := len(b)
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	b = binary.LittleEndian.AppendUint32(b, 0) // the CRC, below
	b = binary.LittleEndian.AppendUint64(b, seq)
	b = append(b, typ)
	b = append(b, body...)
	binary.LittleEndian.PutUint32(b[start+4:], crc32.Checksum(b[start+frameHead:], castagnoli))
	return b, nil
}

// record is one decoded journal record.
type record struct {
	seq    uint64
	change pool.Change
	end    int // offset just past the record in the file
}

// frameAt returns the payload of a whole, intact frame at off, or false.
func frameAt(b []byte, off int) ([]byte, bool) {
	if len(b)-off < frameHead {
		return nil, false
	}
	n := int(binary.LittleEndian.Uint32(b[off:]))
	if n < payloadHead || n > maxPayload || n > len(b)-off-frameHead {
		return nil, false
	}
	payload := b[off+frameHead : off+frameHead+n]
	if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(b[off+4:]) {
		return nil, false
	}
	return payload, true
}

// intactFrameAfter reports whether any intact frame starts after off:
// what tells a damaged record in the middle of the journal from a torn
// last one.
func intactFrameAfter(b []byte, off int) (int, bool) {
	for o := off + 1; o+frameHead+payloadHead <= len(b); o++ {
		if _, ok := frameAt(b, o); ok {
			return o, true
		}
	}
	return 0, false
}

// errTorn is a journal whose last record is incomplete or fails its
// checksum: a crash during an append that was never acknowledged.
var errTorn = errors.New("torn last record")

// parseJournal decodes the records of a journal file. It returns the
// records, the offset where the intact ones end, and errTorn when bytes
// after that offset hold no intact record (a torn tail, to be cut). Any
// other damage is an error: a wrong header, a damaged record followed by
// intact ones, a record of an unknown type or one that does not decode,
// and a sequence number out of order.
func parseJournal(b []byte) ([]record, int, error) {
	if !bytes.HasPrefix(b, []byte(journalHeader)) {
		if len(b) < len(journalHeader) && bytes.HasPrefix([]byte(journalHeader), b) {
			return nil, 0, errTorn
		}
		return nil, 0, errors.New("it does not start with the journal header")
	}
	var recs []record
	off := len(journalHeader)
	for off < len(b) {
		payload, ok := frameAt(b, off)
		if !ok {
			if next, found := intactFrameAfter(b, off); found {
				return nil, 0, fmt.Errorf("the record at byte %d is damaged and an intact record follows at byte %d", off, next)
			}
			return recs, off, errTorn
		}
		seq := binary.LittleEndian.Uint64(payload)
		if len(recs) > 0 && seq != recs[len(recs)-1].seq+1 {
			return nil, 0, fmt.Errorf("the record at byte %d has sequence number %d after %d", off, seq, recs[len(recs)-1].seq)
		}
		c, err := decodeChange(payload[8], payload[payloadHead:])
		if err != nil {
			return nil, 0, fmt.Errorf("the record at byte %d (change %d): %w", off, seq, err)
		}
		off += frameHead + len(payload)
		recs = append(recs, record{seq: seq, change: c, end: off})
	}
	return recs, off, nil
}

func decodeChange(typ byte, body []byte) (pool.Change, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var c pool.Change
	var err error
	switch typ {
	case recUser:
		c.Kind = pool.ChangeUser
		err = dec.Decode(&c.User)
	case recAddedTickets:
		c.Kind = pool.ChangeAddedTickets
		err = dec.Decode(&c.AddedTickets)
	default:
		return c, fmt.Errorf("unknown record type %d", typ)
	}
	if err == nil && dec.More() {
		err = errors.New("data after the change")
	}
	return c, err
}
