package proctest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/simnet/ctl"
)

// shProc is a Proc running a shell script in a fresh directory.
func shProc(t *testing.T, script string) *Proc {
	t.Helper()
	p := &Proc{Name: "sh", Bin: "/bin/sh", Args: []string{"-c", script}, Dir: filepath.Join(t.TempDir(), "data")}
	t.Cleanup(p.Kill)
	return p
}

func TestStop(t *testing.T) {
	tests := []struct {
		name   string
		script string
		// grace is generous where the process exits (the shell runs its
		// trap only after the running sleep ends, which takes a while on
		// a loaded machine) and short where it must run out.
		grace time.Duration
		check func(error) bool
	}{
		{"clean exit", `trap 'exit 0' TERM; echo up; while :; do sleep 0.02; done`, 10 * time.Second, func(err error) bool { return err == nil }},
		{"exit status", `trap 'exit 3' TERM; echo up; while :; do sleep 0.02; done`, 10 * time.Second, func(err error) bool {
			var ee *exec.ExitError
			return errors.As(err, &ee) && ee.ExitCode() == 3
		}},
		{"ignores the signal", `trap '' TERM; echo up; while :; do sleep 0.02; done`, 300 * time.Millisecond, func(err error) bool { return err == ErrNoExit }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := shProc(t, tc.script)
			if err := p.Start(); err != nil {
				t.Fatal(err)
			}
			if err := Wait(5*time.Second, 10*time.Millisecond, func() error {
				if !strings.Contains(p.Output(), "up") {
					return errors.New("no output yet")
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !p.Running() || p.Pid() == 0 {
				t.Fatalf("running %v pid %d after Start", p.Running(), p.Pid())
			}
			if err := p.Stop(syscall.SIGTERM, tc.grace); !tc.check(err) {
				t.Fatalf("Stop = %v", err)
			}
			if p.Running() {
				t.Fatal("running after Stop")
			}
			if err := p.Stop(syscall.SIGTERM, time.Second); err != nil {
				t.Fatalf("second Stop = %v, want nil", err)
			}
		})
	}
}

func TestKillRestartKeepsOutput(t *testing.T) {
	p := shProc(t, `echo run; exec sleep 60`)
	p.OutFile = "out.log"
	for run := 1; run <= 2; run++ {
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		if err := Wait(5*time.Second, 10*time.Millisecond, func() error {
			if strings.Count(p.Output(), "run\n") < run {
				return errors.New("no output yet")
			}
			return nil
		}); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		p.Kill()
		if p.Running() {
			t.Fatalf("run %d: running after Kill", run)
		}
		select {
		case <-p.Exited():
		default:
			t.Fatalf("run %d: Exited not closed after Kill", run)
		}
	}
	p.Kill() // a second Kill does nothing
	if got := strings.Count(p.Output(), "run\n"); got != 2 {
		t.Fatalf("output of both runs expected in %s, got %q", p.OutPath(), p.Output())
	}
	if filepath.Base(p.OutPath()) != "out.log" {
		t.Fatalf("OutPath %s", p.OutPath())
	}
	if got := p.Tail(4); got != "run\n" {
		t.Fatalf("Tail(4) = %q", got)
	}
}

func TestExitAndEnv(t *testing.T) {
	p := shProc(t, `echo "home=$HOME"; exit 5`)
	p.Env = []string{"HOME=/nowhere"}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Exited():
	case <-time.After(5 * time.Second):
		t.Fatal("did not exit")
	}
	var ee *exec.ExitError
	if !errors.As(p.ExitErr(), &ee) || ee.ExitCode() != 5 {
		t.Fatalf("ExitErr = %v", p.ExitErr())
	}
	if !strings.Contains(p.Output(), "home=/nowhere") {
		t.Fatalf("environment not passed: %q", p.Output())
	}
	if p.Running() {
		t.Fatal("running after exit")
	}
}

func TestStartMissingBinary(t *testing.T) {
	p := &Proc{Name: "missing", Bin: filepath.Join(t.TempDir(), "nope"), Dir: t.TempDir()}
	if err := p.Start(); err == nil || !strings.Contains(err.Error(), "start missing") {
		t.Fatalf("Start = %v", err)
	}
	if p.Running() {
		t.Fatal("running after a failed Start")
	}
}

func TestListenAddr(t *testing.T) {
	log := filepath.Join(t.TempDir(), "node.log")
	first := `time=1 level=INFO msg="RPC server listening" addr=127.0.0.1:1111` + "\n"
	if err := os.WriteFile(log, []byte("time=0 msg=starting\n"+first), 0o600); err != nil {
		t.Fatal(err)
	}
	offset := FileSize(log)
	second := `time=2 level=INFO msg="RPC server listening" addr=127.0.0.1:2222` + "\n"
	f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("time=2 msg=restarted\n" + second); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		path   string
		offset int64
		want   string
	}{
		{"first run", log, 0, "127.0.0.1:1111"},
		{"after a restart", log, offset, "127.0.0.1:2222"},
		{"nothing new", log, FileSize(log), ""},
		{"no log", log + ".missing", 0, ""},
	}
	for _, tc := range tests {
		if got := ListenAddr(tc.path, tc.offset); got != tc.want {
			t.Errorf("%s: ListenAddr = %q, want %q", tc.name, got, tc.want)
		}
	}
	if FileSize(log+".missing") != 0 {
		t.Error("FileSize of a missing file is not 0")
	}
}

