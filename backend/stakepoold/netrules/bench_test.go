package netrules

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/stakepool"
	"github.com/eacred/dcrstakepool/eacred/txscript"
)

// BenchmarkLoadTicketsReal measures the start-up load of 40,960 real
// serialized pool tickets of 10,000 users from a fake wallet, with the real
// decoder and eacred/stakepool fee check against 10,000 fee addresses, and
// reports the process's peak RSS.
func BenchmarkLoadTicketsReal(b *testing.B) {
	const users, tickets = 10_000, 40_960
	sim := chaincfg.SimNetParams()
	xpub := coldKey(b, sim)
	feeAddrs, err := FeeAddresses(xpub.String(), users, sim)
	if err != nil {
		b.Fatal(err)
	}
	node := pooltest.NewNode(pool.BlockRef{Hash: "tip", Height: 5000})
	wallet := &rawWallet{Wallet: pooltest.NewWallet(), raw: map[string][]byte{}}
	for i := 0; i < 256; i++ {
		node.Heights[fmt.Sprintf("%064x", 1_000_000+i)] = int64(2000 + i)
	}
	user, _ := hdkeychain.AddressAt(xpub, 1, 0, sim)
	const price, txFee = 5_000_000_000, 6000
	in := NewInspector(sim, feeAddrs, 5)
	feeList, err := hdkeychain.BranchAddresses(xpub, 0, 0, users, sim)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < tickets; i++ {
		u := uint32(i % users)
		feeAddr := feeList[u].Address
		ms, _ := address.NewScriptHashAddress([]byte{0x51, byte(u), byte(u >> 8)}, sim)
		fee := 2 * in.requiredFee(price, txFee, 2000)
		tx, err := stake.NewTicket(stake.TicketSpec{
			Price:  price,
			Voting: txscript.PayScript{ScriptHash: true, Hash: *ms.Hash160()},
			Inputs: []stake.TicketInput{
				{Value: fee, Reward: txscript.PayScript{Hash: *feeAddr.Hash160()}},
				{Value: price - fee + txFee, Reward: txscript.PayScript{Hash: *user.Hash160()}},
			},
		})
		if err != nil {
			b.Fatal(err)
		}
		h := fmt.Sprintf("%064x", i)
		wallet.TicketList = append(wallet.TicketList, h)
		wallet.raw[h] = tx.Bytes()
	}
	p, err := pool.New(pool.Config{Node: node, Wallet: wallet, Inspector: in, Addresses: Addresses{Params: sim}})
	if err != nil {
		b.Fatal(err)
	}
	// Measure the load, not the set-up: drop the set-up garbage and reset
	// the peak RSS counter (Linux).
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // where the kernel refuses, the peak counts from the start
	base := procStatusMB("VmRSS:")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := p.LoadTickets(context.Background())
		if err != nil || st.Live != tickets {
			b.Fatalf("%+v %v", st, err)
		}
	}
	b.StopTimer()
	if rss := procStatusMB("VmHWM:"); rss > 0 {
		b.ReportMetric(rss, "peakRSS-MB")
		b.ReportMetric(base, "baseRSS-MB") // fake wallet's 40,960 ticket hex strings etc.
	}
}

// rawWallet keeps tickets as bytes and hex-encodes them per gettransaction,
// as a JSON-RPC answer would arrive: the hex is garbage after the call, so
// the process's memory is the daemon's, not a store of hex strings.
type rawWallet struct {
	*pooltest.Wallet
	raw map[string][]byte
}

func (w *rawWallet) Transaction(ctx context.Context, txid string) (pool.WalletTx, error) {
	b, ok := w.raw[txid]
	if !ok {
		return pool.WalletTx{}, pool.Errorf(pool.KindNotFound, "no information for transaction %s", txid)
	}
	// All test tickets were mined in one of 256 blocks.
	return pool.WalletTx{Hex: hex.EncodeToString(b), BlockHash: fmt.Sprintf("%064x", 1_000_000+int(b[len(b)-1])%256)}, nil
}

// requiredFee is the pool fee a test ticket must pay.
func (in Inspector) requiredFee(price, txFee, height int64) int64 {
	return stakepool.TicketFeeAt(in.Subsidy, price, txFee, height, in.PoolFees)
}

// procStatusMB reads a memory line of /proc/self/status (Linux) in MB.
func procStatusMB(key string) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, key) {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb / 1024
		}
	}
	return 0
}
