package pool

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/eacred/dcrstakepool/eacred/votebits"
)

// MaxUsers bounds one SetUserPrefs call (far above any real pool, low
// enough that a garbage request cannot exhaust memory).
const MaxUsers = 1_000_000

// MaxAddedTickets bounds one SetAddedTickets call.
const MaxAddedTickets = 1_000_000

// SetUserPrefs replaces the preferences of all users. Every entry is
// validated first; nothing changes when one is invalid. The new set is
// stored durably before it takes effect.
func (p *Pool) SetUserPrefs(ctx context.Context, users []UserPrefs) error {
	if len(users) > MaxUsers {
		return Errorf(KindInvalid, "too many users: %d (at most %d)", len(users), MaxUsers)
	}
	next := make(map[string]UserPrefs, len(users))
	ids := make(map[int64]string, len(users))
	for i, u := range users {
		if err := p.checkPrefs(u); err != nil {
			return Errorf(KindInvalid, "user %d: %v", i, err)
		}
		if _, dup := next[u.MultisigAddress]; dup {
			return Errorf(KindInvalid, "user %d: multisig address %s appears twice", i, u.MultisigAddress)
		}
		if other, dup := ids[u.UserID]; dup {
			return Errorf(KindInvalid, "user %d: user id %d has two multisig addresses (%s and %s)",
				i, u.UserID, other, u.MultisigAddress)
		}
		next[u.MultisigAddress] = u
		ids[u.UserID] = u.MultisigAddress
	}
	if err := p.commit(nil, func(_ map[string]UserPrefs, added map[string]string) (map[string]UserPrefs, map[string]string, error) {
		return next, added, nil
	}); err != nil {
		return err
	}
	p.markPrefsPushed()
	return nil
}

// markPrefsPushed releases the votes waiting for the front end's
// preferences (see Config.PrefsWait).
func (p *Pool) markPrefsPushed() { p.prefsOnce.Do(func() { close(p.prefsPushed) }) }

// SetUserPref inserts or replaces one user's preferences.
func (p *Pool) SetUserPref(ctx context.Context, u UserPrefs) error {
	if err := p.checkPrefs(u); err != nil {
		return Errorf(KindInvalid, "%v", err)
	}
	// The check and the copy are made on the staged state, inside the
	// commit: a copy made before it lost the users that concurrent calls
	// added meanwhile. Once published, the change is folded into the
	// cached state digest (no pass over every user).
	// One user's update does not end a wait for the whole set.
	var prev, next map[string]UserPrefs
	return p.commitThen(&Change{Kind: ChangeUser, User: u}, func(users map[string]UserPrefs, added map[string]string) (map[string]UserPrefs, map[string]string, error) {
		for addr, old := range users {
			if old.UserID == u.UserID && addr != u.MultisigAddress {
				return nil, nil, Errorf(KindInvalid, "user id %d already has multisig address %s, not %s",
					u.UserID, addr, u.MultisigAddress)
			}
		}
		prev, next = users, maps.Clone(users)
		if next == nil {
			next = make(map[string]UserPrefs)
		}
		next[u.MultisigAddress] = u
		return next, added, nil
	}, func() { p.noteUserChange(prev, next, u.MultisigAddress) })
}

