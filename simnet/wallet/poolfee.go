package wallet

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/eacred/stakepool"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// maxColdAddresses bounds N in --stakepoolcoldextkey (the reference pools
// used 10000); every address is derived at start.
const maxColdAddresses = 1000000

// ParseColdExtKey splits --stakepoolcoldextkey=<xpub>:<N>.
func ParseColdExtKey(s string) (xpub string, n uint32, err error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", 0, errors.New("stakepoolcoldextkey must be <extended public key>:<number of addresses>")
	}
	v, err := strconv.ParseUint(s[i+1:], 10, 32)
	if err != nil || v > maxColdAddresses {
		return "", 0, fmt.Errorf("stakepoolcoldextkey: address count %q must be a number up to %d", s[i+1:], maxColdAddresses)
	}
	return s[:i], uint32(v), nil
}

// deriveColdAddresses derives the fee addresses of the cold wallet's
// account key: external branch indexes 0..n inclusive (n+1 addresses, as
// eacrwallet derives them), skipping invalid children.
func deriveColdAddresses(xpub string, n uint32, p *chaincfg.Params) (*stakepool.FeeAddressSet, error) {
	k, err := hdkeychain.Parse(xpub, p)
	if err != nil {
		return nil, fmt.Errorf("stakepoolcoldextkey: %w", err)
	}
	if k.IsPrivate() {
		return nil, errors.New("stakepoolcoldextkey must be an extended public key, not a private one")
	}
	set, err := stakepool.FeeAddresses(xpub, n+1, p)
	if err != nil {
		return nil, fmt.Errorf("stakepoolcoldextkey: %w", err)
	}
	return set, nil
}

// validPoolFees reports whether a pool fee percent is usable: hundredths of
// a percent in 1..10000.
func validPoolFees(pct float64) bool { return stakepool.ValidPoolFeeRate(pct) }

// poolTicketFee is the stake pool fee (atoms) for a ticket of the given
// price and fee bought at height, by the same formula and subsidy variant
// the pool checks with.
func (w *Wallet) poolTicketFee(price, fee, height int64, pct float64) (int64, error) {
	if !validPoolFees(pct) {
		return 0, invalidParam("pool fees %v%% out of range (0.01 .. 100.00)", pct)
	}
	return stakepool.TicketFeeAt(w.subsidy, price, fee, height, pct), nil
}

// checkPoolFee is the pool's check of a user's ticket mined at height: its
// first commitment must pay one of the cold wallet's fee addresses at least
// the stake pool fee for its price, fee and height.
func (w *Wallet) checkPoolFee(tx *wire.MsgTx, height int64) error {
	_, err := stakepool.CheckTicketFee(tx, height, w.cfg.PoolFees, w.coldAddrs, w.subsidy)
	return err
}
