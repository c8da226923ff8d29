// Package netrules applies the network's rules that stakepoold needs:
// address validation for the daemon's network (for gRPC input), and the
// pool ticket check — decoding a ticket, finding its voting (multisig)
// address, and checking that its first commitment pays the pool fee to one
// of the cold wallet's fee addresses.
//
// Fee addresses are the P2PKH addresses of the cold wallet account's
// external branch (xpub/0/i for i in 0..count-1). The required fee is
// eacred/stakepool's formula for the ticket price, the ticket's
// transaction fee and the height of the block that mined it.
package netrules

import (
	"errors"
	"fmt"
	"sync"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/stakepool"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Addresses validates addresses for one network.
type Addresses struct {
	Params *chaincfg.Params
}

// CheckAddress implements pool.AddressChecker.
func (a Addresses) CheckAddress(s string) error {
	if s == "" {
		return errors.New("address is empty")
	}
	if len(s) > 100 {
		return fmt.Errorf("address is %d characters long", len(s))
	}
	if _, err := address.Decode(s, a.Params); err != nil {
		if errors.Is(err, address.ErrWrongNetwork) {
			return fmt.Errorf("%s is not an address of %s", s, a.Params.Name)
		}
		return fmt.Errorf("%s is not a valid address of %s: %v", s, a.Params.Name, err)
	}
	return nil
}

// CheckP2SH implements pool.AddressChecker.
func (a Addresses) CheckP2SH(s string) error {
	if err := a.CheckAddress(s); err != nil {
		return err
	}
	addr, _ := address.Decode(s, a.Params)
	if addr.Kind() != address.KindP2SH {
		return fmt.Errorf("%s is a %s address, not a P2SH (multisig) address", s, addr.Kind())
	}
	return nil
}

// PubKey implements pool.AddressChecker.
func (a Addresses) PubKey(s string) ([]byte, error) {
	if err := a.CheckAddress(s); err != nil {
		return nil, err
	}
	return stakepool.PubKey(s, a.Params)
}

// VotingScript implements pool.AddressChecker.
func (a Addresses) VotingScript(poolKey, userKey []byte) ([]byte, string, error) {
	return stakepool.VotingScript(poolKey, userKey, a.Params)
}

// CheckVotingScript implements pool.AddressChecker: script must parse as a
// 1-of-2 multisig (txscript) and be the voting script of its two keys with
// P2SH address p2sh (stakepool.CheckVotingScript).
func (a Addresses) CheckVotingScript(script []byte, p2sh string) error {
	ms, err := txscript.ParseMultiSigScript(script)
	if err != nil {
		return err
	}
	if ms.Required != 1 || len(ms.PubKeys) != 2 {
		return fmt.Errorf("redeem script is a %d-of-%d multisig, not 1-of-2", ms.Required, len(ms.PubKeys))
	}
	return stakepool.CheckVotingScript(script, p2sh, ms.PubKeys[0], ms.PubKeys[1], a.Params)
}

// FeeAddresses derives count fee addresses (external branch of the cold
// wallet's account xpub) for the network. An xpub of another network or a
// private key is refused with a message saying so.
func FeeAddresses(xpub string, count uint32, p *chaincfg.Params) (*stakepool.FeeAddressSet, error) {
	set, err := stakepool.FeeAddresses(xpub, count, p)
	if err != nil {
		return nil, fmt.Errorf("coldwalletextpub is not a valid extended public key for %s: %w", p.Name, err)
	}
	return set, nil
}

// Inspector implements pool.TicketInspector with eacred/stakepool's fee
// check.
type Inspector struct {
	Params   *chaincfg.Params
	FeeAddrs *stakepool.FeeAddressSet
	PoolFees float64 // percent
	Subsidy  *subsidy.Cache
	// names caches encoded voting addresses: a user owns many tickets, and
	// base58 encoding dominates the cost of a start-up ticket load.
	names *sync.Map // [21]byte (hash, P2SH flag) -> string
}

// NewInspector returns an inspector for the network.
func NewInspector(p *chaincfg.Params, feeAddrs *stakepool.FeeAddressSet, poolFees float64) Inspector {
	return Inspector{Params: p, FeeAddrs: feeAddrs, PoolFees: poolFees, Subsidy: subsidy.NewCache(p), names: new(sync.Map)}
}

// Inspect decodes a ticket, returns its voting address and checks its pool
// fee at minedHeight. A transaction that is not a ticket is an error; a
// failed fee check is not.
func (in Inspector) Inspect(txHex string, minedHeight int64) (pool.TicketCheck, error) {
	tx, buf, err := decodeTx(txHex)
	if buf != nil {
		defer txBufs.Put(buf)
	}
	if err != nil {
		return pool.TicketCheck{}, fmt.Errorf("decode transaction: %w", err)
	}
	t, err := stake.ParseTicket(tx)
	if err != nil {
		return pool.TicketCheck{}, err
	}
	var chk pool.TicketCheck
	if chk.VotingAddress, err = in.votingAddress(t.Voting.Hash, t.Voting.ScriptHash); err != nil {
		return chk, err
	}
	_, err = stakepool.CheckParsedTicketFee(t, minedHeight, in.PoolFees, in.FeeAddrs, in.Subsidy)
	var fe *stakepool.FeeError
	switch {
	case err == nil:
		chk.FeeOK = true
	case errors.As(err, &fe):
		chk.Reason = fmt.Sprintf("%v (mined at height %d)", fe, minedHeight)
	default:
		return chk, err
	}
	return chk, nil
}

// maxPooledTx is the largest decode buffer kept for reuse (in bytes);
// pool tickets are a few hundred bytes, anything larger is decoded into a
// fresh buffer.
const maxPooledTx = 4096

// txBufs holds hex-decode buffers: a start-up load decodes tens of
// thousands of tickets, and their raw bytes are garbage once inspected.
var txBufs = sync.Pool{New: func() any { return new([]byte) }}

// decodeTx decodes a hex transaction into a buffer from txBufs; the caller
// puts *buf back once it no longer uses the transaction (wire copies
// scripts out of its input, but the buffer is held anyway so that nothing
// can alias a reused buffer).
func decodeTx(txHex string) (tx *wire.MsgTx, buf *[]byte, err error) {
	n := len(txHex) / 2
	if len(txHex)%2 != 0 || n > maxPooledTx {
		tx, err = wire.NewTxFromHex(txHex) // wire reports odd lengths
		return tx, nil, err
	}
	buf = txBufs.Get().(*[]byte)
	if cap(*buf) < n {
		*buf = make([]byte, n, max(n, 512))
	}
	b := (*buf)[:n]
	if !decodeHex(b, txHex) {
		txBufs.Put(buf)
		tx, err = wire.NewTxFromHex(txHex) // same error text as wire's
		return tx, nil, err
	}
	tx, err = wire.NewTxFromBytes(b)
	return tx, buf, err
}

// decodeHex decodes the even-length hex string s into dst (len(s)/2 bytes)
// without converting s to a byte slice; it reports false on a non-hex
// character.
func decodeHex(dst []byte, s string) bool {
	for i := range dst {
		hi, ok1 := fromHexChar(s[2*i])
		lo, ok2 := fromHexChar(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func fromHexChar(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// votingAddress encodes a ticket's voting address, cached.
func (in Inspector) votingAddress(hash [20]byte, p2sh bool) (string, error) {
	var key [21]byte
	copy(key[:], hash[:])
	if p2sh {
		key[20] = 1
	}
	if in.names != nil {
		if s, ok := in.names.Load(key); ok {
			return s.(string), nil
		}
	}
	var a interface{ String() string }
	var err error
	if p2sh {
		a, err = address.FromScriptHash(hash[:], in.Params)
	} else {
		a, err = address.NewPubKeyHashAddress(hash[:], in.Params)
	}
	if err != nil {
		return "", err
	}
	s := a.String()
	if in.names != nil {
		in.names.Store(key, s)
	}
	return s, nil
}
