package proctest

import (
	"net"
	"strconv"
	"testing"
)

func TestPickPortsBelowEphemeralRange(t *testing.T) {
	top := ephemeralStart()
	for i := 0; i < 20; i++ {
		base, err := PickPorts(4)
		if err != nil {
			t.Fatal(err)
		}
		if base < pickLow || base+4 > top {
			t.Fatalf("ports %d..%d are outside %d..%d", base, base+3, pickLow, top-1)
		}
		for p := base; p < base+4; p++ {
			l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
			if err != nil {
				t.Fatalf("picked port %d is not free: %v", p, err)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
}
