package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/console"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/feedback/charttest"
	"github.com/dangol/dangol/ledger"
)

// chatAt runs "dangol chat" with script as its input over db, its real
// clock stopped at now, and returns what it printed; extra are more
// arguments (--at …).
func chatAt(t *testing.T, db string, now time.Time, script string, extra ...string) (string, error) {
	t.Helper()
	var out, logs bytes.Buffer
	m := &Main{
		Catalog: testCatalog, Chart: charttest.Stub,
		Stdin: strings.NewReader(script), Stdout: &out, Stderr: &logs,
		Getenv: func(k string) string { return map[string]string{"DANGOL_DB": db}[k] },
		Now:    func() time.Time { return now },
	}
	err := m.Run(context.Background(), append([]string{"chat"}, extra...))
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", logs.String())
	}
	return out.String(), err
}

// answer returns what the console printed in answer to the first line
// cmd typed by speaker in transcript, from its echo to the next prompt,
// and the transcript after that echo.
func answer(t *testing.T, transcript, speaker, cmd string) (got, after string) {
	t.Helper()
	echo := speaker + "> " + cmd + "\n"
	_, after, ok := strings.Cut(transcript, echo)
	if !ok {
		t.Fatalf("the transcript has no line %q:\n%s", echo, transcript)
	}
	got = after
	if i := strings.Index(got, speaker+"> "); i >= 0 {
		got = got[:i]
	}
	return got, after
}

// answerWant is what the answer to cmd must hold (want), must not (not),
// and how many times a text must appear in it (count).
type answerWant struct {
	cmd       string
	want, not []string
	count     map[string]int
}

// checkAnswers reads the transcript tr's answers to speaker's commands in
// the order of steps (the same command may answer several times).
func checkAnswers(t *testing.T, tr, speaker string, steps []answerWant) {
	t.Helper()
	for _, st := range steps {
		var got string
		got, tr = answer(t, tr, speaker, st.cmd)
		for _, w := range st.want {
			if !strings.Contains(got, w) {
				t.Errorf("after %q the console printed\n%s\nwant %q", st.cmd, got, w)
			}
		}
		for _, n := range st.not {
			if strings.Contains(got, n) {
				t.Errorf("after %q the console printed\n%s\nwant no %q", st.cmd, got, n)
			}
		}
		for w, n := range st.count {
			if c := strings.Count(got, w); c != n {
				t.Errorf("after %q %q appears %d times, want %d:\n%s", st.cmd, w, c, n, got)
			}
		}
	}
}

