package stakepooldclient_test

import (
	"context"
	"fmt"
	"testing"

	spc "github.com/eacred/dcrstakepool/backend/stakepooldclient"
)

// BenchmarkCreateAddress measures the client's own work for one address
// (three fan-outs to 3 in-memory backends, comparisons) without a network.
func BenchmarkCreateAddress(b *testing.B) {
	fs := newFakes(3)
	var bs []spc.Backend
	for _, f := range fs {
		bs = append(bs, f)
	}
	c, err := spc.New(bs, spc.Options{ColdWalletExtPub: coldXpub})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Start(ctx, &memSource{}, spc.Version{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := c.CreateAddress(ctx, spc.AddressRequest{Index: uint32(i + 1),
			PoolAddress: fmt.Sprintf("Ss%d", i), UserPubKeyAddr: "SkUser"})
		if err != nil {
			b.Fatal(err)
		}
	}
}
