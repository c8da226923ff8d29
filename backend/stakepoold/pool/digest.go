package pool

import (
	"reflect"

	"github.com/eacred/dcrstakepool/backend/stakepoold/rpc/statedigest"
)

// digestCache remembers the state digest of one generation of the users
// and added-ticket maps. Every change to them replaces the maps
// (copy-on-write, see commit), so the maps' identity says whether the cached
// digest is current; a change made in place would go unnoticed here, so
// mutations must keep replacing the maps.
type digestCache struct {
	users, added uintptr
	nUsers       int
	nAdded       int
	acc          statedigest.Acc
}

func mapID(m any) uintptr { return uintptr(reflect.ValueOf(m).UnsafePointer()) }

// StateDigest returns the digest of the preferences and added tickets this
// daemon holds (package statedigest), computed once per change.
func (p *Pool) StateDigest() statedigest.Acc {
	p.mu.RLock()
	users, added := p.users, p.added
	p.mu.RUnlock()
	uid, aid := mapID(users), mapID(added)

	p.digestMu.Lock()
	defer p.digestMu.Unlock()
	c := &p.digest
	if c.users == uid && c.added == aid && c.nUsers == len(users) && c.nAdded == len(added) && uid != 0 {
		return c.acc
	}
	// The maps are never modified once published, so they can be read
	// without p.mu.
	var acc statedigest.Acc
	for _, u := range users {
		acc.AddUser(statedigest.UserHash(statedigest.User{UserID: u.UserID, MultisigAddress: u.MultisigAddress,
			VoteBits: u.VoteBits, VoteBitsVersion: u.VoteBitsVersion}))
	}
	for h, a := range added {
		acc.AddTicket(statedigest.TicketHash(statedigest.Ticket{Hash: h, MultisigAddress: a}))
	}
	*c = digestCache{users: uid, added: aid, nUsers: len(users), nAdded: len(added), acc: acc}
	return acc
}
