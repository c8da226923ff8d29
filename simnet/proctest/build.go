package proctest

import (
	"fmt"
	"net"
	"os/exec"
	"testing"
)

// Build runs `go build -o out [-race] pkgs...`. With several packages out
// must be a directory ending in a path separator; each binary is named
// after its package. The error carries the compiler's output.
func Build(out string, race bool, pkgs ...string) error {
	args := []string{"build", "-o", out}
	if race {
		args = append(args, "-race")
	}
	b, err := exec.Command("go", append(args, pkgs...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build %v: %w\n%s", pkgs, err, b)
	}
	return nil
}

// FreeAddr returns a loopback address with a port that was free a moment
// ago (the OS picked it), for a daemon's --rpclisten.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}
