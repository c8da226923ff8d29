package address

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/base58"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

func h(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestDecodeErrors(t *testing.T) {
	main, test := chaincfg.MainNetParams(), chaincfg.TestNet3Params()
	hash := h("229ebac30efd6a69eec9c1a48e048b7c975c25f2")
	good := base58.CheckEncode(hash, main.PubKeyHashAddrID)
	flipped := []byte(good)
	if flipped[len(flipped)-1] == 'z' {
		flipped[len(flipped)-1] = 'y'
	} else {
		flipped[len(flipped)-1] = 'z'
	}
	if flipped[len(flipped)-1] == good[len(good)-1] {
		t.Fatal("test setup")
	}
	// An X coordinate with no point on the curve: x = 5 gives no y.
	notOnCurve := append([]byte{0x00}, make([]byte, 32)...)
	notOnCurve[32] = 5
	tests := []struct {
		name string
		in   string
		p    *chaincfg.Params
		want error
	}{
		{"checksum", string(flipped), main, ErrChecksum},
		{"wrong network", good, test, ErrWrongNetwork},
		{"wrong network p2sh", base58.CheckEncode(hash, test.ScriptHashAddrID), main, ErrWrongNetwork},
		{"private key id", base58.CheckEncode(hash, main.PrivateKeyID), main, ErrUnknownKind},
		{"unknown id", base58.CheckEncode(hash, [2]byte{0xff, 0xff}), main, ErrUnknownKind},
		{"short p2pkh", base58.CheckEncode(hash[:19], main.PubKeyHashAddrID), main, ErrLength},
		{"long p2sh", base58.CheckEncode(append(hash, 0), main.ScriptHashAddrID), main, ErrLength},
		{"empty pubkey", base58.CheckEncode(nil, main.PubKeyAddrID), main, ErrLength},
		{"bad point", base58.CheckEncode(notOnCurve, main.PubKeyAddrID), main, ErrBadPoint},
		{"bad sig type", base58.CheckEncode(append([]byte{7}, make([]byte, 32)...), main.PubKeyAddrID), main, ErrUnknownKind},
		{"ed25519 odd flag", base58.CheckEncode(append([]byte{0x81}, make([]byte, 32)...), main.PubKeyAddrID), main, ErrUnknownKind},
		{"bad char", "Ds0000", main, ErrInvalidFormat},
		{"too short", "1111", main, ErrInvalidFormat},
		{"empty", "", main, ErrInvalidFormat},
	}
	sentinels := []error{ErrChecksum, ErrInvalidFormat, ErrWrongNetwork, ErrUnknownKind, ErrLength, ErrBadPoint}
	for _, tc := range tests {
		a, err := Decode(tc.in, tc.p)
		if a != nil || !errors.Is(err, tc.want) {
			t.Errorf("%s: Decode = %v, %v; want %v", tc.name, a, err, tc.want)
			continue
		}
		for _, s := range sentinels {
			if s != tc.want && errors.Is(err, s) {
				t.Errorf("%s: error %v also matches %v", tc.name, err, s)
			}
		}
	}
}

func TestRoundTripAllKinds(t *testing.T) {
	key := h("028f53838b7639563f27c94845549a41e5146bcd52e7fef0ea6da143a02b0fe2ed")
	ed := h("cecc1507dc1ddd7295951c290888f095adb9044d1b73d696e6df065d683bd4fc")
	for _, p := range chaincfg.All() {
		var addrs []Address
		must := func(a Address, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			addrs = append(addrs, a)
		}
		must(NewAddressPubKeyHash(key, p))
		must(NewPubKeyHashAddressEd25519(Hash160(ed), p))
		must(NewPubKeyHashAddressSchnorr(Hash160(key), p))
		must(NewScriptHashAddress([]byte{0x51}, p))
		must(NewPubKeyAddress(key, p))
		must(NewPubKeyAddressEd25519(ed, p))
		must(NewPubKeyAddressSchnorr(key, p))
		seen := map[Kind]bool{}
		for _, a := range addrs {
			seen[a.Kind()] = true
			s := a.String()
			if !strings.HasPrefix(s, p.AddressPrefix) {
				t.Errorf("%s %s: %s lacks prefix %s", p.Name, a.Kind(), s, p.AddressPrefix)
			}
			got, err := Decode(s, p)
			if err != nil {
				t.Fatalf("%s %s: Decode(%s): %v", p.Name, a.Kind(), s, err)
			}
			if !Equal(got, a) || got.String() != s || got.Params() != p {
				t.Errorf("%s %s: round trip %s -> %s", p.Name, a.Kind(), s, got)
			}
		}
		if len(seen) != 7 {
			t.Errorf("%s: kinds %v", p.Name, seen)
		}
	}
}

func TestPubKeyAddressPubKeyHash(t *testing.T) {
	p := chaincfg.MainNetParams()
	key := h("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
	pk, err := NewPubKeyAddress(key, p)
	if err != nil {
		t.Fatal(err)
	}
	if got := pk.AddressPubKeyHash().String(); got != "DsmcYVbP1Nmag2H4AS17UTvmWXmGeA7nLDx" {
		t.Fatalf("AddressPubKeyHash = %s", got)
	}
	if !bytes.Equal(pk.PubKey(), key) || pk.SigType() != ECDSA {
		t.Fatal("PubKey/SigType")
	}
	if _, err := NewPubKeyAddress(key[:32], p); !errors.Is(err, ErrBadPoint) {
		t.Fatalf("short key err = %v", err)
	}
	if _, err := NewPubKeyAddressEd25519(key, p); !errors.Is(err, ErrLength) {
		t.Fatalf("ed25519 33-byte err = %v", err)
	}
	if _, err := NewPubKeyHashAddress(key, p); !errors.Is(err, ErrLength) {
		t.Fatalf("pkh 33-byte err = %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"DsU7xcg53nxaKLLcAUSKyRndjG78Z2VZnX9",
		"DkM3ZigNyiwHrsXRjkDQ8t8tW6uKGW9g61qEkG3bMqQPQWYEf5X3J",
		"TkQ3RrFierkUUbgipYwgeVfV8ch3fktfrDamGyDYESPBXMaVNNmWG",
		"SsrMVhpZAFt17gmBB6qjq9HvgrpVtKtzUJM",
		"ScfqUtyvRbxDgtmj9JfoiV2Yu6LqJ57vVBM",
		"Rk44TM8ZWqLsuaLr37pH7jNvB31oEPuzGBrvSvZ729Qs9GfoiBryE",
		"Aiz5jz1s",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range chaincfg.All() {
			a, err := Decode(s, p)
			if err != nil {
				if a != nil {
					t.Fatalf("Decode(%q) returned address and error", s)
				}
				continue
			}
			if got := a.String(); got != s {
				t.Fatalf("Decode(%q).String() = %q", s, got)
			}
			if len(a.PayScript()) == 0 {
				t.Fatalf("Decode(%q): empty pay script", s)
			}
		}
	})
}

// FuzzDecodePayload fuzzes IDs and payloads behind a correct checksum.
func FuzzDecodePayload(f *testing.F) {
	for _, p := range chaincfg.All() {
		f.Add(p.PubKeyAddrID[0], p.PubKeyAddrID[1], h("02"+"8f53838b7639563f27c94845549a41e5146bcd52e7fef0ea6da143a02b0fe2ed"))
		f.Add(p.PubKeyHashAddrID[0], p.PubKeyHashAddrID[1], make([]byte, 20))
		f.Add(p.ScriptHashAddrID[0], p.ScriptHashAddrID[1], make([]byte, 20))
	}
	f.Fuzz(func(t *testing.T, id0, id1 byte, payload []byte) {
		if len(payload) > 64 { // encoding is quadratic; Decode bounds length
			return
		}
		s := base58.CheckEncode(payload, [2]byte{id0, id1})
		for _, p := range chaincfg.All() {
			a, err := Decode(s, p)
			if err != nil {
				if a != nil {
					t.Fatal("address and error")
				}
				continue
			}
			if got := a.String(); got != s {
				t.Fatalf("Decode(%q).String() = %q", s, got)
			}
		}
	})
}

func TestDecodeLongInput(t *testing.T) {
	long := strings.Repeat("z", 100000)
	if _, err := Decode(long, chaincfg.MainNetParams()); !errors.Is(err, ErrLength) {
		t.Fatalf("long input: %v", err)
	}
}

func TestNewPubKeyAddressEd25519Point(t *testing.T) {
	p := chaincfg.MainNetParams()
	// y = 2 (little-endian) has no x on the curve: (y²-1)/(d·y²+1) is not a
	// square mod 2^255-19.
	noX := make([]byte, 32)
	noX[0] = 2
	tests := []struct {
		name string
		key  []byte
		want error
	}{
		{"vector key", h("cecc1507dc1ddd7295951c290888f095adb9044d1b73d696e6df065d683bd4fc"), nil},
		{"identity point", append([]byte{1}, make([]byte, 31)...), nil},
		{"y=2 not on curve", noX, ErrBadPoint},
		{"31 bytes", make([]byte, 31), ErrLength},
		{"33 bytes", make([]byte, 33), ErrLength},
	}
	for _, tc := range tests {
		a, err := NewPubKeyAddressEd25519(tc.key, p)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
			continue
		}
		if tc.want != nil {
			if a != nil {
				t.Errorf("%s: got address %v with error", tc.name, a)
			}
			// The same key inside a "Dk" address must be refused by Decode.
			if len(tc.key) == 32 {
				s := base58.CheckEncode(append([]byte{byte(Ed25519)}, tc.key...), p.PubKeyAddrID)
				if _, err := Decode(s, p); !errors.Is(err, tc.want) {
					t.Errorf("%s: Decode err = %v, want %v", tc.name, err, tc.want)
				}
			}
			continue
		}
		if !bytes.Equal(a.PubKey(), tc.key) || a.SigType() != Ed25519 {
			t.Errorf("%s: PubKey/SigType = %x/%v", tc.name, a.PubKey(), a.SigType())
		}
	}
}
