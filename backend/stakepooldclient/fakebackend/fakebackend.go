// Package fakebackend is an in-memory stakepoold for tests of the front end:
// it implements stakepooldclient.Backend with a wallet that owns every
// address derived from its seed, builds multisig scripts deterministically,
// remembers imported scripts, pushed preferences and low-fee tickets, and
// can be switched down or made to answer like a wallet with another seed.
package fakebackend

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/backend/poolapi"
	"github.com/eacred/dcrstakepool/backend/stakepoold/rpc/statedigest"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/votebits"
)

// Backend is a fake stakepoold. Zero values are not usable; use New.
type Backend struct {
	name string

	mu sync.Mutex
	// Seed decides the keys: two backends with the same seed agree.
	Seed string
	// Down makes every call fail with ErrBackendDown.
	Down bool
	// HealthValue is returned by Health.
	HealthValue stakepooldclient.Health
	// ColdXpub, Network and PoolFees are returned by PoolConfig.
	ColdXpub string
	Network  string
	PoolFees float64
	// FeeAddrs is the fee address count PoolConfig reports (default 10000).
	FeeAddrs uint32
	// VersionValue is returned by Version.
	VersionValue stakepooldclient.Version
	// Imported maps P2SH address to script.
	Imported map[string]string
	// Prefs maps multisig address to preferences.
	Prefs map[string]stakepooldclient.VotingPrefs
	// Added are the admin-added low-fee tickets; Ignored the ignored ones;
	// Live the live pool tickets.
	Added, Ignored, Live []stakepooldclient.Ticket
	// LowFee, when not nil, is what LowFeeTickets lists (with states).
	LowFee []stakepooldclient.LowFeeTicket
	// Tickets maps multisig address to that user's tickets.
	Tickets map[string]stakepooldclient.UserTickets
	// UserTicketsGate, when set, is called by UserTickets after it counted
	// the call and before it answers, outside the fake's lock: a test holds
	// answers back with it.
	UserTicketsGate func()
	// Stake is returned by StakeInfo; AgendaSet by Agendas.
	Stake     stakepooldclient.StakeInfo
	AgendaSet votebits.VoteInfo
	// SwapKeys makes PrepareUserScript put the keys in the wrong order (a
	// backend that misbehaves consistently).
	SwapKeys bool
	// WalletTix are the tickets the fake wallet tracks.
	WalletTix []string
	// Calls counts calls by method name.
	Calls map[string]int
	// RescanFrom is the last ImportScripts rescan height.
	RescanFrom int64
	// Height is the best block height returned by ImportUserScript.
	Height int64
}

// New returns a healthy fake named name with the given seed and cold xpub.
func New(name, seed, coldXpub string) *Backend {
	return &Backend{
		name: name,
		Seed: seed,
		HealthValue: stakepooldclient.Health{
			EcrdConnected: true, WalletConnected: true, WalletUnlocked: true,
			VoteVersion: 8, BestHeight: 1000,
		},
		ColdXpub:     coldXpub,
		Network:      "simnet",
		PoolFees:     7.5,
		FeeAddrs:     10000,
		VersionValue: currentVersion(),
		Imported:     map[string]string{},
		Prefs:        map[string]stakepooldclient.VotingPrefs{},
		Tickets:      map[string]stakepooldclient.UserTickets{},
		Calls:        map[string]int{},
		Height:       1000,
	}
}

// SetDown switches the fake down or up.
func (b *Backend) SetDown(down bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.Down = down
}

// SetSeed changes the fake wallet's seed.
func (b *Backend) SetSeed(seed string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.Seed = seed
}

// Do runs f with the fake locked, to read or change its fields safely.
func (b *Backend) Do(f func(b *Backend)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f(b)
}

// PoolPubKey is the pubkey address a fake with seed gives for addr: a real
// simnet secp256k1 pubkey address of a key derived from seed and addr.
func PoolPubKey(seed, addr string) string {
	h := sha256.Sum256([]byte(seed + "/" + addr))
	priv := secp256k1.PrivKeyFromBytes(h[:])
	a, err := address.NewPubKeyAddress(priv.PubKey().SerializeCompressed(), chaincfg.SimNetParams())
	if err != nil {
		panic(err) // a valid private key always has a valid public key
	}
	return a.String()
}

