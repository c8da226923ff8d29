package rpcclient

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// This file holds the wallet (eacrwallet) methods. Amounts are coins
// (float64), as on the wire.

// WalletInfo returns the wallet's state: node connection, lock, voting
// settings (VoteBitsExtended carries the vote version).
func (c *Client) WalletInfo(ctx context.Context) (*rpcjson.WalletInfoResult, error) {
	var res rpcjson.WalletInfoResult
	if err := c.Call(ctx, rpcjson.MethodWalletInfo, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// GetNewAddress returns the next external address of account ("" sends no
// account: "default").
func (c *Client) GetNewAddress(ctx context.Context, account string) (string, error) {
	var addr string
	return addr, c.Call(ctx, rpcjson.MethodGetNewAddress, &addr, optional(account)...)
}

// GetNewAddressGapPolicy is GetNewAddress with a gap policy
// (rpcjson.GapPolicyError, GapPolicyIgnore, GapPolicyWrap).
func (c *Client) GetNewAddressGapPolicy(ctx context.Context, account, policy string) (string, error) {
	var addr string
	return addr, c.Call(ctx, rpcjson.MethodGetNewAddress, &addr, account, policy)
}

// GetMasterPubKey returns the extended public key of account ("" =
// "default").
func (c *Client) GetMasterPubKey(ctx context.Context, account string) (string, error) {
	var key string
	return key, c.Call(ctx, rpcjson.MethodGetMasterPubKey, &key, optional(account)...)
}

// ValidateAddress returns what the wallet knows of address (for its own
// P2PKH addresses: PubKeyAddr, the input of CreateMultisig).
func (c *Client) ValidateAddress(ctx context.Context, address string) (*rpcjson.ValidateAddressWalletResult, error) {
	var res rpcjson.ValidateAddressWalletResult
	if err := c.Call(ctx, rpcjson.MethodValidateAddress, &res, address); err != nil {
		return nil, err
	}
	return &res, nil
}

// AccountSyncAddressIndex makes the wallet watch the addresses of account's
// branch (0 external, 1 internal) up to index.
func (c *Client) AccountSyncAddressIndex(ctx context.Context, account string, branch, index uint32) error {
	return c.Call(ctx, rpcjson.MethodAccountSyncAddressIndex, nil, account, branch, index)
}

// CreateMultisig builds an nRequired-of-len(keys) P2SH script from pubkey
// addresses or hex pubkeys; nothing is imported.
func (c *Client) CreateMultisig(ctx context.Context, nRequired int, keys []string) (*rpcjson.CreateMultisigResult, error) {
	var res rpcjson.CreateMultisigResult
	if err := c.Call(ctx, rpcjson.MethodCreateMultisig, &res, nRequired, keys); err != nil {
		return nil, err
	}
	return &res, nil
}

// ImportScript imports a redeem script with the wallet's default rescan
// (a full rescan, in the background). Importing a known script succeeds.
func (c *Client) ImportScript(ctx context.Context, script []byte) error {
	return c.Call(ctx, rpcjson.MethodImportScript, nil, hex.EncodeToString(script))
}

// ImportScriptRescanFrom imports a redeem script; with rescan, the wallet
// rescans from height scanFrom.
func (c *Client) ImportScriptRescanFrom(ctx context.Context, script []byte, rescan bool, scanFrom int64) error {
	return c.Call(ctx, rpcjson.MethodImportScript, nil, hex.EncodeToString(script), rescan, scanFrom)
}

// ListScripts returns every imported script.
func (c *Client) ListScripts(ctx context.Context) ([]rpcjson.ScriptInfo, error) {
	var res rpcjson.ListScriptsResult
	return res.Scripts, c.Call(ctx, rpcjson.MethodListScripts, &res)
}

// GetAddressesByAccount returns the addresses the wallet has handed out
// for account.
func (c *Client) GetAddressesByAccount(ctx context.Context, account string) ([]string, error) {
	var res []string
	return res, c.Call(ctx, rpcjson.MethodGetAddressesByAccount, &res, account)
}

// GetBalance returns balances of account ("*" or "" = all accounts, with
// totals) counting outputs with at least minConf confirmations.
func (c *Client) GetBalance(ctx context.Context, account string, minConf int) (*rpcjson.GetBalanceResult, error) {
	if account == "" {
		account = "*"
	}
	var res rpcjson.GetBalanceResult
	if err := c.Call(ctx, rpcjson.MethodGetBalance, &res, account, minConf); err != nil {
		return nil, err
	}
	return &res, nil
}

// GetTickets returns the wallet's live tickets, and immature ones if asked.
func (c *Client) GetTickets(ctx context.Context, includeImmature bool) ([]chainhash.Hash, error) {
	var res rpcjson.GetTicketsResult
	if err := c.Call(ctx, rpcjson.MethodGetTickets, &res, includeImmature); err != nil {
		return nil, err
	}
	return parseHashes(rpcjson.MethodGetTickets, res.Hashes)
}

// GetTransaction returns a wallet transaction (Hex is the serialized tx).
func (c *Client) GetTransaction(ctx context.Context, txid chainhash.Hash) (*rpcjson.GetTransactionResult, error) {
	var res rpcjson.GetTransactionResult
	if err := c.Call(ctx, rpcjson.MethodGetTransaction, &res, txid.String()); err != nil {
		return nil, err
	}
	return &res, nil
}

// StakePoolUserInfo returns the tickets of a pool user (by multisig P2SH or
// P2PKH address) and the hashes of the user's tickets that failed the fee
// check.
func (c *Client) StakePoolUserInfo(ctx context.Context, user string) (*rpcjson.StakePoolUserInfoResult, error) {
	var res rpcjson.StakePoolUserInfoResult
	if err := c.Call(ctx, rpcjson.MethodStakePoolUserInfo, &res, user); err != nil {
		return nil, err
	}
	return &res, nil
}

// GetStakeInfo returns the wallet's ticket statistics.
func (c *Client) GetStakeInfo(ctx context.Context) (*rpcjson.GetStakeInfoResult, error) {
	var res rpcjson.GetStakeInfoResult
	if err := c.Call(ctx, rpcjson.MethodGetStakeInfo, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// AddTicket adds a serialized ticket to the wallet's stake manager (in
// stake-pool mode it also accepts a ticket that failed the fee check).
func (c *Client) AddTicket(ctx context.Context, ticket []byte) error {
	return c.Call(ctx, rpcjson.MethodAddTicket, nil, hex.EncodeToString(ticket))
}

// AddTransaction records a serialized transaction mined in blockHash.
func (c *Client) AddTransaction(ctx context.Context, blockHash chainhash.Hash, tx []byte) error {
	return c.Call(ctx, rpcjson.MethodAddTransaction, nil, blockHash.String(), hex.EncodeToString(tx))
}

// GenerateVote returns a signed (not broadcast) vote of ticket on
// blockHash at height with voteBits; voteBitsExt is hex, its first 4 bytes
// the vote version little-endian (walletinfo's votebitsextended).
func (c *Client) GenerateVote(ctx context.Context, blockHash chainhash.Hash, height int64, ticket chainhash.Hash, voteBits uint16, voteBitsExt string) ([]byte, error) {
	var res rpcjson.GenerateVoteResult
	if err := c.Call(ctx, rpcjson.MethodGenerateVote, &res, blockHash.String(), height,
		ticket.String(), voteBits, voteBitsExt); err != nil {
		return nil, err
	}
	tx, err := hex.DecodeString(res.Hex)
	if err != nil {
		return nil, fmt.Errorf("%s: result is not hex: %w", rpcjson.MethodGenerateVote, err)
	}
	return tx, nil
}

// RevokeTickets makes the wallet revoke its missed and expired tickets.
func (c *Client) RevokeTickets(ctx context.Context) error {
	return c.Call(ctx, rpcjson.MethodRevokeTickets, nil)
}

// PurchaseTicket buys tickets spending at most spendLimit coins each; for
// a pool ticket set TicketAddress (the multisig P2SH), PoolAddress and
// PoolFees in opts.
func (c *Client) PurchaseTicket(ctx context.Context, fromAccount string, spendLimit float64, opts rpcjson.PurchaseTicketOptions) ([]chainhash.Hash, error) {
	var res []string
	if err := c.Call(ctx, rpcjson.MethodPurchaseTicket, &res,
		rpcjson.PurchaseTicketParams(fromAccount, spendLimit, opts)...); err != nil {
		return nil, err
	}
	return parseHashes(rpcjson.MethodPurchaseTicket, res)
}

// SendToAddress pays amount coins to address and returns the txid.
func (c *Client) SendToAddress(ctx context.Context, address string, amount float64) (chainhash.Hash, error) {
	return c.callHash(ctx, rpcjson.MethodSendToAddress, address, amount)
}

// WalletPassphrase unlocks the wallet for timeoutSecs seconds (0 = until
// locked).
func (c *Client) WalletPassphrase(ctx context.Context, passphrase string, timeoutSecs int64) error {
	return c.Call(ctx, rpcjson.MethodWalletPassphrase, nil, passphrase, timeoutSecs)
}

// WalletLock locks the wallet.
func (c *Client) WalletLock(ctx context.Context) error {
	return c.Call(ctx, rpcjson.MethodWalletLock, nil)
}

// GetVoteChoices returns the wallet's vote version and agenda choices.
func (c *Client) GetVoteChoices(ctx context.Context) (*rpcjson.GetVoteChoicesResult, error) {
	var res rpcjson.GetVoteChoicesResult
	if err := c.Call(ctx, rpcjson.MethodGetVoteChoices, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// SetVoteChoice sets the wallet's choice for one agenda.
func (c *Client) SetVoteChoice(ctx context.Context, agendaID, choiceID string) error {
	return c.Call(ctx, rpcjson.MethodSetVoteChoice, nil, agendaID, choiceID)
}

// RescanWallet rescans the chain from beginHeight; it returns when done.
func (c *Client) RescanWallet(ctx context.Context, beginHeight int64) error {
	return c.Call(ctx, rpcjson.MethodRescanWallet, nil, beginHeight)
}

// optional returns no params for an empty string, so the daemon's default
// applies.
func optional(s string) []any {
	if s == "" {
		return nil
	}
	return []any{s}
}
