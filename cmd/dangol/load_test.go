package main

import (
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/ledger"
)

// loadChats is how many distinct chats TestBinary_ManyChats makes each send
// one message. The default keeps the test a few seconds long under -race;
// the figure is measured with
//
//	go test -run TestBinary_ManyChats -v ./cmd/dangol/ -chats 50000
var loadChats = flag.Int("chats", 2000, "distinct chats in TestBinary_ManyChats")

// loadRate is DANGOL_TELEGRAM_RATE for TestBinary_ManyChats: off by default,
// so the answers go as fast as the bot makes them; a rate (-load-rate 300)
// lets answers pile up in the outbox until intake stops at its limit.
var loadRate = flag.String("load-rate", "off", "DANGOL_TELEGRAM_RATE in TestBinary_ManyChats")

// loadRig is the built dangol long-polling a fake Bot API into which
// many chats have each pushed one message, and what the fake saw of it.
type loadRig struct {
	*servedBinary
	tg *telegramfake.Server

	mu      sync.Mutex
	replies map[int64]int // sendMessage calls per chat
	total   int           // sendMessage calls in all
	moved   chan struct{} // closed and replaced at each sendMessage
	offset  int64         // the highest getUpdates offset seen

	// down, while set, drops every sendMessage connection before the fake
	// sees it: Telegram unreachable.
	down      atomic.Bool
	dropped   atomic.Int64  // sendMessage connections dropped while down
	firstDrop chan struct{} // closed at the first of them
	dropOnce  sync.Once
}

func newLoadRig(t *testing.T) *loadRig {
	r := &loadRig{replies: map[int64]int{}, moved: make(chan struct{}), firstDrop: make(chan struct{})}
	r.tg = telegramfake.New(telegramfake.Options{Token: tgToken, Username: "dangol_bot",
		OnPoll: func(offset int64) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.offset = max(r.offset, offset)
			r.sawPoll()
		},
		OnCall: func(c telegramfake.Call) {
			if c.Method != "sendMessage" {
				return
			}
			r.mu.Lock()
			defer r.mu.Unlock()
			r.replies[c.ChatID()]++
			r.total++
			close(r.moved)
			r.moved = make(chan struct{})
		}})
	t.Cleanup(r.tg.Close)
	r.servedBinary = newServedBinary(t, filepath.Join(t.TempDir(), "shop.db"), "load")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.down.Load() && strings.HasSuffix(req.URL.Path, "/sendMessage") {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				r.dropped.Add(1)
				r.dropOnce.Do(func() { close(r.firstDrop) })
				conn.Close()
				return
			}
		}
		r.tg.Handler().ServeHTTP(w, req)
	}))
	t.Cleanup(api.Close)
	r.env = envFor(r.db,
		"DANGOL_TELEGRAM_TOKEN="+tgToken, "DANGOL_TELEGRAM_API_URL="+api.URL,
		"DANGOL_TELEGRAM_CHAT_RATE=off", "DANGOL_TELEGRAM_RATE="+*loadRate,
		"DANGOL_HTTP_ADDR=127.0.0.1:0", "DANGOL_LOG_LEVEL=warn")
	return r
}

// loadChat is the i-th chat of the load.
func loadChat(i int) int64 { return 700_000 + int64(i) }

// sent returns the sendMessage calls so far, and a channel closed at the
// next one.
func (r *loadRig) sent() (int, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total, r.moved
}

// waitSent waits until the fake has answered n sendMessage calls, watching
// the process's peak memory meanwhile; false if it did not within
// waitTimeout of the last send (the bot stalled).
func (r *loadRig) waitSent(n int, peak *int64) bool {
	for {
		got, moved := r.sent()
		if got >= n {
			return true
		}
		*peak = max(*peak, peakRSS(r.proc.Process.Pid))
		select {
		case <-moved:
		case <-time.After(waitTimeout):
			return false
		}
	}
}

