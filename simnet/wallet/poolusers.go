package wallet

import (
	"sort"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// Stored stake pool ticket statuses. "live" covers immature and live tickets,
// as dcrwallet stores them as one state and tells them apart by height.
const (
	poolLive   = "live"
	poolVoted  = "voted"
	poolMissed = "missed"
)

// ticketLifetime holds the chain parameters that decide a ticket's reported
// status.
type ticketLifetime struct {
	Maturity int64
	Expiry   int64
}

// reportStatus turns a stored record into the status string dcrwallet
// reports: a stored live ticket is "immature" until the tip reaches its
// height plus the ticket maturity plus one (tickets added by an operator
// are stored with height 0, so they are reported live); a stored missed ticket (revoked)
// is "expired" when it was revoked at least TicketMaturity + TicketExpiry
// blocks after it was mined: a ticket expires in block mined + maturity +
// expiry (the node's rule, and getstakeinfo's), so one revoked earlier was
// missed. (dcrwallet v1.5 says "expired" from TicketExpiry blocks on, which
// calls tickets missed in the last TicketMaturity blocks of their life
// expired; the simulator follows the chain instead, so that its
// stakepooluserinfo and getstakeinfo agree with each other and the node.)
func (lt ticketLifetime) reportStatus(t *poolTicket, tip int64) string {
	switch t.Status {
	case poolLive:
		if tip < t.Height+lt.Maturity+1 {
			return "immature"
		}
		return "live"
	case poolVoted:
		return "voted"
	case poolMissed:
		if t.SpentByHeight-t.Height >= lt.Maturity+lt.Expiry {
			return "expired"
		}
		return "missed"
	}
	return ""
}

// info renders the user's record as stakepooluserinfo returns it. A nil
// user (unknown address) gives two empty arrays.
func (lt ticketLifetime) info(u *poolUser, tip int64) rpcjson.StakePoolUserInfoResult {
	res := rpcjson.StakePoolUserInfoResult{Tickets: []rpcjson.PoolUserTicket{}, Invalid: []string{}}
	if u == nil {
		return res
	}
	for _, t := range u.Tickets {
		spent := t.SpentBy
		if spent == "" {
			spent = rpcjson.ZeroHash
		}
		res.Tickets = append(res.Tickets, rpcjson.PoolUserTicket{
			Status:        lt.reportStatus(t, tip),
			Ticket:        t.Hash,
			TicketHeight:  uint32(t.Height),
			SpentBy:       spent,
			SpentByHeight: uint32(t.SpentByHeight),
		})
	}
	res.Invalid = append(res.Invalid, u.Invalid...)
	return res
}

// poolUserFor returns the record of the user whose voting script has the
// given hash160, creating it.
func (st *state) poolUserFor(scriptHash string) *poolUser {
	u := st.PoolUsers[scriptHash]
	if u == nil {
		u = &poolUser{}
		u.index(scriptHash, st)
		st.PoolUsers[scriptHash] = u
	}
	return u
}

// index prepares the lookups of a user record.
func (u *poolUser) index(key string, st *state) {
	u.key, u.st = key, st
	u.byHash = make(map[string]*poolTicket, len(u.Tickets))
	u.seqs = make(map[string]int64, len(u.Tickets))
	u.invalidSeq = make(map[string]int64, len(u.Invalid))
}

// addValid records a ticket that passed the fee check (or was added by an
// operator). A ticket already recorded keeps its record; a ticket listed as
// invalid moves to the valid list.
func (u *poolUser) addValid(hash string, height int64) {
	u.removeInvalid(hash)
	if t, ok := u.byHash[hash]; ok {
		if t.Height == 0 && height != 0 {
			t.Height = height
			u.touchTicket(hash)
		}
		return
	}
	t := &poolTicket{Hash: hash, Height: height, Status: poolLive}
	u.Tickets = append(u.Tickets, t)
	u.st.PoolSeq++
	u.byHash[hash], u.seqs[hash] = t, u.st.PoolSeq
	u.touchTicket(hash)
}

// addInvalid lists a ticket that failed the fee check, once. A ticket
// already valid (for example added by an operator) stays valid.
func (u *poolUser) addInvalid(hash string) {
	if _, ok := u.byHash[hash]; ok {
		return
	}
	if _, ok := u.invalidSeq[hash]; ok {
		return
	}
	u.Invalid = append(u.Invalid, hash)
	u.st.PoolSeq++
	u.invalidSeq[hash] = u.st.PoolSeq
	u.touchInvalid(hash)
}

func (u *poolUser) removeInvalid(hash string) {
	if _, ok := u.invalidSeq[hash]; !ok {
		return
	}
	out := u.Invalid[:0]
	for _, h := range u.Invalid {
		if h != hash {
			out = append(out, h)
		}
	}
	u.Invalid = out
	delete(u.invalidSeq, hash)
	u.touchInvalid(hash)
}

// removeTicket forgets a valid ticket (its block was orphaned).
func (u *poolUser) removeTicket(hash string) {
	if _, ok := u.byHash[hash]; !ok {
		return
	}
	out := u.Tickets[:0]
	for _, t := range u.Tickets {
		if t.Hash != hash {
			out = append(out, t)
		}
	}
	u.Tickets = out
	delete(u.byHash, hash)
	delete(u.seqs, hash)
	u.touchTicket(hash)
}

// markSpent records the vote (voted=true) or revocation of a valid ticket.
// It reports whether the ticket belongs to this user.
func (u *poolUser) markSpent(hash, spender string, height int64, voted bool) bool {
	t, ok := u.byHash[hash]
	if !ok {
		return false
	}
	t.Status = poolMissed
	if voted {
		t.Status = poolVoted
	}
	t.SpentBy = spender
	t.SpentByHeight = height
	u.touchTicket(hash)
	return true
}

// unspend takes back a vote or revocation of a valid ticket (it was in an
// orphaned block): the ticket is live again.
func (u *poolUser) unspend(hash string) {
	if t, ok := u.byHash[hash]; ok && t.Status != poolLive {
		t.Status, t.SpentBy, t.SpentByHeight = poolLive, "", 0
		u.touchTicket(hash)
	}
}

// sortedPoolUsers returns the user keys in a stable order (for tests and
// deterministic processing).
func (st *state) sortedPoolUsers() []string {
	keys := make([]string, 0, len(st.PoolUsers))
	for k := range st.PoolUsers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
