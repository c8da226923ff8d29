package rpcjson

// Node (ecrd) methods. Parameters are positional in the order given; "?"
// marks an optional parameter (leave it out to get the default).
const (
	MethodVersion              = "version"              // () → map[string]VersionResult
	MethodGetBestBlock         = "getbestblock"         // () → GetBestBlockResult
	MethodGetBestBlockHash     = "getbestblockhash"     // () → string
	MethodGetBlockCount        = "getblockcount"        // () → int64
	MethodGetBlockHash         = "getblockhash"         // (index int64) → string
	MethodGetBlockHeader       = "getblockheader"       // (hash string, verbose? bool=true) → GetBlockHeaderVerboseResult | hex string
	MethodGetBlock             = "getblock"             // (hash string, verbose? bool=true, verbosetx? bool=false) → GetBlockVerboseResult | hex string
	MethodGetRawTransaction    = "getrawtransaction"    // (txid string, verbose? int=0) → hex string | TxRawResult
	MethodSendRawTransaction   = "sendrawtransaction"   // (hextx string, allowhighfees? bool=false) → txid string
	MethodGetStakeDifficulty   = "getstakedifficulty"   // () → GetStakeDifficultyResult
	MethodExistsLiveTicket     = "existsliveticket"     // (txhash string) → bool
	MethodExistsLiveTickets    = "existslivetickets"    // (txhashes []string) → bitset hex (see EncodeBitset)
	MethodExistsMissedTickets  = "existsmissedtickets"  // (txhashes []string) → bitset hex
	MethodExistsExpiredTickets = "existsexpiredtickets" // (txhashes []string) → bitset hex
	MethodExistsMempoolTxs     = "existsmempooltxs"     // (txhashes []string) → bitset hex
	MethodLiveTickets          = "livetickets"          // () → TicketsResult
	MethodMissedTickets        = "missedtickets"        // () → TicketsResult
	MethodTicketsForAddress    = "ticketsforaddress"    // (address string) → TicketsResult
	MethodGetVoteInfo          = "getvoteinfo"          // (version uint32) → GetVoteInfoResult
	MethodGetCurrentNet        = "getcurrentnet"        // () → uint32 network magic
	MethodGetRawMempool        = "getrawmempool"        // (verbose? bool=false, txtype? string="all": regular|tickets|votes|revocations) → []string | map[txid]GetRawMempoolVerboseResult
	MethodGetTxOut             = "gettxout"             // (txid string, vout uint32, includemempool? bool=true) → *GetTxOutResult (null if spent)
	MethodGenerate             = "generate"             // (numblocks uint32) → []string block hashes (simnet/regnet)
	MethodPing                 = "ping"                 // () → null

	// Websocket-only methods; all answer null unless noted.
	MethodAuthenticate                = "authenticate"                // (username, passphrase string)
	MethodNotifyBlocks                = "notifyblocks"                // () → blockconnected, blockdisconnected
	MethodStopNotifyBlocks            = "stopnotifyblocks"            // ()
	MethodNotifyWinningTickets        = "notifywinningtickets"        // () → winningtickets
	MethodNotifySpentAndMissedTickets = "notifyspentandmissedtickets" // () → spentandmissedtickets
	MethodNotifyNewTickets            = "notifynewtickets"            // () → newtickets
	MethodNotifyStakeDifficulty       = "notifystakedifficulty"       // () → stakedifficulty
	MethodNotifyNewTransactions       = "notifynewtransactions"       // (verbose? bool=false) → txaccepted / txacceptedverbose
	MethodLoadTxFilter                = "loadtxfilter"                // (reload bool, addresses []string, outpoints []OutPoint)
	MethodSession                     = "session"                     // () → SessionResult
	MethodRebroadcastWinners          = "rebroadcastwinners"          // ()
	MethodRebroadcastMissed           = "rebroadcastmissed"           // ()
)

