package main

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/retry/retrytest"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/feedback/charttest"
)

// serveRound is one start of serve at a stopped clock: it runs until the
// scheduler has made what was due at start-up, then stops, and returns the
// Slack calls made meanwhile (none when calls is nil) and what was logged.
// Summaries carry charttest's stand-in for a chart (serveRoundChart).
func serveRound(t *testing.T, env map[string]string, calls chan call, now time.Time, args ...string) ([]call, string) {
	t.Helper()
	return serveRoundChart(t, charttest.Stub, env, calls, now, args...)
}

// serveRoundChart is serveRound drawing charts with chart; nil: the real one.
func serveRoundChart(t *testing.T, chart func(*feedback.Summary, feedback.Translator, string) ([]byte, error), env map[string]string, calls chan call, now time.Time, args ...string) ([]call, string) {
	t.Helper()
	var logs retrytest.Log
	// Input that stays open: the console must not end serve before the
	// scheduler's round.
	in, hold := io.Pipe()
	defer hold.Close()
	ticked := make(chan struct{}, 1)
	m := &Main{
		Catalog: testCatalog, Chart: chart,
		Stdin: in, Stdout: &bytes.Buffer{}, Stderr: &logs,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return now },
		// The scheduler asks for a timer once the start-up round is done;
		// this one never fires, so it waits for the end of serve.
		After: func(time.Duration) <-chan time.Time {
			select {
			case ticked <- struct{}{}:
			default:
			}
			return make(chan time.Time)
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, append([]string{"serve"}, args...)) }()
	select {
	case <-ticked:
	case err := <-done:
		t.Fatalf("serve ended before the scheduler ran: %v\n%s", err, logs.String())
	case <-time.After(waitTimeout):
		t.Fatalf("the scheduler did not finish its start-up round within %s\n%s", waitTimeout, logs.String())
	}
	// Deliver is synchronous and the fake records a call before it
	// answers: every call of the round is in the channel now.
	var got []call
	for more := true; more; {
		select {
		case c := <-calls:
			got = append(got, c)
		default:
			more = false
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after cancel: %v\n%s", err, logs.String())
		}
	case <-time.After(waitTimeout):
		t.Fatal("serve did not stop after its context was cancelled")
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "scheduled post failed") {
		t.Errorf("a scheduled post failed:\n%s", logs.String())
	}
	return got, logs.String()
}

// slackShop seeds a ledger (2026-W48; 민지, slack:U1, follows 김하늘 up on
// Monday 11/30) and starts a fake Slack, and returns the settings of a
// serve over both, with 민지 as staff and extra added, and the Slack calls.
func slackShop(t *testing.T, extra map[string]string) (map[string]string, chan call) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "shop.db")
	seed(t, db)
	sl, calls := newFakeSlack(t)
	env := map[string]string{
		"DANGOL_DB":                   db,
		"DANGOL_SLACK_BOT_TOKEN":      "xoxb-test",
		"DANGOL_SLACK_SIGNING_SECRET": "secret",
		"DANGOL_SLACK_API_URL":        sl.APIURL(),
		"DANGOL_SLACK_STAFF":          "U1",
		"DANGOL_HTTP_ADDR":            "127.0.0.1:0",
	}
	for k, v := range extra {
		env[k] = v
	}
	return env, calls
}

// posts returns the messages posted to channel and the files shared there.
func posts(calls []call, channel string) (texts []string, files int) {
	for _, c := range calls {
		switch {
		case c.method == "chat.postMessage" && c.fields["channel"] == channel:
			texts = append(texts, c.fields["text"]+c.fields["blocks"])
		case c.method == "files.completeUploadExternal" && c.fields["channel_id"] == channel:
			files++
		}
	}
	return texts, files
}

