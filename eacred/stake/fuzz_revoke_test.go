package stake_test

import (
	"encoding/binary"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/stake"
)

// FuzzRevocationRewards: for any commitments summing to at least the
// price (as every valid ticket's do), automatic revocation payouts add up
// to the price exactly, and each is the plain proportional payout plus
// fewer extra atoms than there are payouts.
func FuzzRevocationRewards(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, uint64(1000), []byte("header"))
	f.Fuzz(func(t *testing.T, raw []byte, price uint64, header []byte) {
		var amounts []int64
		var sum int64
		for len(raw) >= 4 && len(amounts) < 64 {
			a := int64(binary.LittleEndian.Uint32(raw)) + 1
			raw = raw[4:]
			amounts = append(amounts, a)
			sum += a
		}
		if len(amounts) == 0 {
			return
		}
		p := int64(price % uint64(sum+1)) // price <= sum of commitments
		got := stake.RevocationRewards(amounts, p, header)
		plain := stake.CalculateRewards(amounts, p, 0)
		var total int64
		for k, v := range got {
			extra := v - plain[k]
			if extra < 0 || extra >= int64(len(amounts)) {
				t.Fatalf("payout %d = %d, plain %d", k, v, plain[k])
			}
			total += v
		}
		if total != p {
			t.Fatalf("payouts sum to %d, price %d (amounts %v)", total, p, amounts)
		}
	})
}
