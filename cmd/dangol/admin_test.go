package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/dangol/dangol/bots/retry/retrytest"
	"github.com/dangol/dangol/bots/slack"
	"github.com/dangol/dangol/bots/telegram"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/feedback/charttest"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// adminNow is the health checks' "now" in the unit tests.
var adminNow = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// fakeReacher is a platform last reached at a time the test sets.
type fakeReacher struct{ at time.Time }

func (f fakeReacher) Reached() time.Time { return f.at }

// fakeQueue is a platform with a queue depth the test sets.
type fakeQueue struct{ n int }

func (f fakeQueue) Queued() int { return f.n }

// startAdmin runs a on 127.0.0.1:0 until the test ends and returns its
// base URL. The cleanup checks that Run shuts down cleanly and that the
// port is closed afterwards.
func startAdmin(t *testing.T, a *adminServer) string {
	t.Helper()
	a.addr = "127.0.0.1:0"
	if a.logger == nil {
		a.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	addrc := make(chan string, 1)
	a.ready = func(addr string) { addrc <- addr }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		cancel()
		t.Fatalf("admin server stopped at start: %v", err)
	case <-time.After(waitTimeout):
		cancel()
		t.Fatal("admin server did not listen")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("admin Run after cancel: %v", err)
			}
		case <-time.After(waitTimeout):
			t.Error("admin server did not shut down")
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			t.Errorf("admin port %s still open after shutdown", addr)
		}
	})
	return "http://" + addr
}

// adminGet fetches url and returns the status and body.
func adminGet(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func TestAdmin_Healthz(t *testing.T) {
	tests := []struct {
		name      string
		telegram  time.Time // when Telegram was last reached
		slack     time.Time
		closed    bool // the ledger is closed: it cannot commit
		status    int
		reasons   []string // each must appear in one reason, in order
		reachedTG string
		free      uint64 // bytes free where the ledger is; 0: not checked
		warn      uint64 // DANGOL_DISK_WARN in bytes; 0: its default
		warning   string // in the one warning; "": none
	}{
		{name: "OK", telegram: adminNow.Add(-30 * time.Second), slack: adminNow.Add(-119 * time.Second),
			status: 200, reachedTG: "2026-12-01T08:59:30Z"},
		{name: "TelegramStale", telegram: adminNow.Add(-3 * time.Minute), slack: adminNow,
			status: 503, reasons: []string{"telegram: not reached since 2026-12-01T08:57:00Z (3m0s ago)"}, reachedTG: "2026-12-01T08:57:00Z"},
		{name: "SlackNeverReached", telegram: adminNow, status: 503, reasons: []string{"slack: not reached yet"}, reachedTG: "2026-12-01T09:00:00Z"},
		{name: "LedgerClosed", telegram: adminNow, slack: adminNow, closed: true,
			status: 503, reasons: []string{"ledger: cannot commit: ", "store is closed"}, reachedTG: "2026-12-01T09:00:00Z"},
		{name: "EverythingWrong", closed: true, status: 503,
			reasons: []string{"ledger: cannot commit", "telegram: not reached yet", "slack: not reached yet"}},
		// A filling disk warns and still passes: dangol works until it is full.
		{name: "DiskLow", telegram: adminNow, slack: adminNow, free: 42 << 20, status: 200,
			warning: "disk: 42 MB free where the ledger file is, under 100 MB", reachedTG: "2026-12-01T09:00:00Z"},
		{name: "DiskFine", telegram: adminNow, slack: adminNow, free: 100 << 20, status: 200, reachedTG: "2026-12-01T09:00:00Z"},
		// DANGOL_DISK_WARN=2GB: 1 GB free is low.
		{name: "DiskWarnSet", telegram: adminNow, slack: adminNow, free: 1 << 30, warn: 2 << 30, status: 200,
			warning: "disk: 1024 MB free where the ledger file is, under 2048 MB", reachedTG: "2026-12-01T09:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := mustOpenStore(t, filepath.Join(t.TempDir(), "dangol.db"))
			if tt.closed {
				store.Close()
			}
			a := &adminServer{
				store:   store,
				metrics: newMetrics(nil, store.Path(), ""),
				now:     func() time.Time { return adminNow },
				platforms: []namedReacher{
					{"telegram", fakeReacher{tt.telegram}},
					{"slack", fakeReacher{tt.slack}},
				},
			}
			if tt.free > 0 {
				a.diskFree = func() (uint64, error) { return tt.free, nil }
				a.diskWarn = cmp.Or(tt.warn, 100<<20)
			}
			base := startAdmin(t, a)
			status, body := adminGet(t, base+"/healthz")
			if status != tt.status {
				t.Errorf("status %d, want %d; body %s", status, tt.status, body)
			}
			var rep healthReport
			if err := json.Unmarshal(body, &rep); err != nil {
				t.Fatalf("body %s: %v", body, err)
			}
			if rep.OK != (tt.status == 200) {
				t.Errorf("ok = %v with status %d", rep.OK, status)
			}
			all := strings.Join(rep.Reasons, "\n")
			at := 0
			for _, want := range tt.reasons {
				i := strings.Index(all[at:], want)
				if i < 0 {
					t.Errorf("reasons %q lack %q (in order)", rep.Reasons, want)
					break
				}
				at += i + len(want)
			}
			if len(tt.reasons) == 0 && len(rep.Reasons) != 0 {
				t.Errorf("reasons %q, want none", rep.Reasons)
			}
			switch {
			case tt.warning == "" && len(rep.Warnings) != 0:
				t.Errorf("warnings %q, want none", rep.Warnings)
			case tt.warning != "" && (len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], tt.warning)):
				t.Errorf("warnings %q, want one with %q", rep.Warnings, tt.warning)
			}
			if rep.Reached["telegram"] != tt.reachedTG {
				t.Errorf("reached telegram %q, want %q", rep.Reached["telegram"], tt.reachedTG)
			}
		})
	}
}

