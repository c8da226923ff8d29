// Package machineinfo describes the machine a measurement ran on, in the one
// line format docs/performance.md asks every benchmark command to print
// first: cores, CPU model, memory, load average, OS, Go version and time.
package machineinfo

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Line is the machine line for now:
//
//	machine: 2 cores (AMD EPYC 7B13), 23.4 GiB RAM, load average 1.20 0.90 0.70, linux/amd64 Debian GNU/Linux 12 (bookworm), go1.26.0, 2026-12-02 00:40 UTC
//
// Values it cannot read (no /proc, say) are shown as "?".
func Line() string {
	return fmt.Sprintf("machine: %d cores (%s), %s GiB RAM, load average %s, %s/%s %s, %s, %s",
		runtime.NumCPU(), cpuModel(), memGiB(), LoadAverage(), runtime.GOOS, runtime.GOARCH, osName(),
		runtime.Version(), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
}

// LoadAverage is the 1, 5 and 15 minute load averages of /proc/loadavg,
// "? ? ?" when unknown.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "? ? ?"
}

// field returns the value of the first "key: value" (or key=value) line of
// path whose key is key.
func field(path, key, sep string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }() // opened read-only
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), sep)
		if ok && strings.TrimSpace(k) == key {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return ""
}

func cpuModel() string {
	if m := field("/proc/cpuinfo", "model name", ":"); m != "" {
		return strings.Join(strings.Fields(m), " ")
	}
	return "?"
}

func memGiB() string {
	kb := strings.TrimSuffix(field("/proc/meminfo", "MemTotal", ":"), " kB")
	n, err := strconv.ParseFloat(strings.TrimSpace(kb), 64)
	if err != nil {
		return "?"
	}
	return strconv.FormatFloat(n/(1<<20), 'f', 1, 64)
}

func osName() string {
	if n := field("/etc/os-release", "PRETTY_NAME", "="); n != "" {
		return n
	}
	return "?"
}
