package wallet

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// stakeMethods are the ticket, voting and stake-pool methods.
func (w *Wallet) stakeMethods() []rpcserver.Method {
	return []rpcserver.Method{
		{Name: "walletinfo", Handler: w.walletInfo},
		{Name: "getstakeinfo", Handler: w.getStakeInfo},
		{Name: "gettickets", Params: []string{"includeimmature"}, Required: 1, Handler: w.getTickets},
		{Name: "ticketsforaddress", Params: []string{"address"}, Required: 1, Handler: w.ticketsForAddress},
		{Name: "stakepooluserinfo", Params: []string{"user"}, Required: 1, Handler: w.stakePoolUserInfo},
		{Name: "addticket", Params: []string{"tickethex"}, Required: 1, Handler: w.addTicket},
		{Name: "generatevote", Params: []string{"blockhash", "height", "tickethash", "votebits", "votebitsext"}, Required: 5, Handler: w.generateVote},
		{Name: "revoketickets", Handler: w.revokeTickets},
	}
}

func (w *Wallet) walletInfo(ctx context.Context, _ *rpcserver.Call) (any, error) {
	_, _, err := w.node.BestBlock(ctx)
	w.mu.Lock()
	bits := w.voteBitsLocked()
	w.mu.Unlock()
	return rpcjson.WalletInfoResult{
		DaemonConnected:  err == nil,
		Unlocked:         !w.isLocked(),
		CoinType:         w.cfg.Params.SLIP0044CoinType,
		TxFee:            toCoin(w.cfg.RelayFee),
		TicketFee:        toCoin(w.cfg.RelayFee),
		VoteBits:         bits,
		VoteBitsExtended: hex.EncodeToString(w.voteBitsExt()),
		VoteVersion:      w.cfg.VoteVersion,
		Voting:           w.cfg.EnableVoting,
	}, nil
}

// ticketStatus sorts the wallet's unspent tickets with the node's help:
// live ones (per existslivetickets) and the others.
func (w *Wallet) liveSet(ctx context.Context, hashes []string) (map[string]bool, error) {
	live := make(map[string]bool)
	if len(hashes) == 0 {
		return live, nil
	}
	bits, err := w.node.Exists(ctx, "existslivetickets", hashes)
	if err != nil {
		return nil, err
	}
	for i, h := range hashes {
		if i < len(bits) && bits[i] {
			live[h] = true
		}
	}
	return live, nil
}

// unspentTickets returns the tracked unspent tickets (copies), sorted.
func (w *Wallet) unspentTickets(includeAdded bool) []ticket {
	w.mu.Lock()
	defer w.mu.Unlock()
	var ts []ticket
	for _, t := range w.st.Tickets {
		if (t.State == ticketUnmined || t.State == ticketMined) && (includeAdded || !t.Added) {
			ts = append(ts, *t)
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Hash < ts[j].Hash })
	return ts
}

func minedHashes(ts []ticket) []string {
	var hs []string
	for _, t := range ts {
		if t.State == ticketMined {
			hs = append(hs, t.Hash)
		}
	}
	return hs
}

