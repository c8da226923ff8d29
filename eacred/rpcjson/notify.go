package rpcjson

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// BlockHeaderSize is the size of a serialized block header, carried as hex
// by blockconnected and blockdisconnected.
const BlockHeaderSize = 180

// Values of the SpentAndMissedTicketsNtfn map.
const (
	TicketSpent  = "spent"
	TicketMissed = "missed"
)

// BlockConnectedNtfn is the blockconnected notification: the serialized
// header of the new tip block and the transactions in it that match the
// client's loadtxfilter (stake tree first). Params:
// [headerHex string, subscribedTxs []string or null].
type BlockConnectedNtfn struct {
	Header        []byte
	SubscribedTxs [][]byte
}

// Params encodes the notification's positional params.
func (n *BlockConnectedNtfn) Params() ([]json.RawMessage, error) {
	var txs []string // null when empty, as the node sends it
	for _, tx := range n.SubscribedTxs {
		txs = append(txs, hex.EncodeToString(tx))
	}
	return MarshalParams(hex.EncodeToString(n.Header), txs)
}

// ParseBlockConnected decodes blockconnected params. The header must be
// exactly BlockHeaderSize bytes.
func ParseBlockConnected(params []json.RawMessage) (*BlockConnectedNtfn, error) {
	if len(params) != 2 {
		return nil, fmt.Errorf("%s: want 2 params, got %d", NtfnBlockConnected, len(params))
	}
	header, err := parseHeader(NtfnBlockConnected, params[0])
	if err != nil {
		return nil, err
	}
	var txs []string
	if err := json.Unmarshal(params[1], &txs); err != nil {
		return nil, fmt.Errorf("%s: subscribed txs: %w", NtfnBlockConnected, err)
	}
	n := &BlockConnectedNtfn{Header: header}
	for i, s := range txs {
		tx, err := hex.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("%s: subscribed tx #%d: %w", NtfnBlockConnected, i, err)
		}
		n.SubscribedTxs = append(n.SubscribedTxs, tx)
	}
	return n, nil
}

// BlockDisconnectedNtfn is the blockdisconnected notification: the header
// of the block removed from the tip. Params: [headerHex string].
type BlockDisconnectedNtfn struct {
	Header []byte
}

// Params encodes the notification's positional params.
func (n *BlockDisconnectedNtfn) Params() ([]json.RawMessage, error) {
	return MarshalParams(hex.EncodeToString(n.Header))
}

// ParseBlockDisconnected decodes blockdisconnected params.
func ParseBlockDisconnected(params []json.RawMessage) (*BlockDisconnectedNtfn, error) {
	if len(params) != 1 {
		return nil, fmt.Errorf("%s: want 1 param, got %d", NtfnBlockDisconnected, len(params))
	}
	header, err := parseHeader(NtfnBlockDisconnected, params[0])
	if err != nil {
		return nil, err
	}
	return &BlockDisconnectedNtfn{Header: header}, nil
}

func parseHeader(method string, raw json.RawMessage) ([]byte, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("%s: header: %w", method, err)
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", method, err)
	}
	if len(b) != BlockHeaderSize {
		return nil, fmt.Errorf("%s: header is %d bytes, want %d", method, len(b), BlockHeaderSize)
	}
	return b, nil
}

// WinningTicketsNtfn is the winningtickets notification: the tickets
// selected to vote on BlockHash (the votes' parent). On the wire the
// tickets are an object keyed by decimal index, "0".."4"; Tickets holds
// them ordered by that index. Params:
// [blockHash string, blockHeight int32, {"0":hash,...}].
type WinningTicketsNtfn struct {
	BlockHash   string
	BlockHeight int64
	Tickets     []string
}

// Params encodes the notification's positional params.
func (n *WinningTicketsNtfn) Params() ([]json.RawMessage, error) {
	m := make(map[string]string, len(n.Tickets))
	for i, t := range n.Tickets {
		m[strconv.Itoa(i)] = t
	}
	return MarshalParams(n.BlockHash, n.BlockHeight, m)
}

