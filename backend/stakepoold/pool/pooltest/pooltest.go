// Package pooltest provides in-memory fakes of the node, wallet, ticket
// inspector and address checker that package pool depends on, for unit
// tests and benchmarks of pool and of the gRPC server.
//
// The fakes speak a toy encoding instead of real transactions: a ticket's
// "hex" is "ticket:<multisig>:<ok|low>", a vote's is
// "vote:<ticket>:<bits>". Addresses are "Sc..." (P2SH) or "Ss..."/"Sk..."
// (other kinds); anything not starting with "S" is of another network.
package pooltest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/votebits"
)

// TicketHex is the fake encoding of a ticket owned by multisig.
func TicketHex(multisig string, feeOK bool) string {
	if feeOK {
		return "ticket:" + multisig + ":ok"
	}
	return "ticket:" + multisig + ":low"
}

// Inspector decodes TicketHex.
type Inspector struct{}

// Inspect implements pool.TicketInspector.
func (Inspector) Inspect(txHex string, height int64) (pool.TicketCheck, error) {
	parts := strings.SplitN(txHex, ":", 4) // a 4th part is padding
	if len(parts) < 3 || parts[0] != "ticket" {
		return pool.TicketCheck{}, fmt.Errorf("not a ticket")
	}
	c := pool.TicketCheck{VotingAddress: parts[1], FeeOK: parts[2] == "ok"}
	if !c.FeeOK {
		c.Reason = "fee too low"
	}
	return c, nil
}

// Addresses accepts "S..." addresses; P2SH ones start with "Sc".
type Addresses struct{}

// CheckP2SH implements pool.AddressChecker.
func (a Addresses) CheckP2SH(addr string) error {
	if err := a.CheckAddress(addr); err != nil {
		return err
	}
	if !strings.HasPrefix(addr, "Sc") {
		return fmt.Errorf("%s is not a P2SH address", addr)
	}
	return nil
}

// CheckAddress implements pool.AddressChecker.
func (Addresses) CheckAddress(addr string) error {
	if len(addr) < 3 || addr[0] != 'S' {
		return fmt.Errorf("%q is not an address of simnet", addr)
	}
	return nil
}

// PubKey implements pool.AddressChecker: the "key" of a pubkey address
// "Sk..." is the address itself.
func (Addresses) PubKey(addr string) ([]byte, error) {
	if !strings.HasPrefix(addr, "Sk") || len(addr) < 3 {
		return nil, fmt.Errorf("%q is not a pubkey address", addr)
	}
	return []byte(addr), nil
}

// VotingScript implements pool.AddressChecker in the form of the fake
// wallet's createmultisig: the script of keys "SkP" and "SkU" is
// "SkP+SkU", its address "ScSkP+SkU".
func (Addresses) VotingScript(poolKey, userKey []byte) ([]byte, string, error) {
	s := string(poolKey) + "+" + string(userKey)
	return []byte(s), "Sc" + s, nil
}

// CheckVotingScript implements pool.AddressChecker for VotingScript's form.
func (a Addresses) CheckVotingScript(script []byte, p2sh string) error {
	s := string(script)
	keys := strings.Split(s, "+")
	if len(keys) != 2 || !strings.HasPrefix(keys[0], "Sk") || !strings.HasPrefix(keys[1], "Sk") {
		return fmt.Errorf("%q is not a 1-of-2 multisig", s)
	}
	if p2sh != "Sc"+s {
		return fmt.Errorf("P2SH address %s does not match the redeem script", p2sh)
	}
	return nil
}

// Vote records one generatevote call.
type Vote struct {
	Block    pool.BlockRef
	Ticket   string
	VoteBits uint16
	Ext      string
}

// Node is a fake ecrd.
type Node struct {
	mu      sync.Mutex
	Best    pool.BlockRef
	Heights map[string]int64
	Raw     map[string]pool.WalletTx
	Sent    map[string]bool // vote hex relayed
	SendErr error
	Down    bool
	// Info is the getvoteinfo answer: its vote version and the status of
	// each agenda (AgendaStatus); its Agendas are not used.
	Info       votebits.VoteInfo
	AutoRevoke bool // AutoRevocations answer
	// Stake is each block's stake tree (BlockStakeTxs), by block hash.
	Stake     map[string][]pool.StakeTx
	SendCalls int
	// HeightCalls counts BlockHeight calls.
	HeightCalls int
}