// getTickets lists the wallet's live tickets (and immature ones when
// asked). Like eacrwallet, which walks its transaction store, it includes
// pool tickets that failed the fee check: the wallet has their
// transactions, it just will not vote them.
func (w *Wallet) getTickets(ctx context.Context, c *rpcserver.Call) (any, error) {
	immature := c.Params.Bool(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	ts := append(w.unspentTickets(true), w.invalidPoolTickets()...)
	live, err := w.liveSet(ctx, minedHashes(ts))
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	tip := w.tipHeight()
	w.mu.Unlock()
	res := rpcjson.GetTicketsResult{Hashes: []string{}}
	for _, t := range ts {
		switch {
		case live[t.Hash]:
			res.Hashes = append(res.Hashes, t.Hash)
		case immature && (t.State == ticketUnmined || tip <= t.Height+int64(w.cfg.Params.TicketMaturity)):
			res.Hashes = append(res.Hashes, t.Hash)
		}
	}
	return res, nil
}

// invalidPoolTickets returns the mined pool tickets that failed the fee
// check and were not added, as ticket records (not votable).
func (w *Wallet) invalidPoolTickets() []ticket {
	w.mu.Lock()
	defer w.mu.Unlock()
	var ts []ticket
	for _, k := range w.st.sortedPoolUsers() {
		for _, h := range w.st.PoolUsers[k].Invalid {
			rec := w.st.Txs[h]
			if rec == nil || rec.BlockHeight == 0 || w.st.Tickets[h] != nil {
				continue
			}
			ts = append(ts, ticket{Hash: h, Height: rec.BlockHeight, State: ticketMined})
		}
	}
	return ts
}

func (w *Wallet) ticketsForAddress(_ context.Context, c *rpcserver.Call) (any, error) {
	s := c.Params.String(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	a, err := w.decodeAddr(s)
	if err != nil {
		return nil, invalidAddress("invalid address %s: %v", s, err)
	}
	want := hex.EncodeToString(a.hash[:])
	w.mu.Lock()
	defer w.mu.Unlock()
	res := struct {
		Tickets []string `json:"tickets"`
	}{Tickets: []string{}}
	for _, t := range w.st.Tickets {
		tx, err := w.ticketTxLocked(t.Hash)
		if err != nil {
			continue
		}
		if _, kind, h := payTo(tx.TxOut[0].PkScript); kind == a.payKind() && hex.EncodeToString(h[:]) == want {
			res.Tickets = append(res.Tickets, t.Hash)
		}
	}
	sort.Strings(res.Tickets)
	return res, nil
}

func (w *Wallet) stakePoolUserInfo(_ context.Context, c *rpcserver.Call) (any, error) {
	s := c.Params.String(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	a, err := w.decodeAddr(s)
	if err != nil {
		return nil, invalidAddress("invalid address %s: %v", s, err)
	}
	if a.kind != addrP2SH && a.kind != addrP2PKH {
		return nil, walletErr("address %s is not a P2PKH or P2SH address", s)
	}
	lt := ticketLifetime{Maturity: int64(w.cfg.Params.TicketMaturity), Expiry: int64(w.cfg.Params.TicketExpiry)}
	w.mu.Lock()
	defer w.mu.Unlock()
	return lt.info(w.st.PoolUsers[hex.EncodeToString(a.hash[:])], w.tipHeight()), nil
}

func (w *Wallet) addTicket(_ context.Context, c *rpcserver.Call) (any, error) {
	h := c.Params.String(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	tx, err := wire.NewTxFromHex(h)
	if err != nil {
		return nil, decodeErr("cannot decode the ticket: %v", err)
	}
	if classify(tx) != txTicket {
		return nil, walletErr("transaction is not a ticket purchase")
	}
	txHash := tx.TxHash()
	id := txHash.String()
	w.mu.Lock()
	defer w.mu.Unlock()
	var height int64
	if rec := w.st.Txs[id]; rec != nil {
		height = rec.BlockHeight
	}
	_, kind, sh := payTo(tx.TxOut[0].PkScript)
	votable := false
	switch kind {
	case payP2SH:
		if _, ok := w.scripts[sh]; ok {
			votable = w.canSignScript(sh)
			if w.stakePoolMode() {
				w.st.poolUserFor(hex.EncodeToString(sh[:])).addValid(id, 0)
			}
		}
	case payP2PKH:
		_, votable = w.keys.lookup(sh)
	}
	t := w.trackTicketLocked(tx, id, height, votable, false)
	t.Added = true
	w.st.touchTicket(id)
	w.st.touchTx(id)
	if w.st.Txs[id] == nil {
		// gettransaction must find every ticket gettickets lists.
		w.st.Txs[id] = &txRecord{Hex: hex.EncodeToString(tx.Bytes()), Received: time.Now().Unix()}
	}
	if height == 0 && t.State == ticketUnmined {
		// Added tickets are assumed mined; the node decides if they are live.
		t.State = ticketMined
	}
	w.log.Info("ticket added", "ticket", id, "votable", votable)
	return nil, w.saveLocked()
}

func (w *Wallet) generateVote(_ context.Context, c *rpcserver.Call) (any, error) {
	blockHashStr := c.Params.String(0)
	height := c.Params.Int64(1)
	ticketStr := c.Params.String(2)
	voteBits := c.Params.Uint16(3)
	extStr := c.Params.String(4)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	var blockHash chainhash.Hash
	if err := chainhash.Decode(&blockHash, blockHashStr); err != nil {
		return nil, decodeErr("block hash: %v", err)
	}
	var ticketHash chainhash.Hash
	if err := chainhash.Decode(&ticketHash, ticketStr); err != nil {
		return nil, decodeErr("ticket hash: %v", err)
	}
	ext, err := hex.DecodeString(extStr)
	if err != nil {
		return nil, decodeErr("votebitsext is not hex: %v", err)
	}
	if len(ext) > 73 {
		return nil, invalidParam("votebitsext is too long (%d bytes, at most 73)", len(ext))
	}
	if height < 0 || height >= 1<<32-1 {
		return nil, invalidParam("height %d out of range", height)
	}
	if w.isLocked() {
		return nil, errLocked
	}
	vote, err := w.buildVote(blockHash, height, ticketHash.String(), voteBits, ext)
	if err != nil {
		return nil, err
	}
	return rpcjson.GenerateVoteResult{Hex: hex.EncodeToString(vote.Bytes())}, nil
}

func (w *Wallet) revokeTickets(ctx context.Context, _ *rpcserver.Call) (any, error) {
	if w.isLocked() {
		return nil, errLocked
	}
	n, err := w.revokeMissed(ctx)
	if err != nil {
		return nil, err
	}
	w.log.Info("revoked tickets", "count", n)
	return nil, nil
}

// revokeMissed revokes every votable ticket the node reports missed or
// expired and returns how many revocations it sent. With automatic
// revocations (DCP0009) active on the node there is nothing to do: every
// block revokes the tickets its parent made missed or expired.
func (w *Wallet) revokeMissed(ctx context.Context) (int, error) {
	ts := w.unspentTickets(true)
	if len(ts) == 0 {
		return 0, nil
	}
	if auto, err := w.autoRevocationsActive(ctx); err != nil {
		return 0, err
	} else if auto {
		return 0, nil
	}
	missed, expired, err := w.missedSets(ctx, minedHashes(ts))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, t := range ts {
		if !t.Votable || !missed[t.Hash] && !expired[t.Hash] {
			continue
		}
		rev, err := w.buildRevocation(t.Hash)
		if err != nil {
			return sent, err
		}
		if err := w.publish(ctx, rev); err != nil {
			var re *rpcserver.Error
			if errors.As(err, &re) && re.Code == rpcserver.ErrCodeDuplicateTx {
				continue
			}
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// autoRevocationsActive asks the node (getblockchaininfo) whether the
// DCP0009 agenda "autorevocations" is active.
func (w *Wallet) autoRevocationsActive(ctx context.Context) (bool, error) {
	raw, err := w.node.Call(ctx, "getblockchaininfo", nil)
	if err != nil {
		return false, err
	}
	var info struct {
		Deployments map[string]struct {
			Status string `json:"status"`
		} `json:"deployments"`
	}
	if err := json.Unmarshal(raw, &info); err != nil {
		return false, fmt.Errorf("decode getblockchaininfo: %w", err)
	}
	return info.Deployments["autorevocations"].Status == "active", nil
}
