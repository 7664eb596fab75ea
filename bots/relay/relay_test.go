package relay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/retry"
	"github.com/dangol/dangol/bots/retry/retrytest"
	"github.com/dangol/dangol/dialog"
)

// waitFor bounds every wait of these tests: a failure timeout, never a pause.
const waitFor = 10 * time.Second

// handlerFunc adapts a function to Handler.
type handlerFunc func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error)

func (f handlerFunc) Handle(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
	return f(ctx, m)
}

// echo answers each message with its text.
func echo(_ context.Context, m dialog.Message) ([]dialog.Reply, error) {
	return []dialog.Reply{{Text: "echo " + m.Text}}, nil
}

// sent is one reply a recorder was given.
type sent struct {
	to Address
	r  dialog.Reply
}

// recorder is a Sender that records what it is given on a channel.
type recorder struct {
	got  chan sent
	fail error // returned by every Send when set
}

func newRecorder() *recorder { return &recorder{got: make(chan sent, 1000)} }

func (rec *recorder) Send(_ context.Context, to Address, r dialog.Reply) error {
	if rec.fail != nil {
		return rec.fail
	}
	rec.got <- sent{to, r}
	return nil
}

func (rec *recorder) next(t *testing.T) sent {
	t.Helper()
	select {
	case s := <-rec.got:
		return s
	case <-time.After(waitFor):
		t.Fatalf("nothing sent within %v", waitFor)
		return sent{}
	}
}

func (rec *recorder) none(t *testing.T) {
	t.Helper()
	select {
	case s := <-rec.got:
		t.Fatalf("unexpected send %+v", s)
	default:
	}
}

// retrySender is a Sender whose platform cannot be reached, trying each
// reply through a retry.Policy as the adapters do.
type retrySender struct {
	p     retry.Policy
	tries atomic.Int64
	mu    sync.Mutex
	err   error
}

func (s *retrySender) Send(ctx context.Context, _ Address, _ dialog.Reply) error {
	err := s.p.Do(ctx, func(context.Context) error {
		s.tries.Add(1)
		return errors.New("connection refused")
	})
	s.mu.Lock()
	s.err = err
	s.mu.Unlock()
	return err
}

func (s *retrySender) last() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// waitErr fails the test unless ch brings nil within waitFor; late is
// what the failure says.
func waitErr(t *testing.T, ch <-chan error, late string) {
	t.Helper()
	select {
	case err := <-ch:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(waitFor):
		t.Fatal(late)
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newTestRelay is a relay on channel "test" whose replies a recorder gets.
func newTestRelay(t *testing.T, h Handler, mod ...func(*Config)) (*Relay, *recorder) {
	t.Helper()
	rec := newRecorder()
	router := NewRouter(RouterConfig{Logger: quiet()})
	router.Register("test", rec)
	cfg := Config{Channel: "test", Handler: h, Router: router, Logger: quiet(),
		HandleBackoff: retrytest.Instant(make(chan time.Duration, 100))}
	for _, m := range mod {
		m(&cfg)
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close(context.Background()) })
	return r, rec
}

func msg(conv, id, text string) Event {
	return Event{Message: dialog.Message{Channel: "test", ConversationID: conv, EventID: id, Text: text}}
}

func submit(t *testing.T, r *Relay, ev Event) Ticket {
	t.Helper()
	tk, err := r.Submit(context.Background(), ev)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return tk
}

func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(waitFor):
		t.Fatalf("%s: not within %v", what, waitFor)
	}
}

func TestNew_Err(t *testing.T) {
	if _, err := New(Config{Handler: handlerFunc(echo)}); err == nil {
		t.Error("New without a channel: no error")
	}
	if _, err := New(Config{Channel: "test"}); err == nil {
		t.Error("New without a handler: no error")
	}
}

