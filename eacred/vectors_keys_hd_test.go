package eacred_test

// Vector handlers for hdkeychain.json.

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
)

func init() {
	register("hdkeychain.json", "bip32_vectors", testHDChains)
	register("hdkeychain.json", "private_derivation_from_xprv", testHDChains)
	register("hdkeychain.json", "public_derivation_from_xpub", testHDChains)
	register("hdkeychain.json", "strict_bip32_vector4_not_decred_default", testHDChains)
	register("hdkeychain.json", "xpub_to_addresses", testHDXpubAddresses)
	register("hdkeychain.json", "api_vectors", testHDAPI)
}

// hdChainCase is one derivation chain case; which want fields are set
// depends on the section.
type hdChainCase struct {
	Name         string   `json:"name"`
	Master       string   `json:"master"`
	Path         []uint32 `json:"path"`
	PathStr      string   `json:"path_str"`
	WantPub      string   `json:"wantPub"`
	WantPriv     string   `json:"wantPriv"`
	WantPrivSer  string   `json:"wantPrivSer"`
	LeadingZeros int      `json:"leadingZeros"`
	Net          string   `json:"net"`
}

// hdMaster returns the starting key of a case: a master key from a hex
// seed, or a parsed extended key.
func hdMaster(t *testing.T, master string, p *chaincfg.Params) *hdkeychain.ExtendedKey {
	t.Helper()
	if seed, err := hex.DecodeString(master); err == nil {
		k, err := hdkeychain.NewMaster(seed, p)
		if err != nil {
			t.Fatalf("NewMaster(%s): %v", master, err)
		}
		return k
	}
	k, err := hdkeychain.Parse(master, p)
	if err != nil {
		t.Fatalf("Parse(%s): %v", master, err)
	}
	if k.String() != master {
		t.Fatalf("Parse(%s).String() = %s", master, k)
	}
	return k
}

func testHDChains(t *testing.T, raw json.RawMessage) {
	var cases []hdChainCase
	decodeStrict(t, raw, &cases)
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range cases {
		p := paramsByName(t, c.Net)
		path, err := hdkeychain.ParsePath(c.PathStr)
		if err != nil || !slices.Equal(path, c.Path) && !(len(path) == 0 && len(c.Path) == 0) {
			t.Errorf("%s: ParsePath(%s) = %v, %v; want %v", c.Name, c.PathStr, path, err, c.Path)
		}
		if got := hdkeychain.FormatPath(c.Path); got != c.PathStr {
			t.Errorf("%s: FormatPath = %s, want %s", c.Name, got, c.PathStr)
		}
		strict := c.WantPrivSer != ""
		k := hdMaster(t, c.Master, p)
		startDepth := int(k.Depth())
		for _, i := range c.Path {
			if strict {
				k, err = k.ChildBIP32Std(i)
			} else {
				k, err = k.Child(i)
			}
			if err != nil {
				t.Fatalf("%s: child %d: %v", c.Name, i, err)
			}
		}
		if int(k.Depth()) != startDepth+len(c.Path) || (len(c.Path) > 0 && k.ChildIndex() != c.Path[len(c.Path)-1]) {
			t.Errorf("%s: depth %d index %d", c.Name, k.Depth(), k.ChildIndex())
		}
		if c.WantPriv != "" {
			if got := k.String(); got != c.WantPriv {
				t.Errorf("%s: priv = %s, want %s", c.Name, got, c.WantPriv)
			}
			checkReparse(t, c.Name, c.WantPriv, p, true)
		}
		if c.WantPub != "" {
			if got := k.Neuter().String(); got != c.WantPub {
				t.Errorf("%s: pub = %s, want %s", c.Name, got, c.WantPub)
			}
			checkReparse(t, c.Name, c.WantPub, p, false)
		}
		if strict {
			ser, err := k.SerializedPrivKey()
			if err != nil || hex.EncodeToString(ser) != c.WantPrivSer {
				t.Errorf("%s: private key = %x, %v; want %s", c.Name, ser, err, c.WantPrivSer)
			}
			zeros := len(ser) - len(strings.TrimLeft(string(ser), "\x00"))
			if zeros != c.LeadingZeros {
				t.Errorf("%s: %d leading zero bytes, vectors say %d", c.Name, zeros, c.LeadingZeros)
			}
			// The file's point: Decred's Child differs from strict BIP32
			// below a private key with leading zero bytes.
			if strings.Contains(c.Name, "different") {
				d, err := hdMaster(t, c.Master, p).DerivePath(c.Path...)
				if err != nil || d.String() == c.WantPriv {
					t.Errorf("%s: Decred derivation should differ from strict BIP32 (%v)", c.Name, err)
				}
			}
		}
	}
}

