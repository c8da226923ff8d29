package rpcjson

import (
	"encoding/hex"
	"fmt"
)

// EncodeBitset encodes the answer of existslivetickets and friends: entry i
// is bit i%8 (least significant first) of byte i/8, as lowercase hex of
// ceil(n/8) bytes. Three entries of which #0 and #2 are set give "05".
func EncodeBitset(bits []bool) string {
	b := make([]byte, (len(bits)+7)/8)
	for i, set := range bits {
		if set {
			b[i/8] |= 1 << (i % 8)
		}
	}
	return hex.EncodeToString(b)
}

// DecodeBitset decodes a bitset answer for n queried entries. It fails if
// the hex is malformed or its length is not ceil(n/8) bytes.
func DecodeBitset(s string, n int) ([]bool, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("bitset %q: %w", s, err)
	}
	if n < 0 || len(b) != (n+7)/8 {
		return nil, fmt.Errorf("bitset %q: %d bytes for %d entries, want %d", s, len(b), n, (n+7)/8)
	}
	out := make([]bool, n)
	for i := range out {
		out[i] = b[i/8]&(1<<(i%8)) != 0
	}
	return out, nil
}