// Wallet (eacrwallet) methods. Unknown methods sent to the wallet are passed
// through to its node, so node methods also work on a wallet connection.
const (
	MethodWalletInfo              = "walletinfo"              // () → WalletInfoResult
	MethodGetNewAddress           = "getnewaddress"           // (account? string="default", gappolicy? string="error") → string
	MethodGetMasterPubKey         = "getmasterpubkey"         // (account? string="default") → string
	MethodAccountSyncAddressIndex = "accountsyncaddressindex" // (account string, branch uint32, index uint32) → null
	MethodValidateAddress         = "validateaddress"         // (address string) → ValidateAddressWalletResult
	MethodCreateMultisig          = "createmultisig"          // (nrequired int, keys []string) → CreateMultisigResult
	MethodImportScript            = "importscript"            // (hex string, rescan? bool=true, scanfrom? int) → null
	MethodListScripts             = "listscripts"             // () → ListScriptsResult
	MethodGetAddressesByAccount   = "getaddressesbyaccount"   // (account string) → []string
	MethodGetBalance              = "getbalance"              // (account? string="*", minconf? int=1) → GetBalanceResult
	MethodGetTickets              = "gettickets"              // (includeimmature bool) → GetTicketsResult
	MethodGetTransaction          = "gettransaction"          // (txid string, includewatchonly? bool=false) → GetTransactionResult
	MethodStakePoolUserInfo       = "stakepooluserinfo"       // (user string) → StakePoolUserInfoResult
	MethodGetStakeInfo            = "getstakeinfo"            // () → GetStakeInfoResult
	MethodAddTicket               = "addticket"               // (tickethex string) → null
	MethodAddTransaction          = "addtransaction"          // (blockhash string, transaction string) → null
	MethodGenerateVote            = "generatevote"            // (blockhash string, height int64, tickethash string, votebits uint16, votebitsext string) → GenerateVoteResult
	MethodRevokeTickets           = "revoketickets"           // () → null
	MethodPurchaseTicket          = "purchaseticket"          // (fromaccount, spendlimit float64, minconf?, ticketaddress?, numtickets?, pooladdress?, poolfees?, expiry?, comment?, ticketfee?) → []string
	MethodSendToAddress           = "sendtoaddress"           // (address string, amount float64, comment? string, commentto? string) → txid string
	MethodWalletPassphrase        = "walletpassphrase"        // (passphrase string, timeout int64 seconds) → null
	MethodWalletLock              = "walletlock"              // () → null
	MethodWalletIsLocked          = "walletislocked"          // () → bool
	MethodGetVoteChoices          = "getvotechoices"          // () → GetVoteChoicesResult
	MethodSetVoteChoice           = "setvotechoice"           // (agendaid, choiceid string) → null
	MethodRescanWallet            = "rescanwallet"            // (beginheight? int=0) → null
)

// Notification methods pushed by the node on websockets.
const (
	NtfnBlockConnected        = "blockconnected"        // BlockConnectedNtfn
	NtfnBlockDisconnected     = "blockdisconnected"     // BlockDisconnectedNtfn
	NtfnWinningTickets        = "winningtickets"        // WinningTicketsNtfn
	NtfnSpentAndMissedTickets = "spentandmissedtickets" // SpentAndMissedTicketsNtfn
	NtfnNewTickets            = "newtickets"            // NewTicketsNtfn
	NtfnStakeDifficulty       = "stakedifficulty"       // StakeDifficultyNtfn
	NtfnTxAccepted            = "txaccepted"            // [txid string, amount float64]
	NtfnTxAcceptedVerbose     = "txacceptedverbose"     // [TxRawResult]
	NtfnRelevantTxAccepted    = "relevanttxaccepted"    // [txhex string]
)

// Values of the purchaseticket / getnewaddress string options.
const (
	GapPolicyError  = "error"
	GapPolicyIgnore = "ignore"
	GapPolicyWrap   = "wrap"
)
