package wallet

import (
	"context"
	"encoding/hex"
	"sort"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// addrMethods are the key, address and script methods.
func (w *Wallet) addrMethods() []rpcserver.Method {
	return []rpcserver.Method{
		{Name: "getnewaddress", Params: []string{"account", "gappolicy"}, Handler: w.getNewAddress},
		{Name: "getmasterpubkey", Params: []string{"account"}, Handler: w.getMasterPubKey},
		{Name: "accountsyncaddressindex", Params: []string{"account", "branch", "index"}, Required: 3, Handler: w.accountSyncAddressIndex},
		{Name: "validateaddress", Params: []string{"address"}, Required: 1, Handler: w.validateAddress},
		{Name: "createmultisig", Params: []string{"nrequired", "keys"}, Required: 2, Handler: w.createMultisig},
		{Name: "importscript", Params: []string{"hex", "rescan", "scanfrom"}, Required: 1, Handler: w.importScript},
		{Name: "listscripts", Handler: w.listScripts},
		{Name: "getaddressesbyaccount", Params: []string{"account"}, Required: 1, Handler: w.getAddressesByAccount},
	}
}

// maxSyncAhead bounds how far accountsyncaddressindex may move a branch
// cursor in one call.
const maxSyncAhead = 100000

// checkAccount maps an account name to default (false) or imported (true).
func checkAccount(name string) (imported bool, err error) {
	switch name {
	case defaultAccountName:
		return false, nil
	case importedAccountName:
		return true, nil
	}
	return false, errAccountNotFound
}

func (w *Wallet) getNewAddress(_ context.Context, c *rpcserver.Call) (any, error) {
	acct := c.Params.OptString(0, defaultAccountName)
	policy := c.Params.OptString(1, "error")
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	imported, err := checkAccount(acct)
	if err != nil {
		return nil, err
	}
	if imported {
		return nil, walletErr("account %q does not derive addresses", acct)
	}
	switch policy {
	case "error", "ignore", "wrap":
	default:
		return nil, invalidParam("unknown gap policy %q", policy)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	next := w.st.NextExternal
	if next >= w.st.UsedExternal+w.cfg.GapLimit {
		switch policy {
		case "error":
			return nil, walletErr("policy violation: generating next address violates the unused address gap limit policy")
		case "wrap":
			next = w.st.UsedExternal
		}
	}
	idx := w.keys.nextValid(branchExternal, next)
	if idx+1 > w.st.NextExternal {
		w.st.NextExternal = idx + 1
	}
	w.keys.watch(branchExternal, w.st.NextExternal+w.cfg.GapLimit)
	if err := w.saveLocked(); err != nil {
		return nil, err
	}
	return w.p2pkhAddr(w.keys.key(branchExternal, idx).hash), nil
}

func (w *Wallet) getMasterPubKey(_ context.Context, c *rpcserver.Call) (any, error) {
	acct := c.Params.OptString(0, defaultAccountName)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	imported, err := checkAccount(acct)
	if err != nil {
		return nil, err
	}
	if imported {
		return nil, walletErr("account %q has no extended public key", acct)
	}
	return w.keys.accountXpub(), nil
}

func (w *Wallet) accountSyncAddressIndex(_ context.Context, c *rpcserver.Call) (any, error) {
	acct := c.Params.String(0)
	branch := c.Params.Uint32(1)
	index := c.Params.Uint32(2)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	imported, err := checkAccount(acct)
	if err != nil {
		return nil, err
	}
	if imported {
		return nil, walletErr("account %q does not derive addresses", acct)
	}
	if branch > branchInternal {
		return nil, invalidParam("branch must be 0 (external) or 1 (internal)")
	}
	if index >= 1<<31 {
		return nil, invalidParam("child index %d out of range", index)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	cursor := &w.st.NextExternal
	if branch == branchInternal {
		cursor = &w.st.NextInternal
	}
	if index >= *cursor+maxSyncAhead {
		// Every skipped address is derived and watched; refuse a jump
		// that would take minutes rather than hang.
		return nil, invalidParam("index %d is more than %d addresses past the current one (%d)", index, maxSyncAhead, *cursor)
	}
	if index+1 > *cursor {
		*cursor = index + 1
	}
	w.keys.watch(branch, *cursor+w.cfg.GapLimit)
	return nil, w.saveLocked()
}

func (w *Wallet) validateAddress(_ context.Context, c *rpcserver.Call) (any, error) {
	s := c.Params.String(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	a, err := w.decodeAddr(s)
	if err != nil {
		return rpcjson.ValidateAddressWalletResult{}, nil
	}
	switch a.kind {
	case addrP2SH:
		res := rpcjson.ValidateAddressWalletResult{IsValid: true, Address: w.p2shAddr(a.hash)}
		w.mu.Lock()
		script, ok := w.scripts[a.hash]
		w.mu.Unlock()
		if !ok {
			return res, nil
		}
		res.IsMine, res.IsScript, res.Account = true, true, importedAccountName
		res.Hex, res.Script = hex.EncodeToString(script), scriptClass(script)
		if m, pubs, ok := parseMultisig(script); ok {
			res.SigsRequired = int32(m)
			for _, p := range pubs {
				res.Addresses = append(res.Addresses, w.p2pkhAddr(hash160(p)))
			}
		}
		return res, nil
	default: // P2PKH, or a pubkey address reported as its P2PKH form
		res := rpcjson.ValidateAddressWalletResult{IsValid: true, Address: w.p2pkhAddr(a.hash)}
		pub, ok := w.keys.pubKey(a.hash)
		if !ok {
			return res, nil
		}
		res.IsMine, res.Account = true, defaultAccountName
		res.PubKey, res.PubKeyAddr, res.IsCompressed = hex.EncodeToString(pub), w.pubKeyAddr(pub), true
		return res, nil
	}
}

func (w *Wallet) createMultisig(_ context.Context, c *rpcserver.Call) (any, error) {
	nreq := c.Params.Int(0)
	keys := c.Params.Strings(1)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	if len(keys) == 0 || len(keys) > 16 || nreq < 1 || nreq > len(keys) {
		return nil, invalidParam("unable to build a %d-of-%d multisig script", nreq, len(keys))
	}
	pubs := make([][]byte, 0, len(keys))
	for _, k := range keys {
		pub, err := w.multisigKey(k)
		if err != nil {
			return nil, err
		}
		pubs = append(pubs, pub)
	}
	script, err := txscript.MultiSigScript(nreq, pubs)
	if err != nil {
		return nil, invalidParam("%v", err)
	}
	return rpcjson.CreateMultisigResult{Address: w.p2shAddr(hash160(script)), RedeemScript: hex.EncodeToString(script)}, nil
}

// multisigKey resolves one createmultisig key: a pubkey address, a hex
// compressed public key, or a P2PKH address of a wallet key.
func (w *Wallet) multisigKey(k string) ([]byte, error) {
	if len(k) == 66 {
		if b, err := hex.DecodeString(k); err == nil {
			if _, err := secp256k1.ParsePubKey(b); err != nil || (b[0] != 2 && b[0] != 3) {
				return nil, invalidAddress("invalid public key %s", k)
			}
			return b, nil
		}
	}
	a, err := w.decodeAddr(k)
	if err != nil {
		return nil, invalidAddress("invalid address %s: %v", k, err)
	}
	switch a.kind {
	case addrPubKey:
		return a.pub, nil
	case addrP2PKH:
		if pub, ok := w.keys.pubKey(a.hash); ok {
			return pub, nil
		}
		return nil, walletErr("address not found in wallet")
	}
	return nil, invalidAddress("address %s is not a public key or public key hash address", k)
}

func (w *Wallet) importScript(_ context.Context, c *rpcserver.Call) (any, error) {
	h := c.Params.String(0)
	rescan := c.Params.OptBool(1, true)
	scanFrom := c.Params.OptInt(2, 0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	script, err := hex.DecodeString(h)
	if err != nil {
		return nil, decodeErr("script is not hex: %v", err)
	}
	if len(script) == 0 {
		return nil, invalidParam("empty script")
	}
	if scanFrom < 0 {
		return nil, invalidParam("scanfrom must not be negative")
	}
	if w.isLocked() {
		return nil, errLocked
	}
	if rescan && !w.node.Connected() {
		return nil, errNotConnected
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	hash := hash160(script)
	if _, dup := w.scripts[hash]; !dup {
		w.addScriptBytesLocked(script)
		w.st.Scripts = append(w.st.Scripts, hex.EncodeToString(script))
		w.st.touchScript(len(w.st.Scripts) - 1)
		if err := w.saveLocked(); err != nil {
			return nil, err
		}
		w.log.Info("imported script", "address", w.p2shAddr(hash))
	}
	if rescan {
		if w.rescanFrom < 0 || int64(scanFrom) < w.rescanFrom {
			w.rescanFrom = int64(scanFrom)
		}
		w.notify()
	}
	return nil, nil
}

// addScriptLocked loads a saved script.
func (w *Wallet) addScriptLocked(h string) error {
	script, err := hex.DecodeString(h)
	if err != nil || len(script) == 0 {
		return invalidParam("bad saved script")
	}
	w.addScriptBytesLocked(script)
	return nil
}

// addScriptBytesLocked registers an imported redeem script and, for a
// multisig script, the hash160s of its keys (parsed once: checking the
// keys' points is costly and every ticket paying the script needs them).
func (w *Wallet) addScriptBytesLocked(script []byte) {
	h := hash160(script)
	w.scripts[h] = script
	if _, pubs, ok := parseMultisig(script); ok {
		hs := make([][20]byte, len(pubs))
		for i, p := range pubs {
			hs[i] = hash160(p)
		}
		w.scriptKeys[h] = hs
	}
}

// canSignScript reports whether the wallet holds a key of the imported
// multisig script with hash h.
func (w *Wallet) canSignScript(h [20]byte) bool {
	for _, kh := range w.scriptKeys[h] {
		if _, ok := w.keys.lookup(kh); ok {
			return true
		}
	}
	return false
}

func (w *Wallet) listScripts(context.Context, *rpcserver.Call) (any, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	res := rpcjson.ListScriptsResult{Scripts: []rpcjson.ScriptInfo{}}
	for _, h := range w.st.Scripts {
		script, _ := hex.DecodeString(h)
		hash := hash160(script)
		res.Scripts = append(res.Scripts, rpcjson.ScriptInfo{Hash160: hex.EncodeToString(hash[:]),
			Address: w.p2shAddr(hash), RedeemScript: h})
	}
	return res, nil
}

func (w *Wallet) getAddressesByAccount(_ context.Context, c *rpcserver.Call) (any, error) {
	acct := c.Params.String(0)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	imported, err := checkAccount(acct)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	addrs := []string{}
	if imported {
		for h := range w.scripts {
			addrs = append(addrs, w.p2shAddr(h))
		}
		sort.Strings(addrs)
		return addrs, nil
	}
	for _, b := range []struct{ branch, n uint32 }{{branchExternal, w.st.NextExternal}, {branchInternal, w.st.NextInternal}} {
		for i := uint32(0); i < b.n; i++ {
			if k := w.keys.key(b.branch, i); k != nil {
				addrs = append(addrs, w.p2pkhAddr(k.hash))
			}
		}
	}
	return addrs, nil
}
