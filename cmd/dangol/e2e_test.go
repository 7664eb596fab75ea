package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is the dangol built by TestMain for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dangol-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "dangol")
	if err := build(binary); err != nil {
		fmt.Fprintln(os.Stderr, "build dangol:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// build compiles this package with the go tool that runs the tests.
func build(out string) error {
	gotool, err := exec.LookPath("go")
	if err != nil {
		gotool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	cmd := exec.Command(gotool, "build", "-o", out, ".")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%w\n%s", err, b)
	}
	return nil
}

// waitTimeout bounds every wait on the binary; a healthy run takes well
// under a second, so hitting it means a hang.
const waitTimeout = 30 * time.Second

// proc is a running dangol whose input the test writes and whose output
// it reads line by line.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	exited chan struct{}
	err    error // set before exited is closed

	mu     sync.Mutex
	out    strings.Builder // everything printed so far, for failure messages
	stderr bytes.Buffer
}

// start runs dangol with env (plus nothing from the test's environment)
// and args, on a stdin pipe that stays open until closeInput.
func start(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, lines: make(chan string, 1024), exited: make(chan struct{})}
	p.cmd = exec.Command(binary, args...)
	p.cmd.Env = env
	p.cmd.Stderr = &lockedWriter{mu: &p.mu, w: &p.stderr}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.mu.Lock()
			p.out.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			p.lines <- sc.Text()
		}
		close(p.lines)
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// transcript is everything the process printed, for failure messages.
func (p *proc) transcript() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return "--- stdout ---\n" + p.out.String() + "--- stderr ---\n" + p.stderr.String()
}

// send types one line.
func (p *proc) send(line string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.t.Fatalf("send %q: %v\n%s", line, err, p.transcript())
	}
}

// expect reads output lines until one matches re and returns its
// submatches; the lines before it are returned too.
func (p *proc) expect(re string) (match []string, before []string) {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	timeout := time.After(waitTimeout)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("dangol ended before printing %q\n%s", re, p.transcript())
			}
			if m := rx.FindStringSubmatch(l); m != nil {
				return m, before
			}
			before = append(before, l)
		case <-timeout:
			p.t.Fatalf("no line matching %q within %s\n%s", re, waitTimeout, p.transcript())
		}
	}
}

// closeInput ends the input and waits for dangol to exit.
func (p *proc) closeInput() error {
	p.t.Helper()
	p.stdin.Close()
	return p.wait()
}

// wait waits for dangol to exit and returns its exit error.
func (p *proc) wait() error {
	p.t.Helper()
	go func() {
		for range p.lines { // keep draining so the process never blocks on output
		}
	}()
	select {
	case <-p.exited:
		return p.err
	case <-time.After(waitTimeout):
		p.t.Fatalf("dangol did not exit within %s\n%s", waitTimeout, p.transcript())
		return nil
	}
}

// run runs dangol to completion with input and returns its output.
func run(t *testing.T, env []string, input string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(input)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(waitTimeout):
		cmd.Process.Kill()
		t.Fatalf("dangol %q did not exit within %s", args, waitTimeout)
	}
	return o.String(), e.String(), err
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// envFor is a whole environment for a dangol on db: nothing leaks in from
// the machine running the tests (a real token would start a real bot).
func envFor(db string, extra ...string) []string {
	return append([]string{"DANGOL_DB=" + db, "HOME=" + filepath.Dir(db)}, extra...)
}

func TestBinary_ExitCodes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	tests := []struct {
		name   string
		env    []string
		args   []string
		code   int
		stderr string
	}{
		{"ErrTimeZone", []string{"DANGOL_TZ=Nowhere/City"}, []string{"export"}, 2, `time zone "Nowhere/City"`},
		{"ErrRate", []string{"DANGOL_POINTS_RATE=150"}, []string{"chat"}, 2, `points rate "150"`},
		{"ErrFormat", nil, []string{"export", "--format", "xls"}, 2, `export format "xls"`},
		{"ErrCommand", nil, []string{"sevre"}, 2, `unknown command "sevre"`},
		{"Version", nil, []string{"version"}, 0, ""},
		{"Help", nil, []string{"help"}, 0, ""},
		{"ExportEmpty", nil, []string{"export", "--tz", "UTC"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := run(t, envFor(db, tt.env...), "", tt.args...)
			if got := exitCode(err); got != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", got, stderr, tt.code, tt.stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stderr has a stack trace:\n%s", stderr)
			}
		})
	}
}

// TestBinary_SecondDangolFailsFast holds the file with a serving dangol and
// starts another on it: the second must give up with the file's name, not
// wait.
func TestBinary_SecondDangolFailsFast(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shop.db")
	first := start(t, envFor(db), "serve")
	first.expect(`단골\(dangol\) 콘솔`) // the banner: the file is open

	for _, args := range [][]string{{"chat"}, {"export"}, {"backup", db + ".bak"}} {
		_, stderr, err := run(t, envFor(db), "", args...)
		if exitCode(err) != 1 || !strings.Contains(stderr, db+" is in use by another dangol") {
			t.Errorf("second dangol %q: exit %d, stderr %q; want exit 1 naming %s", args, exitCode(err), stderr, db)
		}
	}
	if err := first.closeInput(); err != nil {
		t.Fatalf("first dangol: %v\n%s", err, first.transcript())
	}
}

// TestBinary_SIGTERM stops a serving dangol whose input stays open: it must
// exit 0 having committed what it was told, and release the file.
func TestBinary_SIGTERM(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shop.db")
	p := start(t, envFor(db), "serve")
	p.expect(`단골\(dangol\) 콘솔`)
	p.send(":as staff 민지")
	p.expect(`이제 직원 '민지'`)
	p.send("/customer new 010-2222-3333 이수진")
	p.expect(`이수진`)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.transcript())
	}
	// The file is closed (a held one would make export fail) and holds
	// what was committed before the signal.
	out, stderr, err := run(t, envFor(db), "", "export")
	if err != nil {
		t.Fatalf("export after SIGTERM: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, `"name":"이수진","phone":"01022223333"`) {
		t.Errorf("export after SIGTERM lacks the customer:\n%s", out)
	}
}