// ParseWinningTickets decodes winningtickets params. Keys must be distinct
// non-negative decimal indexes; hashes must be 64 hex characters.
func ParseWinningTickets(params []json.RawMessage) (*WinningTicketsNtfn, error) {
	const method = NtfnWinningTickets
	n := &WinningTicketsNtfn{}
	if err := parseBlockParams(method, params, 3, &n.BlockHash, &n.BlockHeight); err != nil {
		return nil, err
	}
	var m map[string]string
	if err := json.Unmarshal(params[2], &m); err != nil {
		return nil, fmt.Errorf("%s: tickets: %w", method, err)
	}
	type entry struct {
		idx  uint64
		hash string
	}
	entries := make([]entry, 0, len(m))
	for k, v := range m {
		idx, err := strconv.ParseUint(k, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("%s: ticket key %q is not an index", method, k)
		}
		if err := checkHash(v); err != nil {
			return nil, fmt.Errorf("%s: ticket %s: %w", method, k, err)
		}
		entries = append(entries, entry{idx, v})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].idx < entries[j].idx })
	for i, e := range entries {
		if i > 0 && entries[i-1].idx == e.idx {
			return nil, fmt.Errorf("%s: duplicate ticket index %d", method, e.idx)
		}
		n.Tickets = append(n.Tickets, e.hash)
	}
	return n, nil
}

// SpentAndMissedTicketsNtfn is the spentandmissedtickets notification:
// tickets voted ("spent") or missed/expired/revoked-missed ("missed") in the
// block, with the stake difficulty (atoms) of the next block. Params:
// [blockHash string, blockHeight int32, stakeDiff int64, {hash:"spent"|"missed"}].
type SpentAndMissedTicketsNtfn struct {
	BlockHash   string
	BlockHeight int64
	StakeDiff   int64
	Tickets     map[string]string
}

// Params encodes the notification's positional params.
func (n *SpentAndMissedTicketsNtfn) Params() ([]json.RawMessage, error) {
	m := n.Tickets
	if m == nil {
		m = map[string]string{}
	}
	return MarshalParams(n.BlockHash, n.BlockHeight, n.StakeDiff, m)
}

// Spent returns the hashes marked "spent", sorted.
func (n *SpentAndMissedTicketsNtfn) Spent() []string { return n.with(TicketSpent) }

// Missed returns the hashes marked "missed", sorted.
func (n *SpentAndMissedTicketsNtfn) Missed() []string { return n.with(TicketMissed) }

func (n *SpentAndMissedTicketsNtfn) with(status string) []string {
	var out []string
	for h, s := range n.Tickets {
		if s == status {
			out = append(out, h)
		}
	}
	sort.Strings(out)
	return out
}

// ParseSpentAndMissedTickets decodes spentandmissedtickets params.
func ParseSpentAndMissedTickets(params []json.RawMessage) (*SpentAndMissedTicketsNtfn, error) {
	const method = NtfnSpentAndMissedTickets
	n := &SpentAndMissedTicketsNtfn{}
	if err := parseBlockParams(method, params, 4, &n.BlockHash, &n.BlockHeight); err != nil {
		return nil, err
	}
	if err := parseStakeDiff(method, params[2], &n.StakeDiff); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(params[3], &n.Tickets); err != nil {
		return nil, fmt.Errorf("%s: tickets: %w", method, err)
	}
	for h, s := range n.Tickets {
		if err := checkHash(h); err != nil {
			return nil, fmt.Errorf("%s: ticket: %w", method, err)
		}
		if s != TicketSpent && s != TicketMissed {
			return nil, fmt.Errorf("%s: ticket %s: unknown status %q", method, h, s)
		}
	}
	if n.Tickets == nil {
		n.Tickets = map[string]string{}
	}
	return n, nil
}