// TestRelay_MessageReply: a message reaches the engine and its answer goes
// back to its conversation, with the adapter's origin.
func TestRelay_MessageReply(t *testing.T) {
	r, rec := newTestRelay(t, handlerFunc(echo))
	ev := msg("c1", "e1", "안녕하세요")
	ev.Origin = "where it came from"
	tk := submit(t, r, ev)
	wait(t, tk.Handled, "handled")
	s := rec.next(t)
	want := Address{Channel: "test", Conversation: "c1", Origin: "where it came from"}
	if s.to != want || s.r.Text != "echo 안녕하세요" {
		t.Errorf("sent %+v to %+v", s.r, s.to)
	}
}

// TestRelay_OrderAndIndependence: one conversation's messages reach the
// engine in order while a slow conversation delays only itself.
func TestRelay_OrderAndIndependence(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	seen := map[string][]string{}
	h := handlerFunc(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		if m.ConversationID == "slow" {
			<-release
		}
		mu.Lock()
		seen[m.ConversationID] = append(seen[m.ConversationID], m.Text)
		mu.Unlock()
		return nil, nil
	})
	r, _ := newTestRelay(t, h, func(c *Config) { c.Workers = 4 })
	slow := submit(t, r, msg("slow", "s0", "0"))
	var last []Ticket
	for conv := range 8 {
		for i := range 20 {
			last = append(last, submit(t, r, msg(fmt.Sprint("c", conv), fmt.Sprint("c", conv, "-", i), fmt.Sprint(i))))
		}
	}
	for _, tk := range last {
		wait(t, tk.Handled, "a fast conversation behind the slow one")
	}
	select {
	case <-slow.Handled:
		t.Fatal("the slow conversation finished before it was released")
	default:
	}
	close(release)
	wait(t, slow.Handled, "the slow conversation")
	mu.Lock()
	defer mu.Unlock()
	for conv := range 8 {
		got := seen[fmt.Sprint("c", conv)]
		for i, s := range got {
			if s != fmt.Sprint(i) {
				t.Fatalf("conversation c%d saw %v: out of order", conv, got)
			}
		}
	}
}

// TestRelay_Duplicate: the same event id twice reaches the engine once and
// the second ticket is the first's.
func TestRelay_Duplicate(t *testing.T) {
	calls := make(chan string, 10)
	h := handlerFunc(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		calls <- m.EventID
		return echo(ctx, m)
	})
	r, rec := newTestRelay(t, h)
	first := submit(t, r, msg("c1", "e1", "x"))
	second := submit(t, r, msg("c1", "e1", "x"))
	if first.Duplicate || !second.Duplicate || first.Handled != second.Handled {
		t.Fatalf("tickets %+v, %+v: want the second a duplicate sharing the first's channel", first, second)
	}
	wait(t, second.Handled, "the duplicate's ticket")
	rec.next(t)
	if len(calls) != 1 {
		t.Errorf("engine called %d times", len(calls))
	}
	rec.none(t)
	// No event id: never taken for a repeat.
	a, b := submit(t, r, msg("c1", "", "x")), submit(t, r, msg("c1", "", "x"))
	if a.Duplicate || b.Duplicate {
		t.Error("events without an id taken for duplicates")
	}
}

// TestRelay_HandleRetried: an engine that fails is asked again; one that
// keeps failing is given up with its apology sent, and a re-delivery of
// that event is handled, not dropped.
func TestRelay_HandleRetried(t *testing.T) {
	var mu sync.Mutex
	failures := 4
	tries := 0
	h := handlerFunc(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		mu.Lock()
		defer mu.Unlock()
		tries++
		if failures > 0 {
			failures--
			return []dialog.Reply{{Text: "죄송해요"}}, errors.New("ledger: disk full")
		}
		return echo(ctx, m)
	})
	r, rec := newTestRelay(t, h, func(c *Config) { c.HandleAttempts = 3 })
	wait(t, submit(t, r, msg("c1", "e1", "x")).Handled, "handled")
	if s := rec.next(t); s.r.Text != "죄송해요" {
		t.Errorf("sent %q, want the apology", s.r.Text)
	}
	tk := submit(t, r, msg("c1", "e1", "x"))
	if tk.Duplicate {
		t.Fatal("an event given up was taken for a duplicate")
	}
	wait(t, tk.Handled, "re-delivery")
	if s := rec.next(t); s.r.Text != "echo x" {
		t.Errorf("re-delivery sent %q", s.r.Text)
	}
	mu.Lock()
	defer mu.Unlock()
	if tries != 5 {
		t.Errorf("engine tried %d times, want 3 then 2", tries)
	}
}

