package eacred_test

// Vector handlers for the key/address half of the library: BLAKE-256,
// Base58Check, chain parameters and agendas, addresses, HD keys, WIF and
// signed messages.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/decred/dcrd/crypto/blake256"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/base58"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/message"
	"github.com/eacred/dcrstakepool/eacred/wif"
)

func init() {
	register("blake256.json", "vectors", testBlake256)
	register("base58check.json", "vectors", testBase58CheckVectors)
	register("base58check.json", "negative", testBase58CheckNegative)
	register("chainparams.json", "networks", testChainParams)
	register("agendas.json", "deployments", testAgendas)
	register("wif.json", "vectors", testWIF)
	register("signed_message.json", "vectors", testSignedMessage)
}

// mustHex decodes hex from a vector file.
func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex in vectors %q: %v", s, err)
	}
	return b
}

// paramsByName resolves a network name from a vector file.
func paramsByName(t *testing.T, name string) *chaincfg.Params {
	t.Helper()
	p, err := chaincfg.ByName(name)
	if err != nil {
		t.Fatalf("vectors name network %q: %v", name, err)
	}
	return p
}

func testBlake256(t *testing.T, raw json.RawMessage) {
	var cases []struct {
		Name   string `json:"name"`
		Data   string `json:"data_hex"`
		Salt   string `json:"salt_hex"`
		Digest string `json:"blake256_hex"`
	}
	decodeStrict(t, raw, &cases)
	for _, c := range cases {
		data := mustHex(t, c.Data)
		var got []byte
		if c.Salt == "" {
			h := chainhash.HashH(data)
			got = h[:]
		} else {
			// Consensus never salts; the salted variant is checked on the
			// underlying hash implementation for completeness.
			h := blake256.NewSalt(mustHex(t, c.Salt))
			h.Write(data)
			got = h.Sum(nil)
		}
		if hex.EncodeToString(got) != c.Digest {
			t.Errorf("%s: got %x, want %s", c.Name, got, c.Digest)
		}
	}
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
}

func testBase58CheckVectors(t *testing.T, raw json.RawMessage) {
	var cases []struct {
		Version string `json:"version_hex"`
		ASCII   string `json:"payload_ascii"`
		Payload string `json:"payload_hex"`
		Encoded string `json:"encoded"`
	}
	decodeStrict(t, raw, &cases)
	for _, c := range cases {
		payload := mustHex(t, c.Payload)
		if string(payload) != c.ASCII {
			t.Errorf("vector inconsistent: %q vs %q", payload, c.ASCII)
		}
		id := [2]byte(mustHex(t, c.Version))
		if got := base58.CheckEncode(payload, id); got != c.Encoded {
			t.Errorf("CheckEncode(%q) = %s, want %s", c.ASCII, got, c.Encoded)
		}
		p, gotID, err := base58.CheckDecode(c.Encoded)
		if err != nil || !bytes.Equal(p, payload) || gotID != id {
			t.Errorf("CheckDecode(%s) = %x %x %v", c.Encoded, p, gotID, err)
		}
	}
}

// errorKinds maps the error names used by the vector files to the library's
// sentinel errors.
var base58ErrorKinds = map[string]error{
	"checksum": base58.ErrChecksum,
	"format":   base58.ErrInvalidFormat,
}

func testBase58CheckNegative(t *testing.T, raw json.RawMessage) {
	var cases []struct {
		Encoded string `json:"encoded"`
		Error   string `json:"error"`
	}
	decodeStrict(t, raw, &cases)
	for _, c := range cases {
		want, ok := base58ErrorKinds[c.Error]
		if !ok {
			t.Fatalf("unknown error kind %q in vectors", c.Error)
		}
		if _, _, err := base58.CheckDecode(c.Encoded); !errors.Is(err, want) {
			t.Errorf("CheckDecode(%s) err = %v, want %v", c.Encoded, err, want)
		}
	}
}

// optInt reads a JSON number, or null (ok false). A string is "not a
// number" and also gives ok false with the string in note.
func optInt(t *testing.T, raw json.RawMessage) (v int64, ok bool, note string) {
	t.Helper()
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false, ""
	}
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &note); err != nil {
			t.Fatal(err)
		}
		return 0, false, note
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("bad number %s: %v", raw, err)
	}
	return v, true, ""
}

