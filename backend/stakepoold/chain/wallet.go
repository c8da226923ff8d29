package chain

import (
	"context"
	"encoding/hex"
	"math"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// Wallet implements pool.Wallet over an eacrwallet connection.
type Wallet struct {
	C *rpcclient.Client
}

// WalletInfo implements pool.Wallet.
func (w Wallet) WalletInfo(ctx context.Context) (pool.WalletInfo, error) {
	wi, err := w.C.WalletInfo(ctx)
	if err != nil {
		return pool.WalletInfo{}, Classify(err, "walletinfo")
	}
	return pool.WalletInfo{DaemonConnected: wi.DaemonConnected, Unlocked: wi.Unlocked, Voting: wi.Voting,
		VoteBits: wi.VoteBits, VoteBitsExtended: wi.VoteBitsExtended, VoteVersion: wi.VoteVersion}, nil
}

// Tickets implements pool.Wallet.
func (w Wallet) Tickets(ctx context.Context, includeImmature bool) ([]string, error) {
	var res rpcjson.GetTicketsResult
	if err := w.C.Call(ctx, rpcjson.MethodGetTickets, &res, includeImmature); err != nil {
		return nil, Classify(err, "gettickets")
	}
	return res.Hashes, nil
}

// Transaction implements pool.Wallet.
func (w Wallet) Transaction(ctx context.Context, txid string) (pool.WalletTx, error) {
	var res rpcjson.GetTransactionResult
	if err := w.C.Call(ctx, rpcjson.MethodGetTransaction, &res, txid); err != nil {
		return pool.WalletTx{}, Classify(err, "gettransaction")
	}
	return pool.WalletTx{Hex: res.Hex, BlockHash: res.BlockHash}, nil
}

// GenerateVote implements pool.Wallet.
func (w Wallet) GenerateVote(ctx context.Context, b pool.BlockRef, ticket string, bits uint16, ext string) (string, error) {
	var res rpcjson.GenerateVoteResult
	if err := w.C.Call(ctx, rpcjson.MethodGenerateVote, &res, b.Hash, b.Height, ticket, bits, ext); err != nil {
		return "", Classify(err, "generatevote")
	}
	return res.Hex, nil
}

// RevokeTickets implements pool.Wallet.
func (w Wallet) RevokeTickets(ctx context.Context) error {
	return Classify(w.C.RevokeTickets(ctx), "revoketickets")
}

// ValidateAddress implements pool.Wallet.
func (w Wallet) ValidateAddress(ctx context.Context, addr string) (pool.AddressInfo, error) {
	r, err := w.C.ValidateAddress(ctx, addr)
	if err != nil {
		return pool.AddressInfo{}, Classify(err, "validateaddress")
	}
	return pool.AddressInfo{IsValid: r.IsValid, IsMine: r.IsMine, PubKeyAddr: r.PubKeyAddr,
		Account: r.Account, IsScript: r.IsScript}, nil
}

// AccountSyncAddressIndex implements pool.Wallet.
func (w Wallet) AccountSyncAddressIndex(ctx context.Context, account string, branch, index uint32) error {
	return Classify(w.C.AccountSyncAddressIndex(ctx, account, branch, index), "accountsyncaddressindex")
}

// CreateMultisig implements pool.Wallet (1-of-len(addrs)).
func (w Wallet) CreateMultisig(ctx context.Context, addrs []string) (pool.Multisig, error) {
	r, err := w.C.CreateMultisig(ctx, 1, addrs)
	if err != nil {
		return pool.Multisig{}, Classify(err, "createmultisig")
	}
	script, err := decodeHex(r.RedeemScript, "createmultisig redeemScript")
	if err != nil {
		return pool.Multisig{}, err
	}
	return pool.Multisig{RedeemScript: script, Address: r.Address}, nil
}

// ImportScript implements pool.Wallet.
func (w Wallet) ImportScript(ctx context.Context, script []byte, rescan bool, scanFrom int64) error {
	return Classify(w.C.ImportScriptRescanFrom(ctx, script, rescan, scanFrom), "importscript")
}

// ListScripts implements pool.Wallet.
func (w Wallet) ListScripts(ctx context.Context) ([]pool.Script, error) {
	ss, err := w.C.ListScripts(ctx)
	if err != nil {
		return nil, Classify(err, "listscripts")
	}
	out := make([]pool.Script, len(ss))
	for i, s := range ss {
		b, err := decodeHex(s.RedeemScript, "listscripts redeemscript")
		if err != nil {
			return nil, err
		}
		out[i] = pool.Script{Address: s.Address, RedeemScript: b}
	}
	return out, nil
}

// AddTicket implements pool.Wallet.
func (w Wallet) AddTicket(ctx context.Context, txHex string) error {
	b, err := hex.DecodeString(txHex)
	if err != nil {
		return pool.Errorf(pool.KindInternal, "ticket from ecrd is not hex: %v", err)
	}
	return Classify(w.C.AddTicket(ctx, b), "addticket")
}

// StakePoolUserInfo implements pool.Wallet; an unspent ticket's all-zero
// spentby becomes "". The answer is labelled with the wallet's best block
// (TipHeight, TipHash), asked for with getbestblock BEFORE
// stakepooluserinfo: the wallet's ticket states only move forward with its
// tip, so the list it gives after the label was read is of that block or
// a later one, never an earlier one. That is the safe direction for the
// front end, which keeps the list while its poll reports the label's
// block: a list newer than its label shows at most what the next poll
// reports anyway, while a label newer than its list (reading the tip after
// the list) could keep a list that misses the labelled block's changes for
// the whole block.
func (w Wallet) StakePoolUserInfo(ctx context.Context, addr string) (pool.UserInfo, error) {
	tip, height, err := w.C.GetBestBlock(ctx)
	if err != nil {
		return pool.UserInfo{}, Classify(err, "getbestblock")
	}
	r, err := w.C.StakePoolUserInfo(ctx, addr)
	if err != nil {
		return pool.UserInfo{}, Classify(err, "stakepooluserinfo")
	}
	out := pool.UserInfo{Tickets: make([]pool.UserTicket, len(r.Tickets)), Invalid: r.Invalid,
		TipHeight: height, TipHash: tip.String()}
	for i, t := range r.Tickets {
		spent := t.SpentBy
		if spent == rpcjson.ZeroHash {
			spent = ""
		}
		out.Tickets[i] = pool.UserTicket{Hash: t.Ticket, Status: pool.TicketStatus(t.Status), TicketHeight: t.TicketHeight,
			SpentBy: spent, SpentByHeight: t.SpentByHeight}
	}
	return out, nil
}

// StakeInfo implements pool.Wallet, converting coin amounts to atoms.
func (w Wallet) StakeInfo(ctx context.Context) (pool.StakeInfo, error) {
	r, err := w.C.GetStakeInfo(ctx)
	if err != nil {
		return pool.StakeInfo{}, Classify(err, "getstakeinfo")
	}
	return pool.StakeInfo{BlockHeight: r.BlockHeight, DifficultyAtoms: atoms(r.Difficulty), TotalSubsidyAtoms: atoms(r.TotalSubsidy),
		OwnMempoolTix: r.OwnMempoolTix, Immature: r.Immature, Unspent: r.Unspent, Voted: r.Voted,
		Revoked: r.Revoked, UnspentExpired: r.UnspentExpired, PoolSize: r.PoolSize,
		AllMempoolTix: r.AllMempoolTix, Live: r.Live, ProportionLive: r.ProportionLive,
		Missed: r.Missed, ProportionMissed: r.ProportionMissed, Expired: r.Expired}, nil
}

// Connected implements pool.Wallet.
func (w Wallet) Connected() bool { return connected(w.C) }

var _ pool.Wallet = Wallet{}
var _ pool.Node = Node{}

// atoms converts a coin amount (as the daemons print it) to atoms.
func atoms(coins float64) int64 {
	if math.IsNaN(coins) || math.IsInf(coins, 0) {
		return 0
	}
	return int64(math.Round(coins * 1e8))
}
