package stakepool_test

import (
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/eacred/stakepool"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// BenchmarkDecodeAndCheckTicket decodes a serialized 2-contributor pool
// ticket and runs the fee check against a 10,000-address fee set.
func BenchmarkDecodeAndCheckTicket(b *testing.B) {
	var v xpubVector
	for _, x := range loadXpubVectors(b) {
		if x.Network == "simnet" {
			v = x
		}
	}
	p := chaincfg.SimNetParams()
	set, err := stakepool.FeeAddresses(v.Xpub, stakepool.DefaultFeeAddressCount, p)
	if err != nil {
		b.Fatal(err)
	}
	acct, _ := hdkeychain.Parse(v.Xpub, p)
	feeAddr, err := hdkeychain.AddressAt(acct, 0, 9876, p)
	if err != nil {
		b.Fatal(err)
	}
	var h [20]byte = *feeAddr.Hash160()
	c := subsidy.NewCache(p)
	const price, txFee, height, pct = 1e9, 10000, 300, 5.0
	fee := stakepool.TicketFeeAt(c, price, txFee, height, pct)
	raw := poolTicket(b, h, false, fee, price, txFee).Bytes()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tx, err := wire.NewTxFromBytes(raw)
		if err != nil {
			b.Fatal(err)
		}
		res, err := stakepool.CheckTicketFee(tx, height, pct, set, c)
		if err != nil || res.FeeAddressIndex != 9876 {
			b.Fatalf("%v %+v", err, res)
		}
	}
}