// TestChat_ClockRunsScheduledPosts is the console's rehearsal end to end:
// started on Sunday with --at, a staff member records a note to follow up
// on Tuesday; moving the clock over Monday 09:00 posts last week's summary
// to the staff channel once, and Tuesday morning brings the follow-up DM to
// the staff member's console address, whose "done" button works. All of
// it happens on a copy: no data file appears where there was none, and a
// second rehearsal of the same days posts the summary again and no DM. A
// console without --at refuses to move its clock.
func TestChat_ClockRunsScheduledPosts(t *testing.T) {
	t.Parallel() // its own ledger, Main and fakes
	dir := t.TempDir()
	db := filepath.Join(dir, "rehearsal.db")
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	real := time.Date(2026, 12, 1, 15, 0, 0, 0, seoul)
	const staff = "민지(직원)"
	const summary = "→ [직원 채널] 2027-W04 주간 요약"
	const dm = "→ [console:민지] 오늘 연락드릴 고객이 1명 있어요."
	script := strings.Join([]string{
		":as staff 민지",
		"/customer new 010-1234-5678 김하늘",
		"/note", "010-1234-5678", "펌 상담", "1", "1", "2027-02-02", "1",
		":time",
		":time 2027-02-01 08:59",
		":time +1m",
		":time 2027-02-01 12:00",
		":time +1d",
		"1",
		":time +1d",
	}, "\n") + "\n"
	out, err := chatAt(t, db, real, script, "--at", "2027-01-31T10:00")
	if err != nil {
		t.Fatalf("chat: %v\n%s", err, out)
	}
	// No data file here: the start says the rehearsal is on an empty
	// ledger, not on a copy of a file that is not there.
	if want := "연습 모드: 데이터 파일 " + db + "가 없어서 빈 장부에서 연습해요."; !strings.HasPrefix(out, want) || !strings.Contains(firstLine(out), "콘솔 시각은 2027-01-31 (일) 10:00에서 시작해") {
		t.Errorf("the console does not start by saying it rehearses on an empty ledger, and from when:\n%s\nwant the prefix %q", out, want)
	}
	steps := []answerWant{
		{":time", []string{"지금 콘솔 시각은 2027-01-31 (일) 10:00이에요."}, nil, nil},
		{":time 2027-02-01 08:59", []string{"그사이 보낼 예약 게시는 없었어요."}, nil, map[string]int{summary: 0}},
		{":time +1m", []string{"⏰ 2027-02-01 (월) 09:00\n" + summary, "  [이미지: week-2027-W04.png", "콘솔 시각을 2027-02-01 (월) 09:00으로 옮겼어요. 그사이 예약 게시 1건을 보냈어요."}, nil, map[string]int{summary: 1, "⏰": 1, dm: 0}},
		{":time 2027-02-01 12:00", []string{"그사이 보낼 예약 게시는 없었어요."}, nil, map[string]int{summary: 0}},
		{":time +1d", []string{"⏰ 2027-02-02 (화) 09:00\n" + dm, "김하늘 (010-****-5678)", "[1] 완료: 김하늘", "2027-02-02 (화) 12:00으로 옮겼어요. 그사이 예약 게시 1건을"}, nil, map[string]int{summary: 0, dm: 1}},
		{"1", []string{"김하늘님 후속 연락을 완료로 표시했어요."}, nil, nil},
	}
	checkAnswers(t, out, staff, steps)
	// The last move goes past Wednesday 09:00 too: nothing is due then.
	last := out[strings.LastIndex(out, staff+"> :time +1d\n"):]
	if !strings.Contains(last, "2027-02-03 (수) 12:00으로 옮겼어요. 그사이 보낼 예약 게시는 없었어요.") {
		t.Errorf("the last move printed:\n%s", last)
	}
	if c := strings.Count(out, summary); c != 1 {
		t.Errorf("the summary was posted %d times in all, want once", c)
	}

	assertOnlyFiles(t, dir)

	// Neither the clock nor anything done on it is stored: rehearsing the
	// same days again posts the summary again, and no follow-up DM (the
	// note was the rehearsal's).
	out, err = chatAt(t, db, real, ":as staff 민지\n:time +3d\n", "--at", "2027-01-31T10:00")
	if err != nil {
		t.Fatalf("second chat: %v\n%s", err, out)
	}
	if got, _ := answer(t, out, staff, ":time +3d"); strings.Count(got, summary) != 1 || strings.Contains(got, dm) || !strings.Contains(got, "2027-02-03 (수) 10:00으로 옮겼어요. 그사이 예약 게시 1건을 보냈어요.") {
		t.Errorf("rehearsing the same days again printed:\n%s\nwant the summary once and no DM", got)
	}
	assertOnlyFiles(t, dir)

	// Without --at the console runs on the real time and the real file,
	// the start says nothing about a clock, and :time shows the time but
	// will not move it.
	out, err = chatAt(t, db, real, ":time\n:time +1h\n:time\n")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "연습 모드") || !strings.Contains(out, "지금 콘솔 시각은 2026-12-01 (화) 15:00이에요.") {
		t.Errorf("a console without --at printed:\n%s", out)
	}
	got, rest := answer(t, out, "사장(매니저)", ":time +1h")
	if want := usageText("clock.real", map[string]any{"Time": "2026-12-01 (화) 15:00"}); strings.TrimSpace(got) != want {
		t.Errorf(":time +1h without --at printed\n%s\nwant\n%s", got, want)
	}
	if got, _ := answer(t, rest, "사장(매니저)", ":time"); !strings.Contains(got, "2026-12-01 (화) 15:00이에요.") {
		t.Errorf("after the refused move the console's time is\n%s", got)
	}
	assertOnlyFiles(t, dir, DefaultKeyFile, "rehearsal.db") // the real chat made its key
}

// assertOnlyFiles fails unless dir holds exactly names: no rehearsal copy
// is left, and a rehearsal creates no data file.
func assertOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, "\n") != strings.Join(names, "\n") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

