package proctest

import (
	"fmt"
	"os/exec"
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
