package machineinfo

import (
	"regexp"
	"runtime"
	"strconv"
	"testing"
)

func TestLineFormat(t *testing.T) {
	line := Line()
	re := regexp.MustCompile(`^machine: (\d+) cores \(.+\), ([0-9.]+|\?) GiB RAM, load average \S+ \S+ \S+, \S+/\S+ .+, go.+, \d{4}-\d\d-\d\d \d\d:\d\d UTC$`)
	m := re.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("machine line %q does not match the documented format", line)
	}
	if m[1] != strconv.Itoa(runtime.NumCPU()) {
		t.Errorf("cores %s, want %d", m[1], runtime.NumCPU())
	}
	if runtime.GOOS == "linux" && (m[2] == "?" || LoadAverage() == "? ? ?") {
		t.Errorf("on Linux memory and load average must be read: %q", line)
	}
}