// Script is the redeem script (hex) the fake builds for addrs. Two simnet
// pubkey addresses give the real 1-of-2 multisig script
// (OP_1 <key1> <key2> OP_2 OP_CHECKMULTISIG); anything else a placeholder.
func Script(addrs []string) string {
	if len(addrs) == 2 {
		var keys [][]byte
		for _, s := range addrs {
			if a, err := address.Decode(s, chaincfg.SimNetParams()); err == nil {
				if pk, ok := a.(*address.PubKeyAddress); ok && len(pk.PubKey()) == 33 {
					keys = append(keys, pk.PubKey())
				}
			}
		}
		if len(keys) == 2 {
			b := []byte{0x51, 0x21}
			b = append(b, keys[0]...)
			b = append(b, 0x21)
			b = append(b, keys[1]...)
			b = append(b, 0x52, 0xae)
			return hex.EncodeToString(b)
		}
	}
	h := sha256.Sum256([]byte(strings.Join(addrs, ",")))
	return "5121" + hex.EncodeToString(h[:]) + "52ae"
}

// ScriptAddress is the P2SH address the fake gives for a script: the real
// simnet P2SH address of a real script, a placeholder otherwise.
func ScriptAddress(script string) string {
	if b, err := hex.DecodeString(script); err == nil && len(b) == 71 {
		if a, err := address.NewScriptHashAddress(b, chaincfg.SimNetParams()); err == nil {
			return a.String()
		}
	}
	h := sha256.Sum256([]byte(script))
	return "Sc" + hex.EncodeToString(h[:12])
}

func (b *Backend) enter(method string) error {
	b.mu.Lock()
	b.Calls[method]++
	if b.Down {
		b.mu.Unlock()
		return fmt.Errorf("%w: connection refused", stakepooldclient.ErrBackendDown)
	}
	return nil
}

// Name implements stakepooldclient.Backend.
func (b *Backend) Name() string { return b.name }

// ConnState implements stakepooldclient.Backend.
func (b *Backend) ConnState() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.Down {
		return "TransientFailure"
	}
	return "Ready"
}

// Version implements stakepooldclient.Backend.
func (b *Backend) Version(context.Context) (stakepooldclient.Version, error) {
	if err := b.enter("Version"); err != nil {
		return stakepooldclient.Version{}, err
	}
	defer b.mu.Unlock()
	return b.VersionValue, nil
}

// Health implements stakepooldclient.Backend.
func (b *Backend) Health(context.Context) (stakepooldclient.Health, error) {
	if err := b.enter("Health"); err != nil {
		return stakepooldclient.Health{}, err
	}
	defer b.mu.Unlock()
	h := b.HealthValue
	// Like stakepoold, report what is held: the user count and the digest
	// of the preferences and added tickets.
	h.Users = uint32(len(b.Prefs))
	h.AddedTickets = uint32(len(b.Added))
	var acc statedigest.Acc
	for _, p := range b.Prefs {
		acc.AddUser(statedigest.UserHash(p))
	}
	for _, t := range b.Added {
		acc.AddTicket(statedigest.TicketHash(t))
	}
	h.StateDigest = acc.Digest()
	return h, nil
}

// PoolConfig implements stakepooldclient.Backend.
func (b *Backend) PoolConfig(context.Context) (stakepooldclient.PoolConfig, error) {
	if err := b.enter("PoolConfig"); err != nil {
		return stakepooldclient.PoolConfig{}, err
	}
	defer b.mu.Unlock()
	return stakepooldclient.PoolConfig{ColdWalletExtPub: b.ColdXpub, Network: b.Network,
		PoolFees: b.PoolFees, FeeAddressCount: b.FeeAddrs}, nil
}

