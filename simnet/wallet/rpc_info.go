package wallet

import (
	"context"
	"encoding/hex"
	"encoding/json"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// infoMethods are balance, history, lock and chain-view methods.
func (w *Wallet) infoMethods() []rpcserver.Method {
	return []rpcserver.Method{
		{Name: "getbalance", Params: []string{"account", "minconf"}, Handler: w.getBalance},
		{Name: "gettransaction", Params: []string{"txid", "includewatchonly"}, Required: 1, Handler: w.getTransaction},
		{Name: "addtransaction", Params: []string{"blockhash", "transaction"}, Required: 2, Handler: w.addTransaction},
		{Name: "walletpassphrase", Params: []string{"passphrase", "timeout"}, Required: 2, Handler: w.walletPassphrase},
		{Name: "walletlock", Handler: func(context.Context, *rpcserver.Call) (any, error) { w.lock(); return nil, nil }},
		{Name: "walletislocked", Handler: func(context.Context, *rpcserver.Call) (any, error) { return w.isLocked(), nil }},
		{Name: "getbestblock", Handler: w.getBestBlock},
		{Name: "getbestblockhash", Handler: func(context.Context, *rpcserver.Call) (any, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			return w.st.SyncHash, nil
		}},
		{Name: "getblockcount", Handler: func(context.Context, *rpcserver.Call) (any, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			return w.st.SyncHeight, nil
		}},
		{Name: "version", Handler: w.version},
		{Name: "rescanwallet", Params: []string{"beginheight"}, Handler: w.rescanWallet},
	}
}

// balances computes the default account's balance in atoms:
// spendable, immature coinbase, immature stake payouts, locked by tickets,
// unconfirmed, voting authority.
func (w *Wallet) balancesLocked(minconf int64) (spend, immCB, immStake, locked, unconf, voting int64) {
	for k, c := range w.st.Credits {
		if _, spent := w.st.Spent[k]; spent {
			continue
		}
		switch {
		case w.isMature(c, minconf):
			spend += c.Amount
		case c.Kind == creditCoinbase:
			immCB += c.Amount
		case c.Kind == creditStakeGen:
			immStake += c.Amount
		default:
			unconf += c.Amount
		}
	}
	for _, t := range w.st.Tickets {
		if t.State != ticketUnmined && t.State != ticketMined {
			continue
		}
		tx, err := w.ticketTxLocked(t.Hash)
		if err != nil {
			continue
		}
		if t.Own {
			locked += tx.TxOut[0].Value
		}
		if t.Votable {
			voting += tx.TxOut[0].Value
		}
	}
	return
}

func (w *Wallet) getBalance(_ context.Context, c *rpcserver.Call) (any, error) {
	acct := c.Params.OptString(0, "*")
	minconf := c.Params.OptInt(1, 1)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	if minconf < 0 {
		return nil, invalidParam("negative minconf")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	spend, immCB, immStake, locked, unconf, voting := w.balancesLocked(int64(minconf))
	def := rpcjson.GetAccountBalanceResult{AccountName: defaultAccountName, ImmatureCoinbaseRewards: toCoin(immCB),
		ImmatureStakeGeneration: toCoin(immStake), LockedByTickets: toCoin(locked), Spendable: toCoin(spend),
		Total: toCoin(spend + immCB + immStake + locked + unconf), Unconfirmed: toCoin(unconf),
		VotingAuthority: toCoin(voting)}
	imp := rpcjson.GetAccountBalanceResult{AccountName: importedAccountName}
	res := rpcjson.GetBalanceResult{BlockHash: w.st.SyncHash}
	switch acct {
	case "*":
		res.Balances = []rpcjson.GetAccountBalanceResult{def, imp}
		res.TotalImmatureCoinbaseRewards, res.TotalImmatureStakeGeneration = def.ImmatureCoinbaseRewards, def.ImmatureStakeGeneration
		res.TotalLockedByTickets, res.TotalSpendable, res.CumulativeTotal = def.LockedByTickets, def.Spendable, def.Total
		res.TotalUnconfirmed, res.TotalVotingAuthority = def.Unconfirmed, def.VotingAuthority
	case defaultAccountName:
		res.Balances = []rpcjson.GetAccountBalanceResult{def}
	case importedAccountName:
		res.Balances = []rpcjson.GetAccountBalanceResult{imp}
	default:
		return nil, errAccountNotFound
	}
	return res, nil
}

func (w *Wallet) getTransaction(_ context.Context, c *rpcserver.Call) (any, error) {
	id := c.Params.String(0)
	_ = c.Params.OptBool(1, false)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	rec := w.st.Txs[id]
	if rec == nil {
		return nil, invalidAddress("No information for transaction")
	}
	tx, err := wire.NewTxFromHex(rec.Hex)
	if err != nil {
		return nil, walletErr("stored transaction %s is corrupt", id)
	}
	res := rpcjson.GetTransactionResult{TxID: id, WalletConflicts: []string{}, Details: []rpcjson.GetTransactionDetailsResult{}, Hex: rec.Hex,
		BlockHash: rec.BlockHash, Time: rec.Received, TimeReceived: rec.Received}
	if rec.BlockHeight > 0 {
		res.Confirmations = w.tipHeight() - rec.BlockHeight + 1
		res.BlockIndex, res.BlockTime, res.Time = int64(rec.BlockIndex), rec.BlockTime, rec.BlockTime
	}
	kind := classify(tx)
	// The wallet's own regular transactions: their inputs were the
	// wallet's, so outputs to others are sends and the difference is the
	// fee; change (internal branch) is not listed.
	own := rec.Own && kind == txRegular
	var debit, credit, sent int64
	if own {
		for _, in := range tx.TxIn {
			debit += in.ValueIn
		}
	}
	var details []rpcjson.GetTransactionDetailsResult
	for i, out := range tx.TxOut {
		_, pk, h := payTo(out.PkScript)
		loc, mine := w.keys.lookup(h)
		mine = mine && pk == payP2PKH
		switch {
		case mine && own && loc.Branch == branchInternal:
			credit += out.Value
		case mine:
			credit += out.Value
			cat := "receive"
			if kind == txCoinbase {
				cat = "generate"
			}
			details = append(details, rpcjson.GetTransactionDetailsResult{Account: defaultAccountName,
				Address: w.p2pkhAddr(h), Amount: toCoin(out.Value), Category: cat, Vout: uint32(i)})
		case own && out.Value > 0:
			sent += out.Value
			d := rpcjson.GetTransactionDetailsResult{Account: defaultAccountName, Amount: -toCoin(out.Value),
				Category: "send", Vout: uint32(i)}
			if pk == payP2PKH {
				d.Address = w.p2pkhAddr(h)
			} else if pk == payP2SH {
				d.Address = w.p2shAddr(h)
			}
			details = append(details, d)
		}
	}
	res.Amount = toCoin(credit)
	if own {
		var out int64
		for _, o := range tx.TxOut {
			out += o.Value
		}
		fee := -toCoin(debit - out)
		res.Fee, res.Amount = fee, -toCoin(sent)
		for i := range details {
			if details[i].Category == "send" {
				details[i].Fee = &fee
			}
		}
	}
	if details != nil {
		res.Details = details
	}
	return res, nil
}

func (w *Wallet) addTransaction(ctx context.Context, c *rpcserver.Call) (any, error) {
	blockHash := c.Params.String(0)
	txHex := c.Params.String(1)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	tx, err := wire.NewTxFromHex(txHex)
	if err != nil {
		return nil, decodeErr("cannot decode the transaction: %v", err)
	}
	raw, err := w.node.Block(ctx, blockHash)
	if err != nil {
		return nil, err
	}
	blk, err := wire.NewBlockFromBytes(raw)
	if err != nil {
		return nil, walletErr("node sent an undecodable block: %v", err)
	}
	want := tx.TxHash()
	for tree, txs := range [][]*wire.MsgTx{blk.Transactions, blk.STransactions} {
		for i, btx := range txs {
			if btx.TxHash() != want {
				continue
			}
			_ = tree
			w.mu.Lock()
			defer w.mu.Unlock()
			bi := blockInfo{hash: blockHash, height: int64(blk.Header.Height), index: uint32(i), time: int64(blk.Header.Timestamp)}
			if !w.processTxLocked(btx, bi) {
				// Record it anyway: the caller asked for it.
				w.st.touchTx(want.String())
				w.st.Txs[want.String()] = &txRecord{Hex: hex.EncodeToString(btx.Bytes()), BlockHash: bi.hash,
					BlockHeight: bi.height, BlockIndex: bi.index, BlockTime: bi.time, Received: bi.time}
			}
			return nil, w.saveLocked()
		}
	}
	return nil, walletErr("transaction %s is not in block %s", want, blockHash)
}

func (w *Wallet) walletPassphrase(_ context.Context, c *rpcserver.Call) (any, error) {
	pass := c.Params.String(0)
	timeout := c.Params.Int64(1)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	if timeout < 0 {
		return nil, invalidParam("negative timeout")
	}
	return nil, w.unlock(pass, timeout)
}

func (w *Wallet) getBestBlock(context.Context, *rpcserver.Call) (any, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return struct {
		Hash   string `json:"hash"`
		Height int64  `json:"height"`
	}{w.st.SyncHash, w.st.SyncHeight}, nil
}

// walletAPIVersion is the JSON-RPC API version eacrwallet 1.5 reports,
// under the key walletAPIKey.
var walletAPIVersion = rpcjson.VersionResult{VersionString: "6.2.0", Major: 6, Minor: 2, Patch: 0}

const walletAPIKey = "eacrwalletjsonrpcapi"

func (w *Wallet) version(ctx context.Context, _ *rpcserver.Call) (any, error) {
	raw, err := w.node.Call(ctx, "version", nil)
	if err != nil {
		return nil, err
	}
	res := map[string]json.RawMessage{}
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, walletErr("node sent a malformed version reply")
	}
	b, _ := json.Marshal(walletAPIVersion)
	res[walletAPIKey] = b
	return res, nil
}

func (w *Wallet) rescanWallet(ctx context.Context, c *rpcserver.Call) (any, error) {
	from := c.Params.OptInt(0, 0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	if from < 0 {
		return nil, invalidParam("negative beginheight")
	}
	if !w.node.Connected() {
		return nil, errNotConnected
	}
	return nil, w.rescan(ctx, int64(from))
}
