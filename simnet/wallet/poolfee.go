package wallet

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// ParseColdExtKey splits --stakepoolcoldextkey=<xpub>:<N>.
func ParseColdExtKey(s string) (xpub string, n uint32, err error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", 0, errors.New("stakepoolcoldextkey must be <extended public key>:<number of addresses>")
	}
	v, err := strconv.ParseUint(s[i+1:], 10, 32)
	if err != nil || v >= 1<<31 {
		return "", 0, fmt.Errorf("stakepoolcoldextkey: bad address count %q", s[i+1:])
	}
	return s[:i], uint32(v), nil
}

// deriveColdAddresses derives the fee addresses of the cold wallet's
// account key: external branch indexes 0..n inclusive (n+1 addresses, as
// eacrwallet derives them), skipping invalid children.
func deriveColdAddresses(xpub string, n uint32, p *chaincfg.Params) (map[[20]byte]struct{}, error) {
	k, err := hdkeychain.Parse(xpub, p)
	if err != nil {
		return nil, fmt.Errorf("stakepoolcoldextkey: %w", err)
	}
	if k.IsPrivate() {
		return nil, errors.New("stakepoolcoldextkey must be an extended public key, not a private one")
	}
	addrs, err := hdkeychain.BranchAddresses(k, hdkeychain.ExternalBranch, 0, n+1, p)
	if err != nil {
		return nil, fmt.Errorf("stakepoolcoldextkey: %w", err)
	}
	set := make(map[[20]byte]struct{}, len(addrs))
	for _, a := range addrs {
		set[*a.Address.Hash160()] = struct{}{}
	}
	return set, nil
}

// validPoolFees reports whether a pool fee percent is usable: hundredths of
// a percent in 1..10000.
func validPoolFees(pct float64) bool {
	p := math.Floor(pct * 100)
	return p >= 1 && p <= 10000
}

// poolTicketFee is the stake pool fee formula (in atoms) for a ticket of
// the given price and fee bought at height: the pool's share of the vote
// subsidy, expected after the subsidy reductions before the ticket votes,
// in proportion to the ticket.
func (w *Wallet) poolTicketFee(price, fee, height int64, pct float64) (int64, error) {
	if !validPoolFees(pct) {
		return 0, invalidParam("pool fees %v%% out of range (0.01 .. 100.00)", pct)
	}
	p := w.cfg.Params
	s := w.voteSubsidy(height)
	adjs := (int64(p.TicketPoolSize) + p.SubsidyReductionInterval - 1) / p.SubsidyReductionInterval
	for i := int64(0); i < adjs; i++ {
		s = s * 100 / 101
	}
	num := new(big.Int).Mul(big.NewInt(int64(math.Floor(pct*100))), big.NewInt(s))
	num.Mul(num, big.NewInt(price+fee))
	den := new(big.Int).Mul(big.NewInt(s+price), big.NewInt(10000))
	return new(big.Int).Quo(num, den).Int64(), nil
}

// checkPoolFee checks a pool user's ticket mined at height: its first
// commitment must pay one of the cold wallet's fee addresses at least the
// stake pool fee for its price, fee and height.
func (w *Wallet) checkPoolFee(tx *wire.MsgTx, height int64) error {
	cs, err := ticketCommitments(tx)
	if err != nil || len(cs) == 0 {
		return fmt.Errorf("ticket commitments: %v", err)
	}
	if _, ok := w.coldAddrs[cs[0].Hash]; !ok || cs[0].ScriptHash {
		return errors.New("the first commitment does not pay a pool fee address")
	}
	var in, out int64
	for _, c := range cs {
		in += c.Amount
	}
	for _, o := range tx.TxOut {
		out += o.Value
	}
	required, err := w.poolTicketFee(tx.TxOut[0].Value, in-out, height, w.cfg.PoolFees)
	if err != nil {
		return err
	}
	if cs[0].Amount < required {
		return fmt.Errorf("pool fee %d atoms is below the required %d", cs[0].Amount, required)
	}
	return nil
}
