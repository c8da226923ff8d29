package rpcjson

// VersionResult is one entry of the version map, keyed by component
// ("ecrd", "ecrdjsonrpcapi", "eacrwalletjsonrpcapi", ...).
type VersionResult struct {
	VersionString string `json:"versionstring"`
	Major         uint32 `json:"major"`
	Minor         uint32 `json:"minor"`
	Patch         uint32 `json:"patch"`
	Prerelease    string `json:"prerelease"`
	BuildMetadata string `json:"buildmetadata"`
}

// SemverCompatible reports whether v satisfies the API version req as the
// daemons' clients check it: the same major version and a minor.patch at
// least req's. (The reference pool required ecrd's "ecrdjsonrpcapi" to be
// compatible with 6.1.1 and the wallet's "eacrwalletjsonrpcapi" with 6.2.0.)
func (v VersionResult) SemverCompatible(req VersionResult) bool {
	if v.Major != req.Major {
		return false
	}
	if v.Minor != req.Minor {
		return v.Minor > req.Minor
	}
	return v.Patch >= req.Patch
}

// GetBestBlockResult is the result of getbestblock.
type GetBestBlockResult struct {
	Hash   string `json:"hash"`
	Height int64  `json:"height"`
}

// GetBlockHeaderVerboseResult is the result of getblockheader with
// verbose=true. NextHash is omitted at the tip.
type GetBlockHeaderVerboseResult struct {
	Hash          string  `json:"hash"`
	Confirmations int64   `json:"confirmations"`
	Version       int32   `json:"version"`
	MerkleRoot    string  `json:"merkleroot"`
	StakeRoot     string  `json:"stakeroot"`
	VoteBits      uint16  `json:"votebits"`
	FinalState    string  `json:"finalstate"`
	Voters        uint16  `json:"voters"`
	FreshStake    uint8   `json:"freshstake"`
	Revocations   uint8   `json:"revocations"`
	PoolSize      uint32  `json:"poolsize"`
	Bits          string  `json:"bits"`
	SBits         float64 `json:"sbits"`
	Height        uint32  `json:"height"`
	Size          uint32  `json:"size"`
	Time          int64   `json:"time"`
	Nonce         uint32  `json:"nonce"`
	ExtraData     string  `json:"extradata"`
	StakeVersion  uint32  `json:"stakeversion"`
	Difficulty    float64 `json:"difficulty"`
	ChainWork     string  `json:"chainwork"`
	PreviousHash  string  `json:"previousblockhash,omitempty"`
	NextHash      string  `json:"nextblockhash,omitempty"`
}

// GetBlockVerboseResult is the result of getblock with verbose=true. Tx and
// STx list txids; with verbosetx=true RawTx and RawSTx carry full objects
// instead.
type GetBlockVerboseResult struct {
	Hash          string        `json:"hash"`
	Confirmations int64         `json:"confirmations"`
	Size          int32         `json:"size"`
	Height        int64         `json:"height"`
	Version       int32         `json:"version"`
	MerkleRoot    string        `json:"merkleroot"`
	StakeRoot     string        `json:"stakeroot"`
	Tx            []string      `json:"tx,omitempty"`
	RawTx         []TxRawResult `json:"rawtx,omitempty"`
	STx           []string      `json:"stx,omitempty"`
	RawSTx        []TxRawResult `json:"rawstx,omitempty"`
	Time          int64         `json:"time"`
	Nonce         uint32        `json:"nonce"`
	VoteBits      uint16        `json:"votebits"`
	FinalState    string        `json:"finalstate"`
	Voters        uint16        `json:"voters"`
	FreshStake    uint8         `json:"freshstake"`
	Revocations   uint8         `json:"revocations"`
	PoolSize      uint32        `json:"poolsize"`
	Bits          string        `json:"bits"`
	SBits         float64       `json:"sbits"`
	ExtraData     string        `json:"extradata"`
	StakeVersion  uint32        `json:"stakeversion"`
	Difficulty    float64       `json:"difficulty"`
	ChainWork     string        `json:"chainwork"`
	PreviousHash  string        `json:"previousblockhash,omitempty"`
	NextHash      string        `json:"nextblockhash,omitempty"`
}

