package faultmatrix

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/eacred/dcrstakepool/simnet/proctest"
)

// Result is the outcome of one fault.
type Result struct {
	Fault string
	Tally
	Status       string        // what /status answered, relative to the fault's start
	Recovery     time.Duration // from the repair until /status answered 200
	Recovered    bool
	WritesAcked  int
	WritesFailed int
	WriteErrors  map[string]int
	RowsLost     int
	Duration     time.Duration
	Notes        []string
	Failures     []string
}

// Failed reports whether the fault broke one of the matrix's rules.
func (r *Result) Failed() bool { return len(r.Failures) > 0 }

// Matrix runs faults one after another on one cluster.
type Matrix struct {
	C     *Cluster
	Prefs *Prefs
	Hold  time.Duration // how long each fault lasts
	Logf  func(string, ...any)
	next  int64 // first height the next window counts
}

// NewMatrix prepares fault runs on c.
func NewMatrix(c *Cluster, hold time.Duration) *Matrix {
	return &Matrix{C: c, Prefs: NewPrefs(c.Users), Hold: hold, Logf: c.logf}
}

// fault is one run's context, for a Fault's Inject and Restore.
type fault struct {
	m       *Matrix
	outages []Outage
	notes   []string
	fails   []string
	extra   []chan struct{} // side writes to wait for
}

func (f *fault) note(format string, args ...any) {
	f.notes = append(f.notes, fmt.Sprintf(format, args...))
}
func (f *fault) fail(format string, args ...any) {
	f.fails = append(f.fails, fmt.Sprintf(format, args...))
}

// Fault breaks something and repairs it.
type Fault struct {
	Name    string
	Inject  func(f *fault) error
	Restore func(f *fault) error
}

// Settle waits until /status answers 200 and two consecutive blocks had
// every pool winner voted.
func (m *Matrix) Settle(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	if err := m.C.WaitStatusOK(timeout); err != nil {
		return err
	}
	run := 0
	tip, _ := m.C.Watcher.Tip()
	h := tip
	for run < 2 {
		if time.Now().After(deadline) {
			return fmt.Errorf("no two fully voted blocks in a row within %v (at height %d)", timeout, h)
		}
		if err := m.C.Watcher.WaitHeight(h+1, time.Until(deadline)); err != nil {
			return err
		}
		if fullyVoted(m.C, h) {
			run++
		} else {
			run = 0
		}
		h++
	}
	return nil
}

// votedRun waits for two consecutive blocks mined after t whose pool
// winners were all voted; it returns the second one's height and when the
// first one was mined.
func (m *Matrix) votedRun(t time.Time, timeout time.Duration) (int64, time.Time, error) {
	deadline := time.Now().Add(timeout)
	tip, _ := m.C.Watcher.Tip()
	h := tip
	for h > 0 && m.C.Watcher.Get(h-1).Seen.After(t) {
		h-- // start at the first block mined after t
	}
	run := 0
	var first time.Time
	for ; ; h++ {
		if err := m.C.Watcher.WaitHeight(h+1, time.Until(deadline)); err != nil {
			return 0, time.Time{}, fmt.Errorf("votes did not resume: %w", err)
		}
		b := m.C.Watcher.Get(h)
		if b.Seen.Before(t) || !fullyVoted(m.C, h) {
			run = 0
			continue
		}
		if run == 0 {
			first = b.Seen
		}
		if run++; run == 2 {
			return h, first, nil
		}
	}
}