// TestAdmin_ProbeWrites checks that /healthz really commits, and not more
// than once per probeFresh, and that a failure is not remembered.
func TestAdmin_ProbeWrites(t *testing.T) {
	var mu sync.Mutex
	now := adminNow
	var commits int
	path := filepath.Join(t.TempDir(), "dangol.db")
	opts := testLedgerOptions(t, path)
	opts.OnCommit = func(time.Duration, error) {
		mu.Lock()
		commits++
		mu.Unlock()
	}
	store, err := ledger.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	a := &adminServer{store: store, now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }}
	steps := []struct {
		advance time.Duration
		commits int
	}{
		{0, 1},                        // the first check commits
		{probeFresh - time.Second, 1}, // fresh: no new write
		{time.Second, 2},              // stale: a new write
		{-time.Hour, 3},               // a clock set back never stretches freshness
	}
	for i, s := range steps {
		mu.Lock()
		now = now.Add(s.advance)
		mu.Unlock()
		if err := a.probeLedger(context.Background()); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		mu.Lock()
		got := commits
		mu.Unlock()
		if got != s.commits {
			t.Errorf("step %d: %d commits, want %d", i, got, s.commits)
		}
	}
	store.Close()
	mu.Lock()
	now = now.Add(probeFresh) // the last success no longer stands
	mu.Unlock()
	for i := range 2 {
		if err := a.probeLedger(context.Background()); !errors.Is(err, ledger.ErrClosed) {
			t.Errorf("probe %d of a closed ledger: %v, want ErrClosed", i, err)
		}
	}
}

