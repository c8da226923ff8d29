package wallet

import (
	"context"
	"math"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// txMethods are the spending and ticket-buying methods.
func (w *Wallet) txMethods() []rpcserver.Method {
	return []rpcserver.Method{
		{Name: "sendtoaddress", Params: []string{"address", "amount", "comment", "commentto"}, Required: 2, Handler: w.sendToAddress},
		{Name: "purchaseticket", Params: []string{"fromaccount", "spendlimit", "minconf", "ticketaddress", "numtickets",
			"pooladdress", "poolfees", "expiry", "comment", "ticketfee"}, Required: 2, Handler: w.purchaseTicket},
	}
}

// toCoin converts atoms to coins for JSON.
func toCoin(atoms int64) float64 { return float64(atoms) / 1e8 }

// fromCoin converts a JSON coin amount to atoms, refusing values that are
// not finite or out of range.
func fromCoin(v float64) (int64, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 21e6*1e8 {
		return 0, invalidParam("invalid amount %v", v)
	}
	return int64(math.Round(v * 1e8)), nil
}

func (w *Wallet) sendToAddress(ctx context.Context, c *rpcserver.Call) (any, error) {
	addr := c.Params.String(0)
	amt := c.Params.Float64(1)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	atoms, err := fromCoin(amt)
	if err != nil {
		return nil, err
	}
	if atoms <= 0 {
		return nil, invalidParam("amount must be positive")
	}
	a, err := w.decodeAddr(addr)
	if err != nil {
		return nil, invalidAddress("invalid address %s: %v", addr, err)
	}
	if w.isLocked() {
		return nil, errLocked
	}
	script := a.payScript()
	w.mu.Lock()
	tx, chosen, err := w.fundLocked([]*wire.TxOut{wire.NewTxOut(atoms, script)}, 1)
	if err == nil {
		err = w.signCreditsLocked(tx, chosen)
	}
	w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if err := w.publish(ctx, tx); err != nil {
		return nil, err
	}
	h := tx.TxHash()
	return h.String(), nil
}

// maxTicketsPerCall bounds purchaseticket's numtickets (one split
// transaction funds them all).
const maxTicketsPerCall = 1000

// ticketRequest is a parsed purchaseticket call.
type ticketRequest struct {
	spendLimit int64
	minconf    int64
	ticketAddr *decodedAddr // nil: a wallet address votes
	num        int
	poolAddr   *decodedAddr // nil: a solo ticket
	poolFees   float64
	expiry     uint32
	feeRate    int64
}

func (w *Wallet) parseTicketRequest(c *rpcserver.Call) (*ticketRequest, error) {
	acct := c.Params.String(0)
	limit := c.Params.Float64(1)
	minconf := c.Params.OptInt(2, 1)
	ticketAddr := c.Params.OptString(3, "")
	num := c.Params.OptInt(4, 1)
	poolAddr := c.Params.OptString(5, "")
	poolFees := c.Params.OptFloat64(6, 0)
	expiry := c.Params.OptInt(7, 0)
	_ = c.Params.OptString(8, "")
	feeRate := c.Params.OptFloat64(9, toCoin(w.cfg.RelayFee))
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	if imported, err := checkAccount(acct); err != nil {
		return nil, err
	} else if imported {
		return nil, walletErr("account %q cannot buy tickets", acct)
	}
	req := &ticketRequest{minconf: int64(minconf), num: num, poolFees: poolFees}
	var err error
	if req.spendLimit, err = fromCoin(limit); err != nil {
		return nil, err
	}
	if req.spendLimit < 0 {
		return nil, invalidParam("negative spend limit")
	}
	if minconf < 0 {
		return nil, invalidParam("negative minconf")
	}
	if num < 1 || num > maxTicketsPerCall {
		return nil, invalidParam("numtickets must be 1 to %d", maxTicketsPerCall)
	}
	if expiry < 0 || int64(expiry) >= math.MaxUint32 {
		return nil, invalidParam("expiry %d out of range", expiry)
	}
	req.expiry = uint32(expiry)
	if req.feeRate, err = fromCoin(feeRate); err != nil {
		return nil, err
	}
	if req.feeRate < 0 || req.feeRate > 1e8 {
		return nil, invalidParam("invalid ticket fee rate %v", feeRate)
	}
	if req.feeRate == 0 {
		req.feeRate = w.cfg.RelayFee
	}
	if ticketAddr != "" {
		a, err := w.decodeAddr(ticketAddr)
		if err != nil || (a.kind != addrP2PKH && a.kind != addrP2SH) {
			return nil, invalidAddress("invalid ticket address %s", ticketAddr)
		}
		req.ticketAddr = &a
	}
	if poolAddr == "" {
		poolAddr = w.cfg.PoolAddress
		if poolAddr != "" && poolFees == 0 {
			req.poolFees = w.cfg.PoolFees
		}
	}
	if poolAddr != "" {
		a, err := w.decodeAddr(poolAddr)
		if err != nil || (a.kind != addrP2PKH && a.kind != addrP2SH) {
			return nil, invalidAddress("invalid pool address %s", poolAddr)
		}
		req.poolAddr = &a
		if p := int64(math.Floor(req.poolFees * 100)); p < 1 || p > 10000 {
			return nil, invalidParam("pool fees %v%% out of range (0.01 .. 100.00)", req.poolFees)
		}
	}
	return req, nil
}

// ticketTxSize estimates a signed ticket with n contributors.
func ticketTxSize(n int) int {
	out0 := 8 + 2 + 1 + 26
	commit := 8 + 2 + 1 + 32
	change := 8 + 2 + 1 + 26
	return txOverhead + n*txInSize + out0 + n*(commit+change)
}

func (w *Wallet) purchaseTicket(ctx context.Context, c *rpcserver.Call) (any, error) {
	req, err := w.parseTicketRequest(c)
	if err != nil {
		return nil, err
	}
	if w.isLocked() {
		return nil, errLocked
	}
	_, price, err := w.node.StakeDifficulty(ctx)
	if err != nil {
		return nil, err
	}
	if price > req.spendLimit {
		return nil, walletErr("ticket price %v above spend limit %v", toCoin(price), toCoin(req.spendLimit))
	}
	contributors := 1
	if req.poolAddr != nil {
		contributors = 2
	}
	ticketFee := feeForSize(req.feeRate, ticketTxSize(contributors))

	w.mu.Lock()
	tickets, split, chosen, err := w.makeTicketsLocked(req, price, ticketFee)
	if err == nil {
		err = w.signCreditsLocked(split, chosen)
	}
	w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if err := w.publish(ctx, split); err != nil {
		return nil, err
	}
	hashes := []string{}
	for _, t := range tickets {
		if err := w.publish(ctx, t); err != nil {
			return nil, err
		}
		h := t.TxHash()
		hashes = append(hashes, h.String())
	}
	w.log.Info("purchased tickets", "count", len(hashes), "price", toCoin(price))
	return hashes, nil
}

// makeTicketsLocked builds the split transaction and the tickets spending
// it. For a pool ticket the split pays, per ticket, an output worth the pool
// fee and one worth the rest; the ticket's first commitment returns the pool
// fee to the pool address and its second the rest to a wallet address.
func (w *Wallet) makeTicketsLocked(req *ticketRequest, price, ticketFee int64) ([]*wire.MsgTx, *wire.MsgTx, []*credit, error) {
	poolFee := int64(0)
	if req.poolAddr != nil {
		var err error
		// The pool checks the fee at the height the ticket is mined at:
		// the next block.
		if poolFee, err = w.poolTicketFee(price, ticketFee, w.tipHeight()+1, req.poolFees); err != nil {
			return nil, nil, nil, err
		}
		if poolFee <= 0 {
			// A contribution must be positive: the node refuses the ticket.
			return nil, nil, nil, walletErr("the pool fee for a ticket mined at height %d is 0 atoms (no vote subsidy yet); buy pool tickets later",
				w.tipHeight()+1)
		}
	}
	type part struct {
		hash   [20]byte
		amount int64
	}
	var splitOuts []*wire.TxOut
	var parts [][]part
	for i := 0; i < req.num; i++ {
		var ps []part
		if req.poolAddr != nil {
			ps = append(ps, part{w.newInternalAddrLocked(), poolFee})
		}
		ps = append(ps, part{w.newInternalAddrLocked(), price + ticketFee - poolFee})
		for _, p := range ps {
			script, _ := txscript.PayToPubKeyHashScript(p.hash[:])
			splitOuts = append(splitOuts, wire.NewTxOut(p.amount, script))
		}
		parts = append(parts, ps)
	}
	split, chosen, err := w.fundLocked(splitOuts, req.minconf)
	if err != nil {
		return nil, nil, nil, err
	}
	split.Expiry = req.expiry
	splitHash := split.TxHash() // inputs and outputs are final; signing does not change it
	var tickets []*wire.MsgTx
	out := uint32(0)
	for _, ps := range parts {
		t := wire.NewMsgTx(wire.TxVersion)
		t.Expiry = req.expiry
		var voteHash [20]byte
		voteP2SH := false
		if req.ticketAddr != nil {
			voteHash, voteP2SH = req.ticketAddr.hash, req.ticketAddr.kind == addrP2SH
		} else {
			voteHash = w.newInternalAddrLocked()
		}
		s, err := txscript.StakeTaggedScript(txscript.OP_SSTX, voteHash[:], voteP2SH)
		if err != nil {
			return nil, nil, nil, walletErr("ticket script: %v", err)
		}
		t.AddTxOut(wire.NewTxOut(price, s))
		zeroChange, _ := txscript.StakeTaggedScript(txscript.OP_SSTXCHANGE, make([]byte, 20), false)
		for j, p := range ps {
			t.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&splitHash, out, wire.TxTreeRegular), p.amount, nil))
			out++
			commit := txscript.Commitment{Amount: p.amount, Limits: txscript.FeeLimitsWalletV1}
			if req.poolAddr != nil && j == 0 {
				commit.Hash, commit.ScriptHash = req.poolAddr.hash, req.poolAddr.kind == addrP2SH
			} else {
				commit.Hash = w.newInternalAddrLocked()
			}
			cs, err := txscript.CommitmentScript(commit)
			if err != nil {
				return nil, nil, nil, walletErr("commitment: %v", err)
			}
			t.AddTxOut(wire.NewTxOut(0, cs))
			t.AddTxOut(wire.NewTxOut(0, zeroChange))
		}
		for j, p := range ps {
			script, _ := txscript.PayToPubKeyHashScript(p.hash[:])
			priv, err := w.keys.privKey(p.hash)
			if err != nil {
				return nil, nil, nil, walletErr("sign ticket: %v", err)
			}
			sig, err := txscript.SignP2PKH(t, j, script, secp256k1.PrivKeyFromBytes(priv))
			if err != nil {
				return nil, nil, nil, walletErr("sign ticket: %v", err)
			}
			t.TxIn[j].SignatureScript = sig
		}
		tickets = append(tickets, t)
	}
	return tickets, split, chosen, nil
}
