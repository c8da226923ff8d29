package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// profiler fetches the profiling build's profiles into the data folder.
type profiler struct {
	addr, dir string
}

// startProfiling rebuilds the front end with -tags pprof into bin and sets
// DCRSTAKEPOOL_PPROF (inherited by the front end it starts) to a free
// loopback address.
func startProfiling(bin, dir string) (*profiler, error) {
	out, err := exec.Command("go", "build", "-tags", "pprof", "-o", filepath.Join(bin, "dcrstakepool"), ".").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go build -tags pprof: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return nil, err
	}
	if err := os.Setenv("DCRSTAKEPOOL_PPROF", addr); err != nil {
		return nil, err
	}
	fmt.Printf("profiling build of the front end; profiles on http://%s/debug/pprof/, saved in %s\n", addr, dir)
	return &profiler{addr: addr, dir: dir}, nil
}

func (p *profiler) save(name, path string, timeout time.Duration) {
	resp, err := (&http.Client{Timeout: timeout}).Get("http://" + p.addr + "/debug/pprof/" + path)
	if err != nil {
		fmt.Printf("profile %s: %v\n", name, err)
		return
	}
	defer resp.Body.Close()
	f, err := os.Create(filepath.Join(p.dir, name))
	if err != nil {
		fmt.Printf("profile %s: %v\n", name, err)
		return
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		fmt.Printf("profile %s: %v\n", name, err)
	}
	if err := f.Close(); err != nil {
		fmt.Printf("profile %s: %v\n", name, err)
	}
}

// cpu starts a CPU profile of d and returns a function that waits for it.
func (p *profiler) cpu(name string, d time.Duration) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.save(name, fmt.Sprintf("profile?seconds=%d", int(d.Seconds()+0.5)), d+30*time.Second)
	}()
	return func() { <-done }
}

// snapshot saves a profile that needs no duration (heap, mutex, goroutine).
func (p *profiler) snapshot(name, path string) { p.save(name, path, 30*time.Second) }
