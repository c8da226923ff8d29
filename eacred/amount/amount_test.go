package amount

import (
	"errors"
	"math"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Amount
		err  error
	}{
		{"0", 0, nil},
		{"1", 1e8, nil},
		{"1.5", 150000000, nil},
		{"1.50000000", 150000000, nil},
		{"0.1", 10000000, nil},
		{".5", 50000000, nil},
		{"5.", 500000000, nil},
		{"0.00000001", 1, nil},
		{"0.000000010", 1, nil},
		{"-0.00000001", -1, nil},
		{"+2", 2e8, nil},
		{" 3.25 EACR ", 325000000, nil},
		{"3.25EACR", 325000000, nil},
		{"21000000", MaxAmount, nil},
		{"-21000000", -MaxAmount, nil},
		{"0000000000000012.3", 1230000000, nil},
		{"0.3", 30000000, nil}, // 0.3 is not exact in float64
		{"0.000000001", 0, ErrTooManyDecimals},
		{"1.123456789", 0, ErrTooManyDecimals},
		{"21000000.00000001", 0, ErrOverflow},
		{"99999999999999999999", 0, ErrOverflow},
		{"", 0, ErrSyntax},
		{".", 0, ErrSyntax},
		{"-", 0, ErrSyntax},
		{"1e8", 0, ErrSyntax},
		{"1,5", 0, ErrSyntax},
		{"--1", 0, ErrSyntax},
		{"0x10", 0, ErrSyntax},
		{"1.2.3", 0, ErrSyntax},
		{"NaN", 0, ErrSyntax},
		{"EACR", 0, ErrSyntax},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		a        Amount
		str, dec string
		coin     float64
	}{
		{0, "0 EACR", "0.00000000", 0},
		{1, "0.00000001 EACR", "0.00000001", 1e-8},
		{150000000, "1.5 EACR", "1.50000000", 1.5},
		{-250000000, "-2.5 EACR", "-2.50000000", -2.5},
		{MaxAmount, "21000000 EACR", "21000000.00000000", 21e6},
		{math.MinInt64, "-92233720368.54775808 EACR", "-92233720368.54775808", -92233720368.54775808},
	}
	for _, tc := range tests {
		if got := tc.a.String(); got != tc.str {
			t.Errorf("String(%d) = %q, want %q", int64(tc.a), got, tc.str)
		}
		if got := tc.a.Decimal(); got != tc.dec {
			t.Errorf("Decimal(%d) = %q, want %q", int64(tc.a), got, tc.dec)
		}
		if got := tc.a.ToCoin(); got != tc.coin {
			t.Errorf("ToCoin(%d) = %v", int64(tc.a), got)
		}
	}
}

func TestFromCoin(t *testing.T) {
	tests := []struct {
		f    float64
		want Amount
		err  error
	}{
		{0.1, 10000000, nil},
		{0.3, 30000000, nil},
		{1.00000001, 100000001, nil},
		{-0.29, -29000000, nil},
		{21e6, MaxAmount, nil},
		{21e6 + 1, 0, ErrOverflow},
		{math.NaN(), 0, ErrNotFinite},
		{math.Inf(1), 0, ErrNotFinite},
	}
	for _, tc := range tests {
		got, err := FromCoin(tc.f)
		if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
			t.Errorf("FromCoin(%v) = %d, %v; want %d, %v", tc.f, got, err, tc.want, tc.err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.5", "-0.00000001", "21000000", "3 EACR", ".5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		if a > MaxAmount || a < -MaxAmount {
			t.Fatalf("Parse(%q) = %d beyond MaxAmount", s, a)
		}
		for _, out := range []string{a.Decimal(), a.String()} {
			if b, err := Parse(out); err != nil || b != a {
				t.Fatalf("Parse(%q) = %d, but Parse(%q) = %d, %v", s, a, out, b, err)
			}
		}
	})
}
