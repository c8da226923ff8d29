package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/simnet/proctest"
)

// TestHarness runs ./harness.sh --mysql as a person would (one block a
// second, its own folder, ports and tmux server) and checks what it
// promises: the pool comes up healthy with MariaDB; the printed admin and
// demo accounts log in; the captcha is off and poolemail is the harness's;
// the printed steps are complete and define no alias that hides a command;
// `status` reports every process, MariaDB included, as running; a process
// frozen with SIGSTOP stays frozen (tmux does not resume it) and status says
// so; `stop` ends every process.
func TestHarness(t *testing.T) {
	t.Parallel() // the scenarios mostly wait (blocks, votes, pages): two at a time halve the wall time
	for _, tool := range []string{"tmux", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (run_tests.sh installs it)", tool)
		}
	}
	dir, err := os.MkdirTemp("", "e2e-harness-")
	if err != nil {
		t.Fatal(err)
	}
	webPort := freePort(t)
	env := append(os.Environ(), "HARNESS_DIR="+dir, "HARNESS_PORT="+strconv.Itoa(webPort),
		"HARNESS_PORT_BASE="+strconv.Itoa(freePortRange(t, 22)), "HARNESS_TMUX=e2e-harness-"+strconv.Itoa(os.Getpid()),
		"MINE_INTERVAL=1s")
	script := filepath.Join(repoRoot(t), "harness.sh")
	harness := func(args ...string) (string, error) {
		cmd := exec.Command(script, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			if out, err := harness("stop"); err != nil {
				t.Errorf("harness stop: %v\n%s", err, out)
			}
		}
		if !t.Failed() {
			os.RemoveAll(dir)
		} else {
			t.Logf("harness folder kept: %s", dir)
		}
	})

	start := time.Now()
	out, err := harness("--mysql")
	if err != nil {
		t.Fatalf("./harness.sh --mysql: %v\n%s", err, out)
	}
	t.Logf("harness up in %s", time.Since(start).Round(time.Second))
	for _, want := range []string{"==> building", "built in", "admin account:  admin@harness.example / harness-admin-pw",
		"demo account:   demo@harness.example / harness-demo-pw", "captcha:        off", "importscript",
		"purchaseticket default 100 1 <ticket address> 20", "immature", "live", "vote", "./harness.sh status"} {
		if !strings.Contains(out, want) {
			t.Errorf("the harness output does not say %q:\n%s", want, out)
		}
	}
	for _, m := range regexp.MustCompile(`(?m)^\s*alias ([^=]+)=`).FindAllStringSubmatch(out, -1) {
		if p, err := exec.LookPath(m[1]); err == nil {
			t.Errorf("alias %s hides the command %s", m[1], p)
		}
		if m[1] == "node" {
			t.Errorf("alias node hides Node.js")
		}
	}

	base := "http://127.0.0.1:" + strconv.Itoa(webPort)
	if code := httpStatus(t, base+"/status"); code != http.StatusOK {
		t.Errorf("/status = %d", code)
	}
	home := httpBody(t, base+"/")
	if !strings.Contains(home, "pool@harness.example") {
		t.Error("the home page does not show poolemail pool@harness.example")
	}
	if reg := httpBody(t, base+"/register"); strings.Contains(reg, "/captchas/") {
		t.Error("the register page shows a captcha; the harness turns it off")
	}
	for _, acct := range [][2]string{{"admin@harness.example", "harness-admin-pw"}, {"demo@harness.example", "harness-demo-pw"}} {
		if code := formLogin(t, base, acct[0], acct[1]); code != http.StatusSeeOther {
			t.Errorf("log in as %s: %d, want 303", acct[0], code)
		}
	}

	out, _ = harness("status")
	for _, name := range []string{"mariadb", "node", "wallet1", "wallet2", "user-wallet", "stakepoold1", "stakepoold2", "dcrstakepool"} {
		if !regexp.MustCompile(`(?m)^` + name + `:\s+running`).MatchString(out) {
			t.Errorf("status does not report %s running:\n%s", name, out)
		}
	}

	// Freeze voting wallet 2: it must stay stopped, and status must say so.
	pid := readPid(t, filepath.Join(dir, "pids", "wallet2.pid"))
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	if st := procState(pid); st != "T" {
		t.Errorf("wallet 2 frozen with SIGSTOP is in state %q two seconds later (resumed by tmux?)", st)
	}
	out, _ = harness("status")
	if !regexp.MustCompile(`(?m)^wallet2:\s+frozen`).MatchString(out) {
		t.Errorf("status does not report the frozen wallet:\n%s", out)
	}
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}

	var pids []int
	for _, f := range must(filepath.Glob(filepath.Join(dir, "pids", "*.pid"))) {
		pids = append(pids, readPid(t, f))
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil { // stop must cope with a frozen process
		t.Fatal(err)
	}
	out, err = harness("stop")
	stopped = true
	if err != nil || !strings.Contains(out, "harness stopped") {
		t.Errorf("./harness.sh stop: %v\n%s", err, out)
	}
	for _, p := range pids {
		if st := procState(p); st != "" && st != "Z" {
			t.Errorf("process %d still there after stop (state %s)", p, st)
			_ = syscall.Kill(p, syscall.SIGKILL) // already reported; it may exit meanwhile
		}
	}
	if out, _ = harness("status"); !strings.Contains(out, "not running") {
		t.Errorf("status after stop:\n%s", out)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func freePort(t *testing.T) int {
	t.Helper()
	_, p, _ := net.SplitHostPort(freeAddr(t))
	n, _ := strconv.Atoi(p)
	return n
}

// freePortRange finds n consecutive free loopback ports and returns the
// first (the harness derives its daemons' ports from one base).
func freePortRange(t *testing.T, n int) int {
	t.Helper()
	base, err := proctest.PickPorts(n)
	if err != nil {
		t.Fatal(err)
	}
	return base
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return pid
}

// procState is the state letter of a process (R, S, T, Z...), "" if gone.
func procState(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2 : i+3]
	}
	return ""
}

func httpStatus(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func httpBody(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// formLogin logs in through the login form (CSRF token from the page) and
// returns the answer's status.
func formLogin(t *testing.T, base, email, password string) int {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on %s/login", base)
	}
	form := url.Values{"csrf_token": {string(m[1])}, "email": {email}, "password": {password}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