// scrapeMetrics fetches /metrics and parses it with Prometheus's text parser.
func scrapeMetrics(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	status, body := adminGet(t, base+"/metrics")
	if status != 200 {
		t.Fatalf("/metrics: status %d\n%s", status, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	return fams
}

// metricValue returns the value of the series of name whose labels include
// labels (name=value pairs); ok false when there is none.
func metricValue(fams map[string]*dto.MetricFamily, name string, labels ...string) (v float64, ok bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// dangolMetrics are the names /metrics must always hold (once the labels
// they carry are known), besides Go's and the process's.
var dangolMetrics = []string{
	"dangol_messages_handled_total",
	"dangol_handle_duration_seconds",
	"dangol_ledger_commit_duration_seconds",
	"dangol_ledger_commit_errors_total",
	"dangol_send_errors_total",
	"dangol_queue_depth",
	"dangol_scheduled_posts_total",
	"dangol_scheduled_posts_failed_total",
	"dangol_backup_age_seconds",
	"dangol_ledger_size_bytes",
	"dangol_disk_free_bytes",
	"go_goroutines",
	"process_start_time_seconds",
}

// TestAdmin_Metrics drives the seams by hand (a real engine and ledger, a
// scheduled job, an adapter's Observer) and checks what a scrape shows.
func TestAdmin_Metrics(t *testing.T) {
	dir := t.TempDir()
	backups := filepath.Join(dir, "backups")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	written := adminNow.Add(-90 * time.Minute)
	old := filepath.Join(backups, "dangol-2026-12-01T0730.db")
	for _, name := range []string{old, filepath.Join(backups, "not-a-backup.db")} {
		if err := os.WriteFile(name, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(old, written, written); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(backups, "not-a-backup.db"), adminNow, adminNow); err != nil {
		t.Fatal(err) // newer, but not named as serve names backups: not counted
	}

	// Each reading moves this clock 125 ms: a Handle, read before and
	// after, takes exactly 125 ms.
	var mu sync.Mutex
	clock := adminNow
	tick := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(125 * time.Millisecond)
		return clock
	}
	m := newMetrics(tick, filepath.Join(dir, "dangol.db"), backups)
	m.state.now = func() time.Time { return adminNow }
	opts := testLedgerOptions(t, filepath.Join(dir, "dangol.db"))
	opts.OnCommit = m.ledgerOptions().OnCommit
	store, err := ledger.Open(filepath.Join(dir, "dangol.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	engine, err := dialog.New(channelPolicy(dialog.Config{
		Store: store, Catalog: locales.MustLoad(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Loc: time.UTC, Lang: "ko", PointsRate: 5, Staff: []string{"slack:U1"},
		Now: func() time.Time { return adminNow },
	}))
	if err != nil {
		t.Fatal(err)
	}
	h := m.handler(engine)
	m.watchChannel(telegram.Channel)
	m.watchChannel(slack.Channel)
	m.watchQueue(slack.Channel, fakeQueue{3})
	m.watchQueue(telegram.Channel, struct{}{}) // cannot tell: no series
	obs := m.watchPlatform(slack.Channel)
	m.watchPlatform(telegram.Channel)

	base := startAdmin(t, &adminServer{store: store, metrics: m, now: func() time.Time { return adminNow }})
	before := scrapeMetrics(t, base)
	for _, name := range dangolMetrics {
		if name == "dangol_scheduled_posts_total" || name == "dangol_scheduled_posts_failed_total" {
			continue // no job yet
		}
		if before[name] == nil {
			t.Errorf("first scrape lacks %s", name)
		}
	}
	if v, ok := metricValue(before, "dangol_messages_handled_total", "channel", "telegram", "outcome", "ok"); !ok || v != 0 {
		t.Errorf("telegram ok before any message = %v (present %v), want 0", v, ok)
	}

	msg := dialog.Message{Channel: slack.Channel, UserID: "U1", UserName: "지수", ConversationID: "DU1", EventID: "ev-1", Text: "/help", Private: true, Lang: "ko"}
	for range 2 { // the second is a re-delivery
		if _, err := h.Handle(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
	}
	failing := dialog.Job{Name: "summary", Spec: "0 9 * * 1",
		Posts:   func(context.Context, time.Time) ([]dialog.Reply, error) { return nil, errors.New("no chart") },
		Deliver: func(context.Context, dialog.Reply) error { return nil }}
	sending := dialog.Job{Name: "followup", Spec: "0 9 * * *",
		Posts: func(context.Context, time.Time) ([]dialog.Reply, error) { return nil, nil },
		Deliver: func(_ context.Context, r dialog.Reply) error {
			if r.Text == "fail" {
				return errors.New("slack down")
			}
			return nil
		}}
	jobs := m.jobs([]dialog.Job{failing, sending})
	if _, err := jobs[0].Posts(context.Background(), adminNow); err == nil {
		t.Error("wrapped Posts lost its error")
	}
	for _, text := range []string{"ok", "ok", "fail"} {
		jobs[1].Deliver(context.Background(), dialog.Reply{Text: text})
	}
	obs.SendFailed()
	m.observeCommit(0, errors.New("disk full"))

	after := scrapeMetrics(t, base)
	for _, name := range dangolMetrics {
		if after[name] == nil {
			t.Errorf("scrape lacks %s", name)
		}
	}
	fi, err := os.Stat(store.Path())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"dangol_messages_handled_total", []string{"channel", "slack", "outcome", "ok"}, 1},
		{"dangol_messages_handled_total", []string{"channel", "slack", "outcome", "duplicate"}, 1},
		{"dangol_messages_handled_total", []string{"channel", "slack", "outcome", "error"}, 0},
		{"dangol_messages_handled_total", []string{"channel", "telegram", "outcome", "ok"}, 0},
		{"dangol_handle_duration_seconds", []string{"channel", "slack"}, 2},
		{"dangol_send_errors_total", []string{"platform", "slack"}, 1},
		{"dangol_send_errors_total", []string{"platform", "telegram"}, 0},
		{"dangol_queue_depth", []string{"platform", "slack"}, 3},
		{"dangol_scheduled_posts_total", []string{"job", "followup"}, 2},
		{"dangol_scheduled_posts_failed_total", []string{"job", "followup"}, 1},
		{"dangol_scheduled_posts_failed_total", []string{"job", "summary"}, 1},
		{"dangol_scheduled_posts_total", []string{"job", "summary"}, 0},
		{"dangol_ledger_commit_errors_total", nil, 1},
		{"dangol_backup_age_seconds", nil, 90 * 60},
		{"dangol_ledger_size_bytes", nil, float64(fi.Size())},
	}
	for _, tt := range tests {
		if got, ok := metricValue(after, tt.name, tt.labels...); !ok || got != tt.want {
			t.Errorf("%s%v = %v (present %v), want %v", tt.name, tt.labels, got, ok, tt.want)
		}
	}
	if _, ok := metricValue(after, "dangol_queue_depth", "platform", "telegram"); ok {
		t.Error("queue depth reported for a platform that cannot tell it")
	}
	// Two handles of 125 ms each on the injected clock.
	for _, mt := range after["dangol_handle_duration_seconds"].Metric {
		if mt.Label[0].GetValue() == "slack" && mt.Histogram.GetSampleSum() != 0.25 {
			t.Errorf("handle time sum %v, want 0.25", mt.Histogram.GetSampleSum())
		}
	}
	if n, _ := metricValue(after, "dangol_ledger_commit_duration_seconds"); n < 1 {
		t.Errorf("commit histogram holds %v commits, want the engine's one at least", n)
	}
	// The free space is the system's own figure: what statfs says now,
	// within what the test's own writes may have taken meanwhile.
	free, err := diskFreeAt(store.Path())
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := metricValue(after, "dangol_disk_free_bytes"); !ok || got <= 0 || math.Abs(got-float64(free)) > 256<<20 {
		t.Errorf("dangol_disk_free_bytes = %v (present %v), want about %d", got, ok, free)
	}
}

func TestBackupAge(t *testing.T) {
	tests := []struct {
		name  string
		dir   func(t *testing.T) string
		want  float64
		noAge bool // the metric is absent
	}{
		{"Off", func(*testing.T) string { return "" }, 0, true},
		{"NoneYet", func(t *testing.T) string { return t.TempDir() }, math.Inf(1), false},
		{"FolderNotMadeYet", func(t *testing.T) string { return filepath.Join(t.TempDir(), "later") }, math.Inf(1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := mustOpenStore(t, filepath.Join(dir, "dangol.db"))
			m := newMetrics(nil, s.Path(), tt.dir(t))
			base := startAdmin(t, &adminServer{store: s, metrics: m, now: time.Now})
			got, ok := metricValue(scrapeMetrics(t, base), "dangol_backup_age_seconds")
			if ok == tt.noAge || (ok && got != tt.want) {
				t.Errorf("backup age = %v (present %v), want %v (present %v)", got, ok, tt.want, !tt.noAge)
			}
		})
	}
}

func TestCheckAdminAddr(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"", true},
		{"127.0.0.1:9090", true},
		{":9090", true},
		{"localhost:9090", true},
		{"[::1]:9090", true},
		{"127.0.0.1:0", true},
		{"9090", false},
		{"127.0.0.1:", false},
		{"127.0.0.1:http", false},
		{"127.0.0.1:65536", false},
		{"127.0.0.1:-1", false},
		{"bad host:9090", false},
		{"가게:9090", false},
		{"127.0.0.1:9090/metrics", false},
	}
	for _, tt := range tests {
		if err := checkAdminAddr(tt.addr); (err == nil) != tt.ok {
			t.Errorf("checkAdminAddr(%q) = %v, want ok %v", tt.addr, err, tt.ok)
		}
	}
}

