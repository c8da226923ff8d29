// Package base58 implements the Base58 text encoding and Eacred's
// Base58Check, the form every address, WIF key and extended key is shown in.
//
// Base58 writes bytes as a big number in base 58 with an alphabet that leaves
// out look-alike characters (0, O, I, l). Each leading zero byte becomes a
// leading '1'. The alphabet is Bitcoin's.
//
// Base58Check adds a 2-byte version (the "ID": network plus kind of thing
// encoded, see chaincfg) in front of the payload and a 4-byte checksum
// behind it:
//
//	base58( id[0] id[1] || payload || BLAKE256(BLAKE256(id || payload))[:4] )
//
// This differs from Bitcoin's Base58Check in two ways: the version is 2
// bytes, not 1, and the checksum is double BLAKE-256, not double SHA-256, so
// Bitcoin libraries cannot check Eacred strings.
package base58

import (
	"errors"
	"fmt"
)

const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// invalid marks bytes that are not in the alphabet.
const invalid = 0xff

var decodeMap = func() [256]byte {
	var m [256]byte
	for i := range m {
		m[i] = invalid
	}
	for i := 0; i < len(alphabet); i++ {
		m[alphabet[i]] = byte(i)
	}
	return m
}()

// ErrInvalidFormat is returned when a Base58Check string is too short to
// hold a version and checksum.
var ErrInvalidFormat = errors.New("base58: invalid format: too short for version and checksum")

// ErrChecksum is returned when a Base58Check checksum does not match.
var ErrChecksum = errors.New("base58: checksum mismatch")

// ErrInvalidCharacter is matched (errors.Is) by every *InvalidCharError.
var ErrInvalidCharacter = errors.New("base58: invalid character")

// InvalidCharError reports a character outside the Base58 alphabet.
type InvalidCharError struct {
	Char byte
	Pos  int
}

func (e *InvalidCharError) Error() string {
	return fmt.Sprintf("base58: invalid character %q at position %d", e.Char, e.Pos)
}

// Is makes errors.Is(err, ErrInvalidCharacter) true.
func (e *InvalidCharError) Is(target error) bool { return target == ErrInvalidCharacter }

// Encode returns the Base58 encoding of b.
func Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	// log(256)/log(58) < 1.37; digits holds base-58 digits, least
	// significant first.
	digits := make([]byte, 0, (len(b)-zeros)*137/100+1)
	for _, v := range b[zeros:] {
		carry := int(v)
		for i := range digits {
			carry += int(digits[i]) << 8
			digits[i] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits = append(digits, byte(carry%58))
			carry /= 58
		}
	}
	out := make([]byte, zeros+len(digits))
	for i := 0; i < zeros; i++ {
		out[i] = alphabet[0]
	}
	for i, d := range digits {
		out[len(out)-1-i] = alphabet[d]
	}
	return string(out)
}

// Decode returns the bytes that s encodes, or an *InvalidCharError. Its
// time grows with the square of len(s): callers decoding untrusted input
// should bound the length first (the address, key and WIF decoders do).
func Decode(s string) ([]byte, error) {
	zeros := 0
	for zeros < len(s) && s[zeros] == alphabet[0] {
		zeros++
	}
	// log(58)/log(256) < 0.733; bytes holds base-256 digits, least
	// significant first.
	bytes := make([]byte, 0, (len(s)-zeros)*733/1000+1)
	for pos := zeros; pos < len(s); pos++ {
		d := decodeMap[s[pos]]
		if d == invalid {
			return nil, &InvalidCharError{Char: s[pos], Pos: pos}
		}
		carry := int(d)
		for i := range bytes {
			carry += int(bytes[i]) * 58
			bytes[i] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			bytes = append(bytes, byte(carry))
			carry >>= 8
		}
	}
	out := make([]byte, zeros+len(bytes))
	for i, v := range bytes {
		out[len(out)-1-i] = v
	}
	return out, nil
}
