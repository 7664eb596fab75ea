package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// benchLines parses the JSON lines dangol bench printed.
// benchOne runs dangol bench with args and returns its one JSON line and
// the run, failing unless it succeeded with exactly one line.
func benchOne(t *testing.T, args ...string) (benchResult, result) {
	t.Helper()
	res := runMain(t, nil, "", append([]string{"bench"}, args...)...)
	if res.err != nil {
		t.Fatalf("bench: %v\n%s", res.err, res.stderr)
	}
	rs := benchLines(t, res.stdout)
	if len(rs) != 1 {
		t.Fatalf("%d lines, want 1:\n%s", len(rs), res.stdout)
	}
	return rs[0], res
}

func benchLines(t *testing.T, out string) []benchResult {
	t.Helper()
	var rs []benchResult
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r benchResult
		decodeLine(t, line, &r)
		rs = append(rs, r)
	}
	return rs
}

// decodeLine decodes one of the bench's JSON lines into v, failing on a
// field v does not have: a line of another kind, or a field added without
// its test.
func decodeLine(t *testing.T, line string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("bench line %q: %v", line, err)
	}
}

// TestBench runs a tiny bench end to end: the real adapter against the fake
// Bot API, the engine, a seeded ledger. It checks what was done and that the
// ledger verification passed, never how fast.
func TestBench(t *testing.T) {
	t.Parallel() // its own temp ledgers and in-process fakes
	t.Run("Feedback", func(t *testing.T) {
		dir := t.TempDir()
		r, res := benchOne(t, "--scenario", "feedback", "--chats", "4", "--count", "50", "--customers", "100", "--dir", dir)
		if r.Scenario != "feedback" || r.Mode != "closed" || r.Chats != 4 || r.Completed != 50 || r.Updates != 4*50 {
			t.Errorf("result %+v, want 50 feedbacks of 4 updates at 4 chats", r)
		}
		if r.CompletedPerS <= 0 || r.UpdatesPerS <= 0 || r.P50ms <= 0 || r.P99ms < r.P50ms {
			t.Errorf("figures %+v, want positive rates and p99 >= p50", r)
		}
		if r.API != "inproc" || r.CPUusPerUpdate <= 0 || r.AllocsPerUpdate <= 0 {
			t.Errorf("result %+v, want api inproc (the default) and positive costs per update", r)
		}
		// Every step of a feedback writes: each commit wrote pages (a
		// commit writes at least its meta page and a leaf) and took time.
		if r.CommitsPerUpdate <= 0 || r.PagesPerCommit < 2 || r.WriteMsPerCommit <= 0 {
			t.Errorf("result %+v, want commits, with pages and write time per commit", r)
		}
		if want := testCatalog.Text("ko", "bench.verified", map[string]any{"Stored": 50}); !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
		if want := testCatalog.Text("ko", "bench.limits", nil); !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("temporary folder left behind: %v", left)
		}
		// Its ledger is gone with the run: no key of it to keep, and
		// nobody told to keep one.
		if strings.Contains(res.stderr, "dangol.key") || strings.Contains(res.stderr, "new master key") {
			t.Errorf("the bench spoke of a key for its temporary ledger:\n%s", res.stderr)
		}
	})
	t.Run("Line", func(t *testing.T) {
		// Ratings 1 to 5 in turn: those at or below dialog.LowRating alert
		// the staff channel, which the bench counts (no Slack) and checks.
		r, res := benchOne(t, "--scenario", "line", "--chats", "4", "--count", "50", "--customers", "100", "--dir", t.TempDir())
		if r.Scenario != "feedback-line" || r.Mode != "closed" || r.Chats != 4 || r.Completed != 50 || r.Updates != 50 {
			t.Errorf("result %+v, want 50 one-line feedbacks of one update at 4 chats", r)
		}
		if r.CompletedPerS <= 0 || r.P99ms < r.P50ms {
			t.Errorf("figures %+v, want a positive rate and p99 >= p50", r)
		}
		if want := testCatalog.Text("ko", "bench.verified", map[string]any{"Stored": 50}); !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
		if strings.Contains(res.stderr, "nowhere to go") {
			t.Errorf("a low rating's alert was dropped:\n%s", res.stderr)
		}
	})
	t.Run("Spread", func(t *testing.T) {
		// The four-step feedback, each in another chat: a customer moves
		// only between feedbacks, so every one completes and is stored.
		r, res := benchOne(t, "--scenario", "feedback", "--chats", "2", "--count", "10", "--customers", "7", "--spread", "--dir", t.TempDir())
		if !r.Spread || r.Completed != 10 || r.Updates != 40 {
			t.Fatalf("result %+v, want 10 spread feedbacks of 4 updates", r)
		}
		if want := testCatalog.Text("ko", "bench.verified", map[string]any{"Stored": 10}); !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	})
	t.Run("PointsAndOpenLoop", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "bench.jsonl")
		res := runMain(t, map[string]string{"DANGOL_LANG": "en"}, "", "bench", "--scenario", "points,open", "--chats", "1,4", "--count", "200",
			"--customers", "100", "--rate", "2000", "--dir", t.TempDir(), "--out", out, "--api", "loopback")
		if res.err != nil {
			t.Fatalf("bench: %v\n%s", res.err, res.stderr)
		}
		if res.stdout != "" {
			t.Errorf("stdout %q, want the lines in --out only", res.stdout)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		rs := benchLines(t, string(data))
		want := []struct {
			mode  string
			chats int
		}{{"closed", 1}, {"closed", 4}, {"open", 100}}
		if len(rs) != len(want) {
			t.Fatalf("%d lines, want %d:\n%s", len(rs), len(want), data)
		}
		for i, w := range want {
			r := rs[i]
			if r.Scenario != "points" || r.Mode != w.mode || r.Chats != w.chats || r.Completed != 200 || r.Updates != 200 || r.API != "loopback" {
				t.Errorf("line %d: %+v, want 200 %s points checks at %d chats", i, r, w.mode, w.chats)
			}
		}
		if rs[2].OfferedPerS != 2000 {
			t.Errorf("open loop offered %d/s, want 2000", rs[2].OfferedPerS)
		}
		if want := testCatalog.Text("en", "bench.verified", map[string]any{"Stored": 0}); !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	})
	t.Run("Floor", func(t *testing.T) {
		// The engine replaced by answers made at once: every step of every
		// scenario is answered as it expects (the bench fails on any other
		// answer: the questions' buttons, the thank-you, the balance),
		// nothing reaches the ledger (no commit, no feedback stored), and
		// each line says it was a floor.
		out := filepath.Join(t.TempDir(), "bench.jsonl")
		res := runMain(t, nil, "", "bench", "--floor", "--chats", "4", "--count", "60",
			"--customers", "100", "--rate", "2000", "--dir", t.TempDir(), "--out", out)
		if res.err != nil {
			t.Fatalf("bench: %v\n%s", res.err, res.stderr)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		rs := benchLines(t, string(data))
		if len(rs) != 4 {
			t.Fatalf("%d lines, want 4:\n%s", len(rs), data)
		}
		for i, want := range []string{"feedback", "feedback-line", "points", "points"} {
			r := rs[i]
			if !r.Floor || r.Scenario != want || r.Completed != 60 || r.CompletedPerS <= 0 {
				t.Errorf("line %d: %+v, want 60 %s answered by the floor", i, r, want)
			}
			if r.CommitsPerUpdate != 0 || r.PagesPerCommit != 0 {
				t.Errorf("line %d: %+v, want no commit: the floor uses no ledger", i, r)
			}
		}
		for _, want := range []string{
			testCatalog.Text("ko", "bench.floor", nil),
			testCatalog.Text("ko", "bench.verified", map[string]any{"Stored": 0}),
		} {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
			}
		}
		// The paced presses too, each answered in place.
		if r, _ := benchOne(t, "--floor", "--scenario", "press", "--chats", "2", "--count", "4", "--every", "5ms",
			"--customers", "10", "--dir", t.TempDir()); !r.Floor || r.Completed != 4 || r.Updates != 16 || r.CommitsPerUpdate != 0 {
			t.Errorf("floor press %+v, want 4 feedbacks of 4 updates and no commit", r)
		}
		// A real run leaves floor out of its line.
		if r, _ := benchOne(t, "--scenario", "points", "--chats", "1", "--count", "5", "--customers", "10", "--dir", t.TempDir()); r.Floor {
			t.Errorf("a real run says floor: %+v", r)
		}
	})
	t.Run("Press", func(t *testing.T) {
		r, res := benchOne(t, "--scenario", "press", "--chats", "4", "--count", "8", "--every", "5ms",
			"--customers", "100", "--dir", t.TempDir())
		if r.Scenario != "press" || r.Mode != "paced" || r.Chats != 4 || r.Completed != 8 || r.Updates != 4*8 || r.EveryMS != 5 {
			t.Errorf("result %+v, want 8 feedbacks by presses of 4 updates at 4 chats, every 5 ms", r)
		}
		if r.PressP99ms <= 0 || r.P99ms < r.P50ms {
			t.Errorf("figures %+v, want a press p99 and p99 >= p50", r)
		}
		// 8 updates a chat at 5 ms apart: at least 35 ms, whatever the bot's pace.
		if r.Seconds < 0.035 {
			t.Errorf("ran %.3f s, want the pace kept (>= 0.035 s)", r.Seconds)
		}
		if want := testCatalog.Text("ko", "bench.verified", map[string]any{"Stored": 8}); !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	})
	t.Run("ErrFlags", func(t *testing.T) {
		for _, args := range [][]string{
			{"--scenario", "chart"},
			{"--chats", "0"},
			{"--chats", "1,x"},
			{"--chats", "200", "--customers", "100"},
			{"--rate", "0"},
			{"--count", "-1"},
			{"--customers", "0"},
			{"--duration", "0s"},
			{"--api", "tcp"},
			{"--every", "0s"},
			{"--scenario", "press", "--every", "2m"},
			{"--nope"},
		} {
			res := runMain(t, nil, "", append([]string{"bench"}, args...)...)
			if !isUsage(res.err) {
				t.Errorf("bench %v: %v, want a usage error", args, res.err)
			}
		}
	})
	t.Run("Help", func(t *testing.T) {
		res := runMain(t, nil, "", "help", "bench")
		if res.err != nil || !strings.Contains(res.stdout, "dangol bench") {
			t.Errorf("help bench: %v\n%s", res.err, res.stdout)
		}
	})
}

