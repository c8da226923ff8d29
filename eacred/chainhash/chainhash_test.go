package chainhash

import (
	"encoding/hex"
	"strings"
	"testing"
)

func TestHashStringRoundTrip(t *testing.T) {
	const s = "298e5cc3d985bfe7f81dc135f360abe089edd4396b86d2de66b0cef42b21d980"
	h, err := NewHashFromStr(s)
	if err != nil {
		t.Fatal(err)
	}
	if h[0] != 0x80 || h[31] != 0x29 {
		t.Fatalf("bytes not reversed: %x", h[:])
	}
	if got := h.String(); got != s {
		t.Fatalf("String() = %s, want %s", got, s)
	}
}

func TestNewHashFromStrErrors(t *testing.T) {
	for _, s := range []string{"", "00", strings.Repeat("0", 65), strings.Repeat("zz", 32)} {
		if _, err := NewHashFromStr(s); err == nil {
			t.Errorf("NewHashFromStr(%q) succeeded", s)
		}
	}
}

func TestHashH(t *testing.T) {
	// BLAKE-256 of the empty string.
	const want = "716f6e863f744b9ac22c97ec7b76ea5f5908bc5b2f67c61510bfc4751384ea7a"
	h := HashH(nil)
	var natural [HashSize]byte
	copy(natural[:], h[:])
	if got := Hash(natural); got.String() == want {
		t.Fatal("String must be reversed order")
	}
	if got := hex.EncodeToString(h[:]); got != want {
		t.Fatalf("HashH(nil) = %s, want %s", got, want)
	}
}