// peakRSS is a process's resident-set high-water mark (VmHWM) in kB; 0 when
// it cannot be read (the process ended, or no /proc).
func peakRSS(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// outboxWaiting counts the replies waiting in the outbox (the binary
// stopped): what the next start must send.
func (r *loadRig) outboxWaiting() int {
	r.t.Helper()
	s, err := ledger.Open(r.db, testLedgerOptions(r.t, r.db))
	if err != nil {
		r.t.Fatal(err)
	}
	defer s.Close()
	n := 0
	err = s.View(context.Background(), func(tx *ledger.Tx) error {
		out, err := tx.Outbox("", 0)
		n = len(out)
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

// TestBinary_ManyChats pushes one /start from each of -chats distinct chats
// (every one an effect: a consent flow begins, its answer in the outbox)
// into the fake Bot API at once, lets the built binary take them with its
// limits lifted, and halfway through the answers makes Telegram unreachable
// and SIGTERMs it, then starts it again with Telegram back. Intake stays
// bounded (the poller never runs far ahead of what is answered), the peak
// RSS stays under a generous bound, the SIGTERM exits cleanly with the
// answers it could not send waiting in the outbox, and after the restart
// every chat has had its answer (at least once, as designed; the repeats,
// answers sent whose delivery the kill-free stop could not record, are
// counted).
//
// The stop takes the drain timeout (15 s), all but idle: the test runs in
// parallel with the package's other parallel tests, and asserts no timing.
func TestBinary_ManyChats(t *testing.T) {
	t.Parallel()
	n := *loadChats
	r := newLoadRig(t)
	updates := make([]telegramfake.Update, n)
	for i := range n {
		updates[i] = telegramfake.Text(loadChat(i), "고객", "ko", "/start")
	}
	ids, err := r.tg.Push(updates...)
	if err != nil {
		t.Fatal(err)
	}
	first := ids[0]

	began := time.Now()
	r.start()
	var peak int64
	// Intake: watch how far the poller's offset runs ahead of the answers.
	// A getUpdates brings at most a batch from its offset, so what was
	// taken and not yet answered is at most ahead + a batch.
	ahead := 0
	half := n / 2
	for {
		got, moved := r.sent()
		r.mu.Lock()
		ahead = max(ahead, int(r.offset-first)-got)
		r.mu.Unlock()
		if got >= half {
			break
		}
		peak = max(peak, peakRSS(r.proc.Process.Pid))
		select {
		case <-moved:
		case <-time.After(waitTimeout):
			t.Fatalf("the bot stalled at %d of %d answers", got, n)
		}
	}
	peak = max(peak, peakRSS(r.proc.Process.Pid))
	// Telegram goes away, and once an answer has failed to go, the SIGTERM
	// comes: the answers in flight cannot be sent and must wait in the
	// outbox for the next start.
	r.down.Store(true)
	select {
	case <-r.firstDrop:
	case <-time.After(waitTimeout):
		t.Fatal("no answer was tried while Telegram was unreachable")
	}
	atTerm, _ := r.sent()
	stopping := time.Now()
	r.stop(syscall.SIGTERM)
	stopped := time.Since(stopping)
	firstRun := time.Since(began)
	waiting := r.outboxWaiting()
	if waiting == 0 {
		t.Errorf("nothing waits in the outbox after a SIGTERM with Telegram unreachable")
	}
	r.down.Store(false)

	r.start()
	if !r.waitSent(n, &peak) {
		got, _ := r.sent()
		t.Fatalf("only %d answers for %d chats after the restart", got, n)
	}
	// Every chat answered; wait for any straggler chat (a chat answered
	// twice makes the total reach n before the last chat is answered).
	deadline := time.Now().Add(waitTimeout)
	var missing []int64
	for {
		missing = missing[:0]
		r.mu.Lock()
		for i := range n {
			if r.replies[loadChat(i)] == 0 {
				missing = append(missing, loadChat(i))
			}
		}
		moved := r.moved
		r.mu.Unlock()
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		select {
		case <-moved:
		case <-time.After(time.Until(deadline)):
		}
	}
	peak = max(peak, peakRSS(r.proc.Process.Pid))
	r.stop(syscall.SIGTERM)
	if len(missing) > 0 {
		t.Errorf("%d of %d chats never got an answer (first: %d)", len(missing), n, missing[0])
	}
	twice := 0
	r.mu.Lock()
	for _, k := range r.replies {
		if k > 1 {
			twice++
		}
	}
	total := r.total
	r.mu.Unlock()
	// Intake bound: the poller asks from the earliest update in flight and
	// takes at most a batch beyond it, the relay queues at most its Limit.
	const intakeBound = 4096 + telegramfake.MaxBatch
	if ahead > intakeBound {
		t.Errorf("the poller's offset ran %d updates ahead of the answers, want at most %d", ahead, intakeBound)
	}
	// A generous bound, not a timing: the target is 150 MB at
	// 50,000 chats (without the race detector).
	if peak > 400<<10 {
		t.Errorf("peak RSS %d MB", peak>>10)
	}
	t.Logf("%d chats: %d answers before SIGTERM, %d left in the outbox (Telegram unreachable: %d sends dropped, stopped in %v), first run %v; %d answers in all, %d chats twice; poller's offset at most %d ahead of the answers (taken: at most a batch more); peak RSS %.1f MB",
		n, atTerm, waiting, r.dropped.Load(), stopped.Round(time.Millisecond), firstRun.Round(time.Millisecond), total, twice, ahead, float64(peak)/1024)
}
