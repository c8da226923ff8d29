// Package amount represents sums of money exactly.
//
// Money is counted in atoms, the smallest unit: 1 EACR = 100,000,000 atoms
// (1e8), like 1 DCR. Transactions, fees and the pool's arithmetic all use
// whole atoms, held in an int64 (Amount). Decimal coin values appear only at
// the edges: shown to people, typed into configuration, or sent as JSON
// numbers by the node's RPC. Parse reads a decimal string exactly (no float
// rounding); FromCoin converts an RPC float by rounding to the nearest atom;
// ToCoin is for display only.
package amount

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Amount is a number of atoms.
type Amount int64

const (
	// AtomsPerCoin is the number of atoms in one coin.
	AtomsPerCoin Amount = 1e8
	// Decimals is the number of decimal places of a coin value.
	Decimals = 8
	// MaxAmount is the total supply cap of 21 million coins; no valid sum is
	// larger.
	MaxAmount Amount = 21e6 * AtomsPerCoin
	// Unit is the coin's name as shown to people.
	Unit = "EACR"
)

// Errors returned by Parse and FromCoin. Test with errors.Is.
var (
	ErrSyntax          = errors.New("amount: not a decimal number")
	ErrTooManyDecimals = errors.New("amount: more than 8 decimal places")
	ErrOverflow        = errors.New("amount: larger than the 21 million coin supply")
	ErrNotFinite       = errors.New("amount: not a finite number")
)

// Parse reads a decimal coin value such as "1", "0.5", "-2.25" or
// "1.50000000 EACR" (the unit is optional) into atoms, exactly.
func Parse(s string) (Amount, error) {
	in := s
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutSuffix(s, Unit); ok {
		s = strings.TrimSpace(rest)
		if s == "" {
			return 0, fmt.Errorf("%w: unit without a number: %q", ErrSyntax, in)
		}
	}
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && frac == "" || !allDigits(whole) || !allDigits(frac) || (hasDot && frac == "" && whole == "") {
		return 0, fmt.Errorf("%w: %q", ErrSyntax, in)
	}
	if len(frac) > Decimals {
		// Extra zeros are harmless; anything else cannot be represented.
		if strings.Trim(frac[Decimals:], "0") != "" {
			return 0, fmt.Errorf("%w: %q", ErrTooManyDecimals, in)
		}
		frac = frac[:Decimals]
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 8 { // 21e6 has 8 digits
		return 0, fmt.Errorf("%w: %q", ErrOverflow, in)
	}
	var w, f int64
	if whole != "" {
		w, _ = strconv.ParseInt(whole, 10, 64)
	}
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", Decimals-len(frac)), 10, 64)
	}
	a := Amount(w)*AtomsPerCoin + Amount(f)
	if a > MaxAmount {
		return 0, fmt.Errorf("%w: %q", ErrOverflow, in)
	}
	if neg {
		a = -a
	}
	return a, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FromCoin converts a coin value given as a float (as JSON-RPC sends them)
// to atoms, rounding to the nearest atom.
func FromCoin(f float64) (Amount, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, ErrNotFinite
	}
	atoms := math.Round(f * float64(AtomsPerCoin))
	if math.Abs(atoms) > float64(MaxAmount) {
		return 0, fmt.Errorf("%w: %g", ErrOverflow, f)
	}
	return Amount(atoms), nil
}

// ToCoin returns the value in coins as a float, for display and JSON only;
// never compute with it.
func (a Amount) ToCoin() float64 { return float64(a) / float64(AtomsPerCoin) }

// Decimal returns the value with all 8 decimals and no unit, e.g.
// "1.50000000" or "-0.00000001".
func (a Amount) Decimal() string {
	sign := ""
	u := uint64(a)
	if a < 0 {
		sign = "-"
		u = uint64(-a) // correct for math.MinInt64 too, as uint64
	}
	return fmt.Sprintf("%s%d.%08d", sign, u/uint64(AtomsPerCoin), u%uint64(AtomsPerCoin))
}

// String returns the value with trailing zero decimals removed and the unit,
// e.g. "1.5 EACR", "0 EACR", "0.00000001 EACR".
func (a Amount) String() string {
	s := strings.TrimRight(a.Decimal(), "0")
	s = strings.TrimSuffix(s, ".")
	return s + " " + Unit
}
