package stakepool

import (
	"math"
	"math/big"
	"testing"
)

// bigTicketFee is the fee formula in math/big, the reference the integer
// fast path must agree with.
func bigTicketFee(bp, s, total, sum int64) int64 {
	num := new(big.Int).SetInt64(bp)
	num.Mul(num, big.NewInt(s))
	num.Mul(num, big.NewInt(total))
	den := big.NewInt(sum)
	den.Mul(den, big.NewInt(10000))
	return num.Quo(num, den).Int64()
}

func TestTicketFeeUint(t *testing.T) {
	const maxI = math.MaxInt64
	for _, tc := range []struct {
		name            string
		bp, s, tot, sum int64
		ok              bool
	}{
		{"typical", 750, 1_200_000_000, 5_000_006_000, 6_200_000_000, true},
		{"zero subsidy", 750, 0, 5e9, 5e9, true},
		{"zero total", 750, 1e8, 0, 1e8, true},
		{"large amounts", 10000, 5e14, 21e14, 1e15, true},
		{"sum*10000 just over 64 bits", 10000, 21e14, 21e14, 42e14, false},
		{"huge numerator, small quotient", 1 << 20, 1 << 40, maxI, maxI / 10000, true},
		{"quotient just fits", 1, maxI, 10000, 1, true},
		{"quotient one over 63 bits", 2, 1 << 62, 10000, 1, false},
		{"negative bp", -1, 1, 1, 1, false},
		{"zero bp", 0, 1, 1, 1, false},
		{"negative subsidy", 750, -5, 1e9, 1e9, false},
		{"negative total", 750, 1e8, -1, 1e9, false},
		{"zero sum", 750, 1e8, 1e9, 0, false},
		{"negative sum", 750, 1e8, 1e9, -1e9, false},
		{"bp*s overflows", maxI, maxI, 1, 1, false},
		{"sum*10000 overflows", 1, 1, 1, maxI, false},
		{"quotient over 64 bits", 1 << 30, 1 << 32, maxI, 1, false},
		{"quotient over 63 bits", 1, 1 << 62, 1 << 20, 1 << 5, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ticketFeeUint(tc.bp, tc.s, tc.tot, tc.sum)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if want := bigTicketFee(tc.bp, tc.s, tc.tot, tc.sum); got != want {
				t.Fatalf("got %d, big.Int gives %d", got, want)
			}
		})
	}
}

// FuzzTicketFeeUint checks that whenever the integer path answers, it
// answers what math/big does.
func FuzzTicketFeeUint(f *testing.F) {
	f.Add(int64(750), int64(1_200_000_000), int64(5_000_006_000), int64(6_200_000_000))
	f.Add(int64(10000), int64(21e14), int64(21e14), int64(42e14))
	f.Add(int64(1), int64(math.MaxInt64), int64(math.MaxInt64), int64(1))
	check := func(t *testing.T, bp, s, tot, sum int64) {
		if got, ok := ticketFeeUint(bp, s, tot, sum); ok {
			if want := bigTicketFee(bp, s, tot, sum); got != want {
				t.Fatalf("ticketFeeUint(%d, %d, %d, %d) = %d, big.Int gives %d", bp, s, tot, sum, got, want)
			}
		}
	}
	abs := func(v int64) int64 {
		if v < 0 {
			return -(v + 1)
		}
		return v
	}
	f.Fuzz(func(t *testing.T, bp, s, tot, sum int64) {
		check(t, bp, s, tot, sum)
		// The same inputs folded into the range real tickets use, so
		// that the integer path is exercised, not only its refusals.
		bp, s = 1+abs(bp)%10000, abs(s)%1e11
		check(t, bp, s, abs(tot)%21e14, 1+s+abs(sum)%21e14)
	})
}
