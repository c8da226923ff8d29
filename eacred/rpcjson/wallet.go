package rpcjson

// WalletInfoResult is the result of walletinfo. VoteBitsExtended is hex
// whose first 4 bytes are the vote version (little-endian); CoinType is
// omitted when zero.
type WalletInfoResult struct {
	DaemonConnected  bool    `json:"daemonconnected"`
	Unlocked         bool    `json:"unlocked"`
	CoinType         uint32  `json:"cointype,omitempty"`
	TxFee            float64 `json:"txfee"`
	TicketFee        float64 `json:"ticketfee"`
	TicketPurchasing bool    `json:"ticketpurchasing"`
	VoteBits         uint16  `json:"votebits"`
	VoteBitsExtended string  `json:"votebitsextended"`
	VoteVersion      uint32  `json:"voteversion"`
	Voting           bool    `json:"voting"`
}

// ValidateAddressWalletResult is the wallet's validateaddress result. Only
// IsValid is always present. For a wallet P2PKH address PubKeyAddr is the
// pubkey address to feed to createmultisig; for an imported P2SH script
// IsScript, Hex (redeem script), Script (class), Addresses and SigsRequired
// are set.
type ValidateAddressWalletResult struct {
	IsValid      bool     `json:"isvalid"`
	Address      string   `json:"address,omitempty"`
	IsMine       bool     `json:"ismine,omitempty"`
	IsWatchOnly  bool     `json:"iswatchonly,omitempty"`
	IsScript     bool     `json:"isscript,omitempty"`
	PubKeyAddr   string   `json:"pubkeyaddr,omitempty"`
	PubKey       string   `json:"pubkey,omitempty"`
	IsCompressed bool     `json:"iscompressed,omitempty"`
	Account      string   `json:"account,omitempty"`
	Addresses    []string `json:"addresses,omitempty"`
	Hex          string   `json:"hex,omitempty"`
	Script       string   `json:"script,omitempty"`
	SigsRequired int32    `json:"sigsrequired,omitempty"`
}

// CreateMultisigResult is the result of createmultisig. Note the camelCase
// "redeemScript".
type CreateMultisigResult struct {
	Address      string `json:"address"`
	RedeemScript string `json:"redeemScript"`
}

// ListScriptsResult is the result of listscripts.
type ListScriptsResult struct {
	Scripts []ScriptInfo `json:"scripts"`
}

// ScriptInfo is one imported script: its hash160, P2SH address and the
// redeem script in hex.
type ScriptInfo struct {
	Hash160      string `json:"hash160"`
	Address      string `json:"address"`
	RedeemScript string `json:"redeemscript"`
}

// GetBalanceResult is the result of getbalance (coins). The totals are only
// sent for account "*" and omitted when zero.
type GetBalanceResult struct {
	Balances                     []GetAccountBalanceResult `json:"balances"`
	BlockHash                    string                    `json:"blockhash"`
	TotalImmatureCoinbaseRewards float64                   `json:"totalimmaturecoinbaserewards,omitempty"`
	TotalImmatureStakeGeneration float64                   `json:"totalimmaturestakegeneration,omitempty"`
	TotalLockedByTickets         float64                   `json:"totallockedbytickets,omitempty"`
	TotalSpendable               float64                   `json:"totalspendable,omitempty"`
	CumulativeTotal              float64                   `json:"cumulativetotal,omitempty"`
	TotalUnconfirmed             float64                   `json:"totalunconfirmed,omitempty"`
	TotalVotingAuthority         float64                   `json:"totalvotingauthority,omitempty"`
}

// GetAccountBalanceResult is one account's balances in GetBalanceResult.
type GetAccountBalanceResult struct {
	AccountName             string  `json:"accountname"`
	ImmatureCoinbaseRewards float64 `json:"immaturecoinbaserewards"`
	ImmatureStakeGeneration float64 `json:"immaturestakegeneration"`
	LockedByTickets         float64 `json:"lockedbytickets"`
	Spendable               float64 `json:"spendable"`
	Total                   float64 `json:"total"`
	Unconfirmed             float64 `json:"unconfirmed"`
	VotingAuthority         float64 `json:"votingauthority"`
}

// GetTicketsResult is the result of gettickets.
type GetTicketsResult struct {
	Hashes []string `json:"hashes"`
}

// GetTransactionResult is the result of gettransaction; Hex is the
// serialized transaction.
type GetTransactionResult struct {
	Amount          float64                       `json:"amount"`
	Fee             float64                       `json:"fee,omitempty"`
	Confirmations   int64                         `json:"confirmations"`
	BlockHash       string                        `json:"blockhash"`
	BlockIndex      int64                         `json:"blockindex"`
	BlockTime       int64                         `json:"blocktime"`
	TxID            string                        `json:"txid"`
	WalletConflicts []string                      `json:"walletconflicts"`
	Time            int64                         `json:"time"`
	TimeReceived    int64                         `json:"timereceived"`
	Details         []GetTransactionDetailsResult `json:"details"`
	Hex             string                        `json:"hex"`
	Type            string                        `json:"type"`
}