// PrepareUserScript implements stakepooldclient.Backend like stakepoold:
// pool addresses starting with "bad" are rejected as invalid, those
// starting with "foreign" are not the wallet's, every other one is, with
// the pubkey PoolPubKey(seed, address); the script is Script([pool key,
// user key]) (keys swapped with SwapKeys).
func (b *Backend) PrepareUserScript(_ context.Context, req stakepooldclient.AddressRequest) (stakepooldclient.UserScript, error) {
	if err := b.enter("PrepareUserScript"); err != nil {
		return stakepooldclient.UserScript{}, err
	}
	defer b.mu.Unlock()
	if strings.HasPrefix(req.PoolAddress, "bad") {
		return stakepooldclient.UserScript{}, fmt.Errorf("%w: invalid address", stakepooldclient.ErrBackendRejected)
	}
	if strings.HasPrefix(req.PoolAddress, "foreign") {
		return stakepooldclient.UserScript{}, nil
	}
	pk := PoolPubKey(b.Seed, req.PoolAddress)
	addrs := []string{pk, req.UserPubKeyAddr}
	if b.SwapKeys {
		addrs = []string{addrs[1], addrs[0]}
	}
	s := Script(addrs)
	return stakepooldclient.UserScript{PoolKeyMine: true, PoolPubKeyAddr: pk,
		Multisig: stakepooldclient.Multisig{Address: ScriptAddress(s), RedeemScript: s}}, nil
}

// ImportUserScript implements stakepooldclient.Backend.
func (b *Backend) ImportUserScript(_ context.Context, _ uint32, ms stakepooldclient.Multisig) (int64, error) {
	if err := b.enter("ImportUserScript"); err != nil {
		return 0, err
	}
	defer b.mu.Unlock()
	if ScriptAddress(ms.RedeemScript) != ms.Address {
		return 0, fmt.Errorf("%w: script does not match address %s", stakepooldclient.ErrBackendRejected, ms.Address)
	}
	b.Imported[ms.Address] = ms.RedeemScript
	return b.Height, nil
}

// ImportScripts implements stakepooldclient.Backend.
func (b *Backend) ImportScripts(_ context.Context, scripts []string, rescanFrom int64) error {
	if err := b.enter("ImportScripts"); err != nil {
		return err
	}
	defer b.mu.Unlock()
	for _, s := range scripts {
		b.Imported[ScriptAddress(s)] = s
	}
	b.RescanFrom = rescanFrom
	return nil
}

// ImportedAddresses implements stakepooldclient.Backend.
func (b *Backend) ImportedAddresses(context.Context) ([]string, error) {
	if err := b.enter("ImportedAddresses"); err != nil {
		return nil, err
	}
	defer b.mu.Unlock()
	out := make([]string, 0, len(b.Imported))
	for a := range b.Imported {
		out = append(out, a)
	}
	sort.Strings(out)
	return out, nil
}

// WalletTickets implements stakepooldclient.Backend.
func (b *Backend) WalletTickets(context.Context) ([]string, error) {
	if err := b.enter("WalletTickets"); err != nil {
		return nil, err
	}
	defer b.mu.Unlock()
	return append([]string(nil), b.WalletTix...), nil
}

// AddMissingTicket implements stakepooldclient.Backend.
func (b *Backend) AddMissingTicket(_ context.Context, hash string) error {
	if err := b.enter("AddMissingTicket"); err != nil {
		return err
	}
	defer b.mu.Unlock()
	if strings.HasPrefix(hash, "gone") {
		return fmt.Errorf("%w: no such transaction", stakepooldclient.ErrBackendRejected)
	}
	b.WalletTix = append(b.WalletTix, hash)
	return nil
}

// SetVotingPrefs implements stakepooldclient.Backend.
func (b *Backend) SetVotingPrefs(_ context.Context, prefs []stakepooldclient.VotingPrefs) error {
	if err := b.enter("SetVotingPrefs"); err != nil {
		return err
	}
	defer b.mu.Unlock()
	b.Prefs = make(map[string]stakepooldclient.VotingPrefs, len(prefs))
	for _, p := range prefs {
		b.Prefs[p.MultisigAddress] = p
	}
	return nil
}

