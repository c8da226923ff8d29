package stakepooldclient_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	spc "github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/internal/benchdata"
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

// benchSource is the synthetic pool (100,000 users with scripts) as the
// front end's database would return it.
func benchSource(d *benchdata.Pool) *memSource {
	src := &memSource{users: make([]spc.PoolUser, len(d.Users))}
	for i, u := range d.Users {
		src.users[i] = spc.PoolUser{Prefs: spc.VotingPrefs{UserID: u.ID, MultisigAddress: u.MultisigAddress,
			VoteBits: 5, VoteBitsVersion: 8}, RedeemScript: u.RedeemScript, HeightRegistered: u.HeightRegistered}
	}
	return src
}

// BenchmarkFrontEndStartup measures the front end's start-up against two
// real stakepoolds (core and gRPC server over TLS on bufconn, in-memory
// ecrd and wallet) that lost their state: the start-up checks, then every
// user's script (100,000) and preferences pushed to both, their wallets'
// 40,960 tickets compared, and the backends' state digests matching the
// expected one. The wallets' own import time is not included (in-memory).
func BenchmarkFrontEndStartup(b *testing.B) {
	benchdata.Machine()
	d := benchdata.Full()
	src := benchSource(d)
	ctx := context.Background()
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ds := []*realDaemon{startReal(b, "real1:19560"), startReal(b, "real2:19560")}
		for _, rd := range ds {
			for _, t := range d.Tickets {
				rd.wallet.AddTicketTx(t.Hash, d.Users[t.Owner].MultisigAddress, true, "b1")
			}
		}
		c, err := spc.New([]spc.Backend{ds[0].b, ds[1].b}, spc.Options{ColdWalletExtPub: coldXpub,
			Network: "simnet", PoolFees: 7.5, SyncTimeout: time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		cpu0 := benchdata.CPUTime()
		b.StartTimer()
		if err := c.Start(ctx, src, spc.Version{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += benchdata.CPUTime() - cpu0
		for _, s := range c.Statuses() {
			if s.State != spc.StateHealthy {
				b.Fatalf("%s is %s after start-up: %s", s.Name, s.State, s.LastError)
			}
		}
		for _, rd := range ds {
			if _, _, _, n := rd.pool.Counts(); n != len(d.Users) {
				b.Fatalf("a backend holds %d users", n)
			}
		}
		if err := c.Close(); err != nil {
			b.Fatal(err)
		}
		for _, rd := range ds {
			rd.closed = true
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/start")
	// CPU time (client and both servers, all in this process): what the
	// start-up costs whatever else the machine runs.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/1000, "cpu-ms/start")
}
