package store

import (
	"cmp"
	"slices"
	"strings"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
)

// replay applies journal changes to a snapshot's state, with the pool's
// meaning: a user's preferences are keyed by multisig address, and the
// added tickets are replaced as a whole.
type replay struct {
	users map[string]pool.UserPrefs
	added []pool.PoolTicketID
}

func newReplay(st pool.State) *replay {
	r := &replay{users: make(map[string]pool.UserPrefs, len(st.Users)), added: st.AddedTickets}
	for _, u := range st.Users {
		r.users[u.MultisigAddress] = u
	}
	return r
}

func (r *replay) apply(c pool.Change) {
	switch c.Kind {
	case pool.ChangeUser:
		r.users[c.User.MultisigAddress] = c.User
	case pool.ChangeAddedTickets:
		r.added = slices.Clone(c.AddedTickets)
	}
}

// state is the replayed state: users sorted by id, tickets by hash.
func (r *replay) state() pool.State {
	st := pool.State{AddedTickets: r.added}
	if len(r.users) > 0 {
		st.Users = make([]pool.UserPrefs, 0, len(r.users))
		for _, u := range r.users {
			st.Users = append(st.Users, u)
		}
	}
	slices.SortFunc(st.Users, func(a, b pool.UserPrefs) int { return cmp.Compare(a.UserID, b.UserID) })
	slices.SortFunc(st.AddedTickets, func(a, b pool.PoolTicketID) int { return strings.Compare(a.Hash, b.Hash) })
	return st
}