// TestChat_At reads --at in the shop's time zone; a value it cannot read,
// and --at given to serve, are usage errors (exit 2) in the shop's language.
func TestChat_At(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	real := time.Date(2026, 12, 1, 15, 0, 0, 0, seoul)
	tests := []struct {
		name    string
		args    []string
		want    string // the console's :time answer
		wantErr string
	}{
		{"T", []string{"chat", "--at", "2027-01-31T10:00"}, "2027-01-31 (일) 10:00", ""},
		{"Space", []string{"chat", "--at", "2027-01-31 10:00"}, "2027-01-31 (일) 10:00", ""},
		{"DateAlone", []string{"chat", "--at", "2027-01-31"}, "2027-01-31 (일) 00:00", ""},
		{"Step", []string{"chat", "--at", "+1w"}, "2026-12-08 (화) 15:00", ""},
		{"Now", []string{"chat", "--at", "now"}, "2026-12-01 (화) 15:00", ""},
		{"Past", []string{"chat", "--at", "2026-11-30 09:00"}, "2026-11-30 (월) 09:00", ""},
		{"OtherZone", []string{"chat", "--tz", "UTC", "--at", "2027-01-31T10:00"}, "2027-01-31 (일) 10:00", ""},
		{"Bad", []string{"chat", "--at", "내일쯤"}, "", usageText("clock.err.at", map[string]any{"Value": "내일쯤", "TZ": "Asia/Seoul"})},
		{"Serve", []string{"serve", "--at", "2027-01-31T10:00"}, "", usageText("clock.err.at_serve", nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "d.db")
			var out, logs bytes.Buffer
			m := &Main{
				Catalog: testCatalog, Chart: charttest.Stub,
				Stdin: strings.NewReader(":time\n"), Stdout: &out, Stderr: &logs,
				Getenv: func(k string) string { return map[string]string{"DANGOL_DB": db}[k] },
				Now:    func() time.Time { return real },
			}
			err := m.Run(context.Background(), tt.args)
			if cerr := m.Close(); err == nil {
				err = cerr
			}
			if tt.wantErr != "" {
				if !isUsage(err) || err.Error() != tt.wantErr {
					t.Fatalf("Run = %v, want the usage error %q", err, tt.wantErr)
				}
				if _, statErr := os.Stat(db); statErr == nil {
					t.Error("the ledger was created before the settings were checked")
				}
				return
			}
			if err != nil {
				t.Fatalf("Run: %v\n%s", err, logs.String())
			}
			if want := "지금 콘솔 시각은 " + tt.want + "이에요."; !strings.Contains(out.String(), want) {
				t.Errorf("output\n%s\nwant %q", out.String(), want)
			}
		})
	}
}

// TestChat_ImagesDir: chat --images creates a missing folder at start; one
// that cannot be created is a usage error naming it.
func TestChat_ImagesDir(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	images := filepath.Join(dir, "charts", "weekly")
	r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "chat", "--images", images)
	if r.err != nil {
		t.Fatalf("chat: %v", r.err)
	}
	if fi, err := os.Stat(images); err != nil || !fi.IsDir() {
		t.Errorf("--images %s was not created: %v", images, err)
	}

	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r = runMain(t, map[string]string{"DANGOL_DB": db}, "", "chat", "--images", filepath.Join(blocker, "x"))
	if !isUsage(r.err) || !strings.Contains(r.err.Error(), filepath.Join(blocker, "x")) {
		t.Errorf("chat --images under a file = %v, want a usage error naming the folder", r.err)
	}
}

// TestChat_RehearsalLeavesLedgerAlone: a rehearsal that adds a note and
// moves past Monday 09:00, posting the summary, leaves everything the data
// file holds as it was: the same export, and the Monday post not recorded
// as made, so serve still makes it on the real Monday. No copy is left.
func TestChat_RehearsalLeavesLedgerAlone(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	env := map[string]string{"DANGOL_DB": db}
	real := time.Date(2027, 1, 29, 18, 0, 0, 0, time.FixedZone("KST", 9*60*60))
	if out, err := chatAt(t, db, real, ":as staff 민지\n/customer new 010-1234-5678 김하늘\n"); err != nil {
		t.Fatalf("setting up: %v\n%s", err, out)
	}
	export := func() string {
		t.Helper()
		r := runMainAt(t, real, env, "export")
		if r.err != nil {
			t.Fatalf("export: %v", r.err)
		}
		return r.stdout
	}
	before := export()

	script := ":as staff 민지\n/note 010-1234-5678 펌 상담 #펌\n:time 2027-02-01 10:00\n"
	out, err := chatAt(t, db, real, script, "--at", "2027-01-31T10:00")
	if err != nil {
		t.Fatalf("rehearsal: %v\n%s", err, out)
	}
	if !strings.Contains(out, "→ [직원 채널] 2027-W04 주간 요약") || !strings.Contains(out, "펌 상담") {
		t.Fatalf("the rehearsal did not note and post:\n%s", out)
	}
	assertOnlyFiles(t, dir, "d.db", DefaultKeyFile)
	if after := export(); after != before {
		t.Errorf("the rehearsal changed the data file: export before\n%s\nafter\n%s", before, after)
	}

	// What serve's scheduler would read on the real Monday: the summary
	// (the scheduler's key, job@due in UTC) is not recorded as posted.
	s, err := ledger.Open(db, testLedgerOptions(t, db))
	if err != nil {
		t.Fatal(err)
	}
	key := dialog.SummaryJob + "@" + time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	var posted bool
	err = s.View(context.Background(), func(tx *ledger.Tx) (err error) {
		posted, err = tx.Posted(key)
		return err
	})
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil || posted {
		t.Errorf("the real ledger has %s posted = %t (err %v), want false", key, posted, err)
	}
}

