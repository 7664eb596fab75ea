//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/internal/testproc"
)

// fsizeEnv starts the helper that runs a command with its files limited
// to the variable's value in bytes (RLIMIT_FSIZE): a full disk, for one
// process.
const fsizeEnv = "DANGOL_TEST_FSIZE"

func init() { testproc.Register(fsizeEnv, runWithFileLimit) }

// runWithFileLimit limits the size of every file the process writes to
// limit bytes (testproc.LimitFileSize) and becomes args (the dangol binary
// and its arguments), which keeps the limit.
func runWithFileLimit(limit string, args []string) int {
	n, err := strconv.ParseUint(limit, 10, 64)
	if err != nil || len(args) == 0 {
		fmt.Fprintf(os.Stderr, "%s=%q with %q: want a size in bytes and a command\n", fsizeEnv, limit, args)
		return 2
	}
	if err := testproc.LimitFileSize(n); err != nil {
		fmt.Fprintln(os.Stderr, "setrlimit:", err)
		return 2
	}
	env := os.Environ()
	for i, kv := range env {
		if strings.HasPrefix(kv, fsizeEnv+"=") {
			env = append(env[:i:i], env[i+1:]...)
			break
		}
	}
	err = syscall.Exec(args[0], args, env)
	fmt.Fprintln(os.Stderr, "exec:", err)
	return 2
}

// fullDiskFile is how large TestBinary_FullDisk lets the data file grow.
const fullDiskFile = 256 << 10

// TestBinary_FullDisk runs the console chat with the data file unable to
// grow past 256 KiB, as on a full disk: staff register customers and
// write notes until the file is full, then a customer leaves feedback.
// Every refused message is told why (the disk is full; for the customer,
// that nothing was kept), the staff channel is alerted once, nothing
// panics; and once there is room again the file holds exactly the notes
// that were answered as saved, and takes new ones.
func TestBinary_FullDisk(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "dangol.db")
	env := envFor(db)
	// A first run makes the file and its key, with room.
	if _, stderr, err := run(t, env, ":quit\n", "chat"); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr)
	}
	var in strings.Builder
	const customers = 150
	for i := range customers {
		fmt.Fprintf(&in, "/customer new 010-5555-%04d 손님%d\n", i, i)
		fmt.Fprintf(&in, "/note 010-5555-%04d 커트 상담 %s\n", i, strings.Repeat("긴 메모 ", 40))
	}
	in.WriteString(":as customer 010-5555-0000\n")
	// Long comments, so they need pages the full file no longer has.
	// Each its own: the same feedback again is kept once, with no write.
	for i := range 20 {
		fmt.Fprintf(&in, "/feedback 5 %d번째 %s\n", i+1, strings.Repeat("좋아요 ", 200))
	}
	in.WriteString(":quit\n")

	cmd := testproc.Command(env, fsizeEnv, strconv.Itoa(fullDiskFile), binary, "chat")
	out, errOut, err := runCmd(t, cmd, in.String())
	if err != nil {
		t.Fatalf("chat on a full disk: %v\n%s\n%s", err, out, errOut)
	}
	both := out + errOut
	if strings.Contains(both, "goroutine ") || strings.Contains(both, "panic") {
		t.Fatalf("a stack trace:\n%s", both)
	}
	// Each refused message was answered in the chat: the terminal it is
	// read on shows no log line of it again (13,486 of them once).
	for _, told := range []string{dialog.LogHandleFailed, relay.LogGivenUp} {
		if n := strings.Count(errOut, told); n > 0 {
			t.Errorf("%d log lines %q among the chat", n, told)
		}
	}
	noSpace := strings.Count(out, usageText("core.err.no_space", nil))
	customerNoSpace := strings.Count(out, usageText("core.err.no_space_customer", nil))
	alerts := strings.Count(out, usageText("core.err.no_space_alert", nil))
	apologies := strings.Count(out, usageText("core.err.internal", nil))
	saved := strings.Count(out, firstLine(usageText("core.note.saved", map[string]any{"Card": ""})))
	t.Logf("%d notes saved, %d staff messages refused for want of space, %d of the customer's", saved, noSpace, customerNoSpace)
	if saved == 0 || saved == customers || noSpace == 0 {
		t.Fatalf("%d of %d notes saved, %d refused: want the disk to fill partway\n%s", saved, customers, noSpace, out)
	}
	if customerNoSpace == 0 || alerts != 1 || apologies != 0 {
		t.Errorf("the customer was told %d times, the staff channel %d times (want once), %d plain apologies (want none)\n%s",
			customerNoSpace, alerts, apologies, out)
	}

	// Room again: what was answered as saved is all there is.
	notes := func() int {
		t.Helper()
		out, stderr, err := run(t, env, "", "export", "--format", "json")
		if err != nil {
			t.Fatalf("export: %v\n%s", err, stderr)
		}
		var got struct {
			Customers []struct{ Notes []json.RawMessage }
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range got.Customers {
			n += len(c.Notes)
		}
		return n
	}
	if n := notes(); n != saved {
		t.Fatalf("the file holds %d notes, but %d were answered as saved", n, saved)
	}
	more := "/note 010-5555-0000 여유가 생긴 뒤의 기록\n:quit\n"
	if out, stderr, err := run(t, env, more, "chat"); err != nil || strings.Contains(out, usageText("core.err.no_space", nil)) {
		t.Fatalf("a note with room again: %v\n%s\n%s", err, out, stderr)
	}
	if n := notes(); n != saved+1 {
		t.Errorf("the file holds %d notes after one more, want %d", n, saved+1)
	}
}
