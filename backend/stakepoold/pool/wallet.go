package pool

import (
	"context"
	"errors"
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/votebits"
)

// MaxScriptSize is the largest redeem script accepted for import (a 1-of-2
// multisig is 71 bytes; the network's script limit is 16 KiB).
const MaxScriptSize = 16 * 1024

// MaxImportBatch bounds ImportScripts.
const MaxImportBatch = 100_000

// poolAccount is the wallet account whose external branch holds the pool
// keys (votingwalletextpub is its extended public key).
const poolAccount = "default"

// PrepareUserScript prepares user index's voting script for the user's
// pubkey address: the wallet watches the pool account's external branch up
// to index, says whether it owns the pool key poolAddr and gives its public
// key, and the pool builds the 1-of-2 multisig [pool key, user key] and its
// P2SH address and checks them. A wallet that does not own the pool key is
// an answer (PoolKeyMine false), for the front end to compare with the
// other daemons'. Nothing is imported.
func (p *Pool) PrepareUserScript(ctx context.Context, index uint32, poolAddr, userPubKeyAddr string) (UserScript, error) {
	if index >= 1<<31 {
		return UserScript{}, Errorf(KindInvalid, "user index %d is not below 2^31", index)
	}
	if err := p.addrs.CheckAddress(poolAddr); err != nil {
		return UserScript{}, Errorf(KindInvalid, "pool address: %v", err)
	}
	userKey, err := p.addrs.PubKey(userPubKeyAddr)
	if err != nil {
		return UserScript{}, Errorf(KindInvalid, "user pubkey address: %v", err)
	}
	if err := p.AccountSyncAddressIndex(ctx, poolAccount, 0, index); err != nil {
		return UserScript{}, err
	}
	ai, err := p.wallet.ValidateAddress(ctx, poolAddr)
	if err != nil {
		return UserScript{}, wrapCall(err, "wallet validateaddress")
	}
	if !ai.IsValid {
		return UserScript{}, Errorf(KindInvalid, "the wallet says pool address %s is not valid", poolAddr)
	}
	if !ai.IsMine || ai.PubKeyAddr == "" {
		return UserScript{}, nil
	}
	poolKey, err := p.addrs.PubKey(ai.PubKeyAddr)
	if err != nil {
		return UserScript{}, Errorf(KindInternal, "the wallet's pubkey address of %s: %v", poolAddr, err)
	}
	script, p2sh, err := p.addrs.VotingScript(poolKey, userKey)
	if err == nil {
		err = p.addrs.CheckVotingScript(script, p2sh)
	}
	if err != nil {
		return UserScript{}, Errorf(KindInternal, "voting script of user %d: %v", index, err)
	}
	return UserScript{PoolKeyMine: true, PoolPubKeyAddr: ai.PubKeyAddr, RedeemScript: script, MultisigAddress: p2sh}, nil
}

// ImportUserScript imports user index's voting script, after checking it is
// a 1-of-2 multisig whose P2SH address is multisig, and returns the node's
// best height at the time of the import. Importing a known script succeeds.
func (p *Pool) ImportUserScript(ctx context.Context, index uint32, script []byte, multisig string) (int64, error) {
	if err := checkScript(0, script); err != nil {
		return 0, err
	}
	if err := p.addrs.CheckVotingScript(script, multisig); err != nil {
		return 0, Errorf(KindInvalid, "voting script of user %d: %v", index, err)
	}
	return p.ImportScript(ctx, script, false, 0)
}

// ValidateAddress asks the wallet about an address of the network.
func (p *Pool) ValidateAddress(ctx context.Context, addr string) (AddressInfo, error) {
	if err := p.addrs.CheckAddress(addr); err != nil {
		return AddressInfo{}, Errorf(KindInvalid, "address: %v", err)
	}
	ai, err := p.wallet.ValidateAddress(ctx, addr)
	return ai, wrapCall(err, "wallet validateaddress")
}

// AccountSyncAddressIndex makes the wallet watch an account branch up to
// index.
func (p *Pool) AccountSyncAddressIndex(ctx context.Context, account string, branch, index uint32) error {
	if account == "" {
		return Errorf(KindInvalid, "account name is empty")
	}
	if len(account) > 100 {
		return Errorf(KindInvalid, "account name is longer than 100 characters")
	}
	if branch > 1 {
		return Errorf(KindInvalid, "branch must be 0 (external) or 1 (internal), got %d", branch)
	}
	if index >= 1<<31 {
		return Errorf(KindInvalid, "index %d is not below 2^31", index)
	}
	return wrapCall(p.wallet.AccountSyncAddressIndex(ctx, account, branch, index), "wallet accountsyncaddressindex")
}

// CreateMultisig builds a 1-of-2 multisig from exactly two addresses.
func (p *Pool) CreateMultisig(ctx context.Context, addrs []string) (Multisig, error) {
	if len(addrs) != 2 {
		return Multisig{}, Errorf(KindInvalid, "want exactly 2 addresses for a 1-of-2 multisig, got %d", len(addrs))
	}
	for i, a := range addrs {
		if err := p.addrs.CheckAddress(a); err != nil {
			return Multisig{}, Errorf(KindInvalid, "address %d: %v", i, err)
		}
	}
	ms, err := p.wallet.CreateMultisig(ctx, addrs)
	return ms, wrapCall(err, "wallet createmultisig")
}