// TestChat_RehearsalLeftovers: a rehearsal copy a killed console left
// beside the data file (last written before this process started) is
// removed at the next start of chat; a newer copy (a console rehearsing
// now) and another data file's copy are not.
func TestChat_RehearsalLeftovers(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	mk := func(name string, mtime time.Time) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("left"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := processStart.Add(-time.Hour)
	mk(".d.db.rehearsal-111", old)
	mk(".d.db.rehearsal-222", processStart.Add(time.Hour))
	mk(".e.db.rehearsal-333", old)
	if r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "chat"); r.err != nil {
		t.Fatalf("chat: %v\n%s", r.err, r.stderr)
	}
	assertOnlyFiles(t, dir, ".d.db.rehearsal-222", ".e.db.rehearsal-333", "d.db", DefaultKeyFile)
}

// TestChat_RehearsalRefused: --at on a data file another dangol holds is
// the "in use" error and leaves no copy; a rehearsal ended by ctx, with
// the input still open, removes its copy and never creates the data file.
func TestChat_RehearsalRefused(t *testing.T) {
	t.Parallel() // its own data files; most of its time is waiting out a lock's timeout
	t.Run("ErrLocked", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "d.db")
		s, err := ledger.Open(db, testLedgerOptions(t, db))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		out, err := chatAt(t, db, time.Now(), "", "--at", "now")
		if !errors.Is(err, ledger.ErrLocked) || err.Error() != usageText("appliance.locked", map[string]any{"DB": db}) {
			t.Errorf("chat --at on a file in use = %v\n%s\nwant the in-use error", err, out)
		}
		assertOnlyFiles(t, dir, "d.db", DefaultKeyFile)
	})
	t.Run("ErrMissingBesideKey", func(t *testing.T) {
		// The shop's file moved (its key stays): no rehearsal on nothing.
		dir := t.TempDir()
		db := filepath.Join(dir, "d.db")
		seed(t, db)
		if err := os.Remove(db); err != nil {
			t.Fatal(err)
		}
		out, err := chatAt(t, db, time.Now(), "", "--at", "now")
		want := testCatalog.Text("ko", "cli.err.db_missing_key", map[string]any{"DB": db, "Abs": db, "Dir": dir, "Key": filepath.Join(dir, DefaultKeyFile)})
		if err == nil || err.Error() != want {
			t.Errorf("chat --at on a missing file beside its key = %v\n%s\nwant %q", err, out, want)
		}
		assertOnlyFiles(t, dir, DefaultKeyFile)
	})
	t.Run("FirstStartSaysEmpty", func(t *testing.T) {
		// Nothing there yet: an empty rehearsal, said as such, not as a
		// copy of a file that is not there.
		dir := t.TempDir()
		db := filepath.Join(dir, "d.db")
		out, err := chatAt(t, db, time.Now(), "", "--at", "now")
		if err != nil {
			t.Fatal(err)
		}
		want, _, _ := strings.Cut(testCatalog.Text("ko", "clock.start_empty", map[string]any{"DB": db, "Time": ""}), "콘솔 시각")
		if !strings.Contains(out, want) {
			t.Errorf("the start does not say the rehearsal is empty (%q):\n%s", want, out)
		}
		assertOnlyFiles(t, dir)
	})
	t.Run("Cancelled", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "d.db")
		in, w := io.Pipe()
		defer w.Close()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out, logs bytes.Buffer
		m := &Main{
			Catalog: testCatalog, Chart: charttest.Stub,
			Stdin: in, Stdout: &out, Stderr: &logs,
			Getenv: func(k string) string { return map[string]string{"DANGOL_DB": db}[k] },
			Now:    func() time.Time { return time.Date(2027, 1, 31, 10, 0, 0, 0, time.UTC) },
		}
		err := m.Run(ctx, []string{"chat", "--at", "now"})
		if cerr := m.Close(); err == nil {
			err = cerr
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v\n%s", err, logs.String())
		}
		assertOnlyFiles(t, dir)
	})
}