// NewNode returns a connected fake node at best.
func NewNode(best pool.BlockRef) *Node {
	return &Node{Best: best, Heights: map[string]int64{}, Raw: map[string]pool.WalletTx{}, Sent: map[string]bool{},
		Stake: map[string][]pool.StakeTx{}}
}

// BlockStakeTxs implements pool.Node.
func (n *Node) BlockStakeTxs(ctx context.Context, hash string) ([]pool.StakeTx, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.down(); err != nil {
		return nil, err
	}
	txs, ok := n.Stake[hash]
	if !ok {
		if _, known := n.Heights[hash]; !known {
			return nil, pool.Errorf(pool.KindNotFound, "block %s not found", hash)
		}
	}
	return append([]pool.StakeTx(nil), txs...), nil
}

// MineStake records a block at height whose stake tree holds txs.
func (n *Node) MineStake(hash string, height int64, txs ...pool.StakeTx) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.Heights[hash] = height
	n.Stake[hash] = txs
}

func (n *Node) down() error {
	if n.Down {
		return pool.Errorf(pool.KindUnavailable, "not connected to ecrd")
	}
	return nil
}

// BestBlock implements pool.Node.
func (n *Node) BestBlock(ctx context.Context) (pool.BlockRef, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.Best, n.down()
}

// BlockHeight implements pool.Node.
func (n *Node) BlockHeight(ctx context.Context, hash string) (int64, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.HeightCalls++
	if err := n.down(); err != nil {
		return 0, err
	}
	h, ok := n.Heights[hash]
	if !ok {
		return 0, pool.Errorf(pool.KindNotFound, "block %s not found", hash)
	}
	return h, nil
}

// SendRawTransaction implements pool.Node: a hex seen before is a
// duplicate.
func (n *Node) SendRawTransaction(ctx context.Context, hex string) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.SendCalls++
	if err := n.down(); err != nil {
		return "", err
	}
	if n.SendErr != nil {
		return "", n.SendErr
	}
	txid := "txid-" + hex
	if n.Sent[hex] {
		return "", pool.Errorf(pool.KindDuplicate, "already have transaction %s", txid)
	}
	n.Sent[hex] = true
	return txid, nil
}

// RawTransaction implements pool.Node.
func (n *Node) RawTransaction(ctx context.Context, txid string) (pool.WalletTx, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.down(); err != nil {
		return pool.WalletTx{}, err
	}
	tx, ok := n.Raw[txid]
	if !ok {
		return tx, pool.Errorf(pool.KindNotFound, "no information for transaction %s", txid)
	}
	return tx, nil
}

// AgendaStatus implements pool.Node.
func (n *Node) AgendaStatus(ctx context.Context, v uint32) (map[string]string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.down(); err != nil {
		return nil, err
	}
	if v != n.Info.VoteVersion {
		return nil, pool.Errorf(pool.KindInvalid, "unknown vote version %d", v)
	}
	return n.Info.Status, nil
}

// AutoRevocations implements pool.Node.
func (n *Node) AutoRevocations(ctx context.Context) (bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.AutoRevoke, n.down()
}

// Connected implements pool.Node.
func (n *Node) Connected() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return !n.Down
}

// SetRaw makes the node know a transaction.
func (n *Node) SetRaw(txid string, tx pool.WalletTx) {
	n.mu.Lock()
	n.Raw[txid] = tx
	n.mu.Unlock()
}

// SetDown connects or disconnects the fake.
func (n *Node) SetDown(down bool) {
	n.mu.Lock()
	n.Down = down
	n.mu.Unlock()
}