// TestBenchSpreadStride: with --spread the customers of a closed loop of n
// walk the seeded chats k, k+n, k+2n, … within the largest multiple of n,
// each on chats of its own however far ahead of the others it runs.
func TestBenchSpreadStride(t *testing.T) {
	r := &benchRig{track: newReplyTracker(), customers: 7, spread: true}
	const n = 3
	cs := []*benchCustomer{r.customer(0), r.customer(1), r.customer(2)}
	var walked [][]int64
	for range 4 {
		var now []int64
		for _, c := range cs {
			now = append(now, c.chat)
			c.spreadOn(n)
		}
		walked = append(walked, now)
	}
	want := [][]int64{{1000, 1001, 1002}, {1003, 1004, 1005}, {1000, 1001, 1002}, {1003, 1004, 1005}}
	if !slices.EqualFunc(walked, want, slices.Equal) {
		t.Errorf("chats %v, want %v", walked, want)
	}
	// The first runs ahead by a step: still no chat of another's.
	cs[0].spreadOn(n)
	if cs[0].chat%n == cs[1].chat%n || cs[0].chat%n == cs[2].chat%n {
		t.Errorf("customer 0 at %d shares its residue with %d or %d", cs[0].chat, cs[1].chat, cs[2].chat)
	}
	if got := len(r.track.listeners); got != n {
		t.Errorf("%d chats listened to, want the %d current ones", got, n)
	}
}
