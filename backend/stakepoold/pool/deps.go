package pool

import (
	"context"
	"time"

	"github.com/eacred/dcrstakepool/backend/poolapi"
)

// BlockRef names a block.
type BlockRef struct {
	Hash   string
	Height int64
}

// WalletInfo is what the wallet says about itself (walletinfo).
type WalletInfo struct {
	DaemonConnected  bool
	Unlocked         bool
	Voting           bool
	VoteBits         uint16
	VoteBitsExtended string // hex; starts with the vote version (4 bytes LE)
	VoteVersion      uint32
}

// WalletTx is a wallet transaction (gettransaction): raw hex and the block
// it was mined in ("" while in the mempool).
type WalletTx struct {
	Hex       string
	BlockHash string
}

// AddressInfo is the wallet's validateaddress answer.
type AddressInfo struct {
	IsValid    bool
	IsMine     bool
	PubKeyAddr string
	Account    string
	IsScript   bool
}

// UserScript is user N's voting script as this daemon prepares it
// (PrepareUserScript).
type UserScript struct {
	// PoolKeyMine reports whether the wallet owns the pool key; when it
	// does not, the other fields are empty.
	PoolKeyMine bool
	// PoolPubKeyAddr is the pool key as a pubkey address.
	PoolPubKeyAddr string
	// RedeemScript is the 1-of-2 multisig [pool key, user key] and
	// MultisigAddress its P2SH address.
	RedeemScript    []byte
	MultisigAddress string
}

// Script is a redeem script and its P2SH address: an imported one
// (listscripts).
type Script struct {
	Address      string
	RedeemScript []byte
}

// Multisig is a multisig script the wallet created (createmultisig, the
// deprecated CreateMultisig RPC): the same record as Script.
type Multisig = Script

// UserTicket is one ticket of a user as the wallet reports it (the pool's
// name for poolapi.UserTicket).
type UserTicket = poolapi.UserTicket

// TicketStatus is a ticket's status as the wallet reports it (the pool's
// name for poolapi.TicketStatus).
type TicketStatus = poolapi.TicketStatus

// UserInfo is the wallet's stakepooluserinfo answer (the pool's name for
// poolapi.UserTickets).
type UserInfo = poolapi.UserTickets

// StakeInfo is the wallet's getstakeinfo answer, amounts in atoms (the
// pool's name for poolapi.StakeInfo).
type StakeInfo = poolapi.StakeInfo

// StakeTx is one transaction of a block's stake tree.
type StakeTx struct {
	Hash string
	Hex  string
}

// Node is what the pool needs from ecrd. Implementations return errors with
// a Kind (KindUnavailable when not connected, KindDuplicate for a
// transaction the node already has, KindNotFound for unknown objects).
type Node interface {
	BestBlock(ctx context.Context) (BlockRef, error)
	BlockHeight(ctx context.Context, blockHash string) (int64, error)
	SendRawTransaction(ctx context.Context, txHex string) (string, error)
	RawTransaction(ctx context.Context, txid string) (WalletTx, error)
	// BlockStakeTxs returns the stake tree of a block (from getblock):
	// tickets, votes and revocations.
	BlockStakeTxs(ctx context.Context, blockHash string) ([]StakeTx, error)
	// AgendaStatus returns the deployment status of each agenda of a vote
	// version (agenda ID -> "defined", "started", "lockedin", "active" or
	// "failed"), from getvoteinfo. It is shown, never used to check bits.
	AgendaStatus(ctx context.Context, voteVersion uint32) (map[string]string, error)
	// AutoRevocations reports whether the node's best chain enforces
	// automatic revocations (DCP0009, agenda "autorevocations"): the node
	// then revokes missed and expired tickets itself.
	AutoRevocations(ctx context.Context) (bool, error)
	Connected() bool
}

// Wallet is what the pool needs from eacrwallet (same error rules as Node).
type Wallet interface {
	WalletInfo(ctx context.Context) (WalletInfo, error)
	Tickets(ctx context.Context, includeImmature bool) ([]string, error)
	Transaction(ctx context.Context, txid string) (WalletTx, error)
	GenerateVote(ctx context.Context, block BlockRef, ticket string, voteBits uint16, voteBitsExt string) (string, error)
	RevokeTickets(ctx context.Context) error
	ValidateAddress(ctx context.Context, addr string) (AddressInfo, error)
	AccountSyncAddressIndex(ctx context.Context, account string, branch, index uint32) error
	CreateMultisig(ctx context.Context, addrs []string) (Multisig, error)
	ImportScript(ctx context.Context, script []byte, rescan bool, scanFrom int64) error
	ListScripts(ctx context.Context) ([]Script, error)
	AddTicket(ctx context.Context, txHex string) error
	StakePoolUserInfo(ctx context.Context, addr string) (UserInfo, error)
	StakeInfo(ctx context.Context) (StakeInfo, error)
	Connected() bool
}

// TicketCheck is the verdict on one ticket.
type TicketCheck struct {
	// VotingAddress is the P2SH address output 0 pays (the user's multisig).
	VotingAddress string
	// FeeOK reports whether the first commitment pays at least the pool fee
	// to a fee address of the cold wallet.
	FeeOK bool
	// Reason explains a failed fee check, for the log.
	Reason string
}

// TicketInspector decodes a ticket and checks its pool fee at the height of
// the block that mined it. An error means the transaction is not a ticket
// (or not decodable); a low fee is not an error.
type TicketInspector interface {
	Inspect(txHex string, minedHeight int64) (TicketCheck, error)
}

// AddressChecker validates addresses for the daemon's network.
type AddressChecker interface {
	// CheckP2SH returns an error saying what is wrong unless addr is a P2SH
	// address of the network.
	CheckP2SH(addr string) error
	// CheckAddress returns an error unless addr decodes for the network.
	CheckAddress(addr string) error
	// PubKey returns the public key of a secp256k1 pubkey address of the
	// network, or an error saying what is wrong.
	PubKey(pubKeyAddr string) ([]byte, error)
	// VotingScript returns the 1-of-2 multisig script of poolKey and
	// userKey, in that order, and its P2SH address (eacred/stakepool).
	VotingScript(poolKey, userKey []byte) (script []byte, p2sh string, err error)
	// CheckVotingScript returns an error unless script is a 1-of-2
	// multisig of two keys whose P2SH address is p2sh.
	CheckVotingScript(script []byte, p2sh string) error
}

// Metrics receives vote outcomes; see package metrics for Prometheus.
type Metrics interface {
	VoteCast(sinceNotification time.Duration)
	VoteDuplicate()
	// VoteConflict: another vote for the ticket (other bits) was first.
	VoteConflict()
	VoteError()
	// VoteDefaultBits: a vote used the wallet's default bits because the
	// user's preferences were unknown.
	VoteDefaultBits()
	// TipProcessed is called once per winningtickets notification with
	// pool winners: sibling is true when another tip at the same height
	// was processed before; votes counts the votes cast or already there.
	TipProcessed(sibling bool, votes int)
	BlockProcessed(d time.Duration)
}

type nopMetrics struct{}

func (nopMetrics) VoteCast(time.Duration)       {}
func (nopMetrics) VoteDuplicate()               {}
func (nopMetrics) VoteError()                   {}
func (nopMetrics) VoteConflict()                {}
func (nopMetrics) VoteDefaultBits()             {}
func (nopMetrics) TipProcessed(bool, int)       {}
func (nopMetrics) BlockProcessed(time.Duration) {}
