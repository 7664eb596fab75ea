package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// servedBinary is the built dangol serving one data file against a fake
// Bot API, started again and again (a test's kills and restarts), each
// run's log in a file beside the data file, shown when the test fails.
type servedBinary struct {
	t    *testing.T
	db   string
	env  []string // set by the rig once its fakes have addresses
	name string   // the logs' prefix: name01.log, name02.log, …

	pollMu sync.Mutex
	polled chan struct{} // closed at the first getUpdates of a run

	proc *exec.Cmd
	runs int
	logs []string
}

// newServedBinary is a servedBinary on db; the test's cleanup shows the
// logs if it failed and kills a run still going.
func newServedBinary(t *testing.T, db, name string) *servedBinary {
	b := &servedBinary{t: t, db: db, name: name}
	t.Cleanup(func() {
		if t.Failed() {
			for _, p := range b.logs {
				out, _ := os.ReadFile(p)
				t.Logf("%s:\n%s", filepath.Base(p), lastLines(string(out), 15))
			}
		}
		if b.proc != nil {
			_ = b.proc.Process.Kill()
			_ = b.proc.Wait()
		}
	})
	return b
}

// sawPoll is for the fake's OnPoll: the run has begun serving.
func (b *servedBinary) sawPoll() {
	b.pollMu.Lock()
	defer b.pollMu.Unlock()
	if b.polled != nil {
		close(b.polled)
		b.polled = nil
	}
}

// start runs `dangol serve` and returns once it polls the Bot API.
func (b *servedBinary) start() {
	b.t.Helper()
	b.runs++
	polled := make(chan struct{})
	b.pollMu.Lock()
	b.polled = polled
	b.pollMu.Unlock()
	path := filepath.Join(filepath.Dir(b.db), fmt.Sprintf("%s%02d.log", b.name, b.runs))
	b.logs = append(b.logs, path)
	log, err := os.Create(path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer log.Close()
	b.proc = exec.Command(binary, "serve")
	b.proc.Env, b.proc.Stdout, b.proc.Stderr = b.env, log, log
	if err := b.proc.Start(); err != nil {
		b.t.Fatal(err)
	}
	select {
	case <-polled:
	case <-time.After(waitTimeout):
		b.t.Fatalf("run %d never polled the Bot API", b.runs)
	}
}

// stop ends the run with sig (SIGKILL: no goodbye at all) and waits for it;
// after SIGTERM it must exit cleanly, within waitTimeout.
func (b *servedBinary) stop(sig syscall.Signal) {
	b.t.Helper()
	if err := b.proc.Process.Signal(sig); err != nil {
		b.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- b.proc.Wait() }()
	select {
	case err := <-done:
		if sig == syscall.SIGTERM && err != nil {
			b.t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(waitTimeout):
		b.t.Fatalf("no exit within %v of %v", waitTimeout, sig)
	}
	b.proc = nil
}
