package hdkeychain

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrBadPath is returned by ParsePath for malformed paths.
var ErrBadPath = errors.New("hdkeychain: bad derivation path")

// ParsePath parses a derivation path such as "m/44'/42'/0'/0/5". A trailing
// ' or H marks a hardened index (the index plus HardenedKeyStart). "m" alone
// is the empty path.
func ParsePath(s string) ([]uint32, error) {
	parts := strings.Split(s, "/")
	if parts[0] != "m" {
		return nil, fmt.Errorf("%w %q: must start with m", ErrBadPath, s)
	}
	path := make([]uint32, 0, len(parts)-1)
	for _, part := range parts[1:] {
		hardened := strings.HasSuffix(part, "'") || strings.HasSuffix(part, "H") || strings.HasSuffix(part, "h")
		if hardened {
			part = part[:len(part)-1]
		}
		if part == "" || part[0] == '+' || part[0] == '-' {
			return nil, fmt.Errorf("%w %q: empty or signed index", ErrBadPath, s)
		}
		n, err := strconv.ParseUint(part, 10, 32)
		if err != nil || n >= HardenedKeyStart {
			return nil, fmt.Errorf("%w %q: index %q out of range", ErrBadPath, s, part)
		}
		if hardened {
			n += HardenedKeyStart
		}
		path = append(path, uint32(n))
	}
	return path, nil
}

// FormatPath writes a path in the form ParsePath reads, with ' for hardened.
func FormatPath(path []uint32) string {
	var b strings.Builder
	b.WriteString("m")
	for _, i := range path {
		b.WriteByte('/')
		if i >= HardenedKeyStart {
			b.WriteString(strconv.FormatUint(uint64(i-HardenedKeyStart), 10))
			b.WriteByte('\'')
		} else {
			b.WriteString(strconv.FormatUint(uint64(i), 10))
		}
	}
	return b.String()
}
