package wallet

import (
	"errors"
	"fmt"
	"sync"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
)

// Branches of an account.
const (
	branchExternal = 0
	branchInternal = 1
)

// Account names as dcrwallet reports them.
const (
	defaultAccountName  = "default"
	importedAccountName = "imported"
)

// keyLoc locates a key of the default account.
type keyLoc struct {
	Branch, Index uint32
}

// derivedKey is a key of the default account: its private key (kept, so
// that signing a vote does not derive it again), its public key and the
// public key's hash160.
type derivedKey struct {
	priv *secp256k1.PrivateKey
	pub  []byte
	hash [20]byte
}

// keyStore derives the default account's keys from the seed
// (m/44'/coin'/0'/branch/index) and finds keys by hash160. Keys are derived
// up to a watermark per branch (the address cursor plus the gap limit);
// indexes whose derivation is invalid are skipped, as dcrwallet does.
type keyStore struct {
	params *chaincfg.Params
	acct   *hdkeychain.ExtendedKey
	branch [2]*hdkeychain.ExtendedKey

	mu     sync.Mutex
	keys   [2][]*derivedKey
	byHash map[[20]byte]keyLoc
}

func newKeyStore(seed []byte, params *chaincfg.Params) (*keyStore, error) {
	master, err := hdkeychain.NewMaster(seed, params)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	// m/44'/coin'/0'
	path := []uint32{
		hdkeychain.HardenedKeyStart + 44,
		hdkeychain.HardenedKeyStart + params.SLIP0044CoinType,
		hdkeychain.HardenedKeyStart + 0,
	}
	k, err := master.DerivePath(path...)
	if err != nil {
		return nil, fmt.Errorf("derive account key: %w", err)
	}
	ks := &keyStore{params: params, acct: k, byHash: make(map[[20]byte]keyLoc)}
	for b := range ks.branch {
		if ks.branch[b], err = k.Child(uint32(b)); err != nil {
			return nil, fmt.Errorf("derive branch %d: %w", b, err)
		}
	}
	return ks, nil
}

// accountXpub is the default account's extended public key
// (getmasterpubkey).
func (ks *keyStore) accountXpub() string {
	return ks.acct.Neuter().String()
}

// watch derives keys of branch up to (excluding) index upto.
func (ks *keyStore) watch(branch, upto uint32) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	for i := uint32(len(ks.keys[branch])); i < upto && i < hdkeychain.HardenedKeyStart; i++ {
		child, err := ks.branch[branch].Child(i)
		if err != nil {
			// An invalid child: leave a hole, as the wallets skip it.
			ks.keys[branch] = append(ks.keys[branch], nil)
			continue
		}
		priv, err := child.ECPrivKey()
		if err != nil { // cannot happen: the branch keys are private
			panic(fmt.Sprintf("derive key %d/%d: %v", branch, i, err))
		}
		pub := child.SerializedPubKey()
		dk := &derivedKey{priv: priv, pub: pub, hash: hash160(pub)}
		ks.keys[branch] = append(ks.keys[branch], dk)
		ks.byHash[dk.hash] = keyLoc{Branch: branch, Index: i}
	}
}

// key returns the public key at branch/index, deriving it if needed; nil
// when that index is invalid.
func (ks *keyStore) key(branch, index uint32) *derivedKey {
	ks.watch(branch, index+1)
	ks.mu.Lock()
	defer ks.mu.Unlock()
	return ks.keys[branch][index]
}

// lookup finds the key whose hash160 is h.
func (ks *keyStore) lookup(h [20]byte) (keyLoc, bool) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	loc, ok := ks.byHash[h]
	return loc, ok
}

// pubKey returns the public key whose hash160 is h, if the wallet has it.
func (ks *keyStore) pubKey(h [20]byte) ([]byte, bool) {
	loc, ok := ks.lookup(h)
	if !ok {
		return nil, false
	}
	return ks.key(loc.Branch, loc.Index).pub, true
}

// errNoKey is returned when the wallet does not hold a needed private key.
var errNoKey = errors.New("the wallet does not hold the private key")

// privKey returns the 32-byte private key whose hash160 is h.
func (ks *keyStore) privKey(h [20]byte) ([]byte, error) {
	k, err := ks.signer(h)
	if err != nil {
		return nil, err
	}
	b := k.Key.Bytes()
	return b[:], nil
}

// signer returns the private key whose public key's hash160 is h.
func (ks *keyStore) signer(h [20]byte) (*secp256k1.PrivateKey, error) {
	loc, ok := ks.lookup(h)
	if !ok {
		return nil, errNoKey
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	return ks.keys[loc.Branch][loc.Index].priv, nil
}

// privKeyAt returns the 32-byte private key at a location.
func (ks *keyStore) privKeyAt(loc keyLoc) ([]byte, error) {
	child, err := ks.branch[loc.Branch].Child(loc.Index)
	if err != nil {
		return nil, fmt.Errorf("derive key %d/%d: %w", loc.Branch, loc.Index, err)
	}
	return child.SerializedPrivKey()
}

// nextValid returns the first valid index at or after i on branch.
func (ks *keyStore) nextValid(branch, i uint32) uint32 {
	for ks.key(branch, i) == nil {
		i++
	}
	return i
}