// TestRelay_Hooks: Before completes the message, Handled comes before
// After, After chooses what is sent, and a panic in the engine still marks
// the event handled.
func TestRelay_Hooks(t *testing.T) {
	var order []string
	h := handlerFunc(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		order = append(order, "engine")
		if m.Text == "boom" {
			panic("a bug")
		}
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the engine ran without HandleBy's deadline")
		}
		return []dialog.Reply{{Text: "keep " + m.UserName}, {Text: "drop"}}, nil
	})
	r, rec := newTestRelay(t, h)
	ev := msg("c1", "e1", "hi")
	ev.HandleBy = time.Now().Add(time.Hour)
	ev.Before = func(_ context.Context, m *dialog.Message) { order = append(order, "before"); m.UserName = "민지" }
	ev.Handled = func() { order = append(order, "handled") }
	ev.After = func(_ context.Context, _ dialog.Message, replies []dialog.Reply, err error) []dialog.Reply {
		order = append(order, "after")
		return replies[:1]
	}
	wait(t, submit(t, r, ev).Handled, "handled")
	if s := rec.next(t); s.r.Text != "keep 민지" {
		t.Errorf("sent %q", s.r.Text)
	}
	rec.none(t)
	if want := []string{"before", "engine", "handled", "after"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
	handled := make(chan struct{})
	boom := msg("c1", "e2", "boom")
	boom.Handled = func() { close(handled) }
	submit(t, r, boom)
	wait(t, handled, "a panicking event marked handled")
}

// TestRelay_Limit: Submit waits while Limit events are queued, and gives up
// with its context.
func TestRelay_Limit(t *testing.T) {
	release := make(chan struct{})
	h := handlerFunc(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		<-release
		return nil, nil
	})
	r, _ := newTestRelay(t, h, func(c *Config) { c.Limit = 3 })
	for i := range 3 {
		submit(t, r, msg("c1", fmt.Sprint(i), ""))
	}
	if got := r.Queued(); got != 3 {
		t.Errorf("Queued = %d, want 3", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := r.Submit(ctx, msg("c2", "x", "")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Submit over the limit: %v, want it to wait and give up", err)
	}
	accepted := make(chan error, 1)
	go func() {
		_, err := r.Submit(context.Background(), msg("c2", "y", ""))
		accepted <- err
	}()
	close(release)
	waitErr(t, accepted, "Submit still waits after room was made")
}

// TestRelay_Close: Close waits for what was taken, refuses what comes
// after, and past its context cancels the work.
func TestRelay_Close(t *testing.T) {
	t.Run("Drains", func(t *testing.T) {
		release := make(chan struct{})
		h := handlerFunc(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
			<-release
			return echo(ctx, m)
		})
		r, rec := newTestRelay(t, h)
		submit(t, r, msg("c1", "e1", "last words"))
		closed := make(chan error, 1)
		go func() { closed <- r.Close(context.Background()) }()
		close(release)
		waitErr(t, closed, "Close did not return")
		select {
		case s := <-rec.got:
			if s.r.Text != "echo last words" {
				t.Errorf("sent %q", s.r.Text)
			}
		default:
			t.Fatal("Close returned before the reply was sent")
		}
		if _, err := r.Submit(context.Background(), msg("c1", "e2", "")); !errors.Is(err, ErrClosed) {
			t.Errorf("Submit after Close: %v", err)
		}
		if err := r.Go(context.Background(), "c1", func(context.Context) {}); !errors.Is(err, ErrClosed) {
			t.Errorf("Go after Close: %v", err)
		}
	})
	t.Run("FailedSendsNotRetried", func(t *testing.T) {
		// A platform that cannot be reached while dangol stops: the reply
		// is tried once (an effect's waits in the outbox), not through the
		// whole back-off while the shutdown waits.
		release := make(chan struct{})
		h := handlerFunc(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
			<-release
			return echo(ctx, m)
		})
		down := &retrySender{p: retry.Policy{Attempts: 5, Sleep: func(context.Context, time.Duration) error { return nil }}}
		router := NewRouter(RouterConfig{Logger: quiet()})
		router.Register("test", down)
		r, err := New(Config{Channel: "test", Handler: h, Router: router, Logger: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		submit(t, r, msg("c1", "e1", "last words"))
		closed := make(chan error, 1)
		go func() { closed <- r.Close(context.Background()) }()
		select {
		case <-r.q.stopping: // Close has begun, the reply not yet made
		case <-time.After(waitFor):
			t.Fatal("Close did not begin")
		}
		close(release)
		waitErr(t, closed, "Close did not return")
		if got := down.tries.Load(); got != 1 {
			t.Errorf("the failing send was tried %d times while stopping, want 1", got)
		}
		if err := down.last(); !errors.Is(err, retry.ErrStopping) {
			t.Errorf("send: %v, want ErrStopping", err)
		}
	})
	t.Run("ErrTimeoutCancels", func(t *testing.T) {
		h := handlerFunc(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		})
		r, _ := newTestRelay(t, h, func(c *Config) { c.HandleAttempts = 1 })
		submit(t, r, msg("c1", "e1", ""))
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		if err := r.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Close: %v, want the drain timeout", err)
		}
	})
}