// GetStakeDifficultyResult is the result of getstakedifficulty (coins).
type GetStakeDifficultyResult struct {
	CurrentStakeDifficulty float64 `json:"current"`
	NextStakeDifficulty    float64 `json:"next"`
}

// TicketsResult is the result of livetickets, missedtickets and
// ticketsforaddress.
type TicketsResult struct {
	Tickets []string `json:"tickets"`
}

// GetVoteInfoResult is the result of getvoteinfo. Agendas is omitted when
// there are none.
type GetVoteInfoResult struct {
	CurrentHeight int64    `json:"currentheight"`
	StartHeight   int64    `json:"startheight"`
	EndHeight     int64    `json:"endheight"`
	Hash          string   `json:"hash"`
	VoteVersion   uint32   `json:"voteversion"`
	Quorum        uint32   `json:"quorum"`
	TotalVotes    uint32   `json:"totalvotes"`
	Agendas       []Agenda `json:"agendas,omitempty"`
}

// Agenda is one consensus vote of getvoteinfo. Status is one of "defined",
// "started", "lockedin", "active", "failed".
type Agenda struct {
	ID             string   `json:"id"`
	Description    string   `json:"description"`
	Mask           uint16   `json:"mask"`
	StartTime      uint64   `json:"starttime"`
	ExpireTime     uint64   `json:"expiretime"`
	Status         string   `json:"status"`
	QuorumProgress float64  `json:"quorumprogress"`
	Choices        []Choice `json:"choices"`
}

// Choice is one choice of an agenda; Bits lie within the agenda's mask.
type Choice struct {
	ID          string  `json:"id"`
	Description string  `json:"description"`
	Bits        uint16  `json:"bits"`
	IsAbstain   bool    `json:"isabstain"`
	IsNo        bool    `json:"isno"`
	Count       uint32  `json:"count"`
	Progress    float64 `json:"progress"`
}

// GetTxOutResult is the result of gettxout (the node answers null for a
// spent or unknown output).
type GetTxOutResult struct {
	BestBlock     string             `json:"bestblock"`
	Confirmations int64              `json:"confirmations"`
	Value         float64            `json:"value"`
	ScriptPubKey  ScriptPubKeyResult `json:"scriptPubKey"`
	Version       int32              `json:"version"`
	Coinbase      bool               `json:"coinbase"`
}

// GetRawMempoolVerboseResult is one entry of getrawmempool's verbose
// answer, a JSON object mapping each mempool txid to its entry (the
// non-verbose answer is a plain array of txids). Size is the serialized
// size in bytes, Fee the fee in coins, Time the Unix time the transaction
// entered the pool and Height the best block height at that moment.
// StartingPriority and CurrentPriority are the coin-age priority at entry
// and now. Depends lists the mempool transactions it spends from, one entry
// per input that spends one (never null).
type GetRawMempoolVerboseResult struct {
	Size             int32    `json:"size"`
	Fee              float64  `json:"fee"`
	Time             int64    `json:"time"`
	Height           int64    `json:"height"`
	StartingPriority float64  `json:"startingpriority"`
	CurrentPriority  float64  `json:"currentpriority"`
	Depends          []string `json:"depends"`
}

// SessionResult is the result of session: a random id per websocket
// connection, which changes when the client reconnects.
type SessionResult struct {
	SessionID uint64 `json:"sessionid"`
}

// OutPoint names a transaction output in loadtxfilter (Tree 0 regular,
// 1 stake).
type OutPoint struct {
	Hash  string `json:"hash"`
	Tree  int8   `json:"tree"`
	Index uint32 `json:"index"`
}

// Script type names used in ScriptPubKeyResult.Type.
const (
	ScriptNonStandard     = "nonstandard"
	ScriptPubKey          = "pubkey"
	ScriptPubKeyAlt       = "pubkeyalt"
	ScriptPubKeyHash      = "pubkeyhash"
	ScriptPubKeyHashAlt   = "pubkeyhashalt"
	ScriptScriptHash      = "scripthash"
	ScriptMultiSig        = "multisig"
	ScriptNullData        = "nulldata"
	ScriptStakeSubmission = "stakesubmission"
	ScriptStakeGen        = "stakegen"
	ScriptStakeRevoke     = "stakerevoke"
	ScriptStakeSubChange  = "sstxchange"
	ScriptStakeCommitment = "sstxcommitment"
)
