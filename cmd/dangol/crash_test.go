package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/slack/slackfake"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/ledger"
)

// crashRig is the built dangol serving a fake Bot API and a fake Slack
// (the staff channel), killed and started again while customers leave
// feedback.
type crashRig struct {
	*servedBinary
	tg *telegramfake.Server

	mu     sync.Mutex
	chats  map[int64]chan telegramfake.Call // each chat's sendMessage calls
	thanks map[int64]int                    // thank-yous sent to each chat
	staff  []string                         // texts posted to the staff channel
	owner  map[string]int64                 // customer id -> their chat
	sends  int                              // sendMessage calls in all
	moved  chan struct{}                    // closed and replaced at each call recorded
}

const crashChats = 8

func newCrashRig(t *testing.T) *crashRig {
	r := &crashRig{chats: map[int64]chan telegramfake.Call{},
		thanks: map[int64]int{}, owner: map[string]int64{}, moved: make(chan struct{})}
	thanks := testCatalog.Text("ko", "core.feedback.thanks", nil)
	r.tg = telegramfake.New(telegramfake.Options{Token: tgToken, Username: "dangol_bot", OnPoll: func(int64) {
		r.sawPoll()
	}, OnCall: func(c telegramfake.Call) {
		// A press's next question is its message edited in place.
		if c.Method != "sendMessage" && c.Method != "editMessageText" {
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.sends++
		if strings.Contains(c.Fields["text"], thanks) {
			r.thanks[c.ChatID()]++
		}
		if ch := r.chats[c.ChatID()]; ch != nil {
			select {
			case ch <- c:
			default: // a customer who gave up on this step reads no more
			}
		}
		close(r.moved)
		r.moved = make(chan struct{})
	}})
	t.Cleanup(r.tg.Close)
	sl := slackfake.New(t, slackfake.Options{OnCall: func(c slackfake.Call) {
		if c.Method == "chat.postMessage" && c.Form.Get("channel") == "CSTAFF" {
			r.mu.Lock()
			r.staff = append(r.staff, c.Form.Get("text")+c.Form.Get("blocks"))
			close(r.moved)
			r.moved = make(chan struct{})
			r.mu.Unlock()
		}
	}})
	r.servedBinary = newServedBinary(t, filepath.Join(t.TempDir(), "shop.db"), "run")
	for i := range crashChats {
		r.chats[crashChat(i)] = make(chan telegramfake.Call, 64)
	}
	s := mustOpenStore(t, r.db)
	err := s.Update(context.Background(), func(tx *ledger.Tx) error {
		for i := range crashChats {
			c := ledger.Customer{Name: "고객" + strconv.Itoa(i), Phone: fmt.Sprintf("0109%03d%04d", 100+i, i), CreatedAt: adminNow}
			if err := tx.CreateCustomer(&c); err != nil {
				return err
			}
			r.owner[c.ID] = crashChat(i)
			id := "telegram:" + strconv.FormatInt(crashChat(i), 10)
			if err := tx.LinkCustomer(c.ID, id, ledger.Consent{Given: true, At: adminNow, Purpose: "loyalty+feedback"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r.env = envFor(r.db,
		"DANGOL_TELEGRAM_TOKEN="+tgToken, "DANGOL_TELEGRAM_API_URL="+r.tg.URL(),
		"DANGOL_TELEGRAM_CHAT_RATE=off", "DANGOL_TELEGRAM_RATE=off",
		"DANGOL_SLACK_BOT_TOKEN=xoxb-test", "DANGOL_SLACK_SIGNING_SECRET=secret",
		"DANGOL_SLACK_API_URL="+sl.APIURL(), "DANGOL_SLACK_STAFF_CHANNEL=CSTAFF",
		"DANGOL_HTTP_ADDR=127.0.0.1:0", "DANGOL_LOG_LEVEL=warn")
	return r
}

func crashChat(i int) int64 { return 5000 + int64(i) }

// sent is how many sendMessage calls the fake answered.
func (r *crashRig) sent() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sends
}

// waitSends waits until the fake has answered n sendMessage and
// editMessageText calls in all.
func (r *crashRig) waitSends(ctx context.Context, n int) bool {
	for {
		r.mu.Lock()
		got, moved := r.sends, r.moved
		r.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-moved:
		case <-ctx.Done():
			return false
		}
	}
}

// customer leaves feedback after feedback in chat until ctx ends: rating 2
// (a low rating, alerted to staff) and 5 in turn, each with a comment of
// its own. A step whose answer does not come within stepWait (the process
// died, or a duplicate confused the order) starts the next feedback.
func (r *crashRig) customer(ctx context.Context, i int) {
	chat := crashChat(i)
	calls := r.chats[chat]
	next := func(want func(telegramfake.Call) bool) (telegramfake.Call, bool) {
		timeout := time.NewTimer(stepWait)
		defer timeout.Stop()
		for {
			select {
			case c := <-calls:
				if want(c) {
					return c, true
				}
			case <-timeout.C:
				return telegramfake.Call{}, false
			case <-ctx.Done():
				return telegramfake.Call{}, false
			}
		}
	}
	has := func(p string) func(telegramfake.Call) bool {
		return func(c telegramfake.Call) bool { return slices.Contains(c.Buttons(), p) }
	}
	push := func(u telegramfake.Update) {
		if _, err := r.tg.Push(u); err != nil && ctx.Err() == nil {
			r.t.Errorf("push: %v", err)
		}
	}
	thanks := testCatalog.Text("ko", "core.feedback.thanks", nil)
	for n := 0; ctx.Err() == nil; n++ {
		rating := []string{"rate:2", "rate:5"}[n%2]
		push(telegramfake.Text(chat, "고객", "ko", "/feedback"))
		c, ok := next(has("rate:2"))
		if !ok {
			continue
		}
		push(telegramfake.Press(chat, "고객", "ko", c, rating))
		if c, ok = next(has("nps:3")); !ok {
			continue
		}
		push(telegramfake.Press(chat, "고객", "ko", c, "nps:3"))
		if _, ok = next(func(c telegramfake.Call) bool { b := c.Buttons(); return len(b) == 1 && b[0] == "skip" }); !ok {
			continue
		}
		push(telegramfake.Text(chat, "고객", "ko", fmt.Sprintf("의견 %d-%d", chat, n)))
		next(func(c telegramfake.Call) bool { return strings.Contains(c.Fields["text"], thanks) })
	}
}

// stepWait is how long a customer waits for one answer: a restart takes
// well under it.
const stepWait = 5 * time.Second

// TestBinary_KilledRepliesDelivered kills the serving binary with SIGKILL
// ten times while customers leave feedback, starts it again each time, and
// then checks the ledger against what the platforms received: every
// feedback is in the ledger once, every customer got a thank-you for each
// of theirs (at least), and every low rating's alert reached the staff
// channel (at least once, found by its comment).
func TestBinary_KilledRepliesDelivered(t *testing.T) {
	r := newCrashRig(t)
	ctx, stop := context.WithCancel(context.Background())
	var customers sync.WaitGroup
	for i := range crashChats {
		customers.Go(func() { r.customer(ctx, i) })
	}
	r.start()
	const kills, every = 10, 30 // a kill after every 30 messages sent
	for k := 1; k <= kills; k++ {
		wait, cancel := context.WithTimeout(ctx, waitTimeout)
		ok := r.waitSends(wait, k*every)
		cancel()
		if !ok {
			stop()
			t.Fatalf("kill %d: the bot sent nothing more (%d sends)", k, r.sent())
		}
		r.stop(syscall.SIGKILL)
		r.start()
	}
	// Once more past the last restart, then the customers stop and a
	// last restart sends whatever waits.
	wait, cancel := context.WithTimeout(ctx, waitTimeout)
	r.waitSends(wait, (kills+1)*every)
	cancel()
	stop()
	customers.Wait()
	r.stop(syscall.SIGTERM)

	fs := r.feedback()
	low := 0
	for _, f := range fs {
		if f.Rating <= 2 {
			low++
		}
	}
	if len(fs) < 20 || low == 0 {
		t.Fatalf("only %d feedbacks (%d low) in the ledger: too little load to tell", len(fs), low)
	}
	// What the ledger holds and was not seen delivered must go out at the
	// next start, from the outbox.
	r.start()
	deadline, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	var missing []string
	for {
		missing = r.missing(fs)
		if len(missing) == 0 {
			break
		}
		r.mu.Lock()
		moved := r.moved
		r.mu.Unlock()
		select {
		case <-moved:
			continue
		case <-deadline.Done():
		}
		break
	}
	r.stop(syscall.SIGTERM)
	if len(missing) > 0 {
		t.Errorf("%d of %d feedbacks (%d low) lack a reply after %d runs:\n%s", len(missing), len(fs), low, r.runs, strings.Join(missing, "\n"))
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.Comment] {
			t.Errorf("feedback %q recorded twice", f.Comment)
		}
		seen[f.Comment] = true
	}
	t.Logf("%d runs, %d feedbacks (%d low), %d messages sent", r.runs, len(fs), low, r.sent())
}

// feedback reads the ledger's feedback (the binary stopped).
func (r *crashRig) feedback() []ledger.Feedback {
	r.t.Helper()
	s, err := ledger.Open(r.db, testLedgerOptions(r.t, r.db))
	if err != nil {
		r.t.Fatal(err)
	}
	defer s.Close()
	var fs []ledger.Feedback
	err = s.View(context.Background(), func(tx *ledger.Tx) error {
		return tx.ScanFeedback(time.Time{}, time.Now().AddDate(1, 0, 0), func(f ledger.Feedback) error {
			fs = append(fs, f)
			return nil
		})
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return fs
}

// missing lists the feedbacks whose replies have not all arrived: a chat
// with fewer thank-yous than feedbacks, a low rating whose comment no
// staff post carries.
func (r *crashRig) missing(fs []ledger.Feedback) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	per := map[int64]int{}
	var out []string
	for _, f := range fs {
		per[r.owner[f.CustomerID]]++
		if f.Rating <= 2 && !slices.ContainsFunc(r.staff, func(s string) bool { return strings.Contains(s, f.Comment) }) {
			out = append(out, "no staff alert for "+f.Comment)
		}
	}
	for chat, n := range per {
		if r.thanks[chat] < n {
			out = append(out, fmt.Sprintf("chat %d: %d thank-yous for %d feedbacks", chat, r.thanks[chat], n))
		}
	}
	slices.Sort(out)
	return out
}
