package stakepooldclient

import (
	"context"
	"fmt"
)

// AddressRequest asks for a user's 1-of-2 multisig voting address.
type AddressRequest struct {
	// Index is the user's address index (the user id): the pool key is
	// votingwalletextpub/0/Index.
	Index uint32
	// PoolAddress is the P2PKH address of the pool key, derived by the
	// caller from votingwalletextpub.
	PoolAddress string
	// UserPubKeyAddr is the user's secp256k1 pubkey address ("Sk...").
	UserPubKeyAddr string
}

// AddressResult is the outcome of CreateAddress.
type AddressResult struct {
	PoolPubKeyAddr   string
	Multisig         Multisig
	HeightRegistered int64
	// Missed names the backends that did not receive the script (down);
	// they get it when they return, from the database.
	Missed []string
}

// CreateAddress builds the user's multisig on every reachable backend:
// ValidateAddress of the pool key (every wallet must own it and give the
// same pubkey), CreateMultisig [pool key, user key] (identical scripts
// everywhere), then ImportScript. Different answers halt address creation
// (ErrInconsistent); later calls get ErrHalted until Recheck passes.
// Backends that are down are skipped and repaired later; with none
// reachable the result is ErrUnavailable.
func (c *Client) CreateAddress(ctx context.Context, req AddressRequest) (AddressResult, error) {
	var res AddressResult
	if r, _ := c.Halted(); r != "" {
		return res, fmt.Errorf("%w: %s", ErrHalted, r)
	}
	ms := c.usable(true)

	// 1. The pool key: every wallet must own it and agree on its pubkey.
	vrs := fanout(ctx, c, ms, c.opts.CallTimeout, "validate address",
		func(ctx context.Context, b Backend) (AddressInfo, error) {
			return b.ValidateAddress(ctx, req.PoolAddress, req.Index)
		})
	info, ok, rej, err := agree(vrs, func(a AddressInfo) string {
		return fmt.Sprintf("ismine=%t pubkeyaddr=%s", a.IsMine, a.PubKeyAddr)
	})
	if err := c.settle("validate address of pool key "+req.PoolAddress, ok, rej, err); err != nil {
		return res, err
	}
	if !info.IsMine || info.PubKeyAddr == "" {
		return res, fmt.Errorf("%w: %s (index %d)", ErrNotMine, req.PoolAddress, req.Index)
	}
	res.PoolPubKeyAddr = info.PubKeyAddr
	ms = answered(vrs)

	// 2. The 1-of-2 multisig, pool key first: identical everywhere.
	addrs := []string{info.PubKeyAddr, req.UserPubKeyAddr}
	crs := fanout(ctx, c, ms, c.opts.CallTimeout, "create multisig",
		func(ctx context.Context, b Backend) (Multisig, error) { return b.CreateMultisig(ctx, addrs) })
	msig, ok, rej, err := agree(crs, func(m Multisig) string { return m.Address + " script " + m.RedeemScript })
	if err := c.settle("create multisig", ok, rej, err); err != nil {
		return res, err
	}
	if msig.Address == "" || msig.RedeemScript == "" {
		return res, fmt.Errorf("%w: create multisig returned an empty address or script", ErrUnavailable)
	}
	res.Multisig = msig
	ms = answered(crs)

	// 3. Import the script everywhere; the height is the newest reported.
	irs := fanout(ctx, c, ms, c.opts.CallTimeout, "import script",
		func(ctx context.Context, b Backend) (int64, error) { return b.ImportScript(ctx, msig.RedeemScript) })
	_, ok, rej, err = agree(irs, func(int64) string { return "imported" })
	if err := c.settle("import script", ok, rej, err); err != nil {
		return res, err
	}
	for _, r := range irs {
		if r.err == nil && r.v > res.HeightRegistered {
			res.HeightRegistered = r.v
		}
	}
	for _, m := range c.members {
		if !m.healthy() {
			res.Missed = append(res.Missed, m.name())
		}
	}
	return res, nil
}

// settle turns the outcome of agree into CreateAddress's error: an
// inconsistency halts, all-rejected is ErrRejected, nobody answering is
// ErrUnavailable.
func (c *Client) settle(step string, ok bool, rejected, err error) error {
	switch {
	case err != nil:
		c.halt(fmt.Sprintf("%s: %v", step, err))
		return fmt.Errorf("%s: %w", step, err)
	case rejected != nil:
		return fmt.Errorf("%s: %w: %w", step, ErrRejected, rejected)
	case !ok:
		return fmt.Errorf("%s: %w", step, ErrUnavailable)
	}
	return nil
}

// answered returns the members that answered successfully.
func answered[T any](rs []result[T]) []*member {
	var ms []*member
	for _, r := range rs {
		if r.err == nil {
			ms = append(ms, r.m)
		}
	}
	return ms
}