// SetAddedTickets replaces the admin-added low-fee tickets. Each must name
// a well-formed hash and the multisig address of a known user; a ticket
// listed twice must name the same address both times. Added
// tickets are votable as soon as this returns; removed ones are not.
func (p *Pool) SetAddedTickets(ctx context.Context, tickets []PoolTicketID) error {
	if len(tickets) > MaxAddedTickets {
		return Errorf(KindInvalid, "too many tickets: %d (at most %d)", len(tickets), MaxAddedTickets)
	}
	next := make(map[string]string, len(tickets))
	norm := make([]PoolTicketID, len(tickets))
	for i, t := range tickets {
		h, err := NormalizeHash(t.Hash)
		if err != nil {
			return Errorf(KindInvalid, "ticket %d: %v", i, err)
		}
		t.Hash = h
		if err := p.addrs.CheckP2SH(t.MultisigAddress); err != nil {
			return Errorf(KindInvalid, "ticket %d (%s): multisig address: %v", i, t.Hash, err)
		}
		if other, dup := next[t.Hash]; dup && other != t.MultisigAddress {
			return Errorf(KindInvalid, "ticket %d (%s): listed twice, for %s and for %s",
				i, t.Hash, other, t.MultisigAddress)
		}
		next[t.Hash] = t.MultisigAddress
		norm[i] = t
	}
	rec := &Change{Kind: ChangeAddedTickets, AddedTickets: make([]PoolTicketID, 0, len(next))}
	for h, a := range next {
		rec.AddedTickets = append(rec.AddedTickets, PoolTicketID{Hash: h, MultisigAddress: a})
	}
	var fresh []string
	err := p.commit(rec, func(users map[string]UserPrefs, added map[string]string) (map[string]UserPrefs, map[string]string, error) {
		for i, t := range norm {
			if _, ok := users[t.MultisigAddress]; !ok {
				return nil, nil, Errorf(KindInvalid, "ticket %d (%s): unknown user multisig address %s "+
					"(push the users' voting preferences first)", i, t.Hash, t.MultisigAddress)
			}
		}
		fresh = fresh[:0]
		for h := range next {
			if _, ok := added[h]; !ok {
				fresh = append(fresh, h)
			}
		}
		return users, next, nil
	})
	if err != nil {
		return err
	}
	// The wallet refused these tickets (low fee), so it may not be able to
	// vote them until they are added to it. That happens in the background
	// (a long list must not hold up the caller); failures are logged: the
	// list is stored and voting is attempted regardless.
	if len(fresh) > 0 {
		go p.giveToWallet(fresh)
	}
	return nil
}

// addToWalletTimeout bounds giving admin-added tickets to the wallet.
const addToWalletTimeout = 5 * time.Minute

func (p *Pool) giveToWallet(tickets []string) {
	ctx, cancel := context.WithTimeout(context.Background(), addToWalletTimeout)
	defer cancel()
	for _, h := range tickets {
		if err := p.AddMissingTicket(ctx, h); err != nil {
			p.log.Warnf("Added low-fee ticket %s: could not add it to the wallet: %v", h, err)
		} else {
			p.log.Infof("Added low-fee ticket %s given to the wallet", h)
		}
	}
}

// checkPrefs validates one user's preferences: a positive id, a P2SH
// address of the network, bit 0 set, and, when the chain parameters know
// the version, valid vote bits for its agendas (votebits.Validate).
func (p *Pool) checkPrefs(u UserPrefs) error {
	if u.UserID <= 0 {
		return fmt.Errorf("user id must be positive, got %d", u.UserID)
	}
	if err := p.addrs.CheckP2SH(u.MultisigAddress); err != nil {
		return fmt.Errorf("multisig address: %w", err)
	}
	if u.VoteBits&1 == 0 {
		return fmt.Errorf("vote bits %#04x: bit 0 (approve the previous block) must be set", u.VoteBits)
	}
	if p.agendas == nil {
		return nil
	}
	ags, ok := p.agendas.Agendas(u.VoteBitsVersion)
	if !ok {
		return nil // another version: stored, but the default is used to vote
	}
	if err := votebits.Validate(u.VoteBits, ags); err != nil {
		return voteBitsError(u.VoteBits, err)
	}
	return nil
}

// voteBitsError words a votebits.Validate refusal for stakepoold's
// callers and log (the rule itself is votebits').
func voteBitsError(bits uint16, err error) error {
	var e *votebits.Error
	if !errors.As(err, &e) {
		return fmt.Errorf("vote bits %#04x: %w", bits, err)
	}
	switch e.Kind {
	case votebits.ErrInvalidChoice:
		return fmt.Errorf("vote bits %#04x: %#04x is no choice of agenda %s", bits, e.Bits, e.Agenda)
	case votebits.ErrStrayBits:
		return fmt.Errorf("vote bits %#04x: bits %#04x belong to no agenda", bits, e.Bits)
	}
	return fmt.Errorf("vote bits %#04x: %w", bits, err)
}

// NormalizeHash validates a transaction hash string (64 hex characters)
// and returns it in lower case, the form the daemons print.
func NormalizeHash(h string) (string, error) {
	if len(h) != 64 {
		return "", fmt.Errorf("hash %q: want 64 hex characters, got %d", truncate(h), len(h))
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return "", fmt.Errorf("hash %q: not hexadecimal", truncate(h))
		}
	}
	return strings.ToLower(h), nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
