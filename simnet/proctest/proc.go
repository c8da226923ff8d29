package proctest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// ErrNoExit is returned by Stop when the process outlived the grace period
// after the signal and had to be killed.
var ErrNoExit = errors.New("process did not exit in time after the signal; killed")

// Proc is a daemon run as a real process. Its stdout and stderr are
// appended to the file OutFile in Dir, so the output of every run survives
// a restart. Start may be called again after Stop or Kill: it runs the same
// binary with the same arguments, so a daemon given a fixed data directory
// and listen address comes back where it was.
//
// A Proc is driven by one goroutine (the test's).
type Proc struct {
	Name    string   // for messages
	Bin     string   // path of the binary
	Args    []string // command-line arguments
	Dir     string   // data directory, created by Start; holds OutFile
	OutFile string   // output file name in Dir; "stdout.txt" when empty
	Env     []string // added to the test's environment when not empty

	cmd    *exec.Cmd
	exited chan struct{}
	err    error // exit status, set before exited is closed
}

// OutPath is the path of the process's output file.
func (p *Proc) OutPath() string {
	name := p.OutFile
	if name == "" {
		name = "stdout.txt"
	}
	return filepath.Join(p.Dir, name)
}

// Start starts the process without waiting for it to be ready.
func (p *Proc) Start() error {
	if err := os.MkdirAll(p.Dir, 0o700); err != nil {
		return fmt.Errorf("start %s: %w", p.Name, err)
	}
	out, err := os.OpenFile(p.OutPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("start %s: %w", p.Name, err)
	}
	cmd := exec.Command(p.Bin, p.Args...)
	cmd.Stdout, cmd.Stderr = out, out
	if len(p.Env) > 0 {
		cmd.Env = append(os.Environ(), p.Env...)
	}
	if err := cmd.Start(); err != nil {
		_ = out.Close() // the error returned below is the one to report
		return fmt.Errorf("start %s: %w", p.Name, err)
	}
	exited := make(chan struct{})
	p.cmd, p.exited, p.err = cmd, exited, nil
	go func() {
		err := cmd.Wait()
		_ = out.Close() // the process's output file; its exit status is what is reported
		p.err = err
		close(exited)
	}()
	return nil
}

// Running reports whether the process was started, has not exited and was
// not stopped or killed since.
func (p *Proc) Running() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// Pid is the process id of the last started run, 0 before Start.
func (p *Proc) Pid() int {
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// Exited is closed when the last started run of the process has ended.
func (p *Proc) Exited() <-chan struct{} { return p.exited }

// ExitErr is the last run's exit status (nil for status 0); valid once
// Exited is closed.
func (p *Proc) ExitErr() error { return p.err }

// Stop sends sig and waits up to grace for the process to exit, killing it
// after that. It returns the exit status (an *exec.ExitError for a non-zero
// status) or ErrNoExit. Stopping a process that is not started or was
// already stopped or killed does nothing and returns nil.
func (p *Proc) Stop(sig os.Signal, grace time.Duration) error {
	if p.cmd == nil {
		return nil
	}
	defer func() { p.cmd = nil }()
	p.cmd.Process.Signal(sig) // fails only when it has exited already
	select {
	case <-p.exited:
		return p.err
	case <-time.After(grace):
		p.cmd.Process.Kill()
		<-p.exited
		return ErrNoExit
	}
}

// Kill ends the process at once (SIGKILL), as a crash or power loss would,
// and waits for it to be gone.
func (p *Proc) Kill() {
	if p.cmd == nil {
		return
	}
	p.cmd.Process.Kill()
	<-p.exited
	p.cmd = nil
}

// Output is everything the process has written so far.
func (p *Proc) Output() string {
	b, _ := os.ReadFile(p.OutPath())
	return string(b)
}

// Tail is the last n bytes of Output, for failure messages.
func (p *Proc) Tail(n int) string {
	s := p.Output()
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return s
}

// WaitListen waits until the simulator role's log at logPath, read from
// offset (its size before Start), says its RPC server listens, and returns
// the address. It gives up when the process exits or after timeout.
func (p *Proc) WaitListen(logPath string, offset int64, timeout time.Duration) (string, error) {
	var addr string
	err := Wait(timeout, 50*time.Millisecond, func() error {
		if addr = ListenAddr(logPath, offset); addr != "" {
			return nil
		}
		if !p.Running() {
			return fmt.Errorf("%s exited before listening: %v", p.Name, p.err)
		}
		return fmt.Errorf("%s did not start listening", p.Name)
	})
	return addr, err
}