// TestChat_ClockJumpChecksAtTheirTimes: one move of the clock over an
// afternoon and a night makes the checks serve runs every few minutes at
// the times serve would have: a question the customer left unconfirmed is
// forwarded 30 minutes after (idle-keep), its reply SLA is told to the
// manager when the opening hours' deadline passes (SLA check), and the
// visit's rating request goes three hours after the note (rating check),
// each under the ⏰ of its own time, and nothing reaches anyone in the
// night. Before, the checks ran only before the next daily job or at the
// end of the move: the rating request was never sent (past 21:00), and
// the question and the SLA DM came at the move's end, at night.
func TestChat_ClockJumpChecksAtTheirTimes(t *testing.T) {
	t.Parallel() // its own ledger and Main
	script := strings.Join(append(slices.Clone(linkedThenNote),
		":as customer 4242",
		"예약 변경하고 싶어요",
		":as staff 민지",
		":time 2026-05-14 23:00",
	), "\n") + "\n"
	tr := shopChat(t, "ko", script)
	const (
		idle   = "→ [고객 4242] 30분 동안 [보내기]를 누르지 않으셔서"
		thread = "→ [직원 채널 · 문의 #1] 새 문의"
		sla    = "→ [console:사장] [문의 #1] 문의가 응답 기준 시간을 넘겼어요."
		rating = "→ [고객 4242] 안녕하세요, 단골미용실입니다. 오늘 방문 어떠셨어요?"
	)
	checkAnswers(t, tr, "민지(직원)", []answerWant{{
		cmd: ":time 2026-05-14 23:00",
		want: []string{
			"⏰ 2026-05-13 (수) 14:35\n" + idle, // the first five minutes' check after the 30 idle minutes
			"⏰ 2026-05-13 (수) 16:00\n" + sla,  // opened 14:00, answered by 16:00 (2 opening hours)
			"⏰ 2026-05-13 (수) 17:00\n" + rating,
			"그사이 예약 게시 5건을 보냈어요.",
		},
		count: map[string]int{idle: 1, thread: 1, sla: 1, rating: 1},
	}})
	// Nothing is sent between 21:00 and 09:00: the move's end is 23:00.
	if night := regexp.MustCompile(`⏰ 2026-05-1[34] \(.\) (2[1-3]|0[0-8]):`).FindString(tr); night != "" {
		t.Errorf("the move posted at night (%s):\n%s", night, tr)
	}
}

// TestChat_RehearsalBeforeData: chat --at earlier than the data file's
// newest record says so at the start, naming that record's time and an
// --at after it (new notes would sort before the old ones, and a question
// "received" later raise its reply alert), and still rehearses, on the
// copy; an --at after every record says nothing more.
func TestChat_RehearsalBeforeData(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.db")
	kst := time.FixedZone("KST", 9*60*60)
	real := time.Date(2027, 1, 29, 18, 20, 0, 0, kst)
	if out, err := chatAt(t, db, real, ":as staff 민지\n/customer new 010-1234-5678 김하늘\n/note 010-1234-5678 펌 상담\n"); err != nil {
		t.Fatalf("setting up: %v\n%s", err, out)
	}
	warn := testCatalog.Text("ko", "clock.warn.before_data", map[string]any{
		"Newest":  console.FormatTime(testCatalog, "ko", real),
		"Suggest": "2027-01-29T19:00",
	})
	for _, tc := range []struct {
		name, at string
		warned   bool
	}{
		{"Before", "2027-01-20T10:00", true},
		{"After", "2027-01-30T10:00", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := chatAt(t, db, real, ":as staff 민지\n/note 010-1234-5678 염색 상담\n", "--at", tc.at)
			if err != nil {
				t.Fatalf("rehearsal: %v\n%s", err, out)
			}
			if got := strings.Contains(out, warn); got != tc.warned {
				t.Errorf("--at %s: warned %t, want %t:\n%s\nwant the line\n%s", tc.at, got, tc.warned, out, warn)
			}
			if !strings.Contains(out, "염색 상담") {
				t.Errorf("--at %s: the rehearsal did not run:\n%s", tc.at, out)
			}
		})
	}
}