// SetUserVotingPrefs implements stakepooldclient.Backend.
func (b *Backend) SetUserVotingPrefs(_ context.Context, p stakepooldclient.VotingPrefs) error {
	if err := b.enter("SetUserVotingPrefs"); err != nil {
		return err
	}
	defer b.mu.Unlock()
	b.Prefs[p.MultisigAddress] = p
	return nil
}

// SetAddedLowFeeTickets implements stakepooldclient.Backend.
func (b *Backend) SetAddedLowFeeTickets(_ context.Context, ts []stakepooldclient.Ticket) error {
	if err := b.enter("SetAddedLowFeeTickets"); err != nil {
		return err
	}
	defer b.mu.Unlock()
	b.Added = append([]stakepooldclient.Ticket(nil), ts...)
	return nil
}

// AddedLowFeeTickets implements stakepooldclient.Backend.
func (b *Backend) AddedLowFeeTickets(context.Context) ([]stakepooldclient.Ticket, error) {
	if err := b.enter("AddedLowFeeTickets"); err != nil {
		return nil, err
	}
	defer b.mu.Unlock()
	return append([]stakepooldclient.Ticket(nil), b.Added...), nil
}

// LowFeeTickets implements stakepooldclient.Backend: LowFee, or the
// Ignored tickets as live when LowFee is nil; ended ones only with
// includeEnded.
func (b *Backend) LowFeeTickets(_ context.Context, includeEnded bool) ([]stakepooldclient.LowFeeTicket, error) {
	if err := b.enter("LowFeeTickets"); err != nil {
		return nil, err
	}
	defer b.mu.Unlock()
	var out []stakepooldclient.LowFeeTicket
	if b.LowFee == nil {
		for _, t := range b.Ignored {
			out = append(out, stakepooldclient.LowFeeTicket{Hash: t.Hash, MultisigAddress: t.MultisigAddress,
				State: poolapi.LowFeeLive})
		}
		return out, nil
	}
	for _, t := range b.LowFee {
		if includeEnded || !t.Ended() {
			out = append(out, t)
		}
	}
	return out, nil
}

// LiveTickets implements stakepooldclient.Backend.
func (b *Backend) LiveTickets(context.Context) ([]stakepooldclient.Ticket, error) {
	if err := b.enter("LiveTickets"); err != nil {
		return nil, err
	}
	defer b.mu.Unlock()
	return append([]stakepooldclient.Ticket(nil), b.Live...), nil
}

// UserTickets implements stakepooldclient.Backend.
func (b *Backend) UserTickets(_ context.Context, addr string) (stakepooldclient.UserTickets, error) {
	if err := b.enter("UserTickets"); err != nil {
		return stakepooldclient.UserTickets{}, err
	}
	ut, gate := b.Tickets[addr], b.UserTicketsGate
	b.mu.Unlock()
	if gate != nil {
		gate()
	}
	return ut, nil
}

// StakeInfo implements stakepooldclient.Backend.
func (b *Backend) StakeInfo(context.Context) (stakepooldclient.StakeInfo, error) {
	if err := b.enter("StakeInfo"); err != nil {
		return stakepooldclient.StakeInfo{}, err
	}
	defer b.mu.Unlock()
	return b.Stake, nil
}

// Agendas implements stakepooldclient.Backend.
func (b *Backend) Agendas(context.Context) (votebits.VoteInfo, error) {
	if err := b.enter("Agendas"); err != nil {
		return votebits.VoteInfo{}, err
	}
	defer b.mu.Unlock()
	return b.AgendaSet, nil
}

// Close implements stakepooldclient.Backend.
func (b *Backend) Close() error { return nil }

// CallCount returns how often method was called.
func (b *Backend) CallCount(method string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Calls[method]
}

var _ stakepooldclient.Backend = (*Backend)(nil)

// currentVersion is the API version this client requires, as a backend of
// the same build reports it.
func currentVersion() stakepooldclient.Version {
	v := stakepooldclient.APIVersion
	v.Text = fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	return v
}
