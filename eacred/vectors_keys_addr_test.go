package eacred_test

// Vector handlers for addresses.json.

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/txscript"
)

func init() {
	register("addresses.json", "vectors", testAddressVectors)
	register("addresses.json", "simnet_computed", testAddressSimnetComputed)
	register("addresses.json", "simnet_published", testAddressSimnetPublished)
	register("addresses.json", "privkey_one", testAddressPrivKeyOne)
	register("addresses.json", "negative", testAddressNegative)
}

// decodeAddr decodes an address that the vectors say is valid.
func decodeAddr(t *testing.T, s string, p *chaincfg.Params) address.Address {
	t.Helper()
	a, err := address.Decode(s, p)
	if err != nil {
		t.Fatalf("Decode(%s, %s): %v", s, p.Name, err)
	}
	if got := a.String(); got != s {
		t.Errorf("Decode(%s).String() = %s", s, got)
	}
	if a.Params() != p {
		t.Errorf("Decode(%s).Params() = %s", s, a.Params().Name)
	}
	return a
}

// ctorInput names the field of an address case a constructor builds from.
type ctorInput int

const (
	fromPubKey ctorInput = iota
	fromHash160
	fromRedeemScript
)

// addrCtor is one of upstream's address constructors: the case field it
// takes and ours that builds the same address.
type addrCtor struct {
	input ctorInput
	build func(in []byte, p *chaincfg.Params) (address.Address, error)
}

// addrConstructors maps every constructor name of upstream's address
// tests (dcrd txscript/stdaddr) to ours. The Raw variants take the same
// serialized key; names may carry upstream's script-version suffix "V0"
// (NewAddressScriptHashV0FromHash), which ctorByName strips.
var addrConstructors = map[string]addrCtor{
	"NewAddressPubKeyHashEcdsaSecp256k1": {fromHash160, func(in []byte, p *chaincfg.Params) (address.Address, error) {
		return address.NewPubKeyHashAddress(in, p)
	}},
	"NewAddressPubKeyHashEd25519": {fromHash160, func(in []byte, p *chaincfg.Params) (address.Address, error) {
		return address.NewPubKeyHashAddressEd25519(in, p)
	}},
	"NewAddressPubKeyHashSchnorrSecp256k1": {fromHash160, func(in []byte, p *chaincfg.Params) (address.Address, error) {
		return address.NewPubKeyHashAddressSchnorr(in, p)
	}},
	"NewAddressScriptHashFromHash": {fromHash160, func(in []byte, p *chaincfg.Params) (address.Address, error) {
		return address.FromScriptHash(in, p)
	}},
	// The P2SH address of a redeem script (field input_redeem_script).
	"NewAddressScriptHash": {fromRedeemScript, func(in []byte, p *chaincfg.Params) (address.Address, error) {
		return address.NewScriptHashAddress(in, p)
	}},
	"NewAddressPubKeyEcdsaSecp256k1": {fromPubKey, func(in []byte, p *chaincfg.Params) (address.Address, error) {
		return address.NewPubKeyAddress(in, p)
	}},
	"NewAddressPubKeyEd25519": {fromPubKey, func(in []byte, p *chaincfg.Params) (address.Address, error) {
		return address.NewPubKeyAddressEd25519(in, p)
	}},
	"NewAddressPubKeySchnorrSecp256k1": {fromPubKey, func(in []byte, p *chaincfg.Params) (address.Address, error) {
		return address.NewPubKeyAddressSchnorr(in, p)
	}},
}

func init() {
	for _, name := range []string{"NewAddressPubKeyEcdsaSecp256k1", "NewAddressPubKeyEd25519", "NewAddressPubKeySchnorrSecp256k1"} {
		addrConstructors[name+"Raw"] = addrConstructors[name]
	}
}

// ctorByName looks a constructor up, accepting upstream's "V0" suffix.
func ctorByName(t *testing.T, name string) addrCtor {
	t.Helper()
	c, ok := addrConstructors[strings.Replace(name, "V0", "", 1)]
	if !ok {
		t.Fatalf("vectors name unknown constructor %q", name)
	}
	return c
}

