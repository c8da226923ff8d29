package base58

import (
	"github.com/decred/dcrd/crypto/blake256"
)

// ChecksumLen is the number of checksum bytes Base58Check appends.
const ChecksumLen = 4

// Checksum returns the first 4 bytes of BLAKE256(BLAKE256(b)), the checksum
// used by Base58Check and by serialized extended keys.
func Checksum(b []byte) [ChecksumLen]byte {
	h := blake256.Sum256(b)
	h = blake256.Sum256(h[:])
	var c [ChecksumLen]byte
	copy(c[:], h[:ChecksumLen])
	return c
}

// CheckEncode returns the Base58Check encoding of payload with the 2-byte
// version id.
func CheckEncode(payload []byte, id [2]byte) string {
	b := make([]byte, 0, 2+len(payload)+ChecksumLen)
	b = append(b, id[:]...)
	b = append(b, payload...)
	c := Checksum(b)
	return Encode(append(b, c[:]...))
}

// CheckDecode decodes a Base58Check string into its payload and 2-byte
// version. It fails with an *InvalidCharError, ErrInvalidFormat (fewer than
// 6 bytes) or ErrChecksum.
func CheckDecode(s string) (payload []byte, id [2]byte, err error) {
	b, err := Decode(s)
	if err != nil {
		return nil, id, err
	}
	if len(b) < 2+ChecksumLen {
		return nil, id, ErrInvalidFormat
	}
	body := b[:len(b)-ChecksumLen]
	if Checksum(body) != [ChecksumLen]byte(b[len(b)-ChecksumLen:]) {
		return nil, id, ErrChecksum
	}
	id = [2]byte{body[0], body[1]}
	return body[2:], id, nil
}