// Wallet is a fake eacrwallet.
type Wallet struct {
	mu         sync.Mutex
	Info       pool.WalletInfo
	TicketList []string
	// Immature lists tickets gettickets reports only with includeimmature.
	Immature    []string
	Txs         map[string]pool.WalletTx
	Votes       []Vote
	Revokes     int
	Down        bool
	Scripts     []pool.Script
	Added       []string
	UserInfo    map[string]pool.UserInfo
	Stake       pool.StakeInfo
	Addrs       map[string]pool.AddressInfo
	Synced      map[string]uint32
	RecordVotes bool // keep Votes (off in benchmarks)
	VoteErr     error
	// VoteHang, when set, makes GenerateVote wait until it is closed or
	// the call's context ends (a frozen wallet).
	VoteHang chan struct{}

	scriptSet map[string]bool // imported scripts, for an O(1) ImportScript
}

// NewWallet returns a connected, unlocked, non-voting fake wallet with
// default vote bits 1 and vote version 8.
func NewWallet() *Wallet {
	return &Wallet{
		Info:        pool.WalletInfo{DaemonConnected: true, Unlocked: true, VoteBits: 1, VoteBitsExtended: "08000000", VoteVersion: 8},
		Txs:         map[string]pool.WalletTx{},
		UserInfo:    map[string]pool.UserInfo{},
		Addrs:       map[string]pool.AddressInfo{},
		Synced:      map[string]uint32{},
		RecordVotes: true,
	}
}

func (w *Wallet) down() error {
	if w.Down {
		return pool.Errorf(pool.KindUnavailable, "not connected to the wallet")
	}
	return nil
}

// AddTicketTx makes the wallet track a mined ticket.
func (w *Wallet) AddTicketTx(hash, multisig string, feeOK bool, blockHash string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.TicketList = append(w.TicketList, hash)
	w.Txs[hash] = pool.WalletTx{Hex: TicketHex(multisig, feeOK), BlockHash: blockHash}
}

// VotesCast returns a copy of the recorded generatevote calls.
func (w *Wallet) VotesCast() []Vote {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Vote(nil), w.Votes...)
}

// AddedTxs returns a copy of the addticket arguments.
func (w *Wallet) AddedTxs() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.Added...)
}

// RevokeCount returns how often revoketickets was called.
func (w *Wallet) RevokeCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.Revokes
}

// SetVoteHang sets VoteHang.
func (w *Wallet) SetVoteHang(c chan struct{}) {
	w.mu.Lock()
	w.VoteHang = c
	w.mu.Unlock()
}

// SetDown connects or disconnects the fake.
func (w *Wallet) SetDown(down bool) {
	w.mu.Lock()
	w.Down = down
	w.mu.Unlock()
}

// WalletInfo implements pool.Wallet.
func (w *Wallet) WalletInfo(ctx context.Context) (pool.WalletInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.Info, w.down()
}

// Tickets implements pool.Wallet.
func (w *Wallet) Tickets(ctx context.Context, includeImmature bool) ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := append([]string(nil), w.TicketList...)
	if includeImmature {
		out = append(out, w.Immature...)
	}
	return out, w.down()
}

// AddImmatureTicketTx makes the wallet track a ticket mined in blockHash
// that has not matured yet (gettickets lists it only with
// includeimmature).
func (w *Wallet) AddImmatureTicketTx(hash, multisig string, feeOK bool, blockHash string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.Immature = append(w.Immature, hash)
	w.Txs[hash] = pool.WalletTx{Hex: TicketHex(multisig, feeOK), BlockHash: blockHash}
}

// Transaction implements pool.Wallet.
func (w *Wallet) Transaction(ctx context.Context, txid string) (pool.WalletTx, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.down(); err != nil {
		return pool.WalletTx{}, err
	}
	tx, ok := w.Txs[txid]
	if !ok {
		return tx, pool.Errorf(pool.KindNotFound, "no information for transaction %s", txid)
	}
	return tx, nil
}