// GetTransactionDetailsResult is one wallet-relevant input or output of
// GetTransactionResult. Category is e.g. "send", "receive", "ticket".
type GetTransactionDetailsResult struct {
	Account           string   `json:"account"`
	Address           string   `json:"address,omitempty"`
	Amount            float64  `json:"amount"`
	Category          string   `json:"category"`
	InvolvesWatchOnly bool     `json:"involveswatchonly,omitempty"`
	Fee               *float64 `json:"fee,omitempty"`
	Vout              uint32   `json:"vout"`
}

// Ticket statuses in StakePoolUserInfoResult.
const (
	TicketStatusImmature = "immature"
	TicketStatusLive     = "live"
	TicketStatusVoted    = "voted"
	TicketStatusMissed   = "missed"
	TicketStatusExpired  = "expired"
)

// ZeroHash is the all-zero hash string sent as SpentBy of unspent tickets.
const ZeroHash = "0000000000000000000000000000000000000000000000000000000000000000"

// StakePoolUserInfoResult is the result of stakepooluserinfo: the user's
// valid tickets and the hashes of tickets rejected by the fee check.
type StakePoolUserInfoResult struct {
	Tickets []PoolUserTicket `json:"tickets"`
	Invalid []string         `json:"invalid"`
}

// PoolUserTicket is one ticket of a pool user. SpentBy is the vote or
// revocation hash (ZeroHash while unspent).
type PoolUserTicket struct {
	Status        string `json:"status"`
	Ticket        string `json:"ticket"`
	TicketHeight  uint32 `json:"ticketheight"`
	SpentBy       string `json:"spentby"`
	SpentByHeight uint32 `json:"spentbyheight"`
}

// GetStakeInfoResult is the result of getstakeinfo. The omitempty fields
// are left out when zero.
type GetStakeInfoResult struct {
	BlockHeight      int64   `json:"blockheight"`
	Difficulty       float64 `json:"difficulty"`
	TotalSubsidy     float64 `json:"totalsubsidy"`
	OwnMempoolTix    uint32  `json:"ownmempooltix"`
	Immature         uint32  `json:"immature"`
	Unspent          uint32  `json:"unspent"`
	Voted            uint32  `json:"voted"`
	Revoked          uint32  `json:"revoked"`
	UnspentExpired   uint32  `json:"unspentexpired"`
	PoolSize         uint32  `json:"poolsize,omitempty"`
	AllMempoolTix    uint32  `json:"allmempooltix,omitempty"`
	Live             uint32  `json:"live,omitempty"`
	ProportionLive   float64 `json:"proportionlive,omitempty"`
	Missed           uint32  `json:"missed,omitempty"`
	ProportionMissed float64 `json:"proportionmissed,omitempty"`
	Expired          uint32  `json:"expired,omitempty"`
}

// GenerateVoteResult is the result of generatevote: the signed vote, not
// broadcast.
type GenerateVoteResult struct {
	Hex string `json:"hex"`
}

// GetVoteChoicesResult is the result of getvotechoices.
type GetVoteChoicesResult struct {
	Version uint32       `json:"version"`
	Choices []VoteChoice `json:"choices"`
}

// VoteChoice is the wallet's current choice for one agenda.
type VoteChoice struct {
	AgendaID          string `json:"agendaid"`
	AgendaDescription string `json:"agendadescription"`
	ChoiceID          string `json:"choiceid"`
	ChoiceDescription string `json:"choicedescription"`
}

// PurchaseTicketOptions are the optional parameters of purchaseticket, in
// wire order. Zero values are "not set": Params leaves out every trailing
// unset option and fills an unset option before a set one with the
// daemon's default.
type PurchaseTicketOptions struct {
	MinConf       *int    // nil = default 1 (0 spends unconfirmed outputs)
	TicketAddress string  // voting address (e.g. the pool's multisig P2SH)
	NumTickets    int     // default 1
	PoolAddress   string  // pool fee address
	PoolFees      float64 // percent, e.g. 7.5
	Expiry        int     // absolute height, 0 = none
	TicketFee     float64 // coins per kB
}

// PurchaseTicketParams builds the positional params of purchaseticket.
func PurchaseTicketParams(fromAccount string, spendLimit float64, o PurchaseTicketOptions) []any {
	minConf, num := 1, o.NumTickets
	if o.MinConf != nil {
		minConf = *o.MinConf
	}
	if num == 0 {
		num = 1
	}
	all := []any{fromAccount, spendLimit, minConf, o.TicketAddress, num,
		o.PoolAddress, o.PoolFees, o.Expiry, "", o.TicketFee}
	last := 1
	set := []bool{o.MinConf != nil, o.TicketAddress != "", o.NumTickets != 0,
		o.PoolAddress != "", o.PoolFees != 0, o.Expiry != 0, false, o.TicketFee != 0}
	for i, s := range set {
		if s {
			last = i + 2
		}
	}
	return all[:last+1]
}
