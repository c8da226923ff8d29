package faultmatrix

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTable prints one line per fault and, below, each fault's /status
// answers, notes and failures.
func WriteTable(w io.Writer, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "fault\tblocks\texpected\tcast\tmissed\texcused\twrong bits\trecovery\twrites acked/refused\trows lost\tresult")
	for _, r := range results {
		rec := "—"
		if r.Recovered {
			rec = fmt.Sprintf("%.1fs", r.Recovery.Seconds())
		}
		res := "ok"
		if r.Failed() {
			res = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d/%d\t%d\t%s\t%d/%d\t%d\t%s\n", r.Fault, r.Blocks, r.Expected, r.Cast, r.Missed,
			r.Excused, r.ExcusedMax, r.WrongBits, rec, r.WritesAcked, r.WritesFailed, r.RowsLost, res)
	}
	_ = tw.Flush() // as the writes to w: a failed report write has nowhere to go
	fmt.Fprintln(w)
	for _, r := range results {
		fmt.Fprintf(w, "%s (%s, heights %d-%d):\n", r.Fault, r.Duration.Round(time.Second), r.From, r.To)
		fmt.Fprintf(w, "    /status: %s\n", r.Status)
		for _, n := range r.Notes {
			fmt.Fprintf(w, "    note: %s\n", n)
		}
		for _, f := range r.Failures {
			fmt.Fprintf(w, "    FAIL: %s\n", f)
		}
	}
}

// Summary is one line: totals over all results.
func Summary(results []Result) string {
	var exp, cast, missed, wrong, lost, failed int
	var names []string
	for _, r := range results {
		exp += r.Expected
		cast += r.Cast
		missed += r.Missed
		wrong += r.WrongBits
		lost += r.RowsLost
		if r.Failed() {
			failed++
			names = append(names, r.Fault)
		}
	}
	s := fmt.Sprintf("%d faults: %d pool votes expected, %d cast, %d missed, %d wrong bits, %d rows lost; %d failed",
		len(results), exp, cast, missed, wrong, lost, failed)
	if failed > 0 {
		s += ": " + strings.Join(names, ", ")
	}
	return s
}
