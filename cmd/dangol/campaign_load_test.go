package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/dangol/dangol/bots/retry/retrytest"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/feedback/charttest"
	"github.com/dangol/dangol/ledger"
)

// campaignLoad is how many consenting, reachable customers
// TestCampaignLoad's campaign goes to. The default keeps the test within
// seconds under -race; the figure is run by hand with
//
//	go test -run TestCampaignLoad -v ./cmd/dangol/ -campaign 10000
var campaignLoad = flag.Int("campaign", 1200, "consenting recipients of TestCampaignLoad's campaign")

// campaignKilled is how many customers TestBinary_CampaignKilled's
// campaign goes to; its peak RSS at the size:
//
//	go test -run TestBinary_CampaignKilled -campaign-killed 10000 -v ./cmd/dangol/
var campaignKilled = flag.Int("campaign-killed", 600, "recipients of TestBinary_CampaignKilled's campaign")

// campaignChat is the Telegram chat (and user) of the i-th seeded customer.
func campaignChat(i int) int64 { return 800_000 + int64(i) }

// campaignStart is when the manager confirms the campaign: a Wednesday
// morning in Seoul, far from the night rule.
var campaignStart = time.Date(2026, 5, 13, 10, 0, 0, 0, time.FixedZone("KST", 9*60*60))

// sendLog is what the fake Bot API saw of the campaign: every sendMessage,
// with its chat and the time on the virtual clock of the serve that made
// it.
type sendLog struct {
	mu    sync.Mutex
	now   func() time.Time // the running serve's clock
	chats map[int64]int
	at    []time.Time
	first telegramfake.Call // the first campaign message, to read
	// cut, when set, is called as the cutAt-th message is being answered:
	// serve stopped while Telegram takes a message.
	cut    func()
	cutAt  int
	cutFor int64 // the chat of that message
}

func (l *sendLog) onCall(c telegramfake.Call) {
	if c.Method != "sendMessage" {
		return
	}
	l.mu.Lock()
	l.chats[c.ChatID()]++
	l.at = append(l.at, l.now())
	if len(l.at) == 1 {
		l.first = c
	}
	var cut func()
	if l.cut != nil && len(l.at) == l.cutAt {
		cut, l.cut, l.cutFor = l.cut, nil, c.ChatID()
	}
	l.mu.Unlock()
	if cut != nil {
		cut()
	}
}

func (l *sendLog) sent() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.at)
}

// inprocAPI carries the adapter's calls to the fake's handler in process
// (inprocTransport), except getUpdates: nobody writes during the campaign,
// so a long poll is answered empty after its timeout on the caller's
// (virtual) clock, instead of waiting on the fake's own channels, which a
// synctest bubble cannot see into.
type inprocAPI struct{ fake inprocTransport }

func (a inprocAPI) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/getUpdates") {
		return a.fake.RoundTrip(req)
	}
	if req.Body != nil {
		_ = req.Body.Close()
	}
	select {
	case <-req.Context().Done():
		return nil, req.Context().Err()
	case <-time.After(30 * time.Second):
	}
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(`{"ok":true,"result":[]}`)), Request: req}, nil
}

