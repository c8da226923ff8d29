// Package poolapi defines, once, the records the front end and stakepoold
// exchange: a user's voting preferences (User), what a repair gives a
// stakepoold for a user (UserScript), an admin-added low-fee ticket
// (Ticket), a low-fee ticket with its state (LowFeeTicket), the
// voting wallet's stake summary (StakeInfo) and one user's tickets
// (UserTickets).
//
// The pool core (backend/stakepoold/pool) stores and serves them,
// stakepooldclient returns them to the front end, and statedigest hashes
// them; only the gRPC edge converts them to and from protobuf (User in
// backend/stakepoold/rpc/pbconv, for both ends; the others in rpcserver on
// one side and stakepooldclient's grpc.go on the other), and only
// backend/stakepoold/chain converts the wallet's JSON-RPC answers into them.
// The packages that use them may give them a local name (pool.UserPrefs,
// stakepooldclient.VotingPrefs, ...): those are aliases of these types, not
// copies.
//
// The package imports nothing, so both programs can use it.
package poolapi

// User is one user's voting preferences as the front end pushes them to
// every stakepoold: the user id (also the index of the user's pool key and
// fee address), the user's P2SH multisig voting address, and the vote bits
// with the vote version they were chosen for. The JSON names are those of
// stakepoold's state file.
type User struct {
	UserID          int64  `json:"userid"`
	MultisigAddress string `json:"multisigaddress"`
	VoteBits        uint16 `json:"votebits"`
	VoteBitsVersion uint32 `json:"votebitsversion"`
}

// UserScript is what a repair gives a stakepoold for one user: the
// preferences, the redeem script of the user's voting address (hex) for
// the wallet to import, and the height the user registered at (where the
// wallet's rescan for the user's tickets starts).
type UserScript struct {
	Prefs            User
	RedeemScript     string
	HeightRegistered int64
}

// Ticket is a pool ticket: its hash (txid, hex) and the multisig address
// of the user its voting rights belong to. The front end pushes the
// admin-added low-fee tickets as Tickets.
type Ticket struct {
	Hash            string `json:"hash"`
	MultisigAddress string `json:"multisigaddress"`
}

// StakeInfo is the voting wallet's stake summary (getstakeinfo), amounts
// in atoms, shown by the home, stats and API pages.
type StakeInfo struct {
	BlockHeight       int64
	DifficultyAtoms   int64 // ticket price
	TotalSubsidyAtoms int64 // earned by the pool's votes
	OwnMempoolTix     uint32
	Immature          uint32
	Unspent           uint32
	Voted             uint32
	Revoked           uint32
	UnspentExpired    uint32
	PoolSize          uint32
	AllMempoolTix     uint32
	Live              uint32
	ProportionLive    float64
	Missed            uint32
	ProportionMissed  float64
	Expired           uint32
}

// LowFeeTicket is a pool ticket that paid too little pool fee, as a
// stakepoold tracks it from the block that mines it: State is one of the
// LowFee* constants, MinedHeight the height of the block that mined it,
// StateHeight the block where it entered State (the block it matured in,
// or the one that voted or missed it, which under DCP0009 also revokes it;
// 0 while immature or when unknown).
type LowFeeTicket struct {
	Hash            string
	MultisigAddress string
	State           string
	MinedHeight     int64
	StateHeight     int64
}

// States of a low-fee ticket (LowFeeTicket.State). Revoked is a ticket
// revoked by a revocation transaction after it was missed or expired
// (before DCP0009); under DCP0009 a missed or expired ticket keeps that
// state.
const (
	LowFeeImmature = "immature"
	LowFeeLive     = "live"
	LowFeeVoted    = "voted"
	LowFeeMissed   = "missed"
	LowFeeExpired  = "expired"
	LowFeeRevoked  = "revoked"
)

// Ended reports whether the ticket was voted, missed, expired or revoked.
func (t LowFeeTicket) Ended() bool {
	return t.State != "" && t.State != LowFeeImmature && t.State != LowFeeLive
}

// TicketStatus is a ticket's state as the voting wallet reports it
// (stakepooluserinfo).
type TicketStatus string

// Ticket statuses a wallet reports.
const (
	StatusImmature TicketStatus = "immature"
	StatusLive     TicketStatus = "live"
	StatusVoted    TicketStatus = "voted"
	StatusMissed   TicketStatus = "missed"
	StatusExpired  TicketStatus = "expired"
	StatusRevoked  TicketStatus = "revoked"
	StatusUnmined  TicketStatus = "unmined"
)

// UserTicket is one ticket of a user as the voting wallet reports it:
// SpentBy is the vote or revocation that spent it ("" while unspent).
type UserTicket struct {
	Hash          string
	Status        TicketStatus
	TicketHeight  uint32
	SpentBy       string
	SpentByHeight uint32
}

// UserTickets is everything a voting wallet knows about one user's
// tickets (stakepooluserinfo). Invalid lists the hashes of the tickets
// that paid too little pool fee (not voted unless an admin adds them).
// TipHeight and TipHash are the wallet's best block, read before it listed
// the tickets: the list is of that block or a later one, never an earlier
// one (TipHash is "" when unknown: a stakepoold before API 1.4).
type UserTickets struct {
	Tickets   []UserTicket
	Invalid   []string
	TipHeight int64
	TipHash   string
}
