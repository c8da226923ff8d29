// Package statedigest defines the one canonical digest of the state the
// front end pushes to every stakepoold: each user's voting preferences
// (every field of poolapi.User, encoded from the type itself) and the
// admin-added low-fee tickets. stakepoold reports it in its Health answer;
// the front end computes the same from its database and repairs a backend
// whose digest differs. Both sides call this package, so they cannot drift
// apart.
//
// The digest is a multiset hash: every record is hashed on its own
// (SHA-256 over a type tag and a binary encoding: fixed-size fields, then
// length-prefixed strings) and the
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
	"reflect"
	"strings"

	"github.com/eacred/dcrstakepool/backend/poolapi"
)

// Hash is one record's hash.
type Hash [32]byte

// UserHash returns the hash of one user record. The record is encoded
// field by field from poolapi.User itself (userFields), so a field added
// to the record is in the digest without an edit here: its fixed-size
// fields (integers big-endian at their size, booleans one byte) in the
// order they are declared, then its strings, length-prefixed, in the order
// they are declared.
func UserHash(u poolapi.User) Hash {
	b := make([]byte, 0, 64)
	b = append(b, "u\x00"...)
	b = userFields.encode(b, reflect.ValueOf(&u).Elem())
	return sha256.Sum256(b)
}

// encode appends the encoding of v, a struct of the plan's type.
func (p *fieldPlan) encode(b []byte, v reflect.Value) []byte {
	for _, f := range p.fixed {
		fv := v.Field(f.index)
		switch f.kind {
		case reflect.Bool:
			if fv.Bool() {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			b = appendUint(b, uint64(fv.Int()), f.size)
		default:
			b = appendUint(b, fv.Uint(), f.size)
		}
	}
	for _, i := range p.strings {
		b = appendString(b, v.Field(i).String())
	}
	return b
}

// appendUint appends the low size bytes of x, big-endian.
func appendUint(b []byte, x uint64, size int) []byte {
	for i := size - 1; i >= 0; i-- {
		b = append(b, byte(x>>(8*i)))
	}
	return b
}

// fieldPlan is how a record type is encoded: its fixed-size fields and its
// string fields, each in declaration order.
type fieldPlan struct {
	fixed   []fixedField
	strings []int // field indexes
}

type fixedField struct {
	index, size int
	kind        reflect.Kind
}

var userFields = planOf(reflect.TypeOf(poolapi.User{}))

// planOf builds the encoding plan of a struct type. A field of another
// kind (int and uint, whose size depends on the platform, floats, slices,
// nested structs, ...) panics at start-up: decide its encoding here first.
func planOf(t reflect.Type) fieldPlan {
	var p fieldPlan
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		switch k := f.Type.Kind(); k {
		case reflect.Bool, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			p.fixed = append(p.fixed, fixedField{index: i, size: int(f.Type.Size()), kind: k})
		case reflect.String:
			p.strings = append(p.strings, i)
		default:
			panic("statedigest: no encoding for " + t.Name() + "." + f.Name + " (" + f.Type.String() + ")")
		}
	}
	return p
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
