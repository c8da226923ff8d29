package faultmatrix

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/eacred/dcrstakepool/simnet/proctest"
)

// restartStakepoold starts stakepoold i again and waits until it runs; it
// returns when it was seen running.
func (f *fault) restartStakepoold(i int) (time.Time, error) {
	sp := f.m.C.Stakepoolds[i]
	off := proctest.FileSize(sp.OutPath())
	if err := sp.Start(); err != nil {
		return time.Time{}, err
	}
	if err := WaitStakepooldRunning(sp, off, 60*time.Second); err != nil {
		return time.Time{}, err
	}
	return time.Now(), nil
}

// repairGrace is how long a restarted stakepoold is given to be repaired
// by the front end (it polls every backend's health every second) before
// it is left to vote alone.
const repairGrace = 3 * time.Second

// leaveAlone kills stakepoold 2 after repairGrace, so stakepoold 1 (just
// restarted with stale or damaged state) casts every vote: wrong bits it
// was not repaired from reach the chain for sure instead of losing a race
// against the healthy backend's votes. restoreOther starts stakepoold 2
// again.
func (f *fault) leaveAlone() {
	time.Sleep(repairGrace)
	f.m.C.Stakepoolds[1].Kill()
	f.note("stakepoold 2 killed %v after stakepoold 1 ran again: stakepoold 1 voted alone for %v", repairGrace, f.m.Hold)
}

func (f *fault) restoreOther() error {
	_, err := f.restartStakepoold(1)
	return err
}

// changeTicketUser changes the first ticket user's vote bits through the
// API while the fault lasts, so a backend that missed the change and is
// not repaired votes with stale bits.
func (f *fault) changeTicketUser() {
	c := f.m.C
	u := c.Users[0]
	ws := f.m.Prefs.Writes(u.ID)
	bits := uint16(0x0005)
	if ws[len(ws)-1].bits == 0x0005 {
		bits = 0x0003
	}
	done := make(chan struct{})
	f.extra = append(f.extra, done)
	go func() {
		defer close(done)
		i := f.m.Prefs.Begin(u.ID, bits)
		err := c.SetVoteBits(u, bits, 60*time.Second)
		f.m.Prefs.End(u.ID, i, err == nil)
		if err != nil {
			f.note("change of %s's vote bits to %#04x refused: %v", u.Email, bits, shortErr(err))
		} else {
			f.note("%s's vote bits changed to %#04x during the fault", u.Email, bits)
		}
	}()
}

// killAndRestart kills a process and starts it again; ready waits for it
// given the size its output had before the start.
func killAndRestart(name string, p func(c *Cluster) *Proc, ready func(p *Proc, offset int64) error) Fault {
	return Fault{
		Name:   "kill -9 " + name,
		Inject: func(f *fault) error { p(f.m.C).Kill(); return nil },
		Restore: func(f *fault) error {
			pr := p(f.m.C)
			off := proctest.FileSize(pr.OutPath())
			if err := pr.Start(); err != nil {
				return err
			}
			return ready(pr, off)
		},
	}
}

func walletReady(p *Proc, _ int64) error { return waitRPC(p, true, 60*time.Second) }

