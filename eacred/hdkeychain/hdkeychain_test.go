package hdkeychain

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/base58"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// A published mainnet account-level xpub is not needed here: keys are built
// from a fixed seed so every test is self-contained.
func testMaster(t testing.TB, p *chaincfg.Params) *ExtendedKey {
	t.Helper()
	seed := bytes.Repeat([]byte{0x5a}, RecommendedSeedLen)
	k, err := NewMaster(seed, p)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParseErrors(t *testing.T) {
	main, test := chaincfg.MainNetParams(), chaincfg.TestNet3Params()
	k := testMaster(t, main)
	good := k.String()
	raw, _ := base58.Decode(good)
	reencode := func(body []byte) string {
		c := base58.Checksum(body)
		return base58.Encode(append(append([]byte(nil), body...), c[:]...))
	}
	body := raw[:78]
	mutate := func(f func(b []byte)) string {
		b := append([]byte(nil), body...)
		f(b)
		return reencode(b)
	}
	badSum := append([]byte(nil), raw...)
	badSum[81] ^= 1
	tests := []struct {
		name string
		in   string
		p    *chaincfg.Params
		want error
	}{
		{"checksum", base58.Encode(badSum), main, ErrChecksum},
		{"wrong network", good, test, ErrWrongNetwork},
		{"unknown version", mutate(func(b []byte) { b[0] = 0x99 }), main, ErrUnknownVersion},
		{"short", reencode(body[:77]), main, ErrLength},
		{"long", base58.Encode(append(raw, 0)), main, ErrLength},
		{"bad char", good[:50] + "0" + good[51:], main, ErrInvalidFormat},
		{"priv marker", mutate(func(b []byte) { b[45] = 1 }), main, ErrInvalidPrivKey},
		{"priv zero", mutate(func(b []byte) { clear(b[46:78]) }), main, ErrInvalidPrivKey},
		{"priv overflow", mutate(func(b []byte) {
			for i := 46; i < 78; i++ {
				b[i] = 0xff
			}
		}), main, ErrInvalidPrivKey},
		{"bad point", mutate(func(b []byte) {
			copy(b[0:4], main.HDPublicKeyID[:])
			b[45] = 0x02
			clear(b[46:78])
			b[77] = 5 // x = 5 is not on the curve
		}), main, ErrBadPoint},
		{"bad pubkey prefix", mutate(func(b []byte) {
			copy(b[0:4], main.HDPublicKeyID[:])
			b[45] = 0x04
		}), main, ErrBadPoint},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in, tc.p)
		if got != nil || !errors.Is(err, tc.want) {
			t.Errorf("%s: Parse = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
}

func TestDerivationRules(t *testing.T) {
	p := chaincfg.SimNetParams()
	m := testMaster(t, p)
	pub := m.Neuter()
	if pub.IsPrivate() || !m.IsPrivate() || m.Neuter() == m || pub.Neuter() != pub {
		t.Fatal("Neuter")
	}
	if _, err := pub.Child(HardenedKeyStart); !errors.Is(err, ErrDeriveHardFromPublic) {
		t.Fatalf("hardened from public: %v", err)
	}
	if _, err := pub.ECPrivKey(); !errors.Is(err, ErrNotPrivExtKey) {
		t.Fatalf("ECPrivKey on public: %v", err)
	}
	// Public derivation of a normal child equals neutered private derivation.
	for i := uint32(0); i < 20; i++ {
		a, err := m.Child(i)
		if err != nil {
			t.Fatal(err)
		}
		b, err := pub.Child(i)
		if err != nil {
			t.Fatal(err)
		}
		if a.Neuter().String() != b.String() {
			t.Fatalf("child %d: private/public derivation disagree", i)
		}
		if b.ParentFingerprint() != m.Neuter().fingerprintUint() || b.Depth() != 1 || b.ChildIndex() != i {
			t.Fatalf("child %d metadata", i)
		}
	}
	// Depth limit.
	deep := pub
	for d := 0; d < 255; d++ {
		var err error
		if deep, err = deep.Child(0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := deep.Child(0); !errors.Is(err, ErrDeriveBeyondMaxDepth) {
		t.Fatalf("depth 256: %v", err)
	}
	for _, n := range []int{0, 15, 65} {
		if _, err := NewMaster(make([]byte, n), p); !errors.Is(err, ErrInvalidSeedLen) {
			t.Errorf("seed len %d: %v", n, err)
		}
	}
}

func (k *ExtendedKey) fingerprintUint() uint32 {
	fp := k.fingerprint()
	return uint32(fp[0])<<24 | uint32(fp[1])<<16 | uint32(fp[2])<<8 | uint32(fp[3])
}

func TestBranchAddressesMatchesAddressAt(t *testing.T) {
	p := chaincfg.TestNet3Params()
	acct, err := testMaster(t, p).DerivePath(44+HardenedKeyStart, 1+HardenedKeyStart, HardenedKeyStart)
	if err != nil {
		t.Fatal(err)
	}
	xpub := acct.Neuter()
	list, err := BranchAddresses(xpub, InternalBranch, 5, 10, p)
	if err != nil || len(list) != 10 {
		t.Fatalf("BranchAddresses: %d %v", len(list), err)
	}
	for _, ia := range list {
		a, err := AddressAt(acct, InternalBranch, ia.Index, p)
		if err != nil || a.String() != ia.Address.String() {
			t.Fatalf("index %d: %v %v vs %v", ia.Index, a, err, ia.Address)
		}
	}
	if _, err := BranchAddresses(xpub, 0, HardenedKeyStart-1, 2, p); err == nil {
		t.Fatal("BranchAddresses into hardened range succeeded")
	}
}

func TestParsePath(t *testing.T) {
	good := map[string][]uint32{
		"m":             {},
		"m/0":           {0},
		"m/44'/42'/0'":  {44 + HardenedKeyStart, 42 + HardenedKeyStart, HardenedKeyStart},
		"m/0H/1h/2":     {HardenedKeyStart, 1 + HardenedKeyStart, 2},
		"m/2147483647'": {0xffffffff},
	}
	for s, want := range good {
		got, err := ParsePath(s)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParsePath(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "0/1", "m/", "m//1", "m/-1", "m/+1", "m/2147483648", "m/1''", "m/x", "M/1"} {
		if _, err := ParsePath(s); !errors.Is(err, ErrBadPath) {
			t.Errorf("ParsePath(%q) err = %v", s, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range chaincfg.All() {
		m, err := NewMaster(bytes.Repeat([]byte{7}, 32), p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(m.String())
		f.Add(m.Neuter().String())
	}
	f.Add("dpubZF8BRmciAzYoTjXZ3bbRWLVCwUKtTquact3Tr6ye77Rgmw76VyqMb9TB9KpfrvUYEM5d1Au4fQzE2BbtxRjwzGsqnWHmtQP9UV1kxZaqvb6")
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range chaincfg.All() {
			k, err := Parse(s, p)
			if err != nil {
				if k != nil {
					t.Fatal("key and error")
				}
				continue
			}
			if got := k.String(); got != s {
				t.Fatalf("Parse(%q).String() = %q", s, got)
			}
			if k.IsPrivate() {
				if n := k.Neuter(); n.IsPrivate() {
					t.Fatal("Neuter kept private key")
				}
			}
			if k.Depth() < 255 {
				if c, err := k.Child(1); err == nil && c.Depth() != k.Depth()+1 {
					t.Fatal("child depth")
				}
			}
		}
	})
}

// BenchmarkFeeAddresses derives the 10,000 fee addresses of branch 0 of an
// account xpub, as a stake pool does at start-up.
func BenchmarkFeeAddresses(b *testing.B) {
	p := chaincfg.MainNetParams()
	acct, err := testMaster(b, p).DerivePath(44+HardenedKeyStart, 42+HardenedKeyStart, HardenedKeyStart)
	if err != nil {
		b.Fatal(err)
	}
	xpub, err := Parse(acct.Neuter().String(), p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		list, err := BranchAddresses(xpub, ExternalBranch, 0, 10000, p)
		if err != nil || len(list) != 10000 {
			b.Fatal(len(list), err)
		}
	}
}

// BenchmarkAddressAt is the slow path: one address, branch derived each time.
func BenchmarkAddressAt(b *testing.B) {
	p := chaincfg.MainNetParams()
	xpub := testMaster(b, p).Neuter()
	i := uint32(0)
	for b.Loop() {
		if _, err := AddressAt(xpub, 0, i%10000, p); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func ExampleAddressAt() {
	p := chaincfg.SimNetParams()
	xpub, err := Parse("spubVVBn1KgTWoDRajAZrymsoTRjP1qQdKTbuUMBBKw2q6vNVrbHXYGPTxDFgcaYYzrTRQ38mvkKt8dbk9pUHppT6WLZ23DroW8V3i3kptjfndx", p)
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := AddressAt(xpub, ExternalBranch, 0, p)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a)
	// Output: SscWmiP9TMGZimomJiqQvnrkGe23h3C3sJb
}

// FuzzParseBody fuzzes the 78-byte body with a correct checksum, so that
// the fuzzer reaches the version, key and point checks behind it.
func FuzzParseBody(f *testing.F) {
	for _, p := range chaincfg.All() {
		m, err := NewMaster(bytes.Repeat([]byte{9}, 32), p)
		if err != nil {
			f.Fatal(err)
		}
		for _, k := range []*ExtendedKey{m, m.Neuter()} {
			b, _ := base58.Decode(k.String())
			f.Add(b[:78])
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 100 { // encoding is quadratic; Parse bounds length
			return
		}
		c := base58.Checksum(body)
		s := base58.Encode(append(append([]byte(nil), body...), c[:]...))
		for _, p := range chaincfg.All() {
			k, err := Parse(s, p)
			if err != nil {
				continue
			}
			if got := k.String(); got != s {
				t.Fatalf("Parse(%q).String() = %q", s, got)
			}
			if _, err := k.Child(0); err != nil && k.Depth() < 255 && !errors.Is(err, ErrInvalidChild) {
				t.Fatalf("Child(0) of parsed key: %v", err)
			}
		}
	})
}