func testChainParams(t *testing.T, raw json.RawMessage) {
	type netVec struct {
		Name                     string          `json:"name"`
		NetMagic                 string          `json:"net_magic"`
		P2PPort                  uint16          `json:"p2p_port"`
		NodeRPCPort              uint16          `json:"dcrd_jsonrpc_port"`
		WalletRPCPort            json.RawMessage `json:"dcrwallet_jsonrpc_port"`
		WalletGRPCPort           json.RawMessage `json:"dcrwallet_grpc_port"`
		GenesisHash              string          `json:"genesis_hash"`
		TargetTimeS              int64           `json:"target_time_per_block_s"`
		TicketPoolSize           uint16          `json:"ticket_pool_size"`
		TicketsPerBlock          uint16          `json:"tickets_per_block"`
		TicketMaturity           uint16          `json:"ticket_maturity"`
		TicketExpiry             uint32          `json:"ticket_expiry"`
		CoinbaseMaturity         uint16          `json:"coinbase_maturity"`
		SStxChangeMaturity       uint16          `json:"sstx_change_maturity"`
		StakeValidationHeight    int64           `json:"stake_validation_height"`
		StakeEnabledHeight       int64           `json:"stake_enabled_height"`
		MinimumStakeDiff         int64           `json:"minimum_stake_diff"`
		MaxFreshStakePerBlock    uint8           `json:"max_fresh_stake_per_block"`
		StakeDiffWindowSize      int64           `json:"stake_diff_window_size"`
		StakeDiffWindows         int64           `json:"stake_diff_windows"`
		StakeVersionInterval     int64           `json:"stake_version_interval"`
		StakeBaseSigScript       string          `json:"stake_base_sig_script"`
		BaseSubsidy              int64           `json:"base_subsidy"`
		MulSubsidy               int64           `json:"mul_subsidy"`
		DivSubsidy               int64           `json:"div_subsidy"`
		SubsidyReductionInterval int64           `json:"subsidy_reduction_interval"`
		WorkRewardProportion     uint16          `json:"work_reward_proportion"`
		StakeRewardProportion    uint16          `json:"stake_reward_proportion"`
		BlockTaxProportion       uint16          `json:"block_tax_proportion"`
		WorkRewardProportionV2   uint16          `json:"work_reward_proportion_v2"`
		StakeRewardProportionV2  uint16          `json:"stake_reward_proportion_v2"`
		BlockOneSubsidy          *int64          `json:"block_one_subsidy"`
		RuleChangeInterval       *uint32         `json:"rule_change_activation_interval"`
		RuleChangeQuorum         *uint32         `json:"rule_change_activation_quorum"`
		RuleChangeMultiplier     *uint32         `json:"rule_change_activation_multiplier"`
		RuleChangeDivisor        *uint32         `json:"rule_change_activation_divisor"`
		TreasuryVoteInterval     uint64          `json:"treasury_vote_interval"`
		OrganizationPkScript     string          `json:"organization_pk_script"`
		PubKeyAddrID             string          `json:"pubkey_addr_id"`
		PKHECDSAAddrID           string          `json:"pkh_ecdsa_addr_id"`
		PKHEd25519AddrID         string          `json:"pkh_ed25519_addr_id"`
		PKHSchnorrAddrID         string          `json:"pkh_schnorr_addr_id"`
		ScriptHashAddrID         string          `json:"script_hash_addr_id"`
		PrivateKeyID             string          `json:"private_key_id"`
		HDPrivateKeyID           string          `json:"hd_private_key_id"`
		HDPublicKeyID            string          `json:"hd_public_key_id"`
		AddressPrefix            string          `json:"address_prefix"`
		SLIP0044CoinType         uint32          `json:"slip0044_coin_type"`
		LegacyCoinType           uint32          `json:"legacy_coin_type"`
		DCP0005Height            json.RawMessage `json:"dcp0005_height"`
		DCP0010Height            json.RawMessage `json:"dcp0010_height"`
		DCP0012Height            json.RawMessage `json:"dcp0012_height"`
		WalletVoteVersion        json.RawMessage `json:"wallet_vote_version"`
	}
	var nets map[string]netVec
	decodeStrict(t, raw, &nets)
	if len(nets) == 0 {
		t.Fatal("no networks")
	}
	for key, v := range nets {
		p := paramsByName(t, key)
		if p.Name != v.Name || key != v.Name {
			t.Errorf("%s: Name = %q, want %q", key, p.Name, v.Name)
		}
		magic, err := strconv.ParseUint(strings.TrimPrefix(v.NetMagic, "0x"), 16, 32)
		if err != nil {
			t.Fatal(err)
		}
		eq := func(what string, got, want any) {
			t.Helper()
			if got != want {
				t.Errorf("%s %s = %v, want %v", key, what, got, want)
			}
		}
		eq("Net", p.Net, uint32(magic))
		eq("DefaultPort", p.DefaultPort, v.P2PPort)
		eq("NodeRPCPort", p.NodeRPCPort, v.NodeRPCPort)
		for _, port := range []struct {
			what string
			got  uint16
			raw  json.RawMessage
		}{{"WalletRPCPort", p.WalletRPCPort, v.WalletRPCPort}, {"WalletGRPCPort", p.WalletGRPCPort, v.WalletGRPCPort}} {
			want, ok, _ := optInt(t, port.raw)
			if !ok {
				want = 0 // no wallet profile
			}
			eq(port.what, int64(port.got), want)
		}
		eq("GenesisHash", p.GenesisHash.String(), v.GenesisHash)
		eq("TargetTimePerBlock", p.TargetTimePerBlock, time.Duration(v.TargetTimeS)*time.Second)
		eq("TicketPoolSize", p.TicketPoolSize, v.TicketPoolSize)
		eq("TicketsPerBlock", p.TicketsPerBlock, v.TicketsPerBlock)
		eq("TicketMaturity", p.TicketMaturity, v.TicketMaturity)
		eq("TicketExpiry", p.TicketExpiry, v.TicketExpiry)
		eq("CoinbaseMaturity", p.CoinbaseMaturity, v.CoinbaseMaturity)
		eq("SStxChangeMaturity", p.SStxChangeMaturity, v.SStxChangeMaturity)
		eq("StakeValidationHeight", p.StakeValidationHeight, v.StakeValidationHeight)
		eq("StakeEnabledHeight", p.StakeEnabledHeight, v.StakeEnabledHeight)
		eq("MinimumStakeDiff", p.MinimumStakeDiff, v.MinimumStakeDiff)
		eq("MaxFreshStakePerBlock", p.MaxFreshStakePerBlock, v.MaxFreshStakePerBlock)
		eq("StakeDiffWindowSize", p.StakeDiffWindowSize, v.StakeDiffWindowSize)
		eq("StakeDiffWindows", p.StakeDiffWindows, v.StakeDiffWindows)
		eq("StakeVersionInterval", p.StakeVersionInterval, v.StakeVersionInterval)
		eq("StakeBaseSigScript", hex.EncodeToString(p.StakeBaseSigScript), v.StakeBaseSigScript)
		eq("BaseSubsidy", p.BaseSubsidy, v.BaseSubsidy)
		eq("MulSubsidy", p.MulSubsidy, v.MulSubsidy)
		eq("DivSubsidy", p.DivSubsidy, v.DivSubsidy)
		eq("SubsidyReductionInterval", p.SubsidyReductionInterval, v.SubsidyReductionInterval)
		eq("WorkRewardProportion", p.WorkRewardProportion, v.WorkRewardProportion)
		eq("StakeRewardProportion", p.StakeRewardProportion, v.StakeRewardProportion)
		eq("BlockTaxProportion", p.BlockTaxProportion, v.BlockTaxProportion)
		eq("WorkRewardProportionV2", p.WorkRewardProportionV2, v.WorkRewardProportionV2)
		eq("StakeRewardProportionV2", p.StakeRewardProportionV2, v.StakeRewardProportionV2)
		if v.BlockOneSubsidy != nil {
			eq("BlockOneSubsidy", p.BlockOneSubsidy, *v.BlockOneSubsidy)
		}
		if v.RuleChangeInterval != nil {
			eq("RuleChangeActivationInterval", p.RuleChangeActivationInterval, *v.RuleChangeInterval)
		}
		if v.RuleChangeQuorum != nil {
			eq("RuleChangeActivationQuorum", p.RuleChangeActivationQuorum, *v.RuleChangeQuorum)
		}
		if v.RuleChangeMultiplier != nil {
			eq("RuleChangeActivationMultiplier", p.RuleChangeActivationMultiplier, *v.RuleChangeMultiplier)
		}
		if v.RuleChangeDivisor != nil {
			eq("RuleChangeActivationDivisor", p.RuleChangeActivationDivisor, *v.RuleChangeDivisor)
		}
		eq("TreasuryVoteInterval", p.TreasuryVoteInterval, v.TreasuryVoteInterval)
		eq("OrganizationPkScript", hex.EncodeToString(p.OrganizationPkScript), v.OrganizationPkScript)
		eq("PubKeyAddrID", hex.EncodeToString(p.PubKeyAddrID[:]), v.PubKeyAddrID)
		eq("PubKeyHashAddrID", hex.EncodeToString(p.PubKeyHashAddrID[:]), v.PKHECDSAAddrID)
		eq("PKHEdwardsAddrID", hex.EncodeToString(p.PKHEdwardsAddrID[:]), v.PKHEd25519AddrID)
		eq("PKHSchnorrAddrID", hex.EncodeToString(p.PKHSchnorrAddrID[:]), v.PKHSchnorrAddrID)
		eq("ScriptHashAddrID", hex.EncodeToString(p.ScriptHashAddrID[:]), v.ScriptHashAddrID)
		eq("PrivateKeyID", hex.EncodeToString(p.PrivateKeyID[:]), v.PrivateKeyID)
		eq("HDPrivateKeyID", hex.EncodeToString(p.HDPrivateKeyID[:]), v.HDPrivateKeyID)
		eq("HDPublicKeyID", hex.EncodeToString(p.HDPublicKeyID[:]), v.HDPublicKeyID)
		eq("AddressPrefix", p.AddressPrefix, v.AddressPrefix)
		eq("SLIP0044CoinType", p.SLIP0044CoinType, v.SLIP0044CoinType)
		eq("LegacyCoinType", p.LegacyCoinType, v.LegacyCoinType)
		for _, h := range []struct {
			what string
			got  int64
			raw  json.RawMessage
		}{{"DCP0005Height", p.DCP0005Height, v.DCP0005Height}, {"DCP0010Height", p.DCP0010Height, v.DCP0010Height}, {"DCP0012Height", p.DCP0012Height, v.DCP0012Height}} {
			want, ok, note := optInt(t, h.raw)
			switch {
			case ok:
				eq(h.what, h.got, want)
			case strings.HasPrefix(note, "always active"):
				eq(h.what+" (always active)", p.DCPAlwaysActive, true)
				eq(h.what, h.got, int64(0))
			case note != "":
				t.Errorf("%s %s: cannot interpret %q", key, h.what, note)
			default: // absent: height not recorded, must be unknown (0)
				eq(h.what, h.got, int64(0))
			}
		}
		// wallet_vote_version is a number or a string starting with one.
		wvv, ok, note := optInt(t, v.WalletVoteVersion)
		if !ok {
			f := strings.Fields(note)
			n, err := strconv.ParseInt(f[0], 10, 32)
			if len(f) == 0 || err != nil {
				t.Fatalf("%s: wallet_vote_version %q", key, note)
			}
			wvv = n
		}
		eq("WalletVoteVersion", int64(p.WalletVoteVersion), wvv)
	}
}