// checkReparse parses a wanted key string and checks it serializes back.
func checkReparse(t *testing.T, name, s string, p *chaincfg.Params, private bool) {
	t.Helper()
	k, err := hdkeychain.Parse(s, p)
	if err != nil {
		t.Errorf("%s: Parse(%s): %v", name, s, err)
		return
	}
	if k.String() != s || k.IsPrivate() != private {
		t.Errorf("%s: reparse %s -> %s (private %v)", name, s, k, k.IsPrivate())
	}
	for _, other := range chaincfg.All() {
		if other.HDPublicKeyID == p.HDPublicKeyID {
			continue
		}
		if _, err := hdkeychain.Parse(s, other); !errors.Is(err, hdkeychain.ErrWrongNetwork) {
			t.Errorf("%s: Parse on %s: err = %v, want ErrWrongNetwork", name, other.Name, err)
		}
	}
}

func testHDXpubAddresses(t *testing.T, raw json.RawMessage) {
	var cases []struct {
		Network   string   `json:"network"`
		Xpub      string   `json:"account_xpub"`
		Branch    uint32   `json:"branch"`
		Addresses []string `json:"addresses_index_0_to_9"`
	}
	decodeStrict(t, raw, &cases)
	for _, c := range cases {
		p := paramsByName(t, c.Network)
		acct, err := hdkeychain.Parse(c.Xpub, p)
		if err != nil {
			t.Fatalf("%s: %v", c.Xpub, err)
		}
		if acct.Depth() != 3 || acct.IsPrivate() {
			t.Errorf("%s: depth %d private %v", c.Xpub, acct.Depth(), acct.IsPrivate())
		}
		for i, want := range c.Addresses {
			a, err := hdkeychain.AddressAt(acct, c.Branch, uint32(i), p)
			if err != nil || a.String() != want {
				t.Errorf("%s AddressAt(%d, %d) = %v, %v; want %s", c.Network, c.Branch, i, a, err, want)
			}
		}
		got, err := hdkeychain.BranchAddresses(acct, c.Branch, 0, uint32(len(c.Addresses)), p)
		if err != nil || len(got) != len(c.Addresses) {
			t.Fatalf("%s BranchAddresses: %d, %v", c.Network, len(got), err)
		}
		for i, ia := range got {
			if ia.Index != uint32(i) || ia.Address.String() != c.Addresses[i] {
				t.Errorf("%s BranchAddresses[%d] = %d %s, want %s", c.Network, i, ia.Index, ia.Address, c.Addresses[i])
			}
		}
	}
}

func testHDAPI(t *testing.T, raw json.RawMessage) {
	var cases []struct {
		Name      string `json:"name"`
		ExtKey    string `json:"extKey"`
		IsPrivate bool   `json:"isPrivate"`
		ParentFP  uint32 `json:"parentFP"`
		PrivKey   string `json:"privKey"`
		PubKey    string `json:"pubKey"`
	}
	decodeStrict(t, raw, &cases)
	for _, c := range cases {
		// The cases carry no network: find the one whose versions parse.
		var k *hdkeychain.ExtendedKey
		for _, p := range chaincfg.All() {
			if kk, err := hdkeychain.Parse(c.ExtKey, p); err == nil {
				k = kk
				break
			}
		}
		if k == nil {
			t.Fatalf("%s: %s parses on no network", c.Name, c.ExtKey)
		}
		if k.IsPrivate() != c.IsPrivate || k.ParentFingerprint() != c.ParentFP {
			t.Errorf("%s: private %v fp %d", c.Name, k.IsPrivate(), k.ParentFingerprint())
		}
		if got := hex.EncodeToString(k.SerializedPubKey()); got != c.PubKey {
			t.Errorf("%s: pubkey %s, want %s", c.Name, got, c.PubKey)
		}
		if got := hex.EncodeToString(k.ECPubKey().SerializeCompressed()); got != c.PubKey {
			t.Errorf("%s: ECPubKey %s", c.Name, got)
		}
		priv, err := k.ECPrivKey()
		switch {
		case c.IsPrivate && (err != nil || hex.EncodeToString(priv.Serialize()) != c.PrivKey):
			t.Errorf("%s: ECPrivKey = %v, want %s", c.Name, err, c.PrivKey)
		case !c.IsPrivate && !errors.Is(err, hdkeychain.ErrNotPrivExtKey):
			t.Errorf("%s: ECPrivKey on public key err = %v", c.Name, err)
		}
	}
}
