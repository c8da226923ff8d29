package hdkeychain

import (
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// TestPublicBranchVectors: the pool key and fee address derivation
// (account/0/index) on the published vectors, and what it refuses.
func TestPublicBranchVectors(t *testing.T) {
	// hdkeychain.json xpub_to_addresses (testnet3).
	tp, err := ParsePublicBranch("tpubVpQL1h9UcY9c1BPZYfjYEtw5froRAvqZEo6sn5Tji6VkhcpfMaQ6id9Spf5iNvprRTcpdF5pj7m5Suyu1E8iC4xnb6MkjUnCJureTsmdXfG",
		ExternalBranch, chaincfg.TestNet3Params())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"TskTcbmvjYxduojxjAnTGxLArnGo4EFnoi3", "Tsg1JdVFUw9GVmW9dGo4ZCf3FGWw1FUaqvk", "TsbVWuTSuERse1yFeZHznF8xAHyyuSS8HkY"}
	for i, w := range want {
		got, err := tp.Address(uint32(i))
		if err != nil || got != w {
			t.Errorf("index %d = %s %v, want %s", i, got, err, w)
		}
	}
	// Beyond the original 10,000-user cap.
	if _, err := tp.Address(250000); err != nil {
		t.Errorf("index 250000: %v", err)
	}
	for _, bad := range []string{"", "tpub", "not base58 0OIl"} {
		if _, err := ParsePublicBranch(bad, ExternalBranch, chaincfg.TestNet3Params()); err == nil {
			t.Errorf("ParsePublicBranch(%q) succeeded", bad)
		}
	}
	// A testnet key on simnet is refused.
	if _, err := ParsePublicBranch("tpubVpQL1h9UcY9c1BPZYfjYEtw5froRAvqZEo6sn5Tji6VkhcpfMaQ6id9Spf5iNvprRTcpdF5pj7m5Suyu1E8iC4xnb6MkjUnCJureTsmdXfG",
		ExternalBranch, chaincfg.SimNetParams()); err == nil {
		t.Error("testnet xpub accepted on simnet")
	}
	// A private key is refused: the front end must never hold one.
	priv := testMaster(t, chaincfg.SimNetParams())
	if _, err := ParsePublicBranch(priv.String(), ExternalBranch, chaincfg.SimNetParams()); err == nil ||
		!strings.Contains(err.Error(), "private") {
		t.Errorf("private key: %v", err)
	}
}