func testAgendas(t *testing.T, raw json.RawMessage) {
	type choiceVec struct {
		ID        string `json:"id"`
		Bits      string `json:"bits"`
		IsAbstain bool   `json:"isabstain"`
		IsNo      bool   `json:"isno"`
	}
	type agendaVec struct {
		ID             string      `json:"id"`
		Choices        []choiceVec `json:"choices"`
		Mask           string      `json:"mask"`
		StartTime      string      `json:"StartTime"`
		ExpireTime     string      `json:"ExpireTime"`
		ForcedChoiceID string      `json:"ForcedChoiceID"`
	}
	var deps map[string]map[string][]agendaVec
	decodeStrict(t, raw, &deps)
	hex16 := func(s string) uint16 {
		v, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 16)
		if err != nil {
			t.Fatalf("bad hex16 %q", s)
		}
		return uint16(v)
	}
	unixTime := func(s string) uint64 {
		if s == "math.MaxInt64" {
			return 1<<63 - 1
		}
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("bad time %q", s)
		}
		return v
	}
	for net, versions := range deps {
		p := paramsByName(t, net)
		if len(p.VoteVersions()) != len(versions) {
			t.Errorf("%s: %d vote versions, vectors have %d", net, len(p.VoteVersions()), len(versions))
		}
		for verStr, agendas := range versions {
			ver, err := strconv.ParseUint(verStr, 10, 32)
			if err != nil {
				t.Fatalf("bad version %q", verStr)
			}
			got, ok := p.Agendas(uint32(ver))
			if !ok || len(got) != len(agendas) {
				t.Errorf("%s v%d: %d agendas (ok=%v), want %d", net, ver, len(got), ok, len(agendas))
				continue
			}
			for i, want := range agendas {
				g := got[i]
				if g.ID != want.ID || g.Mask != hex16(want.Mask) || g.StartTime != unixTime(want.StartTime) ||
					g.ExpireTime != unixTime(want.ExpireTime) || g.ForcedChoiceID != want.ForcedChoiceID {
					t.Errorf("%s v%d agenda %d: got %+v, want %+v", net, ver, i, g, want)
				}
				if len(g.Choices) != len(want.Choices) {
					t.Errorf("%s v%d %s: %d choices, want %d", net, ver, want.ID, len(g.Choices), len(want.Choices))
					continue
				}
				for j, wc := range want.Choices {
					gc := g.Choices[j]
					if gc.ID != wc.ID || gc.Bits != hex16(wc.Bits) || gc.IsAbstain != wc.IsAbstain || gc.IsNo != wc.IsNo {
						t.Errorf("%s v%d %s choice %d: got %+v, want %+v", net, ver, want.ID, j, gc, wc)
					}
				}
			}
		}
	}
}

