package wallet

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// stateFileName is the name of the wallet's database file inside its data
// directory.
const stateFileName = "wallet.json"

// stateVersion is bumped whenever the layout of the saved state changes in a
// way older code cannot read.
const stateVersion = 1

// state is everything the wallet must remember across a restart. Keys are
// not stored: they are derived again from the seed. It is saved as keyed
// records, incrementally (records.go, journal.go); the JSON tags are the
// layout of the file wallet.json of earlier versions, still read once to
// migrate it.
type state struct {
	Version int `json:"version"`

	// AccountXpub is the default account's extended public key, kept to
	// refuse starting a data directory with another seed.
	AccountXpub string `json:"accountxpub"`

	// SyncHeight and SyncHash name the last block the wallet processed.
	// BlockHashes holds the hash of every processed main-chain block by
	// height, so that a reorganisation can be noticed.
	SyncHeight  int64    `json:"syncheight"`
	SyncHash    string   `json:"synchash"`
	BlockHashes []string `json:"blockhashes"`
	// PoolSize is the live ticket pool size in the tip's header.
	PoolSize uint32 `json:"poolsize"`

	// NextExternal and NextInternal are the indexes of the next address
	// handed out on the default account's external and internal branches.
	NextExternal uint32 `json:"nextexternal"`
	NextInternal uint32 `json:"nextinternal"`
	// UsedExternal is one more than the highest external index that
	// received coins (0 = none); the gap limit counts from it.
	UsedExternal uint32 `json:"usedexternal"`

	// Scripts are the imported redeem scripts (hex), in import order.
	Scripts []string `json:"scripts"`

	// Txs are the transactions that touch the wallet, by txid.
	Txs map[string]*txRecord `json:"txs"`

	// Credits are the wallet's unspent outputs, by outpoint key (txid:index).
	Credits map[string]*credit `json:"credits"`

	// Spent maps credits spent by the wallet's unmined transactions to the
	// spending txid: they are not offered again, and come back if that
	// transaction is abandoned.
	Spent map[string]string `json:"spent"`

	// Tickets are the tickets the wallet tracks (its own purchases, tickets
	// it can vote, tickets added with addticket), by ticket hash.
	Tickets map[string]*ticket `json:"tickets"`

	// NextSeq numbers the wallet's own transactions in sending order.
	NextSeq int64 `json:"nextseq"`

	// VoteChoices are the wallet's own agenda choices (agenda -> choice).
	VoteChoices map[string]string `json:"votechoices,omitempty"`

	// PoolUsers are the stake-pool mode records, keyed by the hex hash160
	// of a user's voting address (the P2SH script hash).
	PoolUsers map[string]*poolUser `json:"poolusers"`
	// PoolSeq orders pool tickets and invalid tickets in their lists.
	PoolSeq int64 `json:"poolseq,omitempty"`

	// dirty are the record keys changed since the last save; full asks
	// the next save to rewrite every record.
	dirty map[string]struct{}
	full  bool
}

// txRecord is one wallet-relevant transaction.
type txRecord struct {
	Hex         string `json:"hex"`
	BlockHash   string `json:"blockhash,omitempty"`
	BlockHeight int64  `json:"blockheight"` // 0 while unmined
	BlockIndex  uint32 `json:"blockindex"`
	BlockTime   int64  `json:"blocktime,omitempty"`
	Received    int64  `json:"received"` // unix time first seen
	// Own is true for transactions the wallet sent; Seq orders them.
	Own bool  `json:"own,omitempty"`
	Seq int64 `json:"seq,omitempty"`
}

// credit is an unspent output the wallet can sign for.
type credit struct {
	TxID     string `json:"txid"`
	Index    uint32 `json:"index"`
	Tree     int8   `json:"tree"`
	Amount   int64  `json:"amount"`
	PkScript string `json:"pkscript"`
	Height   int64  `json:"height"` // 0 while unmined
	// Kind says how the output matures: "coinbase", "stakegen" (vote and
	// revocation payouts), "ticketchange" or "" for ordinary outputs.
	Kind string `json:"kind,omitempty"`
	// Branch and AddrIndex locate the key that can spend it.
	Branch    uint32 `json:"branch"`
	AddrIndex uint32 `json:"addrindex"`
}

// ticketState is the life stage of a tracked ticket as the wallet sees it.
type ticketState string

const (
	ticketUnmined ticketState = "unmined"
	ticketMined   ticketState = "mined" // immature or live (or missed, until revoked)
	ticketVoted   ticketState = "voted"
	ticketRevoked ticketState = "revoked"
)