// NewTicketsNtfn is the newtickets notification: tickets that matured
// (entered the live pool) at the block, with the stake difficulty in
// atoms. Params: [blockHash string, blockHeight int32, stakeDiff int64, [hash,...]].
type NewTicketsNtfn struct {
	BlockHash   string
	BlockHeight int64
	StakeDiff   int64
	Tickets     []string
}

// Params encodes the notification's positional params.
func (n *NewTicketsNtfn) Params() ([]json.RawMessage, error) {
	t := n.Tickets
	if t == nil {
		t = []string{}
	}
	return MarshalParams(n.BlockHash, n.BlockHeight, n.StakeDiff, t)
}

// ParseNewTickets decodes newtickets params.
func ParseNewTickets(params []json.RawMessage) (*NewTicketsNtfn, error) {
	const method = NtfnNewTickets
	n := &NewTicketsNtfn{}
	if err := parseBlockParams(method, params, 4, &n.BlockHash, &n.BlockHeight); err != nil {
		return nil, err
	}
	if err := parseStakeDiff(method, params[2], &n.StakeDiff); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(params[3], &n.Tickets); err != nil {
		return nil, fmt.Errorf("%s: tickets: %w", method, err)
	}
	for _, h := range n.Tickets {
		if err := checkHash(h); err != nil {
			return nil, fmt.Errorf("%s: ticket: %w", method, err)
		}
	}
	return n, nil
}

// StakeDifficultyNtfn is the stakedifficulty notification, sent at each new
// stake difficulty window. Params: [blockHash, blockHeight, stakeDiff atoms].
type StakeDifficultyNtfn struct {
	BlockHash   string
	BlockHeight int64
	StakeDiff   int64
}

// Params encodes the notification's positional params.
func (n *StakeDifficultyNtfn) Params() ([]json.RawMessage, error) {
	return MarshalParams(n.BlockHash, n.BlockHeight, n.StakeDiff)
}

// ParseStakeDifficulty decodes stakedifficulty params.
func ParseStakeDifficulty(params []json.RawMessage) (*StakeDifficultyNtfn, error) {
	const method = NtfnStakeDifficulty
	n := &StakeDifficultyNtfn{}
	if err := parseBlockParams(method, params, 3, &n.BlockHash, &n.BlockHeight); err != nil {
		return nil, err
	}
	if err := parseStakeDiff(method, params[2], &n.StakeDiff); err != nil {
		return nil, err
	}
	return n, nil
}

// parseBlockParams checks that params has want entries and decodes the
// leading block hash and height every block notification starts with.
func parseBlockParams(method string, params []json.RawMessage, want int, hash *string, height *int64) error {
	if len(params) != want {
		return fmt.Errorf("%s: want %d params, got %d", method, want, len(params))
	}
	if err := json.Unmarshal(params[0], hash); err != nil {
		return fmt.Errorf("%s: block hash: %w", method, err)
	}
	if err := checkHash(*hash); err != nil {
		return fmt.Errorf("%s: block hash: %w", method, err)
	}
	var h int32 // the node sends an int32
	if err := json.Unmarshal(params[1], &h); err != nil {
		return fmt.Errorf("%s: block height: %w", method, err)
	}
	*height = int64(h)
	return nil
}

// parseStakeDiff decodes a stake difficulty param (atoms).
func parseStakeDiff(method string, raw json.RawMessage, dst *int64) error {
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("%s: stake difficulty: %w", method, err)
	}
	return nil
}

// checkHash verifies a display-hex hash string: 64 hex characters.
func checkHash(s string) error {
	if len(s) != 64 {
		return fmt.Errorf("hash %q: length %d, want 64", s, len(s))
	}
	if _, err := hex.DecodeString(s); err != nil {
		return fmt.Errorf("hash %q: %w", s, err)
	}
	return nil
}
