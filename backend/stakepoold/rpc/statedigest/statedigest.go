// Package statedigest defines the one canonical digest of the state the
// front end pushes to every stakepoold: each user's voting preferences
// (user id, multisig address, vote bits, vote bits version) and the
// admin-added low-fee tickets. stakepoold reports it in its Health answer;
// the front end computes the same from its database and repairs a backend
// whose digest differs. Both sides call this package, so they cannot drift
// apart.
//
// The digest is a multiset hash: every record is hashed on its own
// (SHA-256 over a length-prefixed binary encoding with a type tag) and the
// record hashes are added modulo 2^256, separately for users and tickets.
// The sum does not depend on order, and one changed record is updated in
// O(1) (Sub the old record, Add the new one), so neither side sorts or
// rehashes 100,000 users on a write. The reported value is SHA-256 over a
// version tag, both counts and both sums.
//
// It guards against lost or stale state (a deleted state.json, a missed
// write), not against an adversary: sums of hashes are not collision
// resistant against someone choosing many records on purpose.
package statedigest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/bits"
	"strings"

	"github.com/eacred/dcrstakepool/backend/poolapi"
)

// Hash is one record's hash.
type Hash [32]byte

// UserHash returns the hash of one user record.
func UserHash(u poolapi.User) Hash {
	b := make([]byte, 0, 64)
	b = append(b, "u\x00"...)
	b = binary.BigEndian.AppendUint64(b, uint64(u.UserID))
	b = binary.BigEndian.AppendUint16(b, u.VoteBits)
	b = binary.BigEndian.AppendUint32(b, u.VoteBitsVersion)
	b = appendString(b, u.MultisigAddress)
	return sha256.Sum256(b)
}

// TicketHash returns the hash of one added-ticket record.
func TicketHash(t poolapi.Ticket) Hash {
	b := make([]byte, 0, 112)
	b = append(b, "t\x00"...)
	b = appendString(b, strings.ToLower(t.Hash))
	b = appendString(b, t.MultisigAddress)
	return sha256.Sum256(b)
}

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// sum is a 256-bit number, little-endian limbs.
type sum [4]uint64

func (s *sum) add(h Hash) {
	var c uint64
	for i := 0; i < 4; i++ {
		s[i], c = bits.Add64(s[i], binary.LittleEndian.Uint64(h[8*i:]), c)
	}
}

func (s *sum) sub(h Hash) {
	var c uint64
	for i := 0; i < 4; i++ {
		s[i], c = bits.Sub64(s[i], binary.LittleEndian.Uint64(h[8*i:]), c)
	}
}

// Acc accumulates records. The zero value is the empty state. It is a value
// type: copy it to snapshot.
type Acc struct {
	users, tickets   sum
	nUsers, nTickets int64
}

// AddUser adds a user record; SubUser removes one that was added.
func (a *Acc) AddUser(h Hash) { a.users.add(h); a.nUsers++ }

// SubUser removes a user record previously added.
func (a *Acc) SubUser(h Hash) { a.users.sub(h); a.nUsers-- }

// AddTicket adds a ticket record.
func (a *Acc) AddTicket(h Hash) { a.tickets.add(h); a.nTickets++ }

// SubTicket removes a ticket record previously added.
func (a *Acc) SubTicket(h Hash) { a.tickets.sub(h); a.nTickets-- }

// Merge adds every record of b to a.
func (a *Acc) Merge(b Acc) {
	a.users.addSum(b.users)
	a.tickets.addSum(b.tickets)
	a.nUsers += b.nUsers
	a.nTickets += b.nTickets
}

func (s *sum) addSum(o sum) {
	var c uint64
	for i := 0; i < 4; i++ {
		s[i], c = bits.Add64(s[i], o[i], c)
	}
}

// Users returns the number of user records.
func (a Acc) Users() int64 { return a.nUsers }

// Tickets returns the number of ticket records.
func (a Acc) Tickets() int64 { return a.nTickets }

// Digest returns the canonical digest (64 hex characters).
func (a Acc) Digest() string {
	b := make([]byte, 0, 96)
	b = append(b, "dcrstakepool state digest v1\x00"...)
	b = binary.BigEndian.AppendUint64(b, uint64(a.nUsers))
	for _, l := range a.users {
		b = binary.LittleEndian.AppendUint64(b, l)
	}
	b = binary.BigEndian.AppendUint64(b, uint64(a.nTickets))
	for _, l := range a.tickets {
		b = binary.LittleEndian.AppendUint64(b, l)
	}
	d := sha256.Sum256(b)
	return hex.EncodeToString(d[:])
}

// Of returns the accumulator of a whole state.
func Of(users []poolapi.User, tickets []poolapi.Ticket) Acc {
	var a Acc
	for _, u := range users {
		a.AddUser(UserHash(u))
	}
	for _, t := range tickets {
		a.AddTicket(TicketHash(t))
	}
	return a
}
