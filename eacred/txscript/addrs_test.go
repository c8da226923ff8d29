package txscript_test

import (
	"bytes"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/txscript"
)

func TestExtractPkScriptAddrs(t *testing.T) {
	var v struct {
		OneOfTwo struct {
			P2SH         map[string]string   `json:"p2sh_address"`
			PubKeyAddrs  map[string][]string `json:"pubkey_addresses_of_keys"`
			RedeemScript string              `json:"redeem_script"`
		} `json:"computed_1_of_2"`
	}
	readVectors(t, "multisig_p2sh.json", &v)
	redeem := mustHex(t, v.OneOfTwo.RedeemScript)
	if len(v.OneOfTwo.P2SH) != 4 {
		t.Fatalf("%d networks", len(v.OneOfTwo.P2SH))
	}
	for net, want := range v.OneOfTwo.P2SH {
		p, err := chaincfg.ByName(net)
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range []byte{0, txscript.OP_SSTX, txscript.OP_SSGEN} {
			script := txscript.PayToRedeemScript(redeem)
			if tag != 0 {
				script, _ = txscript.StakeTaggedScript(tag, txscript.Hash160(redeem), true)
			}
			class, addrs, req := txscript.ExtractPkScriptAddrs(0, script, p)
			if len(addrs) != 1 || addrs[0].String() != want || req != 1 {
				t.Fatalf("%s tag %#x: %v %v %d", net, tag, class, addrs, req)
			}
			ps, err := txscript.PayScriptFromAddress(addrs[0])
			if err != nil || !ps.ScriptHash || !bytes.Equal(ps.Hash[:], txscript.Hash160(redeem)) {
				t.Fatalf("PayScriptFromAddress: %v %+v", err, ps)
			}
		}
		class, addrs, req := txscript.ExtractPkScriptAddrs(0, redeem, p)
		if class != txscript.MultiSigTy || req != 1 || len(addrs) != 2 ||
			addrs[0].String() != v.OneOfTwo.PubKeyAddrs[net][0] || addrs[1].String() != v.OneOfTwo.PubKeyAddrs[net][1] {
			t.Fatalf("%s multisig: %v %v %d", net, class, addrs, req)
		}
		pk, _ := txscript.PayToPubKeyScript(mustHex(t, "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"))
		if class, addrs, _ := txscript.ExtractPkScriptAddrs(0, pk, p); class != txscript.PubKeyTy || addrs[0].String() != v.OneOfTwo.PubKeyAddrs[net][0] {
			t.Fatalf("%s p2pk: %v %v", net, class, addrs)
		}
		// A pubkey address is not a pay-script address.
		if _, err := txscript.PayScriptFromAddress(addrs[0]); err == nil {
			t.Fatal("pubkey address accepted as pay script")
		}
	}
	if class, addrs, _ := txscript.ExtractPkScriptAddrs(0, []byte{txscript.OP_RETURN}, chaincfg.MainNetParams()); class != txscript.NullDataTy || addrs != nil {
		t.Fatalf("nulldata: %v", class)
	}
}

func TestDisasmString(t *testing.T) {
	tests := []struct{ hex, want string }{
		{"76a914" + "11111111111111111111111111111111111111118" + "8ac",
			"OP_DUP OP_HASH160 1111111111111111111111111111111111111111 OP_EQUALVERIFY OP_CHECKSIG"},
		{"ba" + "a914" + "2222222222222222222222222222222222222222" + "87",
			"OP_SSTX OP_HASH160 2222222222222222222222222222222222222222 OP_EQUAL"},
		{"0051604f52ae", "0 1 16 -1 2 OP_CHECKMULTISIG"},
		{"6a4c0201ff", "OP_RETURN 01ff"},
		{"c4ff", "OP_UNKNOWN196 OP_UNKNOWN255"},
		{"76" + "05aabb", "OP_DUP [error]"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := txscript.DisasmString(mustHex(t, tc.hex)); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.hex, got, tc.want)
		}
	}
}