// GenerateVote implements pool.Wallet.
func (w *Wallet) GenerateVote(ctx context.Context, b pool.BlockRef, ticket string, bits uint16, ext string) (string, error) {
	w.mu.Lock()
	hang := w.VoteHang
	w.mu.Unlock()
	if hang != nil {
		select {
		case <-hang:
		case <-ctx.Done():
			return "", pool.Wrap(pool.KindUnavailable, ctx.Err(), "generatevote")
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.down(); err != nil {
		return "", err
	}
	if w.VoteErr != nil {
		return "", w.VoteErr
	}
	if w.RecordVotes {
		w.Votes = append(w.Votes, Vote{b, ticket, bits, ext})
	}
	return "vote:" + ticket + ":" + strconv.Itoa(int(bits)), nil
}

// RevokeTickets implements pool.Wallet.
func (w *Wallet) RevokeTickets(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.Revokes++
	return w.down()
}

// ValidateAddress implements pool.Wallet.
func (w *Wallet) ValidateAddress(ctx context.Context, addr string) (pool.AddressInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ai, ok := w.Addrs[addr]; ok {
		return ai, w.down()
	}
	return pool.AddressInfo{IsValid: true}, w.down()
}

// AccountSyncAddressIndex implements pool.Wallet.
func (w *Wallet) AccountSyncAddressIndex(ctx context.Context, account string, branch, index uint32) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.Synced[fmt.Sprintf("%s/%d", account, branch)] = index
	return w.down()
}

// CreateMultisig implements pool.Wallet.
func (w *Wallet) CreateMultisig(ctx context.Context, addrs []string) (pool.Multisig, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := strings.Join(addrs, "+")
	return pool.Multisig{RedeemScript: []byte(s), Address: "Sc" + s}, w.down()
}

// ImportScript implements pool.Wallet (idempotent).
func (w *Wallet) ImportScript(ctx context.Context, script []byte, rescan bool, from int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.down(); err != nil {
		return err
	}
	if w.scriptSet == nil || len(w.scriptSet) != len(w.Scripts) { // first use, or Scripts set directly
		w.scriptSet = make(map[string]bool, len(w.Scripts))
		for _, s := range w.Scripts {
			w.scriptSet[string(s.RedeemScript)] = true
		}
	}
	if w.scriptSet[string(script)] {
		return nil
	}
	w.scriptSet[string(script)] = true
	w.Scripts = append(w.Scripts, pool.Script{Address: "Sc" + string(script), RedeemScript: script})
	return nil
}

// ListScripts implements pool.Wallet.
func (w *Wallet) ListScripts(ctx context.Context) ([]pool.Script, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]pool.Script(nil), w.Scripts...), w.down()
}

// AddTicket implements pool.Wallet.
func (w *Wallet) AddTicket(ctx context.Context, hex string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.Added = append(w.Added, hex)
	return w.down()
}

// StakePoolUserInfo implements pool.Wallet.
func (w *Wallet) StakePoolUserInfo(ctx context.Context, addr string) (pool.UserInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.UserInfo[addr], w.down()
}

// StakeInfo implements pool.Wallet.
func (w *Wallet) StakeInfo(ctx context.Context) (pool.StakeInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.Stake, w.down()
}

// Connected implements pool.Wallet.
func (w *Wallet) Connected() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return !w.Down
}

// MemStore is an in-memory pool.Store.
type MemStore struct {
	mu    sync.Mutex
	State pool.State
	Err   error
	Saves int
}

// Load implements pool.Store.
func (s *MemStore) Load() (pool.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.State, nil
}

// Save implements pool.Store.
func (s *MemStore) Save(st pool.State) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return s.Err
	}
	s.Saves++
	s.State = st
	return nil
}

// Agendas is a fixed pool.AgendaSource.
type Agendas map[uint32][]chaincfg.Agenda

// Agendas implements pool.AgendaSource.
func (a Agendas) Agendas(v uint32) ([]chaincfg.Agenda, bool) {
	ags, ok := a[v]
	return ags, ok
}

// YesNoAgenda is an agenda with mask 0x06: abstain 0, no 2, yes 4.
var YesNoAgenda = chaincfg.Agenda{ID: "testagenda", Mask: 6, Choices: []chaincfg.Choice{
	{ID: "abstain", Bits: 0, IsAbstain: true}, {ID: "no", Bits: 2, IsNo: true}, {ID: "yes", Bits: 4},
}}