func TestWaitListen(t *testing.T) {
	p := shProc(t, `sleep 0.1; echo 'msg="RPC server listening" addr=127.0.0.1:4242' >> role.log; exec sleep 60`)
	p.Args = []string{"-c", "cd " + p.Dir + " && " + p.Args[1]}
	log := filepath.Join(p.Dir, "role.log")
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	addr, err := p.WaitListen(log, FileSize(log), 5*time.Second)
	if err != nil || addr != "127.0.0.1:4242" {
		t.Fatalf("WaitListen = %q, %v", addr, err)
	}

	dead := shProc(t, `exit 1`)
	if err := dead.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := dead.WaitListen(filepath.Join(dead.Dir, "role.log"), 0, 300*time.Millisecond); err == nil ||
		!strings.Contains(err.Error(), "exited before listening") {
		t.Fatalf("WaitListen on an exited process = %v", err)
	}
}

func TestWait(t *testing.T) {
	n := 0
	if err := Wait(time.Second, time.Millisecond, func() error {
		if n++; n < 3 {
			return fmt.Errorf("try %d", n)
		}
		return nil
	}); err != nil || n != 3 {
		t.Fatalf("Wait = %v after %d tries", err, n)
	}
	err := Wait(20*time.Millisecond, 5*time.Millisecond, func() error { return errors.New("never") })
	if err == nil || err.Error() != "never" {
		t.Fatalf("Wait timeout = %v, want the last error", err)
	}
}

func TestCall(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Method string            `json:"method"`
			Params []json.RawMessage `json:"params"`
		}
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &req); err != nil {
			t.Fatal(err)
		}
		switch req.Method {
		case "echo":
			fmt.Fprintf(w, `{"result":[%s],"error":null,"id":1}`, joinRaw(req.Params))
		case "text":
			fmt.Fprint(w, `{"result":"not a number","error":null,"id":1}`)
		default:
			fmt.Fprint(w, `{"result":null,"error":{"code":-32601,"message":"Method not found"},"id":1}`)
		}
	}))
	defer srv.Close()
	o := ctl.Options{Server: strings.TrimPrefix(srv.URL, "http://"), NoTLS: true}
	ctx := context.Background()

	var got []any
	if err := Call(ctx, o, "echo", &got, 1, "two", []int{3}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[1 two [3]]" {
		t.Fatalf("echo = %v", got)
	}
	if err := Call(ctx, o, "echo", nil); err != nil {
		t.Fatalf("nil result: %v", err)
	}
	var n int
	if err := Call(ctx, o, "text", &n); err == nil || !strings.Contains(err.Error(), "text: decode") {
		t.Fatalf("undecodable result: %v", err)
	}
	if err := Call(ctx, o, "nosuch", nil); !ctl.IsCode(err, -32601) {
		t.Fatalf("RPC error: %v", err)
	}
	if err := Call(ctx, o, "echo", nil, make(chan int)); err == nil || !strings.Contains(err.Error(), "param 0") {
		t.Fatalf("unmarshalable param: %v", err)
	}
}

func joinRaw(ps []json.RawMessage) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ",")
}

func TestFreeAddr(t *testing.T) {
	a := FreeAddr(t)
	if !strings.HasPrefix(a, "127.0.0.1:") || a == "127.0.0.1:0" {
		t.Fatalf("FreeAddr = %q", a)
	}
}