// alignToVotedTip waits for a tip whose pool winners all have votes in the
// mempool and returns its height, so a fault never interrupts votes that
// were being cast.
func (m *Matrix) alignToVotedTip(timeout time.Duration) (int64, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		tip, _ := m.C.Watcher.Tip()
		if b := m.C.Watcher.Get(tip); b.WinnersKnown {
			if voted, err := MempoolVotes(m.C); err == nil {
				all := true
				for _, w := range b.Winners {
					if m.C.Buyer.Owner(w) != nil && !voted[w] {
						all = false
					}
				}
				if cur, _ := m.C.Watcher.Tip(); all && cur == tip {
					return tip, nil
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return 0, errors.New("no tip with all its pool winners voted in the mempool")
}

// Run runs one fault and counts it.
func (m *Matrix) Run(ft Fault) (r Result) {
	c := m.C
	r = Result{Fault: ft.Name}
	start := time.Now()
	defer func() { r.Duration = time.Since(start) }()
	if err := m.Settle(90 * time.Second); err != nil {
		r.Failures = append(r.Failures, "the pool did not settle before the fault: "+err.Error())
		return r
	}
	h0, err := m.alignToVotedTip(30 * time.Second)
	if err != nil {
		r.Failures = append(r.Failures, err.Error())
		return r
	}
	f := &fault{m: m}
	probe := startStatusProbe(c)
	wr := startWriters(c, m.Prefs, c.Users[c.opt.TicketUsers:])
	t0 := time.Now()
	m.Logf("fault %q at height %d", ft.Name, h0)
	if err := ft.Inject(f); err != nil {
		f.fail("inject: %v", err)
	}
	time.Sleep(m.Hold) // the length of the outage, not a wait for readiness
	tr := time.Now()
	if ft.Restore != nil {
		if err := ft.Restore(f); err != nil {
			f.fail("restore: %v", err)
		}
	}
	for _, done := range f.extra {
		<-done
	}
	// Recovered: /status answers 200 again and two blocks in a row mined
	// after the repair had every pool winner voted. The window ends there.
	end := h0
	if err := c.WaitStatusOK(90 * time.Second); err != nil {
		f.fail("not recovered: %v", err)
	} else {
		okAt := time.Now()
		last, at, err := m.votedRun(okAt, 90*time.Second)
		if err != nil {
			f.fail("not recovered: %v", err)
		} else {
			end = last
			if okAt.After(at) {
				at = okAt
			}
			r.Recovered, r.Recovery = true, at.Sub(tr)
		}
	}
	if !r.Recovered {
		tip, _ := c.Watcher.Tip()
		end = tip - 1
	}
	r.WritesAcked, r.WritesFailed, r.WriteErrors = wr.finish()
	r.Status = describeStatus(probe.finish(), t0)
	from := h0
	if m.next > 0 && m.next < h0 {
		from = m.next // the blocks between two windows are counted too
	}
	m.next = end + 1
	r.Tally = countWindow(c, m.Prefs, from, end, f.outages)
	if err := c.DB.Ping(); err == nil {
		lost, err := lostWrites(c, m.Prefs, c.Users)
		if err != nil {
			f.fail("read the rows: %v", err)
		}
		r.RowsLost = lost
	} else {
		f.fail("database down after the fault: %v", err)
	}
	r.Notes, r.Failures = f.notes, f.fails
	if n := r.Missed - r.Excused; n > 0 {
		r.Failures = append(r.Failures, fmt.Sprintf("%d votes missed while a backend could vote (%s)", n, strings.Join(r.MissedAt, " ")))
	}
	if r.Excused > r.ExcusedMax {
		r.Failures = append(r.Failures, fmt.Sprintf("%d missed, more than the %d pool winners of the %d blocks mined while no backend could vote",
			r.Excused, r.ExcusedMax, r.ExcusedBlocks))
	}
	if r.WrongBits > 0 {
		r.Failures = append(r.Failures, fmt.Sprintf("%d votes with wrong bits (%s)", r.WrongBits, strings.Join(r.WrongAt, "; ")))
	}
	if r.RowsLost > 0 {
		r.Failures = append(r.Failures, fmt.Sprintf("%d acknowledged writes lost", r.RowsLost))
	}
	if len(r.Gaps) > 0 {
		r.Failures = append(r.Failures, fmt.Sprintf("the watcher could not count heights %v", r.Gaps))
	}
	if r.Foreign > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d winners not bought by the test", r.Foreign))
	}
	if len(r.WriteErrors) > 0 {
		var es []string
		for e, n := range r.WriteErrors {
			es = append(es, fmt.Sprintf("%d× %s", n, e))
		}
		sort.Strings(es)
		r.Notes = append(r.Notes, "refused writes: "+strings.Join(es, ", "))
	}
	return r
}

// Ping checks the database answers.
func (m *MariaDB) Ping() error {
	return proctest.Wait(30*time.Second, 100*time.Millisecond, m.root.Ping)
}