// TestCampaignLoad is a campaign to -campaign consenting customers (and
// some without advertising consent, and some the bot cannot reach, to be
// skipped) confirmed in the console, then sent by serve, on the real
// campaign job, scheduler, outbox, Router and Telegram adapter with
// Telegram's default limits, to the fake Bot API. Serve runs on the
// virtual clock of a synctest bubble: time moves only when every goroutine
// waits on it (a slot of the limiter, the scheduler's next minute), never
// while a send is on its way, so each send is recorded at its slot's time,
// uncompressed, and the minutes at 30 a second take seconds. Half-way the
// serve is stopped (its context cancelled, as a SIGTERM does; the built
// binary cannot run on a virtual clock) with a batch of messages recorded
// sent in the ledger and still in the outbox, and started again on the same
// file five seconds later.
//
// It checks: never more than 30 sends in any second, nor more than the
// per-chat burst to a chat; every consenting reachable customer got the
// message exactly once over both runs, nobody else got anything; the
// ledger's campaign is done with those counts; and the heap stays flat.
func TestCampaignLoad(t *testing.T) {
	t.Parallel() // its own ledger and fake
	n := *campaignLoad
	noConsent, unreachable := max(n/20, 1), max(n/50, 1)
	db := filepath.Join(t.TempDir(), "shop.db")
	seedStart := time.Now()
	seedCampaignShop(t, db, n, noConsent, unreachable)
	seeded := time.Since(seedStart)

	env, log, api := campaignShop(t, db, n)

	var peakHeap uint64
	realStart := time.Now()
	// Stopped at 55 %: in the middle of a run's thousand, some of them
	// recorded sent but still in the outbox, and later runs' still queued.
	killedAt := campaignServe(t, env, api, log, campaignStart, &peakHeap, func() bool { return log.sent() >= n*55/100 })
	half := log.sent()
	left, queued := campaignLeft(t, db)
	if left == 0 {
		t.Errorf("stopped after %d sends with %d messages in the outbox and %d recipients queued: the stop missed the middle of a run", half, left, queued)
	}
	// The second run stops a minute and a half after the last message:
	// one more run of the job, which must find nothing.
	var doneAt time.Time
	campaignServe(t, env, api, log, killedAt.Add(5*time.Second), &peakHeap, func() bool {
		if log.sent() < n {
			return false
		}
		if doneAt.IsZero() {
			doneAt = log.now()
		}
		return log.now().Sub(doneAt) >= 90*time.Second
	})
	took := time.Since(realStart)

	log.mu.Lock()
	defer log.mu.Unlock()
	if len(log.at) != n {
		t.Errorf("%d messages sent, want %d (%d before the stop)", len(log.at), n, half)
	}
	for i := range n + noConsent + unreachable {
		want := 0
		if i < n {
			want = 1
		}
		if got := log.chats[campaignChat(i)]; got != want {
			t.Errorf("chat %d (customer %d) got %d messages, want %d", campaignChat(i), i, got, want)
		}
	}
	at := slices.Clone(log.at)
	slices.SortFunc(at, time.Time.Compare)
	if got := telegramfake.Busiest(at); got > 30 {
		t.Errorf("%d sends in one second, Telegram allows 30", got)
	}
	if most := maxValue(log.chats); most > 3 {
		t.Errorf("a chat got %d messages, more than the per-chat burst", most)
	}
	if text := log.first.Fields["text"]; !strings.HasPrefix(text, testHeader) || !slices.ContainsFunc(log.first.Buttons(), func(b string) bool { return strings.HasPrefix(b, "mkt:off:") }) {
		t.Errorf("the first message %q with buttons %v: want the (광고) header and the opt-out", text, log.first.Buttons())
	}
	s := mustOpenStore(t, db)
	defer s.Close()
	err := s.View(context.Background(), func(tx *ledger.Tx) error {
		c, err := tx.Campaign(1)
		if err != nil {
			return err
		}
		if c.State != ledger.CampaignDone || c.Counts.Sent != n || c.Counts.Queued != 0 || c.Counts.Failed != 0 ||
			c.Counts.Skipped[ledger.SkipNoConsent] != noConsent || c.Counts.Skipped[ledger.SkipUnreachable] != unreachable {
			t.Errorf("campaign: state %v, counts %+v; want done, %d sent, %d skipped for consent and %d unreachable",
				c.State, c.Counts, n, noConsent, unreachable)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Flat: the queue of a run is a thousand messages, whatever the
	// campaign's size; a leak of a few KB a recipient would show at 10,000.
	if limit := uint64(200 << 20); peakHeap > limit {
		t.Errorf("peak heap %d MB, want under %d MB", peakHeap>>20, limit>>20)
	}
	first, last := at[0], at[len(at)-1]
	t.Logf("%d recipients (+%d without consent, %d unreachable): seeded in %v; sent over %v of virtual time (stopped after %d, %d in the outbox, %d queued) in %v of real time; busiest second %d; peak heap %d MB, peak RSS %d MB",
		n, noConsent, unreachable, seeded.Round(time.Millisecond), last.Sub(first).Round(time.Second), half, left, queued, took.Round(time.Millisecond),
		telegramfake.Busiest(at), peakHeap>>20, selfPeakRSS()>>20)
}

// campaignShop confirms campaign 1 to everyone in the shop at db (n of
// them receiving it) in the console at campaignStart, as its manager, and
// returns serve's settings, the record of sends and the fake Bot API in
// process.
func campaignShop(t *testing.T, db string, n int) (map[string]string, *sendLog, http.RoundTripper) {
	t.Helper()
	env := map[string]string{
		"DANGOL_DB": db, "DANGOL_SHOP_NAME": "단골미용실", "DANGOL_SHOP_CONTACT": testContact, "DANGOL_TZ": "Asia/Seoul",
		"DANGOL_TELEGRAM_TOKEN": tgToken, "DANGOL_TELEGRAM_API_URL": "http://telegram.invalid",
		"DANGOL_LOG_LEVEL": "warn",
	}
	confirmCampaign(t, db, n, "Asia/Seoul", campaignStart)
	log := &sendLog{chats: map[int64]int{}}
	fake := telegramfake.New(telegramfake.Options{Token: tgToken, Username: "dangol_bot", OnCall: log.onCall})
	t.Cleanup(fake.Close)
	return env, log, inprocAPI{inprocTransport{fake.Handler()}}
}

// confirmCampaign has the manager type the campaign's one line and press
// [발송] in the console on the shop's file at at, in time zone tz, and
// checks the preview counts n receiving it.
func confirmCampaign(t *testing.T, db string, n int, tz string, at time.Time) {
	t.Helper()
	console := map[string]string{"DANGOL_DB": db, "DANGOL_SHOP_NAME": "단골미용실", "DANGOL_SHOP_CONTACT": testContact, "DANGOL_TZ": tz}
	res := runMainWith(t, console, func(m *Main) {
		m.Now = func() time.Time { return at }
		m.Stdin = strings.NewReader(":as manager 사장\n/campaign : 이번 주 펌 20% 할인해 드려요\n1\n")
	}, "chat")
	if res.err != nil {
		t.Fatalf("console: %v\n%s", res.err, res.stderr)
	}
	if want := "받는 분: " + thousands(n) + "명"; !strings.Contains(res.stdout, want) {
		t.Fatalf("the preview does not say %q:\n%s", want, res.stdout)
	}
}

// middayZone is a time zone (Etc/GMT±N) in which it is about noon now:
// the built binary runs on the real clock, and a campaign is never sent
// at night.
func middayZone(now time.Time) string {
	switch off := 12 - now.UTC().Hour(); { // -11 … 12 hours east of UTC
	case off > 0:
		return fmt.Sprintf("Etc/GMT-%d", off)
	case off < 0:
		return fmt.Sprintf("Etc/GMT+%d", -off)
	default:
		return "Etc/GMT"
	}
}

// TestBinary_CampaignKilled runs a campaign on the built binary with
// Telegram's limits lifted and the real clock (it cannot run on another),
// SIGKILLs it half-way through the sends, while a message is on its way,
// and starts it again on the same file. Every customer gets the message;
// a repeat is only ever one whose acceptance the kill cut off before it
// was recorded (the last sends before the kill), and is counted. The
// limits themselves are TestCampaignLoad's.
func TestBinary_CampaignKilled(t *testing.T) {
	t.Parallel()
	n := *campaignKilled
	db := filepath.Join(t.TempDir(), "shop.db")
	seedCampaignShop(t, db, n, 0, 0)
	tz := middayZone(time.Now())
	// Confirmed before this minute began, so the job's occurrence of this
	// minute takes it, and at the latest the next one's.
	confirmCampaign(t, db, n, tz, time.Now().Truncate(time.Minute).Add(-30*time.Second))
	var (
		mu    sync.Mutex
		chats = map[int64]int{}
		sent  int
		half  = make(chan struct{})
		all   = make(chan struct{})
	)
	b := newServedBinary(t, db, "campaign")
	fake := telegramfake.New(telegramfake.Options{Token: tgToken, Username: "dangol_bot", OnPoll: func(int64) { b.sawPoll() },
		OnCall: func(c telegramfake.Call) {
			if c.Method != "sendMessage" {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			chats[c.ChatID()]++
			sent++
			if sent == n/2 {
				close(half)
			}
			if len(chats) == n && all != nil {
				close(all)
				all = nil
			}
		}})
	t.Cleanup(fake.Close)
	b.env = envFor(db, "DANGOL_TELEGRAM_TOKEN="+tgToken, "DANGOL_TELEGRAM_API_URL="+fake.URL(),
		"DANGOL_TELEGRAM_CHAT_RATE=off", "DANGOL_TELEGRAM_RATE=off", "DANGOL_SHOP_NAME=단골미용실", "DANGOL_SHOP_CONTACT="+testContact, "DANGOL_TZ="+tz,
		"DANGOL_LOG_LEVEL=warn")
	mu.Lock()
	done := all
	mu.Unlock()
	b.start()
	// The job takes a thousand a minute, whatever the limits.
	runs := time.Duration(n/2/dialog.DefaultCampaignPerRun+1) * time.Minute
	select {
	case <-half:
	case <-time.After(runs + waitTimeout):
		t.Fatal("the campaign did not get half-way")
	}
	peak := peakRSS(b.proc.Process.Pid)
	b.stop(syscall.SIGKILL)
	mu.Lock()
	before := sent
	mu.Unlock()
	b.start()
	select {
	case <-done:
	case <-time.After(runs + waitTimeout):
		mu.Lock()
		t.Fatalf("after the restart %d of %d customers got the message", len(chats), n)
	}
	// The resender and the job's next minute find nothing more.
	time.Sleep(2 * time.Second)
	peak = max(peak, peakRSS(b.proc.Process.Pid))
	b.stop(syscall.SIGTERM)
	mu.Lock()
	defer mu.Unlock()
	repeats := 0
	for i := range n {
		if got := chats[campaignChat(i)]; got > 1 {
			repeats += got - 1
		}
	}
	if repeats > 3 {
		t.Errorf("%d messages sent twice across the kill, want at most the few in flight", repeats)
	}
	t.Logf("%d recipients: SIGKILL after %d sends, %d in all, %d sent twice; peak RSS %d MB", n, before, sent, repeats, peak>>10)
}

// TestCampaignLoad_StoppedMidSend stops serve while Telegram is taking a
// campaign message (the fake has it, dangol has not heard back): that one
// message waits in the outbox and goes again after the restart, to the
// same chat; every other customer gets it once. Delivery across a stop
// is at least once, and the once more is only ever the message in flight.
func TestCampaignLoad_StoppedMidSend(t *testing.T) {
	t.Parallel() // its own ledger and fake
	const n, cutAt = 100, 47
	db := filepath.Join(t.TempDir(), "shop.db")
	seedCampaignShop(t, db, n, 0, 0)
	env, log, api := campaignShop(t, db, n)
	var peak uint64
	log.cutAt = cutAt
	stopped := campaignServe(t, env, api, log, campaignStart, &peak, func() bool { return false })
	if got := log.sent(); got != cutAt {
		t.Fatalf("%d sent before the stop, want it at the %dth", got, cutAt)
	}
	campaignServe(t, env, api, log, stopped.Add(5*time.Second), &peak, func() bool { return log.sent() >= n+1 })
	log.mu.Lock()
	defer log.mu.Unlock()
	for i := range n {
		want, chat := 1, campaignChat(i)
		if chat == log.cutFor {
			want = 2
		}
		if got := log.chats[chat]; got != want {
			t.Errorf("chat %d got %d messages, want %d (the one in flight at the stop: %d)", chat, got, want, log.cutFor)
		}
	}
}

// campaignLeft returns how many messages wait in the outbox of the shop at
// db, and how many recipients of campaign 1 are still queued.
func campaignLeft(t *testing.T, db string) (outbox, queued int) {
	t.Helper()
	s := mustOpenStore(t, db)
	defer s.Close()
	err := s.View(context.Background(), func(tx *ledger.Tx) error {
		out, err := tx.Outbox("", 1<<20)
		if err != nil {
			return err
		}
		c, err := tx.Campaign(1)
		outbox, queued = len(out), c.Counts.Queued
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return outbox, queued
}

// campaignServe runs serve on the shop in env in a synctest bubble whose
// clock reads from, until stop reports true (asked every virtual second,
// half a second off the limiter's slots, when every goroutine of serve is
// waiting), then cancels it and returns the time it stopped at. It keeps
// the heap's peak in peak.
func campaignServe(t *testing.T, env map[string]string, api http.RoundTripper, log *sendLog, from time.Time, peak *uint64, stop func() bool) time.Time {
	t.Helper()
	var stopped time.Time
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		now := func() time.Time { return from.Add(time.Since(t0)) }
		log.mu.Lock()
		log.now = now
		log.mu.Unlock()
		var logs retrytest.Log
		m := &Main{Catalog: testCatalog, Chart: charttest.Stub, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &logs,
			Getenv: func(k string) string { return env[k] }, Now: now, SendAfter: time.After, TelegramTransport: api}
		ctx, cancel := context.WithCancel(context.Background())
		log.mu.Lock()
		if log.cutAt > 0 && log.cutFor == 0 {
			log.cut = cancel
		}
		log.mu.Unlock()
		done := make(chan error, 1)
		go func() { done <- m.Run(ctx, []string{"serve"}) }()
		time.Sleep(time.Second / 2)
		var ms runtime.MemStats
		for !stop() && ctx.Err() == nil {
			select {
			case err := <-done:
				t.Fatalf("serve ended by itself: %v\n%s", err, lastLines(logs.String(), 20))
			default:
			}
			if now().Sub(from) > time.Hour {
				t.Fatalf("an hour of virtual time and the campaign is not through: %d sent\n%s", log.sent(), lastLines(logs.String(), 20))
			}
			runtime.ReadMemStats(&ms)
			*peak = max(*peak, ms.HeapInuse)
			time.Sleep(time.Second)
		}
		stopped = now()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, lastLines(logs.String(), 20))
		}
		if err := m.Close(); err != nil {
			t.Error(err)
		}
		if strings.Contains(logs.String(), "level=ERROR") {
			t.Errorf("serve logged errors:\n%s", lastLines(logs.String(), 20))
		}
	})
	return stopped
}

// seedCampaignShop stores n customers linked in Telegram with advertising
// consent, then noConsent linked without it, then unreachable with it whom
// the bot can no longer reach (they blocked it), a hundred a transaction.
func seedCampaignShop(t testing.TB, db string, n, noConsent, unreachable int) {
	t.Helper()
	// Without fsyncs, as a bulk import: serve's commits are what is tested.
	opts := testLedgerOptions(t, db)
	opts.NoSync = true
	s, err := ledger.Open(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	now := campaignStart.AddDate(0, -1, 0)
	total := n + noConsent + unreachable
	for lo := 0; lo < total; lo += 100 {
		err := s.Update(context.Background(), func(tx *ledger.Tx) error {
			for i := lo; i < min(lo+100, total); i++ {
				c := ledger.Customer{Name: "고객" + strconv.Itoa(i), Phone: fmt.Sprintf("0107%07d", i), CreatedAt: now}
				if err := tx.CreateCustomer(&c); err != nil {
					return err
				}
				id := "telegram:" + strconv.FormatInt(campaignChat(i), 10)
				if err := tx.LinkCustomer(c.ID, id, ledger.Consent{Given: true, At: now}); err != nil {
					return err
				}
				if i >= n && i < n+noConsent {
					continue
				}
				if _, err := tx.SetMarketing(c.ID, true, ledger.ViaCommand, now); err != nil {
					return err
				}
				if i >= n+noConsent {
					if _, err := tx.MarkUnreachable(id, now); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func maxValue(m map[int64]int) int {
	most := 0
	for _, v := range m {
		most = max(most, v)
	}
	return most
}

// thousands writes n with thousands separators, as the preview does.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// selfPeakRSS is this test process's peak resident set (VmHWM), in bytes;
// 0 where /proc does not say.
func selfPeakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
