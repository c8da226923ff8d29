// Package votebits checks, builds and explains the 16-bit vote bits a vote
// carries.
//
// Bit 0 (0x0001) says whether the voter accepts the previous block's
// regular transactions; wallets always set it and the pool refuses
// preferences without it. The other bits belong to the agendas (proposed
// consensus changes) of the network's current vote version: each agenda owns
// the bits of its Mask, and each of its choices is one value of those bits
// (abstain is always 0). A voter's choice on an agenda is the choice whose
// Bits equal votebits & Mask.
//
// Valid vote bits, for a set of agendas: bit 0 is set; for every agenda the
// masked value is one of its choices or 0 (abstain is always allowed); no
// bit outside bit 0 and the agendas' choice bits is set. Vote bits are only meaningful together with the vote
// version whose agendas they were checked against: when the network moves
// to a new vote version, old preferences no longer apply.
//
// The agendas always come from chaincfg (Params.Agendas, or AgendasFor):
// stakepoold checks pushed preferences against them, answers the front
// end's agenda requests with them, and the simulator's node and wallet
// build getvoteinfo and their vote choices from them. Validate is the one
// rule all of them apply.
package votebits

import (
	"fmt"
	"sort"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// ValidBlock is bit 0: the previous block's regular transactions are
// valid. Default is the vote bits of a voter with no agenda preferences.
const (
	ValidBlock uint16 = 0x0001
	Default           = ValidBlock
)

// ErrorKind identifies why vote bits or choices were refused.
type ErrorKind string

// Error returns the kind's description.
func (k ErrorKind) Error() string { return string(k) }

// Kinds of vote bits errors.
const (
	ErrBlockBitUnset  = ErrorKind("vote bits must set bit 0 (previous block valid)")
	ErrInvalidChoice  = ErrorKind("masked vote bits are not a choice of the agenda")
	ErrStrayBits      = ErrorKind("vote bits set bits no agenda uses")
	ErrUnknownAgenda  = ErrorKind("unknown agenda")
	ErrUnknownChoice  = ErrorKind("unknown choice")
	ErrUnknownVersion = ErrorKind("unknown vote version")
)

// Error is a vote bits error with the agenda and bits involved.
type Error struct {
	Kind   ErrorKind
	Agenda string // agenda ID, when one is involved
	Choice string // choice ID, for ErrUnknownChoice
	Bits   uint16 // the offending bits
	// Version and Network name the vote version for ErrUnknownVersion.
	Version uint32
	Network string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Kind == ErrUnknownVersion {
		return fmt.Sprintf("%s %d on %s", e.Kind, e.Version, e.Network)
	}
	s := fmt.Sprintf("%s (bits %#04x)", e.Kind, e.Bits)
	if e.Agenda != "" {
		s += ": agenda " + e.Agenda
	}
	if e.Choice != "" {
		s += ", choice " + e.Choice
	}
	return s
}

// Unwrap returns the kind for errors.Is.
func (e *Error) Unwrap() error { return e.Kind }

// VoteInfo is the agendas of one vote version as the pool checks and shows
// them: their definitions (Agendas, from chaincfg: the one source of what a
// valid choice is) and, for display only, each agenda's deployment status
// as the node reports it (Status: agenda ID -> "defined", "started",
// "lockedin", "active" or "failed"; an agenda the node did not report has
// no entry). Status never changes which vote bits are valid.
type VoteInfo struct {
	VoteVersion uint32
	Agendas     []chaincfg.Agenda
	Status      map[string]string
}

// AgendasFor returns the agendas of vote version v on network p.
func AgendasFor(p *chaincfg.Params, v uint32) ([]chaincfg.Agenda, error) {
	a, ok := p.Agendas(v)
	if !ok {
		return nil, &Error{Kind: ErrUnknownVersion, Version: v, Network: p.Name}
	}
	return a, nil
}

// Validate checks bits against agendas (see the package documentation).
func Validate(bits uint16, agendas []chaincfg.Agenda) error {
	if bits&ValidBlock == 0 {
		return &Error{Kind: ErrBlockBitUnset, Bits: bits}
	}
	used := ValidBlock
	for i := range agendas {
		a := &agendas[i]
		if _, ok := choiceFor(a, bits); !ok {
			return &Error{Kind: ErrInvalidChoice, Agenda: a.ID, Bits: bits & a.Mask}
		}
		for _, c := range a.Choices {
			used |= c.Bits
		}
	}
	if stray := bits &^ used; stray != 0 {
		return &Error{Kind: ErrStrayBits, Bits: stray}
	}
	return nil
}

// choiceFor returns the choice bits select on a. Masked bits of 0 are
// abstain, which is always allowed, even when a lists no abstain choice.
func choiceFor(a *chaincfg.Agenda, bits uint16) (chaincfg.Choice, bool) {
	masked := bits & a.Mask
	for _, c := range a.Choices {
		if c.Bits == masked {
			return c, true
		}
	}
	if masked == 0 {
		return chaincfg.Choice{ID: "abstain", Description: "abstain from voting", IsAbstain: true}, true
	}
	return chaincfg.Choice{}, false
}

// Build returns the vote bits for choices (agenda ID -> choice ID): bit 0
// OR the chosen choices' bits. Agendas without an entry abstain.
func Build(choices map[string]string, agendas []chaincfg.Agenda) (uint16, error) {
	bits := ValidBlock
	ids := make([]string, 0, len(choices))
	for id := range choices {
		ids = append(ids, id)
	}
	sort.Strings(ids) // deterministic error reporting
	for _, id := range ids {
		a := findAgenda(agendas, id)
		if a == nil {
			return 0, &Error{Kind: ErrUnknownAgenda, Agenda: id}
		}
		c, ok := a.Choice(choices[id])
		if !ok {
			return 0, &Error{Kind: ErrUnknownChoice, Agenda: id, Choice: choices[id]}
		}
		bits |= c.Bits
	}
	return bits, nil
}

func findAgenda(agendas []chaincfg.Agenda, id string) *chaincfg.Agenda {
	for i := range agendas {
		if agendas[i].ID == id {
			return &agendas[i]
		}
	}
	return nil
}

// Describe returns the choice each agenda's bits select (agenda ID ->
// choice ID). The bits must be valid for agendas.
func Describe(bits uint16, agendas []chaincfg.Agenda) (map[string]string, error) {
	if err := Validate(bits, agendas); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(agendas))
	for i := range agendas {
		c, _ := choiceFor(&agendas[i], bits)
		out[agendas[i].ID] = c.ID
	}
	return out, nil
}