// corruptState stops stakepoold 1, changes its state.json with mutate, and
// starts it again; after repairGrace it votes alone for the hold. A stakepoold that refuses the file must say so naming
// state.json (the operator then deletes it, as the matrix does); one that
// starts must have noticed the damage and said so.
func corruptState(name string, mutate func(path string) error) Fault {
	return Fault{
		Name: name,
		Inject: func(f *fault) error {
			c := f.m.C
			sp := c.Stakepoolds[0]
			if err := sp.Stop(syscall.SIGINT, 10*time.Second); err != nil {
				c.logf("stakepoold stopped before editing its state: %v", err) // its exit status; the state file is what matters
			}
			path := c.StatePath(0)
			if err := mutate(path); err != nil {
				return err
			}
			off := proctest.FileSize(sp.OutPath())
			if err := sp.Start(); err != nil {
				return err
			}
			err := WaitStakepooldRunning(sp, off, 60*time.Second)
			out := outputFrom(sp, off)
			if err == nil {
				if !strings.Contains(name, "delete") {
					if !strings.Contains(out, "state.json") {
						f.fail("stakepoold 1 accepted a damaged state.json without a word")
					} else {
						f.note("stakepoold 1 started and reported the damaged state.json")
					}
				}
				f.leaveAlone()
				return nil
			}
			if sp.Running() {
				return err
			}
			if !strings.Contains(out, "state.json") {
				f.fail("stakepoold 1 stopped without naming state.json: %.200q", lastLine(out))
			} else {
				f.note("stakepoold 1 refused it: %.160s", lastLine(out))
			}
			// What the operator does next: delete the file and start again.
			os.Remove(path)
			if _, err = f.restartStakepoold(0); err != nil {
				return err
			}
			f.leaveAlone()
			return nil
		},
		Restore: func(f *fault) error { return f.restoreOther() },
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return ""
}

// Faults is the matrix, in the order it runs.
func Faults() []Fault {
	return []Fault{
		killAndRestart("voting wallet 1", func(c *Cluster) *Proc { return c.Wallets[0] }, walletReady),
		killAndRestart("stakepoold 1", func(c *Cluster) *Proc { return c.Stakepoolds[0] }, func(p *Proc, off int64) error {
			return WaitStakepooldRunning(p, off, 60*time.Second)
		}),
		{
			Name: "kill -9 stakepoold 1, vote bits changed meanwhile; then stakepoold 2",
			Inject: func(f *fault) error {
				f.m.C.Stakepoolds[0].Kill()
				f.changeTicketUser()
				return nil
			},
			Restore: func(f *fault) error {
				if _, err := f.restartStakepoold(0); err != nil {
					return err
				}
				f.leaveAlone()
				time.Sleep(f.m.Hold)
				return f.restoreOther()
			},
		},
		killAndRestart("dcrstakepool", func(c *Cluster) *Proc { return c.Web }, func(*Proc, int64) error { return nil }),
		{
			Name:    "kill -9 MariaDB",
			Inject:  func(f *fault) error { f.m.C.DB.Kill(); return nil },
			Restore: func(f *fault) error { return f.m.C.DB.Restart() },
		},
		{
			Name:    "freeze voting wallet 1 (SIGSTOP)",
			Inject:  func(f *fault) error { return f.m.C.Wallets[0].Freeze() },
			Restore: func(f *fault) error { return f.m.C.Wallets[0].Thaw() },
		},
		{
			Name:    "freeze MariaDB (SIGSTOP)",
			Inject:  func(f *fault) error { return f.m.C.DB.Freeze() },
			Restore: func(f *fault) error { return f.m.C.DB.Thaw() },
		},
		corruptState("delete state.json of stakepoold 1", func(path string) error {
			err := os.Remove(path)
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}),
		corruptState("truncate state.json of stakepoold 1", func(path string) error {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(path, b[:len(b)/2], 0o600)
		}),
		corruptState("append garbage to state.json of stakepoold 1", func(path string) error {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(path, append(b, []byte("\n{\"garbage\": tru")...), 0o600)
		}),
		killAndRestart("node", func(c *Cluster) *Proc { return c.Node }, func(p *Proc, _ int64) error {
			return waitRPC(p, false, 60*time.Second)
		}),
		{
			Name: "kill -9 both stakepoolds",
			Inject: func(f *fault) error {
				f.m.C.Stakepoolds[0].Kill()
				f.m.C.Stakepoolds[1].Kill()
				f.outages = append(f.outages, Outage{From: time.Now()})
				return nil
			},
			Restore: func(f *fault) error {
				c := f.m.C
				offs := []int64{proctest.FileSize(c.Stakepoolds[0].OutPath()), proctest.FileSize(c.Stakepoolds[1].OutPath())}
				for _, p := range c.Stakepoolds {
					if err := p.Start(); err != nil {
						return err
					}
				}
				// The outage ends when the first one runs again.
				err := wait(60*time.Second, 25*time.Millisecond, func() error {
					for i, p := range c.Stakepoolds {
						if strings.Contains(outputFrom(p, offs[i]), stakepooldReady) {
							return nil
						}
					}
					return fmt.Errorf("no stakepoold running yet")
				})
				f.outages[0].Until = time.Now().Add(readyMargin)
				if err != nil {
					return err
				}
				for i, p := range c.Stakepoolds {
					if err := WaitStakepooldRunning(p, offs[i], 60*time.Second); err != nil {
						return err
					}
				}
				return nil
			},
		},
	}
}
