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
	// Verify, when set, is the caller's own check of the script every
	// backend agreed on, run before any backend imports it. A failure
	// halts address creation like a disagreement: the backends agree on
	// something wrong.
	Verify func(poolPubKeyAddr string, ms Multisig) error
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

// UserScript is one backend's answer to PrepareUserScript.
type UserScript struct {
	// PoolKeyMine reports whether the backend's wallet owns the pool key;
	// when it does not, the other fields are empty.
	PoolKeyMine    bool
	PoolPubKeyAddr string
	Multisig       Multisig
}

// key is what must be identical on every backend.
func (u UserScript) key() string {
	return fmt.Sprintf("mine=%t pubkeyaddr=%s address=%s script=%s",
		u.PoolKeyMine, u.PoolPubKeyAddr, u.Multisig.Address, u.Multisig.RedeemScript)
}

// CreateAddress builds the user's multisig on every reachable backend in
// two calls: PrepareUserScript (each wallet must own the pool key, and
// every backend must give the same pool pubkey, script and address), then,
// once req.Verify accepts the agreed script, ImportUserScript. Different
// answers halt address creation (ErrInconsistent); later calls get
// ErrHalted until Recheck passes. Backends that are down are skipped and
// repaired later; with none reachable the result is ErrUnavailable.
func (c *Client) CreateAddress(ctx context.Context, req AddressRequest) (AddressResult, error) {
	var res AddressResult
	if r, _ := c.Halted(); r != "" {
		return res, fmt.Errorf("%w: %s", ErrHalted, r)
	}
	ms := c.usable(true)

	// 1. Every backend prepares the script; the answers must agree.
	prs := fanout(ctx, c, ms, c.opts.CallTimeout, "prepare user script",
		func(ctx context.Context, b Backend) (UserScript, error) { return b.PrepareUserScript(ctx, req) })
	us, ok, rej, err := agree(prs, UserScript.key)
	if err := c.settle("prepare the script of pool key "+req.PoolAddress, ok, rej, err); err != nil {
		return res, err
	}
	if !us.PoolKeyMine || us.PoolPubKeyAddr == "" {
		return res, fmt.Errorf("%w: %s (index %d)", ErrNotMine, req.PoolAddress, req.Index)
	}
	if us.Multisig.Address == "" || len(us.Multisig.RedeemScript) == 0 {
		return res, fmt.Errorf("%w: prepare user script returned an empty address or script", ErrUnavailable)
	}
	if req.Verify != nil {
		if err := req.Verify(us.PoolPubKeyAddr, us.Multisig); err != nil {
			c.halt(fmt.Sprintf("user %d: %v", req.Index, err))
			return res, fmt.Errorf("%w: %v", ErrInconsistent, err)
		}
	}
	res.PoolPubKeyAddr, res.Multisig = us.PoolPubKeyAddr, us.Multisig

	// 2. Import it where it was prepared; the height is the newest reported.
	irs := fanout(ctx, c, answered(prs), c.opts.CallTimeout, "import user script",
		func(ctx context.Context, b Backend) (int64, error) {
			return b.ImportUserScript(ctx, req.Index, us.Multisig)
		})
	_, ok, rej, err = agree(irs, func(int64) string { return "imported" })
	if err := c.settle("import user script", ok, rej, err); err != nil {
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
