package wif

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"errors"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/base58"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// TestEd25519MatchesStdlib checks the scalar multiplication against the
// standard library: a seed's clamped scalar (little-endian) gives the
// seed's public key.
func TestEd25519MatchesStdlib(t *testing.T) {
	for i := 0; i < 8; i++ {
		seed := bytes.Repeat([]byte{byte(i*37 + 1)}, ed25519.SeedSize)
		h := sha512.Sum512(seed)
		s := h[:32]
		s[0] &= 248
		s[31] &= 127
		s[31] |= 64
		be := make([]byte, 32)
		for j := range s {
			be[j] = s[31-j]
		}
		want := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
		if got := ed25519PubKey(be); !bytes.Equal(got, want) {
			t.Fatalf("seed %d: got %x want %x", i, got, want)
		}
	}
}

func TestRoundTripAndErrors(t *testing.T) {
	main, test := chaincfg.MainNetParams(), chaincfg.TestNet3Params()
	key := bytes.Repeat([]byte{0x11}, 32)
	for _, st := range []address.SigType{address.ECDSA, address.Ed25519, address.Schnorr} {
		w, err := New(key, st, main)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(w.String(), main)
		if err != nil || got.String() != w.String() || got.SigType() != st || !bytes.Equal(got.PrivKey(), key) {
			t.Fatalf("round trip %v: %v", st, err)
		}
		if _, err := Decode(w.String(), test); !errors.Is(err, ErrWrongNetwork) {
			t.Fatalf("wrong network: %v", err)
		}
	}
	raw := append(append([]byte{}, main.PrivateKeyID[:]...), 0)
	raw = append(raw, key...)
	enc := func(b []byte) string {
		c := checksum(b)
		return base58.Encode(append(append([]byte{}, b...), c[:]...))
	}
	mod := func(f func(b []byte)) string {
		b := append([]byte{}, raw...)
		f(b)
		return enc(b)
	}
	badSum, _ := base58.Decode(enc(raw))
	badSum[len(badSum)-1] ^= 1
	n := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
		0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41}
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"checksum", base58.Encode(badSum), ErrChecksum},
		{"short", enc(raw[:34]), ErrLength},
		{"bad char", "Pm0", ErrInvalidFormat},
		{"unknown id", mod(func(b []byte) { b[0] = 0x07 }), ErrUnknownKind},
		{"sig type", mod(func(b []byte) { b[2] = 3 }), ErrUnknownSigType},
		{"zero key", mod(func(b []byte) { clear(b[3:]) }), ErrInvalidPrivKey},
		{"key = n", mod(func(b []byte) { copy(b[3:], n) }), ErrInvalidPrivKey},
		{"double checksum", base58.CheckEncode(raw[2:], main.PrivateKeyID), ErrChecksum},
	}
	for _, tc := range tests {
		if w, err := Decode(tc.in, main); w != nil || !errors.Is(err, tc.want) {
			t.Errorf("%s: Decode = %v, %v; want %v", tc.name, w, err, tc.want)
		}
	}
	if _, err := New(key[:31], address.ECDSA, main); !errors.Is(err, ErrLength) {
		t.Errorf("New short: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("PmQdMn8xafwaQouk8ngs1CccRCB1ZmsqQxBaxNR4vhQi5a5QB5716")
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range chaincfg.All() {
			if w, err := Decode(s, p); err == nil && w.String() != s {
				t.Fatalf("Decode(%q).String() = %q", s, w)
			}
		}
	})
}