// TestRelay_Go: adapter jobs keep their place in a conversation's turn.
func TestRelay_Go(t *testing.T) {
	var order []string
	var mu sync.Mutex
	note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
	h := handlerFunc(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		note(m.Text)
		return nil, nil
	})
	r, _ := newTestRelay(t, h)
	submit(t, r, msg("c1", "1", "first"))
	done := make(chan struct{})
	if err := r.Go(context.Background(), "c1", func(context.Context) { note("notice"); close(done) }); err != nil {
		t.Fatal(err)
	}
	last := submit(t, r, msg("c1", "2", "last"))
	wait(t, done, "the job")
	wait(t, last.Handled, "the last event")
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"first", "notice", "last"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}

// TestRelay_Handle: the console's synchronous path sends before returning.
func TestRelay_Handle(t *testing.T) {
	r, rec := newTestRelay(t, handlerFunc(echo))
	r.Handle(context.Background(), msg("c1", "e1", "지금"))
	select {
	case s := <-rec.got:
		if s.r.Text != "echo 지금" {
			t.Errorf("sent %q", s.r.Text)
		}
	default:
		t.Fatal("Handle returned before sending")
	}
}

func TestRouter(t *testing.T) {
	from := Address{Channel: "tg", Conversation: "42", Origin: 7}
	tests := []struct {
		name    string
		staff   string
		reply   dialog.Reply
		from    Address
		wantTo  Address
		wantBy  string // which sender: "tg", "sl", "fallback"
		wantErr error
	}{
		{"Conversation", "sl", dialog.Reply{Text: "a"}, from, from, "tg", nil},
		{"Staff", "sl", dialog.Reply{To: dialog.ToStaffChannel}, from, Address{Channel: "sl", Staff: true}, "sl", nil},
		{"UserOtherPlatform", "sl", dialog.Reply{To: dialog.ToUser, Channel: "sl", UserID: "U1"}, from, Address{Channel: "sl", User: "U1"}, "sl", nil},
		{"UserSamePlatform", "sl", dialog.Reply{To: dialog.ToUser, Channel: "tg", UserID: "9"}, Address{}, Address{Channel: "tg", User: "9"}, "tg", nil},
		{"ErrNoStaffChannel", "", dialog.Reply{To: dialog.ToStaffChannel}, from, Address{}, "", ErrNoRoute},
		{"ErrUnknownPlatform", "sl", dialog.Reply{To: dialog.ToUser, Channel: "kakao", UserID: "k"}, from, Address{}, "", ErrNoRoute},
		{"ErrNoConversation", "sl", dialog.Reply{Text: "answer"}, Address{}, Address{}, "", ErrNoConversation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var accepted []Address
			r := NewRouter(RouterConfig{Logger: quiet(), Sent: func(_ context.Context, to Address, _ dialog.Reply) { accepted = append(accepted, to) }})
			senders := map[string]*recorder{"tg": newRecorder(), "sl": newRecorder()}
			for ch, s := range senders {
				r.Register(ch, s)
			}
			r.SetStaff(tt.staff)
			err := r.Send(context.Background(), tt.from, tt.reply)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Send: %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if len(accepted) != 0 {
					t.Errorf("Sent hook called for a reply not sent: %v", accepted)
				}
				return
			}
			s := senders[tt.wantBy].next(t)
			if s.to != tt.wantTo {
				t.Errorf("sent to %+v, want %+v", s.to, tt.wantTo)
			}
			if len(accepted) != 1 || accepted[0] != tt.wantTo {
				t.Errorf("Sent hook heard %v", accepted)
			}
		})
	}
}