// kindConstructors builds an address of a kind named as in the vectors.
var kindConstructors = map[string]string{
	"p2pkh-ecdsa-secp256k1":   "NewAddressPubKeyHashEcdsaSecp256k1",
	"p2pkh-ed25519":           "NewAddressPubKeyHashEd25519",
	"p2pkh-schnorr-secp256k1": "NewAddressPubKeyHashSchnorrSecp256k1",
	"p2sh":                    "NewAddressScriptHashFromHash",
	"p2pk-ecdsa-secp256k1":    "NewAddressPubKeyEcdsaSecp256k1",
	"p2pk-ed25519":            "NewAddressPubKeyEd25519",
	"p2pk-schnorr-secp256k1":  "NewAddressPubKeySchnorrSecp256k1",
}

func construct(t *testing.T, ctor string, in []byte, p *chaincfg.Params) address.Address {
	t.Helper()
	a, err := ctorByName(t, ctor).build(in, p)
	if err != nil {
		t.Fatalf("%s(%x): %v", ctor, in, err)
	}
	return a
}

func testAddressVectors(t *testing.T, raw json.RawMessage) {
	var cases []struct {
		Name         string `json:"name"`
		Address      string `json:"address"`
		Network      string `json:"network"`
		InputPubKey  string `json:"input_pubkey"`
		InputHash160 string `json:"input_hash160"`
		InputScript  string `json:"input_redeem_script"`
		Constructor  string `json:"constructor"`
		PayScript    string `json:"pay_script"`
		PubKey       string `json:"pubkey"`
		VoteRights   string `json:"vote_rights_script_OP_SSTX"`
		Commitment   string `json:"reward_commitment_script"`
		StakeChange  string `json:"stake_change_script_OP_SSTXCHANGE"`
		VotePay      string `json:"pay_vote_commitment_script_OP_SSGEN"`
		RevokePay    string `json:"pay_revoke_commitment_script_OP_SSRTX"`
		TreasuryPay  string `json:"pay_from_treasury_script_OP_TGEN"`
		RewardAmount int64  `json:"reward_amount"`
		RevokeLimit  int64  `json:"revoke_fee_limit"`
	}
	decodeStrict(t, raw, &cases)
	for _, c := range cases {
		p := paramsByName(t, c.Network)
		a := decodeAddr(t, c.Address, p)
		if got := hex.EncodeToString(a.PayScript()); got != c.PayScript {
			t.Errorf("%s: PayScript = %s, want %s", c.Name, got, c.PayScript)
		}
		// The kind named by the case (after the network word) must match.
		wantKind := strings.Fields(c.Name)[1]
		wantKind = strings.ReplaceAll(wantKind, "sep256k1-ecdsa", "ecdsa-secp256k1")
		wantKind = strings.ReplaceAll(wantKind, "sep256k1-schnorr", "schnorr-secp256k1")
		if a.Kind().String() != wantKind {
			t.Errorf("%s: Kind = %s, want %s", c.Name, a.Kind(), wantKind)
		}
		if c.PubKey != "" {
			pk, ok := a.(*address.PubKeyAddress)
			if !ok || hex.EncodeToString(pk.PubKey()) != c.PubKey {
				t.Errorf("%s: decoded %T pubkey, want %s", c.Name, a, c.PubKey)
			}
		}
		if c.InputHash160 != "" {
			ha, ok := a.(address.HashAddress)
			if !ok || hex.EncodeToString(ha.Hash160()[:]) != c.InputHash160 {
				t.Errorf("%s: decoded %T hash, want %s", c.Name, a, c.InputHash160)
			}
		}
		if c.InputScript != "" {
			// The script hashes to the address's payload.
			ha, ok := a.(address.HashAddress)
			if !ok || !bytes.Equal(ha.Hash160()[:], txscript.Hash160(mustHex(t, c.InputScript))) {
				t.Errorf("%s: decoded %T is not the hash of the redeem script", c.Name, a)
			}
		}
		if c.Constructor != "" {
			ctor := ctorByName(t, c.Constructor)
			in := map[ctorInput]string{fromPubKey: c.InputPubKey, fromHash160: c.InputHash160, fromRedeemScript: c.InputScript}[ctor.input]
			if in == "" {
				t.Errorf("%s: %s without its input", c.Name, c.Constructor)
			} else if built := construct(t, c.Constructor, mustHex(t, in), p); built.String() != c.Address || !address.Equal(built, a) {
				t.Errorf("%s: %s = %s, want %s", c.Name, c.Constructor, built, c.Address)
			}
		} else if c.InputPubKey+c.InputHash160+c.InputScript != "" {
			t.Errorf("%s: input without constructor", c.Name)
		}
		// Stake-tagged scripts are the pay script behind one tag opcode.
		pay := a.PayScript()
		for _, s := range []struct {
			tag  byte
			want string
		}{{0xba, c.VoteRights}, {0xbd, c.StakeChange}, {0xbb, c.VotePay}, {0xbc, c.RevokePay}, {0xc3, c.TreasuryPay}} {
			if s.want == "" {
				continue
			}
			if got := hex.EncodeToString(append([]byte{s.tag}, pay...)); got != s.want {
				t.Errorf("%s: tag %#x script = %s, want %s", c.Name, s.tag, got, s.want)
			}
			if s.tag == 0xc3 { // OP_TGEN: treasury, not a ticket script
				continue
			}
			ha := a.(address.HashAddress)
			ts, err := txscript.StakeTaggedScript(s.tag, ha.Hash160()[:], a.Kind() == address.KindP2SH)
			if err != nil || hex.EncodeToString(ts) != s.want {
				t.Errorf("%s: txscript.StakeTaggedScript(%#x) = %x, %v", c.Name, s.tag, ts, err)
			}
		}
		if c.Commitment != "" {
			checkCommitment(t, c.Name, a, c.Commitment, c.RewardAmount, c.RevokeLimit)
		}
	}
}

