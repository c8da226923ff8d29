package proctest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

// Ports for daemons are picked below the kernel's ephemeral range. A port
// the kernel hands out with "127.0.0.1:0" comes from that range, and so do
// the source ports of every outgoing connection: between the moment a test
// learns a free port and the moment its daemon binds it, any connection
// made by a test running beside it (they run in parallel packages) can take
// it, and the daemon fails with "address already in use". Below the range
// only another test picking the same random port can collide.
const (
	pickLow      = 20000 // lowest port picked
	ephemeralLow = 32768 // Linux's default start of ip_local_port_range
)

// ephemeralStart is the first port of the kernel's ephemeral range.
func ephemeralStart() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return ephemeralLow
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ephemeralLow
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n <= pickLow+1000 {
		return ephemeralLow
	}
	return n
}

// PickPorts returns the first of n consecutive loopback ports that were all
// free a moment ago, chosen at random below the ephemeral range.
func PickPorts(n int) (int, error) {
	top := ephemeralStart() - n
	for try := 0; try < 100; try++ {
		base := pickLow + rand.IntN(top-pickLow)
		ok := true
		for p := base; p < base+n && ok; p++ {
			l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
			if err != nil {
				ok = false
				continue
			}
			if err := l.Close(); err != nil {
				return 0, err
			}
		}
		if ok {
			return base, nil
		}
	}
	return 0, fmt.Errorf("no %d consecutive free ports in %d..%d", n, pickLow, top)
}

// PickAddr returns a loopback address whose port was free a moment ago,
// for a daemon's listen option (see PickPorts for why not port 0).
func PickAddr() (string, error) {
	p, err := PickPorts(1)
	if err != nil {
		return "", err
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(p)), nil
}

// FreeAddr is PickAddr for tests.
func FreeAddr(t testing.TB) string {
	t.Helper()
	a, err := PickAddr()
	if err != nil {
		t.Fatal(err)
	}
	return a
}
