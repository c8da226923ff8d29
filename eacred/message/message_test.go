package message

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

func TestHash(t *testing.T) {
	// Published in the vectors' notes.
	h := Hash("test message")
	if got := hex.EncodeToString(h[:]); got != "febaa090eaa8aa82f311a1ca4f54467e8ad0e4a42cc0f1b2f2e759b963742dde" {
		t.Fatalf("Hash = %s", got)
	}
	// Lengths that need the 3-byte CompactSize form.
	long := appendVarString(nil, string(make([]byte, 300)))
	if long[0] != 0xfd || long[1] != 0x2c || long[2] != 0x01 || len(long) != 303 {
		t.Fatalf("varstr(300) header %x", long[:3])
	}
}

func TestSignVerify(t *testing.T) {
	p := chaincfg.SimNetParams()
	priv := secp256k1.PrivKeyFromBytes([]byte{1, 2, 3})
	addr, err := address.NewAddressPubKeyHash(priv.PubKey().SerializeCompressed(), p)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := address.NewAddressPubKeyHash(secp256k1.PrivKeyFromBytes([]byte{9}).PubKey().SerializeCompressed(), p)
	sh, _ := address.NewScriptHashAddress([]byte{0x51}, p)
	sig := Sign(priv, "hello")
	tests := []struct {
		name, addr, sig, msg string
		valid                bool
		err                  error
	}{
		{"good", addr.String(), sig, "hello", true, nil},
		{"other message", addr.String(), sig, "hello!", false, nil},
		{"other address", other.String(), sig, "hello", false, nil},
		{"p2sh", sh.String(), sig, "hello", false, ErrAddressKind},
		{"bad address", "Ss123", sig, "hello", false, ErrAddress},
		{"wrong network", "DsmcYVbP1Nmag2H4AS17UTvmWXmGeA7nLDx", sig, "hello", false, ErrAddress},
		{"not base64", addr.String(), "!!!", "hello", false, ErrEncoding},
		{"short", addr.String(), sig[:40], "hello", false, ErrSignatureSize},
		{"bad header", addr.String(), "AAAA" + sig[4:], "hello", false, nil},
	}
	for _, tc := range tests {
		ok, err := Verify(tc.addr, tc.sig, tc.msg, p)
		if ok != tc.valid || (tc.err == nil) != (err == nil) || (tc.err != nil && !errors.Is(err, tc.err)) {
			t.Errorf("%s: Verify = %v, %v; want %v, %v", tc.name, ok, err, tc.valid, tc.err)
		}
	}
}