// checkCommitment checks a ticket commitment script: OP_RETURN, a 30-byte
// push of hash160 || amount (uint64 LE, top bit set for P2SH) || fee limits
// (vote fee limit byte, revocation fee limit byte; see protocol.md §3.4).
func checkCommitment(t *testing.T, name string, a address.Address, want string, amount, revokeLimit int64) {
	t.Helper()
	ha, ok := a.(address.HashAddress)
	if !ok {
		t.Errorf("%s: commitment for non-hash address", name)
		return
	}
	var payload [30]byte
	copy(payload[:20], ha.Hash160()[:])
	v := uint64(amount)
	if a.Kind() == address.KindP2SH {
		v |= 1 << 63
	}
	binary.LittleEndian.PutUint64(payload[20:28], v)
	if revokeLimit != 0 {
		limit := 0
		for 1<<limit < revokeLimit {
			limit++
		}
		// The vote fee limit (low byte) is absent; the revocation limit
		// (high byte) is flagged 0x40 with exponent ceil(log2(limit)).
		payload[29] = 0x40 | byte(limit)
	}
	got := append([]byte{0x6a, 0x1e}, payload[:]...)
	if !bytes.Equal(got, mustHex(t, want)) {
		t.Errorf("%s: commitment = %x, want %s", name, got, want)
	}
	// Cross-check with the script package's encoder and parser.
	c := txscript.Commitment{
		Hash:       *ha.Hash160(),
		ScriptHash: a.Kind() == address.KindP2SH,
		Amount:     amount,
		Limits:     txscript.NewFeeLimits(0, txscript.EncodeFeeLimit(revokeLimit)),
	}
	script, err := txscript.CommitmentScript(c)
	if err != nil || hex.EncodeToString(script) != want {
		t.Errorf("%s: txscript.CommitmentScript = %x, %v; want %s", name, script, err, want)
	}
	parsed, err := txscript.ParseCommitmentScript(mustHex(t, want))
	if err != nil || parsed != c {
		t.Errorf("%s: txscript.ParseCommitmentScript = %+v, %v; want %+v", name, parsed, err, c)
	}
}

func testAddressSimnetComputed(t *testing.T, raw json.RawMessage) {
	var cases []struct {
		Kind    string `json:"kind"`
		Hash160 string `json:"hash160"`
		PubKey  string `json:"pubkey"`
		Address string `json:"address"`
	}
	decodeStrict(t, raw, &cases)
	p := chaincfg.SimNetParams()
	for _, c := range cases {
		a := decodeAddr(t, c.Address, p)
		if a.Kind().String() != c.Kind {
			t.Errorf("%s: kind %s, want %s", c.Address, a.Kind(), c.Kind)
		}
		built := construct(t, kindConstructors[c.Kind], mustHex(t, c.Hash160+c.PubKey), p)
		if built.String() != c.Address {
			t.Errorf("%s from %s%s = %s, want %s", c.Kind, c.Hash160, c.PubKey, built, c.Address)
		}
	}
}

