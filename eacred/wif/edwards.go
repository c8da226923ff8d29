package wif

import "math/big"

// A minimal, variable-time ed25519 scalar base multiplication used only to
// show the public key of an imported ed25519 key. It is not used to sign
// and must not be: it leaks timing.

var (
	edP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	// edD = -121665/121666 mod p
	edD = func() *big.Int {
		n := new(big.Int).Mod(big.NewInt(-121665), edP)
		inv := new(big.Int).ModInverse(big.NewInt(121666), edP)
		return n.Mul(n, inv).Mod(n, edP)
	}()
	// Base point: y = 4/5, x positive (even).
	edBx, _ = new(big.Int).SetString("15112221349535400772501151409588531511454012693041857206046113283949847762202", 10)
	edBy, _ = new(big.Int).SetString("46316835694926478169428394003475163141307993866256225615783033603165251855960", 10)
	edL, _  = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)
)

type edPoint struct{ x, y *big.Int }

// add returns a+b on the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2.
func edAdd(a, b edPoint) edPoint {
	x1y2 := new(big.Int).Mul(a.x, b.y)
	x2y1 := new(big.Int).Mul(b.x, a.y)
	y1y2 := new(big.Int).Mul(a.y, b.y)
	x1x2 := new(big.Int).Mul(a.x, b.x)
	dxy := new(big.Int).Mul(edD, x1x2)
	dxy.Mul(dxy, y1y2).Mod(dxy, edP)
	one := big.NewInt(1)
	xDen := new(big.Int).Add(one, dxy)
	yDen := new(big.Int).Sub(one, dxy)
	xDen.Mod(xDen, edP).ModInverse(xDen, edP)
	yDen.Mod(yDen, edP).ModInverse(yDen, edP)
	x := new(big.Int).Add(x1y2, x2y1)
	x.Mul(x, xDen).Mod(x, edP)
	y := new(big.Int).Add(y1y2, x1x2)
	y.Mul(y, yDen).Mod(y, edP)
	return edPoint{x, y}
}

// ed25519PubKey returns the encoded point (big-endian scalar k mod l) * B.
func ed25519PubKey(k []byte) []byte {
	e := new(big.Int).SetBytes(k)
	e.Mod(e, edL)
	r := edPoint{big.NewInt(0), big.NewInt(1)}
	b := edPoint{edBx, edBy}
	for i := e.BitLen() - 1; i >= 0; i-- {
		r = edAdd(r, r)
		if e.Bit(i) == 1 {
			r = edAdd(r, b)
		}
	}
	// Encoding: y little-endian with the low bit of x in the top bit.
	out := make([]byte, 32)
	r.y.FillBytes(out)
	for i := 0; i < 16; i++ {
		out[i], out[31-i] = out[31-i], out[i]
	}
	out[31] |= byte(r.x.Bit(0)) << 7
	return out
}