// TestRouter_Fallback: the console's router shows what no adapter carries.
func TestRouter_Fallback(t *testing.T) {
	r := NewRouter(RouterConfig{Logger: quiet()})
	fb := newRecorder()
	r.SetFallback(fb)
	if err := r.Deliver(context.Background(), dialog.Reply{To: dialog.ToStaffChannel, Text: "주간 요약"}); err != nil {
		t.Fatal(err)
	}
	if s := fb.next(t); !s.to.Staff || s.r.Text != "주간 요약" {
		t.Errorf("fallback got %+v", s)
	}
}

// TestRouter_Route: a failed reply is logged without its text and the next
// still goes; the sender's error stops the Sent hook.
func TestRouter_Route(t *testing.T) {
	logs := &retrytest.Log{}
	var sentN int
	r := NewRouter(RouterConfig{Logger: slog.New(slog.NewTextHandler(logs, nil)), Sent: func(context.Context, Address, dialog.Reply) { sentN++ }})
	ok, broken := newRecorder(), newRecorder()
	broken.fail = errors.New("HTTP 500")
	r.Register("ok", ok)
	r.Register("broken", broken)
	err := r.Route(context.Background(), Address{Channel: "broken", Conversation: "1"}, []dialog.Reply{
		{Text: "김하늘님 비밀 이야기"},
		{To: dialog.ToUser, Channel: "ok", UserID: "U1", Text: "then this"},
		{To: dialog.ToUser, Channel: "nowhere", UserID: "U2", Text: "010-1234-5678"},
	})
	if err == nil || !errors.Is(err, ErrNoRoute) {
		t.Fatalf("Route: %v, want the failures joined", err)
	}
	if s := ok.next(t); s.r.Text != "then this" {
		t.Errorf("second reply %q", s.r.Text)
	}
	if sentN != 1 {
		t.Errorf("Sent hook called %d times, want 1", sentN)
	}
	for _, secret := range []string{"김하늘", "010-1234-5678", "U2"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("log holds %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs.String(), "reply not delivered") || !strings.Contains(logs.String(), "nowhere to go") {
		t.Errorf("log does not say what failed:\n%s", logs)
	}
}

// TestBuffered: a body of unknown length (a pipe, as go-telegram/bot sends)
// arrives in one piece with its length, not chunked.
func TestBuffered(t *testing.T) {
	type seen struct {
		length int64
		te     []string
		body   string
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.ContentLength, r.TransferEncoding, string(b)}
	}))
	defer srv.Close()
	c := &http.Client{Transport: Buffered(Transport(4))}
	pr, pw := io.Pipe()
	go func() {
		for _, part := range []string{"chat_id=1", "&text=", "안녕"} {
			_, _ = pw.Write([]byte(part))
		}
		_ = pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, srv.URL, pr)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	s := <-got
	if s.length != int64(len("chat_id=1&text=안녕")) || len(s.te) != 0 || s.body != "chat_id=1&text=안녕" {
		t.Errorf("server saw length %d, transfer encoding %v, body %q", s.length, s.te, s.body)
	}
	if tr := Transport(64); tr.MaxIdleConnsPerHost != 64 || tr.MaxIdleConns != 64 || tr.DisableKeepAlives {
		t.Errorf("Transport(64) keeps %d idle a host, %d in all, keep-alive off %v", tr.MaxIdleConnsPerHost, tr.MaxIdleConns, tr.DisableKeepAlives)
	}
}

