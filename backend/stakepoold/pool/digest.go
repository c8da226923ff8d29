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
	users map[string]UserPrefs
	added map[string]string
	uacc  statedigest.Acc // users only
	tacc  statedigest.Acc // tickets only
	acc   statedigest.Acc // both
}

func sameMap[K comparable, V any](a, b map[K]V) bool {
	return a != nil && b != nil && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

func userHash(u UserPrefs) statedigest.Hash {
	return statedigest.UserHash(u)
}

func ticketHash(h, addr string) statedigest.Hash {
	return statedigest.TicketHash(PoolTicketID{Hash: h, MultisigAddress: addr})
}

// StateDigest returns the digest of the preferences and added tickets this
// daemon holds (package statedigest). A new generation of the maps is
// folded in by difference with the previous one: only changed records are
// hashed again, so one user's change costs a pass of map lookups, not
// 100,000 hashes.
func (p *Pool) StateDigest() statedigest.Acc {
	p.mu.RLock()
	users, added := p.users, p.added
	p.mu.RUnlock()

	p.digestMu.Lock()
	defer p.digestMu.Unlock()
	c := &p.digest
	if sameMap(c.users, users) && sameMap(c.added, added) {
		return c.acc
	}
	// Published maps are never modified, so they are read without p.mu.
	if !sameMap(c.users, users) {
		seen := 0
		for k, u := range users {
			old, ok := c.users[k]
			if ok {
				seen++
				if old == u {
					continue
				}
				c.uacc.SubUser(userHash(old))
			}
			c.uacc.AddUser(userHash(u))
		}
		if seen < len(c.users) {
			for k, old := range c.users {
				if _, ok := users[k]; !ok {
					c.uacc.SubUser(userHash(old))
				}
			}
		}
		c.users = users
	}
	if !sameMap(c.added, added) {
		var t statedigest.Acc
		for h, a := range added {
			t.AddTicket(ticketHash(h, a))
		}
		c.tacc, c.added = t, added
	}
	var acc statedigest.Acc
	acc.Merge(c.uacc)
	acc.Merge(c.tacc)
	c.acc = acc
	return acc
}

// noteUserChange folds one user's change (key, from map prev to map next)
// into the cached digest when the cache holds prev, so that the next
// StateDigest costs nothing instead of a pass over every user (about
// 0.1 s at 100,000 users). When the cache holds another generation it is
// left alone and StateDigest diffs as usual.
func (p *Pool) noteUserChange(prev, next map[string]UserPrefs, key string) {
	p.digestMu.Lock()
	defer p.digestMu.Unlock()
	c := &p.digest
	if !sameMap(c.users, prev) {
		return
	}
	old, hadOld := prev[key]
	u, hasNew := next[key]
	if hadOld && hasNew && old == u {
		c.users = next
		return
	}
	if hadOld {
		c.uacc.SubUser(userHash(old))
	}
	if hasNew {
		c.uacc.AddUser(userHash(u))
	}
	c.users = next
	var acc statedigest.Acc
	acc.Merge(c.uacc)
	acc.Merge(c.tacc)
	c.acc = acc
}
