// Command webload measures the running front end under concurrent users
// and prints docs/performance.md's web-load table. It builds the daemons,
// starts the harness topology (simulator node mining on a timer, two voting
// wallets, two stakepoolds, the user wallet buying tickets for the largest
// user, dcrstakepool on a throwaway MariaDB), seeds accounts, logs every
// load user in through the login form, and drives the logged-in pages and
// the API with vegeta at each concurrency in turn.
//
// Run it from the repository root:
//
//	go run ./webload/cmd/webload
//
// It exits with status 1 when any request failed (an answer other than
// 2xx, or a body that is not the page or API answer the user must get).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/eacred/dcrstakepool/faultmatrix"
	"github.com/eacred/dcrstakepool/machineinfo"
	"github.com/eacred/dcrstakepool/webload"
)

func main() {
	levels := flag.String("concurrency", "1,16,128", "comma-separated numbers of concurrent workers, one run each")
	duration := flag.Duration("duration", 10*time.Second, "how long each run counts requests")
	warmup := flag.Duration("warmup", 2*time.Second, "requests before each run that are checked but not counted")
	accounts := flag.Int("accounts", 10000, "registered accounts without an address")
	tickets := flag.Int("tickets", 200, "tickets bought for the largest user before the runs (5 more every block)")
	interval := flag.Duration("interval", 2*time.Second, "block interval of the simulated node")
	keep := flag.Bool("keep", false, "keep the data folder (every process's log) afterwards")
	profile := flag.Bool("pprof", false, "build the front end with -tags pprof and save its CPU profile of each run "+
		"(and a heap and mutex profile) in the data folder")
	only := flag.String("only", "", "run only the endpoints whose name matches this regular expression (diagnosis)")
	base := flag.String("tmpdir", "", "folder for the data folder (default: the system's temporary folder; "+
		"/dev/shm puts every daemon's files, state.json and the database included, in memory)")
	flag.Parse()
	var onlyRE *regexp.Regexp
	if *only != "" {
		var err error
		if onlyRE, err = regexp.Compile(*only); err != nil {
			fmt.Fprintf(os.Stderr, "webload: bad -only: %v\n", err)
			os.Exit(2)
		}
	}
	var conc []int
	for _, f := range strings.Split(*levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "webload: bad -concurrency %q\n", *levels)
			os.Exit(2)
		}
		conc = append(conc, n)
	}
	failed, err := run(conc, *duration, *warmup, *accounts, *tickets, *interval, *keep, *profile, onlyRE, *base)
	if err != nil {
		fmt.Fprintln(os.Stderr, "webload:", err)
		os.Exit(1)
	}
	if failed {
		os.Exit(1)
	}
}

func run(conc []int, d, warm time.Duration, accounts, tickets int, interval time.Duration, keep, profile bool,
	only *regexp.Regexp, base string) (failed bool, err error) {
	root, err := os.Getwd()
	if err != nil {
		return false, err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return false, fmt.Errorf("run it from the repository root (no go.mod in %s)", root)
	}
	dir, err := os.MkdirTemp(base, "webload-")
	if err != nil {
		return false, err
	}
	fmt.Printf("data folder %s; building the daemons\n", dir)
	bin := filepath.Join(dir, "bin")
	if err := faultmatrix.Build(bin); err != nil {
		return false, err
	}
	var prof *profiler
	if profile {
		if prof, err = startProfiling(bin, dir); err != nil {
			return false, err
		}
		keep = true
	}
	sessions := 0
	for _, c := range conc {
		sessions = max(sessions, c)
	}
	logf := func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	t0 := time.Now()
	p, err := webload.Start(webload.Options{BinDir: bin, Dir: dir, RepoRoot: root, Accounts: accounts,
		Sessions: sessions, Tickets: tickets, MineInterval: interval, Logf: logf})
	if err != nil {
		return false, fmt.Errorf("start the pool: %w (data in %s)", err, dir)
	}
	defer p.Cluster.CloseOnSignal()()
	fmt.Printf("pool up in %v: %d accounts, %d logged-in load users (distinct sessions, tokens and client addresses), "+
		"the largest user shows %d tickets\n", time.Since(t0).Round(time.Second), accounts+sessions+1, sessions, p.TicketsShown)
	eps := webload.Endpoints(p)
	if only != nil {
		var sel []webload.Endpoint
		for _, e := range eps {
			if only.MatchString(e.Name) {
				sel = append(sel, e)
			}
		}
		if len(sel) == 0 {
			p.Close()
			return false, fmt.Errorf("no endpoint matches -only %v", only)
		}
		eps = sel
	}
	var results []webload.Level
	for _, c := range conc {
		var done func()
		if prof != nil {
			done = prof.cpu(fmt.Sprintf("cpu-%d.pprof", c), warm+d)
		}
		lv := webload.Run(p, eps, c, warm, d)
		if done != nil {
			done()
		}
		results = append(results, lv)
		fmt.Printf("concurrency %d: %d requests, %.0f/s, p99 %v, %d errors\n", c, lv.Total.Requests, lv.Rate(),
			lv.Total.P99.Round(100*time.Microsecond), lv.Total.Errors)
	}
	if prof != nil {
		prof.snapshot("heap.pprof", "heap")
		prof.snapshot("mutex.pprof", "mutex")
		prof.snapshot("goroutine.txt", "goroutine?debug=1")
	}
	p.Close()

	fmt.Println()
	fmt.Println(machineinfo.Line())
	fmt.Printf("mix: %d endpoints in turn, each session cycling through all of them; %v per run after %v of warm-up\n\n",
		len(eps), d, warm)
	webload.WriteSummary(os.Stdout, results)
	fmt.Println()
	webload.WriteDetail(os.Stdout, results)
	fmt.Println()
	fmt.Println("CPU per request, ms (front end / MariaDB / both stakepoolds / simulator; the load generator is not counted):")
	for _, lv := range results {
		n := lv.Total.Requests
		if n == 0 {
			continue
		}
		per := func(t time.Duration) string {
			return fmt.Sprintf("%.2f", float64(t)/float64(time.Millisecond)/float64(n))
		}
		fmt.Printf("  concurrency %d: %s / %s / %s / %s\n", lv.Concurrency, per(lv.CPU.Web), per(lv.CPU.DB),
			per(lv.CPU.Stakepoolds), per(lv.CPU.Simulator))
	}
	webload.WriteErrors(os.Stdout, results)
	for _, lv := range results {
		if lv.Total.Errors > 0 {
			failed = true
		}
		if lv.Concurrency == 16 {
			verdict := "met"
			if lv.Total.P99 >= 50*time.Millisecond {
				verdict = "missed"
			}
			fmt.Printf("target p99 < 50 ms at concurrency 16: %s (%s ms)\n", verdict, strings.TrimSpace(fmt.Sprintf("%.1f", float64(lv.Total.P99)/1e6)))
		}
	}
	if failed {
		fmt.Println("target no errors: missed")
	} else {
		fmt.Println("target no errors: met")
	}
	if !keep && !failed {
		os.RemoveAll(dir)
	} else {
		fmt.Println("data kept in", dir)
	}
	return failed, nil
}