func checkScript(i int, s []byte) error {
	switch {
	case len(s) == 0:
		return Errorf(KindInvalid, "script %d is empty", i)
	case len(s) > MaxScriptSize:
		return Errorf(KindInvalid, "script %d is %d bytes (at most %d)", i, len(s), MaxScriptSize)
	}
	return nil
}

// ImportScript imports one redeem script and returns the node's best height
// at the time of the import. Importing a known script succeeds.
func (p *Pool) ImportScript(ctx context.Context, script []byte, rescan bool, scanFrom int64) (int64, error) {
	if err := checkScript(0, script); err != nil {
		return 0, err
	}
	if scanFrom < 0 {
		return 0, Errorf(KindInvalid, "rescan height %d is negative", scanFrom)
	}
	if err := p.wallet.ImportScript(ctx, script, rescan, scanFrom); err != nil {
		return 0, wrapCall(err, "wallet importscript")
	}
	best, err := p.node.BestBlock(ctx)
	if err != nil {
		return 0, wrapCall(err, "node getbestblock")
	}
	return best.Height, nil
}

// ImportScripts imports a batch; only the last import rescans, from
// scanFrom.
func (p *Pool) ImportScripts(ctx context.Context, scripts [][]byte, scanFrom int64) error {
	if len(scripts) == 0 {
		return Errorf(KindInvalid, "no scripts to import")
	}
	if len(scripts) > MaxImportBatch {
		return Errorf(KindInvalid, "%d scripts (at most %d per call)", len(scripts), MaxImportBatch)
	}
	if scanFrom < 0 {
		return Errorf(KindInvalid, "rescan height %d is negative", scanFrom)
	}
	for i, s := range scripts {
		if err := checkScript(i, s); err != nil {
			return err
		}
	}
	for i, s := range scripts {
		last := i == len(scripts)-1
		if err := p.wallet.ImportScript(ctx, s, last, scanFrom); err != nil {
			return wrapCall(err, fmt.Sprintf("wallet importscript (script %d)", i))
		}
	}
	return nil
}

// ListScripts lists the wallet's imported scripts.
func (p *Pool) ListScripts(ctx context.Context) ([]Script, error) {
	s, err := p.wallet.ListScripts(ctx)
	return s, wrapCall(err, "wallet listscripts")
}

// WalletTickets lists the tickets the wallet tracks.
func (p *Pool) WalletTickets(ctx context.Context, includeImmature bool) ([]string, error) {
	t, err := p.wallet.Tickets(ctx, includeImmature)
	return t, wrapCall(err, "wallet gettickets")
}

// AddMissingTicket fetches a ticket from the node and adds it to the wallet.
func (p *Pool) AddMissingTicket(ctx context.Context, hash string) error {
	h, err := NormalizeHash(hash)
	if err != nil {
		return Errorf(KindInvalid, "%v", err)
	}
	tx, err := p.node.RawTransaction(ctx, h)
	if err != nil {
		return wrapCall(err, "node getrawtransaction")
	}
	return wrapCall(p.wallet.AddTicket(ctx, tx.Hex), "wallet addticket")
}

// StakePoolUserInfo lists one user's tickets, labelled with the wallet's
// best block read before the list (the Wallet does both, in that order: a
// list of that block or a later one, never an earlier one).
func (p *Pool) StakePoolUserInfo(ctx context.Context, multisig string) (UserInfo, error) {
	if err := p.addrs.CheckP2SH(multisig); err != nil {
		return UserInfo{}, Errorf(KindInvalid, "multisig address: %v", err)
	}
	ui, err := p.wallet.StakePoolUserInfo(ctx, multisig)
	return ui, wrapCall(err, "wallet stakepooluserinfo")
}

// StakeInfo returns the wallet's stake statistics.
func (p *Pool) StakeInfo(ctx context.Context) (StakeInfo, error) {
	si, err := p.wallet.StakeInfo(ctx)
	return si, wrapCall(err, "wallet getstakeinfo")
}

// Agendas returns the agendas of the wallet's current vote version: their
// definitions from the chain parameters (the source SetUserPrefs checks
// against too), each one's status from the node. A vote version the chain
// parameters do not know is a precondition error: this build cannot tell
// which choices are valid.
func (p *Pool) Agendas(ctx context.Context) (votebits.VoteInfo, error) {
	p.mu.RLock()
	v := p.defaults.VoteVersion
	p.mu.RUnlock()
	if v == 0 {
		wi, err := p.CheckWallet(ctx)
		if err != nil && !errors.Is(err, ctx.Err()) && KindOf(err) != KindPrecondition {
			return votebits.VoteInfo{}, err
		}
		v = wi.VoteVersion
	}
	var ags []chaincfg.Agenda
	ok := false
	if p.agendas != nil {
		ags, ok = p.agendas.Agendas(v)
	}
	if !ok {
		return votebits.VoteInfo{}, Errorf(KindPrecondition, "vote version %d is not in the chain parameters of this stakepoold", v)
	}
	st, err := p.node.AgendaStatus(ctx, v)
	if err != nil {
		return votebits.VoteInfo{}, wrapCall(err, "node getvoteinfo")
	}
	return votebits.VoteInfo{VoteVersion: v, Agendas: ags, Status: st}, nil
}