// ticket is a ticket the wallet tracks. Its transaction is in Txs.
type ticket struct {
	Hash        string      `json:"hash"`
	Height      int64       `json:"height"` // mined height, 0 unknown/unmined
	State       ticketState `json:"state"`
	SpentBy     string      `json:"spentby,omitempty"`
	SpentHeight int64       `json:"spentheight,omitempty"`
	// Votable is true when the wallet holds a key of the voting script.
	Votable bool `json:"votable"`
	// Added is true for tickets given with addticket.
	Added bool `json:"added,omitempty"`
	// Own is true for tickets this wallet paid for.
	Own bool `json:"own,omitempty"`
}

// poolUser is one stake-pool user's record: valid tickets with their
// status and the hashes of tickets that failed the fee check.
type poolUser struct {
	Tickets []*poolTicket `json:"tickets"`
	Invalid []string      `json:"invalid"`

	key        string // the user's key in PoolUsers
	st         *state
	byHash     map[string]*poolTicket
	seqs       map[string]int64 // valid ticket -> position
	invalidSeq map[string]int64 // invalid ticket -> position
}

// poolTicket is a valid ticket of a stake-pool user.
type poolTicket struct {
	Hash          string `json:"hash"`
	Height        int64  `json:"height"`
	Status        string `json:"status"` // "live" (immature or live), "voted", "missed"
	SpentBy       string `json:"spentby,omitempty"`
	SpentByHeight int64  `json:"spentbyheight,omitempty"`
}

func newState() *state {
	return &state{
		Version:   stateVersion,
		Txs:       make(map[string]*txRecord),
		Credits:   make(map[string]*credit),
		Spent:     make(map[string]string),
		Tickets:   make(map[string]*ticket),
		PoolUsers: make(map[string]*poolUser),
	}
}

// loadLegacyState reads the wallet.json of an earlier version; a missing
// file gives a fresh state.
func loadLegacyState(dir string) (*state, error) {
	b, err := os.ReadFile(statePath(dir))
	if errors.Is(err, os.ErrNotExist) {
		return newState(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read wallet state: %w", err)
	}
	st := newState()
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("wallet state %s is corrupt: %w", statePath(dir), err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("wallet state version %d is not supported (want %d)", st.Version, stateVersion)
	}
	if st.Txs == nil {
		st.Txs = make(map[string]*txRecord)
	}
	if st.Credits == nil {
		st.Credits = make(map[string]*credit)
	}
	if st.Spent == nil {
		st.Spent = make(map[string]string)
	}
	if st.Tickets == nil {
		st.Tickets = make(map[string]*ticket)
	}
	if st.PoolUsers == nil {
		st.PoolUsers = make(map[string]*poolUser)
	}
	for key, u := range st.PoolUsers {
		u.index(key, st)
		for _, t := range u.Tickets {
			st.PoolSeq++
			u.byHash[t.Hash], u.seqs[t.Hash] = t, st.PoolSeq
		}
		for _, h := range u.Invalid {
			st.PoolSeq++
			u.invalidSeq[h] = st.PoolSeq
		}
	}
	return st, nil
}

// statePath is the legacy state file of a data directory.
func statePath(dir string) string { return filepath.Join(dir, stateFileName) }

// outpointKey is the map key of an output.
func outpointKey(txid string, index uint32) string {
	return fmt.Sprintf("%s:%d", txid, index)
}

// openState opens the database of dir and loads the state. A data
// directory of an earlier version (wallet.json only) is migrated: its
// state is written as a snapshot, then wallet.json is removed.
func openState(dir string) (*journal, *state, error) {
	db, frames, err := openJournal(dir)
	if err != nil {
		return nil, nil, err
	}
	if len(frames) == 0 {
		st, err := loadLegacyState(dir)
		if err != nil {
			_ = db.close() // the error returned below is the one to report
			return nil, nil, err
		}
		st.rewrite()
		return db, st, nil
	}
	l := newLoader()
	for _, fr := range frames {
		if err := l.apply(fr); err != nil {
			_ = db.close() // the error returned below is the one to report
			return nil, nil, err
		}
	}
	st, err := l.finish()
	if err != nil {
		_ = db.close() // the error returned below is the one to report
		return nil, nil, err
	}
	if st.Version != stateVersion {
		_ = db.close() // the error returned below is the one to report
		return nil, nil, fmt.Errorf("wallet state version %d is not supported (want %d)", st.Version, stateVersion)
	}
	return db, st, nil
}