// TestRelay_WorkersKept: at most Workers jobs run at once whatever the
// number of conversations, the workers are kept between bursts (none
// started again), a busy conversation takes turns with the others, and
// Close ends the workers.
func TestRelay_WorkersKept(t *testing.T) {
	hold := make(chan struct{})
	var mu sync.Mutex
	running, most := 0, 0
	h := handlerFunc(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		if m.Text == "hold" {
			<-hold
		}
		mu.Lock()
		running--
		mu.Unlock()
		return nil, nil
	})
	r, _ := newTestRelay(t, h, func(c *Config) { c.Workers = 3 })
	var last []Ticket
	for burst := range 2 {
		last = last[:0]
		for conv := range 10 {
			for i := range 3 {
				text := "go"
				if burst == 0 && i == 0 && conv < 2 {
					text = "hold" // two workers held: the third serves all the rest
				}
				last = append(last, submit(t, r, msg(fmt.Sprint("c", conv), fmt.Sprint(burst, conv, i), text)))
			}
		}
		if burst == 0 {
			for _, tk := range last[6:] {
				wait(t, tk.Handled, "an event beside the held conversations")
			}
			close(hold)
		}
		for _, tk := range last {
			wait(t, tk.Handled, "every event")
		}
	}
	r.q.mu.Lock()
	started := r.q.started
	r.q.mu.Unlock()
	if started != 3 || most > 3 {
		t.Errorf("%d workers started, %d jobs at once; want 3 and at most 3", started, most)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}
	r.q.wg.Wait() // Close returned: the workers have ended
}

// TestDeadline: a call that does not answer in time ends with the
// deadline's error; one that answers is read in full, and its connection
// is kept for the next call.
func TestDeadline(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		_, _ = io.WriteString(w, strings.Repeat("답", 10_000))
	}))
	defer srv.Close()
	defer close(release)
	tr := Transport(2)
	var conns sync.Map
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			conns.Store(c.LocalAddr().String(), true)
		}
		return c, err
	}
	c := &http.Client{Transport: Deadline(tr, 200*time.Millisecond)}
	if _, err := c.Get(srv.URL + "/slow"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow call: %v, want the deadline's error", err)
	}
	for range 3 {
		resp, err := c.Get(srv.URL + "/fast")
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || len(b) != 30_000 {
			t.Fatalf("fast call: %d bytes, %v", len(b), err)
		}
	}
	n := 0
	conns.Range(func(any, any) bool { n++; return true })
	if n != 2 { // the slow call's, given up, and one for the three fast ones
		t.Errorf("%d connections dialled, want 2", n)
	}
}

// TestDirect: the request goes straight to the transport and its answer
// comes back as it is: a redirect is not followed, and a transport's error
// is not wrapped with the URL (an API's may hold a token).
func TestDirect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
			return
		}
		b, _ := io.ReadAll(r.Body)
		_, _ = io.WriteString(w, r.Header.Get("X-Test")+" "+string(b))
	}))
	defer srv.Close()
	c := Direct{Transport: Buffered(Transport(2))}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/bot123:SECRET/sendMessage", strings.NewReader("본문"))
	req.Header.Set("X-Test", "머리")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "머리 본문" {
		t.Errorf("answer %q", b)
	}
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/moved", http.NoBody)
	if resp, err := c.Do(req); err != nil || resp.StatusCode != http.StatusTemporaryRedirect {
		t.Errorf("redirect: %v, %v; want the 307 itself", resp, err)
	} else {
		resp.Body.Close()
	}
	req, _ = http.NewRequest(http.MethodPost, "http://127.0.0.1:1/bot123:SECRET/getMe", http.NoBody)
	if _, err := c.Do(req); err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("unreachable: %v, want an error without the URL", err)
	}
}