// wifSigTypes maps the "dsa" descriptions of wif.json to signature types.
var wifSigTypes = map[string]address.SigType{
	"secp256k1-ecdsa (type byte 0x00)":   address.ECDSA,
	"ed25519 (type byte 0x01)":           address.Ed25519,
	"secp256k1-schnorr (type byte 0x02)": address.Schnorr,
}

func testWIF(t *testing.T, raw json.RawMessage) {
	var cases []struct {
		Name    string `json:"name"`
		PrivKey string `json:"privkey"`
		Network string `json:"network"`
		NetID   string `json:"wif_net_id_hex"`
		DSA     string `json:"dsa"`
		WIF     string `json:"wif"`
		PubKey  string `json:"pubkey"`
	}
	decodeStrict(t, raw, &cases)
	for _, c := range cases {
		p := paramsByName(t, c.Network)
		st, ok := wifSigTypes[c.DSA]
		if !ok {
			t.Fatalf("%s: unknown dsa %q", c.Name, c.DSA)
		}
		if hex.EncodeToString(p.PrivateKeyID[:]) != c.NetID {
			t.Errorf("%s: PrivateKeyID %x, want %s", c.Name, p.PrivateKeyID, c.NetID)
		}
		w, err := wif.New(mustHex(t, c.PrivKey), st, p)
		if err != nil || w.String() != c.WIF {
			t.Errorf("%s: New = %v, %v; want %s", c.Name, w, err, c.WIF)
		}
		d, err := wif.Decode(c.WIF, p)
		if err != nil {
			t.Errorf("%s: Decode: %v", c.Name, err)
			continue
		}
		if hex.EncodeToString(d.PrivKey()) != c.PrivKey || d.SigType() != st || d.Params() != p || d.String() != c.WIF {
			t.Errorf("%s: decoded %x type %d", c.Name, d.PrivKey(), d.SigType())
		}
		if got := hex.EncodeToString(d.PubKey()); got != c.PubKey {
			t.Errorf("%s: PubKey = %s, want %s", c.Name, got, c.PubKey)
		}
	}
}

func testSignedMessage(t *testing.T, raw json.RawMessage) {
	var cases []struct {
		Network   string `json:"network"`
		Address   string `json:"address"`
		Message   string `json:"message"`
		Signature string `json:"signature"`
		Valid     bool   `json:"valid"`
		PrivKey   string `json:"privkey_hex"`
		Note      string `json:"note"`
	}
	decodeStrict(t, raw, &cases)
	for _, c := range cases {
		p := paramsByName(t, c.Network)
		ok, err := message.Verify(c.Address, c.Signature, c.Message, p)
		if ok != c.Valid || (c.Valid && err != nil) {
			t.Errorf("Verify(%s, %q) = %v, %v; want valid=%v (%s)", c.Address, c.Message, ok, err, c.Valid, c.Note)
		}
		if c.PrivKey != "" {
			if got := message.Sign(secp256k1.PrivKeyFromBytes(mustHex(t, c.PrivKey)), c.Message); got != c.Signature {
				t.Errorf("Sign(%q) = %s, want %s", c.Message, got, c.Signature)
			}
		}
	}
}
