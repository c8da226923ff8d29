package votelatency

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// profileArgs adds --profile on a free port when profiles are wanted.
func (c *cluster) profileArgs(p *proc, args []string) []string {
	if c.opt.ProfileDir == "" {
		return args
	}
	if p.profile == "" {
		p.profile = freeAddr()
	}
	return append(args, "--profile", p.profile)
}

// profile starts CPU profiles of d on every process of a phase and saves
// their block and mutex profiles; the returned function waits for the CPU
// profiles and saves the block and mutex profiles again. Files are named
// phase.process.kind.pprof.
func (c *cluster) profile(phase string, d time.Duration, floor bool) (done func()) {
	procs := []*proc{c.node, c.wallets[0], c.wallets[1], c.sps[0], c.sps[1]}
	if floor {
		procs = []*proc{c.node, c.wallets[0], c.wallets[1], c.floors[0], c.floors[1]}
	}
	if err := os.MkdirAll(c.opt.ProfileDir, 0o755); err != nil {
		c.logf("profile: %v", err)
		return func() {}
	}
	save := func(p *proc, path, suffix string) {
		name := phase + "." + strings.ReplaceAll(p.Name, " ", "") + "." + suffix + ".pprof"
		if err := fetch(p.profile, path, filepath.Join(c.opt.ProfileDir, name)); err != nil {
			c.logf("profile %s: %v", p.Name, err)
		}
	}
	for _, p := range procs {
		save(p, "block", "block-before")
		save(p, "mutex", "mutex-before")
	}
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			save(p, fmt.Sprintf("profile?seconds=%d", max(1, int(d.Seconds()))), "cpu")
		}()
	}
	return func() {
		wg.Wait()
		for _, p := range procs {
			save(p, "block", "block-after")
			save(p, "mutex", "mutex-after")
		}
		c.logf("profiles saved in %s", c.opt.ProfileDir)
	}
}

func fetch(addr, path, out string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/debug/pprof/"+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", path, resp.Status)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close() // the error returned below is the one to report
		return err
	}
	return f.Close()
}
