package faultmatrix

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Soak counts every pool winner and vote of the running cluster for d,
// printing a line every report interval: blocks, live tickets, expected,
// cast, missed and wrong-bits votes so far, and each process's resident
// memory. It returns the totals.
func Soak(c *Cluster, d, every time.Duration, out io.Writer) Tally {
	prefs := NewPrefs(c.Users)
	tip, _ := c.Watcher.Tip()
	start, from := time.Now(), tip
	var total Tally
	total.From = from
	header := false
	for time.Since(start) < d {
		time.Sleep(min(every, d-time.Since(start)))
		tip, _ := c.Watcher.Tip()
		// The last block's votes are in the next block: count up to tip-1.
		if tip-1 >= from {
			t := countWindow(c, prefs, from, tip-1, nil)
			total.To = tip - 1
			total.Blocks += t.Blocks
			total.Expected += t.Expected
			total.Cast += t.Cast
			total.Missed += t.Missed
			total.WrongBits += t.WrongBits
			total.Foreign += t.Foreign
			total.Gaps = append(total.Gaps, t.Gaps...)
			total.MissedAt = append(total.MissedAt, t.MissedAt...)
			total.WrongAt = append(total.WrongAt, t.WrongAt...)
			from = tip
		}
		var live struct {
			Tickets []string `json:"tickets"`
		}
		_ = c.nodeCall(&live, "livetickets") // 0 while the node does not answer
		if !header {
			var names []string
			for _, p := range c.Procs() {
				names = append(names, strings.ReplaceAll(p.Name, " ", "_"))
			}
			fmt.Fprintf(out, "%8s %6s %5s %8s %8s %6s %5s  RSS MB: %s\n", "elapsed", "height", "live", "expected", "cast", "missed", "wrong", strings.Join(names, " "))
			header = true
		}
		var rss []string
		for _, p := range c.Procs() {
			rss = append(rss, fmt.Sprintf("%d", RSS(p.Pid())>>20))
		}
		fmt.Fprintf(out, "%8s %6d %5d %8d %8d %6d %5d  %s\n", time.Since(start).Round(time.Second), tip, len(live.Tickets),
			total.Expected, total.Cast, total.Missed, total.WrongBits, strings.Join(rss, " "))
	}
	return total
}