func testAddressSimnetPublished(t *testing.T, raw json.RawMessage) {
	var sec struct {
		Source    string   `json:"source"`
		Addresses []string `json:"addresses"`
	}
	decodeStrict(t, raw, &sec)
	if len(sec.Addresses) == 0 {
		t.Fatal("no addresses")
	}
	for _, s := range sec.Addresses {
		if a := decodeAddr(t, s, chaincfg.SimNetParams()); a.Kind() != address.KindP2PKH {
			t.Errorf("%s: kind %s", s, a.Kind())
		}
		if _, err := address.Decode(s, chaincfg.MainNetParams()); !errors.Is(err, address.ErrWrongNetwork) {
			t.Errorf("%s on mainnet: err = %v, want ErrWrongNetwork", s, err)
		}
	}
}

func testAddressPrivKeyOne(t *testing.T, raw json.RawMessage) {
	var v struct {
		Source            string `json:"source"`
		PrivKey           string `json:"privkey_hex"`
		CompressedPubKey  string `json:"compressed_pubkey"`
		Hash160           string `json:"hash160_compressed"`
		P2PKHCompressed   string `json:"mainnet_p2pkh_compressed"`
		P2PKHUncompressed string `json:"mainnet_p2pkh_uncompressed"`
		PubKeyAddress     string `json:"mainnet_pubkey_address"`
		Note              string `json:"note"`
	}
	decodeStrict(t, raw, &v)
	p := chaincfg.MainNetParams()
	pub := secp256k1.PrivKeyFromBytes(mustHex(t, v.PrivKey)).PubKey()
	if got := hex.EncodeToString(pub.SerializeCompressed()); got != v.CompressedPubKey {
		t.Errorf("pubkey = %s, want %s", got, v.CompressedPubKey)
	}
	if got := hex.EncodeToString(address.Hash160(pub.SerializeCompressed())); got != v.Hash160 {
		t.Errorf("hash160 = %s, want %s", got, v.Hash160)
	}
	for _, key := range [][]byte{pub.SerializeCompressed(), pub.SerializeUncompressed()} {
		a, err := address.NewAddressPubKeyHash(key, p)
		if err != nil || a.String() != v.P2PKHCompressed {
			t.Errorf("NewAddressPubKeyHash(%x) = %v, %v, want %s", key, a, err, v.P2PKHCompressed)
		}
	}
	unc, err := address.NewPubKeyHashAddress(address.Hash160(pub.SerializeUncompressed()), p)
	if err != nil || unc.String() != v.P2PKHUncompressed {
		t.Errorf("uncompressed P2PKH = %v, %v, want %s", unc, err, v.P2PKHUncompressed)
	}
	pka, err := address.NewPubKeyAddress(pub.SerializeCompressed(), p)
	if err != nil || pka.String() != v.PubKeyAddress {
		t.Fatalf("pubkey address = %v, %v, want %s", pka, err, v.PubKeyAddress)
	}
	if pka.AddressPubKeyHash().String() != v.P2PKHCompressed {
		t.Errorf("AddressPubKeyHash = %s", pka.AddressPubKeyHash())
	}
	decodeAddr(t, v.PubKeyAddress, p)
	decodeAddr(t, v.P2PKHCompressed, p)
	decodeAddr(t, v.P2PKHUncompressed, p)
}

// addrErrorKind maps the free-text error descriptions of the negative
// address vectors to the sentinel errors.
func addrErrorKind(t *testing.T, desc string) error {
	t.Helper()
	switch {
	case strings.Contains(desc, "checksum"):
		return address.ErrChecksum
	case strings.Contains(desc, "unknown net ID"), strings.Contains(desc, "rejected on"):
		return address.ErrWrongNetwork
	case strings.Contains(desc, "invalid base58 character"):
		return address.ErrInvalidFormat
	case strings.Contains(desc, "no data"):
		return address.ErrLength
	}
	t.Fatalf("unknown error description %q in vectors", desc)
	return nil
}

func testAddressNegative(t *testing.T, raw json.RawMessage) {
	var cases []struct {
		Address string `json:"address"`
		Network string `json:"network"`
		Error   string `json:"error"`
	}
	decodeStrict(t, raw, &cases)
	for _, c := range cases {
		want := addrErrorKind(t, c.Error)
		a, err := address.Decode(c.Address, paramsByName(t, c.Network))
		if a != nil || !errors.Is(err, want) {
			t.Errorf("Decode(%s, %s) = %v, %v; want %v (%s)", c.Address, c.Network, a, err, want, c.Error)
		}
	}
}
