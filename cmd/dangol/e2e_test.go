package main

import (
	"bufio"
	"bytes"
	"encoding/json"
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

	"github.com/dangol/dangol/internal/testproc"
	"github.com/dangol/dangol/locales"
)

// binary is the dangol built by TestMain for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	// A test's helper process (testproc) runs instead, and builds nothing.
	if code, ok := testproc.RunHelper(); ok {
		os.Exit(code)
	}
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
	return runCmd(t, cmd, input)
}

// runCmd runs cmd (a dangol, or a helper that becomes one) to completion
// with input and returns its output.
func runCmd(t *testing.T, cmd *exec.Cmd, input string) (stdout, stderr string, err error) {
	t.Helper()
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
		t.Fatalf("%q did not exit within %s", cmd.Args, waitTimeout)
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
		{"ErrTimeZone", []string{"DANGOL_TZ=Nowhere/City"}, []string{"export"}, 2, usageText("cli.err.tz", map[string]any{"Value": "Nowhere/City"})},
		{"ErrRate", []string{"DANGOL_POINTS_RATE=150"}, []string{"chat"}, 2, usageText("cli.err.points_rate", map[string]any{"Value": "150"})},
		{"ErrFormat", nil, []string{"export", "--format", "xls"}, 2, usageText("cli.err.export_format", map[string]any{"Value": "xls"})},
		{"ErrCommand", nil, []string{"sevre"}, 2, usageText("cli.err.command", map[string]any{"Command": "sevre"}) + "\ndangol: " + usageText("cli.err.see_help", nil)},
		{"ErrHTTPAddr", []string{"DANGOL_HTTP_ADDR=localhost:99999"}, []string{"serve"}, 2, usageText("appliance.err.http_addr", map[string]any{"Value": "localhost:99999"})},
		{"ErrLogFormat", []string{"DANGOL_LOG_FORMAT=yaml"}, []string{"chat"}, 2, usageText("appliance.err.log_format", map[string]any{"Value": "yaml"})},
		{"Version", nil, []string{"version"}, 0, ""},
		{"DashDashVersion", []string{"DANGOL_TZ=Nowhere/City"}, []string{"--version"}, 0, ""},
		{"Help", nil, []string{"help"}, 0, ""},
		{"ExportNoFile", nil, []string{"export", "--tz", "UTC"}, 1, testCatalog.Text("ko", "cli.err.db_missing", map[string]any{"DB": db})},
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
	t.Parallel() // its own data files; most of its time is waiting out a lock's timeout
	db := filepath.Join(t.TempDir(), "shop.db")
	first := start(t, envFor(db), "serve")
	first.reply(`단골\(dangol\) 콘솔`) // the banner: the file is open

	tests := []struct {
		args []string
		want string
	}{
		// Said once, in the configured language.
		{[]string{"chat"}, "dangol: " + usageText("appliance.locked", map[string]any{"DB": db}) + "\n"},
		{[]string{"export"}, "dangol: " + usageText("appliance.locked", map[string]any{"DB": db}) + "\n"},
		// backup points to the backups serve makes itself.
		{[]string{"backup", db + ".bak"}, db + " 파일은 실행 중인 dangol 이 쓰고 있어서 지금은 백업할 수 없어요.\n실행 중에는 dangol 이 직접 백업해요: DANGOL_BACKUP_DIR"},
		{[]string{"import", "testdata/import/en.csv"}, db + " 파일은 실행 중인 dangol 이 쓰고 있어요."},
	}
	for _, tt := range tests {
		_, stderr, err := run(t, envFor(db), "", tt.args...)
		if exitCode(err) != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("second dangol %q: exit %d, stderr %q; want exit 1 and %q", tt.args, exitCode(err), stderr, tt.want)
		}
		if n := strings.Count(stderr, db); n != 1 {
			t.Errorf("second dangol %q names the file %d times, want once:\n%s", tt.args, n, stderr)
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
	p.reply(`단골\(dangol\) 콘솔`)
	p.send(":as staff 민지")
	p.send("/customer new 010-2222-3333 이수진")
	p.reply(`이수진`)
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

// TestBinary_SIGHUPEndsRehearsal closes the terminal of a rehearsing
// console: the hang-up killed dangol outright and left the rehearsal copy
// of the shop's file beside it (sealed, but a whole copy of the customers)
// until the next chat. It is now a shutdown like SIGTERM's: the copy goes.
func TestBinary_SIGHUPEndsRehearsal(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	if _, stderr, err := run(t, envFor(db), "", "import", "testdata/import/en.csv"); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	p := start(t, envFor(db), "chat", "--at", "2027-01-31T10:00")
	p.reply(`단골\(dangol\) 콘솔`)
	copies, _ := filepath.Glob(filepath.Join(dir, ".shop.db.rehearsal-*"))
	if len(copies) != 1 {
		t.Fatalf("rehearsal copies %q, want one while it runs", copies)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(); err != nil {
		t.Fatalf("exit after SIGHUP: %v\n%s", err, p.transcript())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".shop.db.rehearsal-*")); len(left) != 0 {
		t.Errorf("after SIGHUP the rehearsal copies %q are left", left)
	}
}

// echoLine matches the console's echo of an input line ("민지(직원)> …").
var echoLine = regexp.MustCompile(`^\S+\((직원|매니저|고객)\)> `)

// reply reads output lines until a reply line (not an echo of input)
// matches re, and returns its submatches.
func (p *proc) reply(re string) []string {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	timeout := time.After(waitTimeout)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("dangol ended before replying %q\n%s", re, p.transcript())
			}
			if m := rx.FindStringSubmatch(l); m != nil && !echoLine.MatchString(l) {
				return m
			}
		case <-timeout:
			p.t.Fatalf("no reply matching %q within %s\n%s", re, waitTimeout, p.transcript())
		}
	}
}