// TestServe_ScheduledPosts serves Slack over a ledger whose Monday 09:00
// summary was missed (dangol starts at 10:00): the summary of the week
// before, with its chart, must reach the staff channel once at start-up,
// and the staff member with a follow-up due that day must get a DM.
// Restarts over the same ledger, that day and the next, post neither again;
// the next day's only post is that day's DM, which names the follow-up
// still not done as overdue.
func TestServe_ScheduledPosts(t *testing.T) {
	t.Parallel() // its own data file and fakes
	env, calls := slackShop(t, map[string]string{"DANGOL_SLACK_STAFF_CHANNEL": "CSTAFF"})
	seoul, _ := time.LoadLocation("Asia/Seoul")
	monday := time.Date(2026, 11, 30, 10, 0, 0, 0, seoul)

	// cmd's one test of the real chart, drawn by the engine serve wires.
	got, logs := serveRoundChart(t, nil, env, calls, monday)
	texts, files := posts(got, "CSTAFF")
	summaries := 0
	for _, tx := range texts {
		if strings.Contains(tx, "2026-W48 주간 요약 (11/23–11/29)") {
			summaries++
		}
	}
	if summaries != 1 || files != 1 {
		t.Errorf("staff channel got %d summaries and %d files, want 1 and 1:\n%q\n%s", summaries, files, texts, logs)
	}
	var chart string
	for _, c := range got {
		if c.method == "upload/F1" {
			chart = c.fields["file"]
		}
	}
	if img, err := png.Decode(strings.NewReader(chart)); err != nil {
		t.Errorf("the uploaded chart is not a PNG: %v", err)
	} else if b := img.Bounds(); b.Dx() != 1080 || b.Dy() != 1350 {
		t.Errorf("chart is %dx%d, want 1080x1350", b.Dx(), b.Dy())
	}
	dms, _ := posts(got, "DU1")
	if len(dms) != 1 || !strings.Contains(dms[0], "김하늘") {
		t.Errorf("민지's follow-up DM = %q, want one naming 김하늘", dms)
	}

	restarts := []struct {
		name string
		now  time.Time
	}{
		{"RestartSameHour", monday.Add(5 * time.Minute)},
		{"RestartNextDay", monday.Add(24 * time.Hour)},
	}
	for _, rs := range restarts {
		t.Run(rs.name, func(t *testing.T) {
			got, logs := serveRound(t, env, calls, rs.now)
			for _, c := range got {
				overdue := rs.name == "RestartNextDay" && c.method == "chat.postMessage" && c.fields["channel"] == "DU1" &&
					strings.Contains(c.fields["blocks"], "2026-11-30까지였어요")
				if (c.method == "chat.postMessage" && !overdue) || strings.HasPrefix(c.method, "files.") {
					t.Errorf("posted again after a restart: %s %v\n%s", c.method, c.fields, logs)
				}
			}
		})
	}
}

// TestServe_ScheduleOff: posts with nowhere to go are left out, and said so.
func TestServe_ScheduleOff(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	monday := time.Date(2026, 11, 30, 10, 0, 0, 0, seoul)

	t.Run("NoStaffChannel", func(t *testing.T) {
		env, calls := slackShop(t, nil)
		got, logs := serveRound(t, env, calls, monday)
		if !strings.Contains(logs, "the weekly summary post is off: DANGOL_SLACK_STAFF_CHANNEL is not set") {
			t.Errorf("no word on why the summary is off:\n%s", logs)
		}
		if dms, _ := posts(got, "DU1"); len(dms) != 1 {
			t.Errorf("follow-up DMs = %q, want one: they need no staff channel", dms)
		}
		for _, c := range got {
			if strings.HasPrefix(c.method, "files.") {
				t.Errorf("a chart was uploaded without a staff channel: %v", c.fields)
			}
		}
	})

	t.Run("SummaryOffByFlag", func(t *testing.T) {
		env, calls := slackShop(t, map[string]string{
			"DANGOL_SLACK_STAFF_CHANNEL": "CSTAFF",
			"DANGOL_SUMMARY_CRON":        "0 9 * * 1",
		})
		got, _ := serveRound(t, env, calls, monday, "--summary-cron", "OFF")
		if texts, files := posts(got, "CSTAFF"); len(texts)+files != 0 {
			t.Errorf("the summary was posted with --summary-cron off: %q", texts)
		}
		if dms, _ := posts(got, "DU1"); len(dms) != 1 {
			t.Errorf("follow-up DMs = %q, want one", dms)
		}
	})

	t.Run("ConsoleOnly", func(t *testing.T) {
		r := runMainAt(t, monday, map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "shop.db")}, "serve", "-v")
		if r.err != nil {
			t.Fatal(r.err)
		}
		for _, want := range []string{"the weekly summary post is off", "the morning follow-up DMs are off"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
			}
		}
	})
}

