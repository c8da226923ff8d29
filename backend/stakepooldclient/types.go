package stakepooldclient

import (
	"strings"
	"time"

	"github.com/eacred/dcrstakepool/backend/poolapi"
)

// Version is a stakepoold's API version (semantic versioning).
type Version struct {
	Major, Minor, Patch uint32
	// Text is the server's own version string, for logs and the status page.
	Text string
}

// Health is what one stakepoold reports about itself and its ecrd/wallet.
type Health struct {
	EcrdConnected   bool
	WalletConnected bool
	// WalletDaemonConnected is the wallet's own connection to ecrd.
	WalletDaemonConnected bool
	WalletUnlocked        bool
	// WalletVoting is true when the wallet itself votes; stakepoold must be
	// the only voter, so true is a fault.
	WalletVoting bool
	VoteVersion  uint32
	// BestHeight is ecrd's best block; ProcessedHeight the last block whose
	// tickets stakepoold processed; Lag the difference. BestHash is the
	// best block's hash ("" when ecrd did not answer).
	BestHeight      int64
	BestHash        string
	ProcessedHeight int64
	Lag             int64
	// Problems lists, in words, why the backend is not ready to vote
	// (empty when it is).
	Problems []string
	// Counts of the backend's ticket sets and users.
	LiveTickets, IgnoredTickets, AddedTickets, Users uint32
	Network                                          string
	// StateDigest is the digest of the preferences and added tickets the
	// backend holds (package statedigest); "" from a server before API 1.1.
	StateDigest string
}

// Ready reports whether the backend can do wallet work (writes, votes).
func (h Health) Ready() bool { return h.Problem() == "" }

// Problem describes in a few words why Ready is false ("" when ready).
func (h Health) Problem() string {
	switch {
	case !h.EcrdConnected:
		return "ecrd not connected"
	case !h.WalletConnected:
		return "wallet not connected"
	case !h.WalletUnlocked:
		return "wallet locked"
	case h.WalletVoting:
		return "wallet has voting enabled"
	case len(h.Problems) > 0:
		return strings.Join(h.Problems, "; ")
	}
	return ""
}

// PoolConfig is a backend's pool configuration, cross-checked with the
// front end's.
type PoolConfig struct {
	ColdWalletExtPub string
	Network          string
	PoolFees         float64 // percent
	FeeAddressCount  uint32
}

// Multisig is a P2SH multisig address and its redeem script (hex).
type Multisig struct {
	Address      string
	RedeemScript string
}

// VotingPrefs is one user's voting preferences, as pushed to every backend
// (this package's name for poolapi.User, the one definition).
type VotingPrefs = poolapi.User

// Ticket is a pool ticket: its hash (txid, hex) and the user's multisig
// address its voting rights are bound to (this package's name for
// poolapi.Ticket).
type Ticket = poolapi.Ticket

// LowFeeTicket is a pool ticket that paid too low a fee, as a backend
// tracks it (API 1.2; State is "" from older servers).
type LowFeeTicket = poolapi.LowFeeTicket

// TicketStatus is a ticket's state as the wallet sees it (this package's
// name for poolapi.TicketStatus).
type TicketStatus = poolapi.TicketStatus

// Ticket statuses reported by stakepoold (poolapi's, under the names the
// pages use).
const (
	StatusImmature = poolapi.StatusImmature
	StatusLive     = poolapi.StatusLive
	StatusVoted    = poolapi.StatusVoted
	StatusMissed   = poolapi.StatusMissed
	StatusExpired  = poolapi.StatusExpired
	StatusRevoked  = poolapi.StatusRevoked
	StatusUnmined  = poolapi.StatusUnmined
)

// UserTicket is one ticket of a user (poolapi.UserTicket).
type UserTicket = poolapi.UserTicket

// UserTickets is everything a wallet knows about a user's tickets
// (poolapi.UserTickets): Invalid lists the hashes of tickets that paid too
// low a fee (not voted unless an admin adds them).
type UserTickets = poolapi.UserTickets

// StakeInfo is the wallet's stake summary (getstakeinfo) used by the home,
// stats and API pages (this package's name for poolapi.StakeInfo).
type StakeInfo = poolapi.StakeInfo

// BackendStatus is a snapshot of one backend for the admin status page.
type BackendStatus struct {
	Name string
	// Conn is the transport state (gRPC connectivity: Idle, Connecting,
	// Ready, TransientFailure, Shutdown).
	Conn string
	// State is the client's verdict: see the State constants.
	State State
	// Health is the last health report (zero before the first one) and
	// HealthAt when it was received.
	Health   Health
	HealthAt time.Time
	// Answered is whether the last Health call was answered (false:
	// unreachable, or too slow).
	Answered bool
	Version  Version
	// LastError is the last error talking to this backend, if any, and
	// LastErrorAt when it happened.
	LastError   string
	LastErrorAt time.Time
}

// CanVote reports whether the backend can vote now: its last health
// report said ready and it is healthy or being repaired (a backend under
// repair votes, possibly with stale preferences for a moment).
func (s BackendStatus) CanVote() bool {
	return s.Answered && s.Health.Ready() && (s.State == StateHealthy || s.State == StateSyncing)
}

// Why says in a few words why the backend is not healthy: its state and
// the last error or health problem.
func (s BackendStatus) Why() string {
	why := string(s.State)
	switch {
	case s.LastError != "":
		why += ": " + s.LastError
	case !s.HealthAt.IsZero() && s.Health.Problem() != "":
		why += ": " + s.Health.Problem()
	}
	return why
}

// State is the client's verdict on one backend.
type State string

// Backend states.
const (
	// StateUnknown: not contacted yet.
	StateUnknown State = "unknown"
	// StateHealthy: reachable, ready and holding the full state.
	StateHealthy State = "healthy"
	// StateDown: unreachable or not ready; it is repaired when it returns.
	StateDown State = "down"
	// StateSyncing: reachable again and being repaired.
	StateSyncing State = "syncing"
)