// TestServe_AdminAddrBad: a bad DANGOL_ADMIN_ADDR is a usage error (exit
// 2), worded in the configured language.
func TestServe_AdminAddrBad(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			env := map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "x.db"), "DANGOL_ADMIN_ADDR": "9090", "DANGOL_LANG": lang}
			m := &Main{Catalog: testCatalog, Chart: charttest.Stub, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(k string) string { return env[k] }}
			err := m.Run(context.Background(), []string{"serve"})
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v, want a usage error", err)
			}
			want := locales.MustLoad().Text(lang, "admin.err.addr", map[string]any{"Value": "9090"})
			if err.Error() != want || !strings.Contains(want, "DANGOL_ADMIN_ADDR") {
				t.Errorf("err = %q, want %q", err, want)
			}
		})
	}
}

// TestServe_AdminEndToEnd serves Telegram against a fake with
// DANGOL_ADMIN_ADDR set: a linked customer's messages (holding her name
// and phone) are handled, /healthz is 200, /metrics counted them, and no
// label value holds her name, phone or Telegram id. Shutdown closes the
// admin port with the rest.
func TestServe_AdminEndToEnd(t *testing.T) {
	const (
		name  = "비밀손님"
		phone = "01077778888"
		tgID  = "770123456"
	)
	db := filepath.Join(t.TempDir(), "shop.db")
	s := mustOpenStore(t, db)
	err := s.Update(context.Background(), func(tx *ledger.Tx) error {
		c := &ledger.Customer{Name: name, Phone: phone, CreatedAt: adminNow}
		if err := tx.CreateCustomer(c); err != nil {
			return err
		}
		if err := tx.LinkCustomer(c.ID, "telegram:"+tgID, ledger.Consent{Given: true, At: adminNow, Purpose: "loyalty+feedback"}); err != nil {
			return err
		}
		// Asked the optional advertising question at the link, as a link
		// today asks it: else /points asks it too, a second sendMessage the
		// wait below would take for the second update's answer.
		_, err := tx.MarkMarketingAsked(c.ID, adminNow)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	from := `"from":{"id":` + tgID + `,"is_bot":false,"first_name":"` + name + `","language_code":"ko"},"chat":{"id":` + tgID + `,"type":"private"}`
	tg := newFakeTelegram(t,
		`{"update_id":1,"message":{"message_id":1,"date":1700000000,`+from+`,"text":"/points","entities":[{"type":"bot_command","offset":0,"length":7}]}}`,
		`{"update_id":2,"message":{"message_id":2,"date":1700000000,`+from+`,"text":"`+name+` 010-7777-8888 입니다"}}`,
	)
	env := map[string]string{
		"DANGOL_DB":               db,
		"DANGOL_TELEGRAM_TOKEN":   tgToken,
		"DANGOL_TELEGRAM_API_URL": tg.URL(),
		"DANGOL_ADMIN_ADDR":       "127.0.0.1:0",
		"DANGOL_BACKUP_DIR":       filepath.Join(t.TempDir(), "backups"),
		"DANGOL_BACKUP_CRON":      "0 3 1 1 *", // not due during the test
	}
	var stderr retrytest.Log
	m := &Main{Catalog: testCatalog, Chart: charttest.Stub, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
	srv := startServing(t, m, func(addr string) bool { return addr == env["DANGOL_ADMIN_ADDR"] })
	base := srv.base
	for range 2 {
		waitCall(t, tg.calls, "sendMessage", func(f map[string]string) bool { return f["chat_id"] == tgID })
	}

	status, body := adminGet(t, base+"/healthz")
	if status != 200 || !strings.Contains(string(body), `"ok":true`) {
		t.Errorf("/healthz = %d %s, want 200 ok", status, body)
	}
	fams := scrapeMetrics(t, base)
	for _, n := range dangolMetrics {
		if fams[n] == nil {
			t.Errorf("scrape lacks %s", n)
		}
	}
	if v, _ := metricValue(fams, "dangol_messages_handled_total", "channel", "telegram", "outcome", "ok"); v != 2 {
		t.Errorf("telegram messages handled ok = %v, want 2", v)
	}
	for fname, f := range fams {
		for _, mt := range f.Metric {
			for _, l := range mt.Label {
				for _, secret := range []string{name, phone, "7777", tgID} {
					if strings.Contains(l.GetValue(), secret) {
						t.Errorf("%s label %s=%q holds customer data %q", fname, l.GetName(), l.GetValue(), secret)
					}
				}
			}
		}
	}

	srv.stop()
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("admin server still answers after shutdown")
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

// notifyWriter tells of every write, so a test can look again after each
// line the console prints.
type notifyWriter struct{ wrote chan struct{} }

func (w notifyWriter) Write(p []byte) (int, error) {
	select {
	case w.wrote <- struct{}{}:
	default:
	}
	return len(p), nil
}

// TestChat_Admin: DANGOL_ADMIN_ADDR works in the console chat too, where
// /healthz checks the ledger only and the console's messages are counted.
func TestChat_Admin(t *testing.T) {
	env := map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "shop.db"), "DANGOL_ADMIN_ADDR": "127.0.0.1:0"}
	in, feed := io.Pipe()
	out := notifyWriter{wrote: make(chan struct{}, 1)}
	adminAddr := make(chan string, 1)
	m := &Main{
		Catalog: testCatalog, Chart: charttest.Stub,
		Stdin: in, Stdout: out, Stderr: io.Discard, Getenv: func(k string) string { return env[k] },
		Listen: func(network, addr string) (net.Listener, error) {
			ln, err := net.Listen(network, addr)
			if err == nil {
				adminAddr <- ln.Addr().String()
			}
			return ln, err
		},
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(context.Background(), []string{"chat"}) }()
	var base string
	select {
	case a := <-adminAddr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("chat stopped: %v", err)
	case <-time.After(waitTimeout):
		t.Fatal("admin server did not listen")
	}
	go fmt.Fprintln(feed, "/help")
	deadline := time.After(waitTimeout)
	for handled := 0.0; handled != 1; {
		select {
		case <-out.wrote:
		case <-deadline:
			t.Fatalf("console message not counted: handled = %v", handled)
		}
		handled, _ = metricValue(scrapeMetrics(t, base), "dangol_messages_handled_total", "channel", "console", "outcome", "ok")
	}
	if status, body := adminGet(t, base+"/healthz"); status != 200 {
		t.Errorf("/healthz in chat = %d %s, want 200", status, body)
	}
	feed.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("chat: %v", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("chat did not end with its input")
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestDiskFreeAt: the space left where a file is (its folder's disk), and
// a clear error, naming the folder, where there is no such folder.
func TestDiskFreeAt(t *testing.T) {
	dir := t.TempDir()
	free, err := diskFreeAt(filepath.Join(dir, "dangol.db"))
	if err != nil || free == 0 {
		t.Fatalf("free space of a test folder: %d, %v; want some", free, err)
	}
	missing := filepath.Join(dir, "gone", "dangol.db")
	if _, err := diskFreeAt(missing); err == nil || !strings.Contains(err.Error(), filepath.Dir(missing)) {
		t.Errorf("free space of a missing folder: %v, want an error naming it", err)
	}
}

// TestDiskJob: the daily disk check tells the staff channel, in the shop's
// language, how much space is left once it is under DANGOL_DISK_WARN, and
// posts nothing with room to spare or when the space cannot be read; with
// the warning off there is no check.
func TestDiskJob(t *testing.T) {
	var logs bytes.Buffer
	m := &Main{Catalog: testCatalog, Config: Config{Lang: "en", TZ: "Asia/Seoul", DiskWarn: 100 << 20}, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	tests := []struct {
		name string
		free uint64
		err  error
		want []dialog.Reply
		log  string
	}{
		{"Low", 42 << 20, nil, []dialog.Reply{{To: dialog.ToStaffChannel, Lang: "en",
			Text: testCatalog.Text("en", "appliance.disk.low", map[string]any{"MB": 42})}}, "free_mb=42"},
		{"Room", 100 << 20, nil, nil, ""},
		{"Unreadable", 0, errors.New("statfs: permission denied"), nil, "cannot read the free space"},
		{"NotAsked", 0, errors.ErrUnsupported, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			jobs := m.diskJob(func(context.Context, dialog.Reply) error { return nil }, func() (uint64, error) { return tt.free, tt.err })
			if len(jobs) != 1 || jobs[0].Name != diskJobName || !jobs[0].Check {
				t.Fatalf("jobs %+v, want the one check named %q", jobs, diskJobName)
			}
			got, err := jobs[0].Posts(context.Background(), adminNow)
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("posts %+v, %v; want %+v", got, err, tt.want)
			}
			if tt.log != "" && !strings.Contains(logs.String(), tt.log) {
				t.Errorf("log lacks %q:\n%s", tt.log, logs.String())
			}
		})
	}
	// Its schedule is one the scheduler takes.
	if _, err := dialog.NewScheduler(dialog.SchedulerConfig{Store: mustOpenStore(t, filepath.Join(t.TempDir(), "dangol.db")),
		Jobs: m.diskJob(func(context.Context, dialog.Reply) error { return nil }, func() (uint64, error) { return 100 << 20, nil }), Loc: time.UTC}); err != nil {
		t.Errorf("the disk check's schedule: %v", err)
	}
	// A higher threshold makes the same space low.
	m.Config.DiskWarn = 2 << 30
	got, err := m.diskJob(nil, func() (uint64, error) { return 1 << 30, nil })[0].Posts(context.Background(), adminNow)
	if want := testCatalog.Text("en", "appliance.disk.low", map[string]any{"MB": 1024}); err != nil || len(got) != 1 || got[0].Text != want {
		t.Errorf("with DANGOL_DISK_WARN=2GB, 1 GB free posts %+v, %v; want %q", got, err, want)
	}
	logs.Reset()
	m.Config.DiskWarn = 0
	if jobs := m.diskJob(nil, func() (uint64, error) { return 0, nil }); len(jobs) != 0 {
		t.Errorf("with DANGOL_DISK_WARN=off: jobs %+v, want none", jobs)
	}
	if !strings.Contains(logs.String(), "disk check off") {
		t.Errorf("the log does not say the check is off:\n%s", logs.String())
	}
}

// DANGOL_DISK_WARN takes MB or GB (a bare number is MB); unset is 100 MB;
// 0 and off turn the warning off; a bad one is refused naming the
// variable.
func TestConfigDiskWarn(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  uint64
		bad   bool
	}{
		{"", 100 << 20, false},
		{"500", 500 << 20, false},
		{"250mb", 250 << 20, false},
		{"2 GB", 2 << 30, false},
		{"1024GB", 1 << 40, false},
		{"0", 0, false},
		{"Off", 0, false},
		{"1025GB", 0, true},
		{"18446744073709551615GB", 0, true},
		{"-5", 0, true},
		{"1.5GB", 0, true},
		{"100KB", 0, true},
		{"백메가", 0, true},
	} {
		t.Run(tt.value, func(t *testing.T) {
			cfg, err := validatedConfig(map[string]string{"DANGOL_DISK_WARN": tt.value})
			if tt.bad {
				wantUsage(t, err, "appliance.err.disk_warn", map[string]any{"Value": tt.value})
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.DiskWarn != tt.want {
				t.Errorf("DiskWarn = %d, want %d", cfg.DiskWarn, tt.want)
			}
		})
	}
}