func TestServe_ScheduleErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"ErrSummaryHour", map[string]string{"DANGOL_SUMMARY_CRON": "0 25 * * 1"}, nil, usageText("cli.err.cron.summary", nil) + ` "0 25 * * 1"`},
		{"ErrSummaryInterval", map[string]string{"DANGOL_SUMMARY_CRON": "@every 1h"}, nil, "DANGOL_SUMMARY_CRON"},
		{"ErrSummaryNeverDue", map[string]string{"DANGOL_SUMMARY_CRON": "0 9 30 2 *"}, nil, "never due"},
		{"ErrFollowUpFlag", nil, []string{"--followup-cron", "9am"}, usageText("cli.err.cron.followup", nil) + ` "9am"`},
		{"ErrFollowUpEnv", map[string]string{"DANGOL_FOLLOWUP_CRON": "0 9 * *"}, nil, "--followup-cron, DANGOL_FOLLOWUP_CRON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "shop.db")}
			for k, v := range tt.env {
				env[k] = v
			}
			r := runMainAt(t, seededNow, env, append([]string{"serve"}, tt.args...)...)
			if !isUsage(r.err) || !strings.Contains(r.err.Error(), tt.want) {
				t.Fatalf("err = %v, want a usage error containing %q", r.err, tt.want)
			}
			if strings.Contains(r.stdout, "콘솔") {
				t.Errorf("the console started despite a bad schedule:\n%s", r.stdout)
			}
		})
	}
}

func TestRouter_Scheduled(t *testing.T) {
	tests := []struct {
		name         string
		staffChannel string // the staff platform: "slack", "console" or none
		reply        dialog.Reply
		want         string // which platform gets it; "" = logged and dropped
	}{
		{"SummaryToSlack", "slack", dialog.Reply{To: dialog.ToStaffChannel, Text: "week"}, "slack"},
		{"SummaryNoStaffChannel", "", dialog.Reply{To: dialog.ToStaffChannel, Text: "week"}, ""},
		{"SummaryNotToConsole", "console", dialog.Reply{To: dialog.ToStaffChannel, Text: "week"}, ""},
		{"DMToSlack", "slack", dialog.Reply{To: dialog.ToUser, Channel: "slack", UserID: "U1", Text: "due"}, "slack"},
		{"DMToConsoleStaff", "slack", dialog.Reply{To: dialog.ToUser, Channel: "console", UserID: "민지", Text: "due"}, ""},
		{"DMToPlatformOff", "slack", dialog.Reply{To: dialog.ToUser, Channel: "telegram", UserID: "42", Text: "due"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			sl, con := &fakePlatform{}, &fakePlatform{}
			r := testRouter(&logs, tt.staffChannel, map[string]*fakePlatform{"slack": sl, "console": con})
			if err := r.scheduled(context.Background(), tt.reply); err != nil {
				t.Fatalf("scheduled = %v, want nil: an error would retry a post that cannot go", err)
			}
			got := map[string]int{"slack": len(sl.got), "console": len(con.got)}
			for name, n := range got {
				if want := map[bool]int{true: 1}[name == tt.want]; n != want {
					t.Errorf("%s got %d posts, want %d", name, n, want)
				}
			}
			if tt.want == "" && !strings.Contains(logs.String(), "nowhere to go") {
				t.Errorf("a dropped post was not logged: %q", logs.String())
			}
		})
	}
}