// press waits for a line of buttons with one labelled label and types its
// number.
func (p *proc) press(label string) {
	p.t.Helper()
	m := p.reply(`\[(\d+)\] ` + regexp.QuoteMeta(label) + `(  |$)`)
	p.send(m[1])
}

// TestEndToEnd drives the built binary through every role's journey in one
// console session on a fresh file, then checks that export shows exactly
// what was said.
func TestEndToEnd(t *testing.T) {
	cat := locales.MustLoad()
	ko := func(id string) string { return cat.Text("ko", id, nil) }
	db := filepath.Join(t.TempDir(), "shop.db")
	p := start(t, envFor(db), "chat")
	p.reply(`단골\(dangol\) 콘솔`)

	// Staff: a new customer, a consult, a purchase, a link code.
	p.send(":as staff 민지")
	p.send("/customer new 010-1234-5678 김하늘")
	p.send("/note 010-1234-5678 커트 상담, 다음엔 펌 #커트 #펌")
	p.send("/points add 010-1234-5678 55000 커트")
	p.reply(`2,750`)
	p.send("/link 010-1234-5678")
	code := p.reply(`\b(\d{6})\b`)[1]

	// Customer: consent, link, balance, a low rating with a comment.
	p.send(":as customer 42")
	p.send("/start")
	p.press(ko("core.btn.agree"))
	p.send(code)
	p.send("/points")
	p.reply(`2,750`)
	p.send("/feedback")
	p.press("★★")
	p.press(ko("core.btn.skip"))                                // no NPS
	p.reply(`\[\d+\] ` + regexp.QuoteMeta(ko("core.btn.skip"))) // the comment may be skipped too
	p.send("너무 오래 기다렸어요")
	alert := p.reply(`^→ \[직원 채널(?: · 불만 #\d+)?\] (.*)`)
	if !strings.Contains(alert[1], "2") {
		t.Errorf("staff alert %q does not give the rating", alert[0])
	}
	p.reply(`너무 오래 기다렸어요`) // the comment travels with the alert
	// The binary runs on the real clock: name the week the rating fell in, so
	// a run that crosses midnight on Sunday still asks for the right one.
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		seoul = time.FixedZone("KST", 9*60*60)
	}
	y, w := time.Now().In(seoul).ISOWeek()
	week := fmt.Sprintf("%04d-W%02d", y, w)

	// Manager: the week.
	p.send(":as manager 사장")
	p.send("/summary " + week)
	p.reply(regexp.QuoteMeta(week))
	p.reply(`너무 오래 기다렸어요`) // the unanswered low rating is in the week
	if err := p.closeInput(); err != nil {
		t.Fatalf("exit at end of input: %v\n%s", err, p.transcript())
	}
	if strings.Contains(p.transcript(), "level=ERROR") {
		t.Errorf("errors were logged:\n%s", p.transcript())
	}

	out, stderr, err := run(t, envFor(db), "", "export", "--format", "json")
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	var got struct {
		Customers []struct {
			ID      string
			Name    string
			Phone   string
			Points  int64
			Consent struct {
				Given    bool
				Declined bool
				At       time.Time
			}
			Notes []struct {
				At     time.Time
				Staff  string
				Text   string
				Tags   []string
				Amount int64
			}
			PointsEntries []struct {
				At     time.Time
				Kind   string
				Points int64
				Reason string
			} `json:"points_entries"`
			Feedback []exportFeedback
			Links    []string
		}
		Feedback []exportFeedback
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("export is not the JSON object: %v\n%s", err, out)
	}
	if len(got.Customers) != 1 {
		t.Fatalf("exported %d customers, want 1:\n%s", len(got.Customers), out)
	}
	c := got.Customers[0]
	check := func(what string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("name", c.Name, "김하늘")
	check("phone", c.Phone, "01012345678")
	check("points", c.Points, 2750)
	check("consent", [2]bool{c.Consent.Given, c.Consent.Declined}, [2]bool{true, false})
	check("consent at set", !c.Consent.At.IsZero(), true)
	check("links", c.Links, []string{"console:42"})
	check("notes", len(c.Notes), 1)
	if len(c.Notes) == 1 {
		n := c.Notes[0]
		check("note text", n.Text, "커트 상담, 다음엔 펌")
		check("note tags", n.Tags, []string{"커트", "펌"})
		check("note staff", n.Staff, "민지")
		check("note amount", n.Amount, 0)
	}
	check("points entries", len(c.PointsEntries), 1)
	if len(c.PointsEntries) == 1 {
		e := c.PointsEntries[0]
		check("entry", fmt.Sprintf("%s %d %s", e.Kind, e.Points, e.Reason), "earn 2750 커트")
	}
	wantFB := fmt.Sprint([]exportFeedback{{CustomerID: c.ID, Rating: 2, Comment: "너무 오래 기다렸어요"}})
	clear := func(fs []exportFeedback) []exportFeedback {
		for i := range fs {
			if _, err := time.Parse(time.RFC3339, fs[i].At); err != nil {
				t.Errorf("feedback time %q: %v", fs[i].At, err)
			}
			fs[i].At = ""
		}
		return fs
	}
	check("customer feedback", fmt.Sprint(clear(c.Feedback)), wantFB)
	check("all feedback", fmt.Sprint(clear(got.Feedback)), wantFB)
}
