package relaytest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dangol/dangol/dialog"
)

// Wait bounds every wait of the suite: a failure timeout, never a pause.
const Wait = 10 * time.Second

// Shown is one message a platform showed a user: its text and the
// payloads of its buttons, in order.
type Shown struct {
	Text    string
	Buttons []string
}

// Platform is one adapter running against its fake platform, with handler
// as its engine, as the suite drives it. Users are named by the suite
// ("u1", "u2", …); the Platform maps each to a person of its own (a chat
// id, a Slack user) with a conversation of their own with the bot.
type Platform interface {
	// UserID is the platform user id of user: what a reply addressed
	// dialog.ToUser names.
	UserID(user string) string
	// Say has user send text to the bot, as the platform delivers it, and
	// returns the delivery for Redeliver. It returns once the platform has
	// handed the event over (not once it is answered), so that one user's
	// messages arrive in the order said.
	Say(t *testing.T, user, text string) any
	// Press has user press the button with payload on the last message
	// shown to them that had it, and returns the delivery.
	Press(t *testing.T, user, payload string) any
	// Redeliver delivers an event again, as the platform does when it
	// thinks the first delivery was lost.
	Redeliver(t *testing.T, delivery any)
	// Next returns the next message shown to user, failing the test if
	// none comes within Wait.
	Next(t *testing.T, user string) Shown
	// Stop ends the adapter's Run as a shutdown does (its context ends)
	// and returns once Run has returned.
	Stop(t *testing.T)
}

// Setup starts an adapter with handler as its engine, on a fresh fake
// platform, and returns it running. It is called once for each check; the
// test's cleanup stops what Stop did not.
type Setup func(t *testing.T, handler *Engine) Platform

// Options say what the suite may expect of an adapter.
type Options struct {
	// Channel is the adapter's channel name ("telegram"): Message.Channel
	// of what it makes, and Reply.Channel of a reply to one of its users.
	Channel string
	// Sequential says the adapter handles one message at a time (the
	// console reads a line, answers it, reads the next): the check that a
	// slow conversation delays only itself does not apply.
	Sequential bool
}

// Run runs every check against the adapter setup starts, each as a subtest
// with an adapter of its own.
func Run(t *testing.T, opts Options, setup Setup) {
	checks := []struct {
		name string
		fn   func(t *testing.T, e *Engine, p Platform, opts Options)
	}{
		{"MessageReply", testMessageReply},
		{"ButtonPress", testButtonPress},
		{"ToUser", testToUser},
		{"Redelivery", testRedelivery},
		{"OrderUnderConcurrency", testOrder},
		{"SlowConversationDelaysOnlyItself", testSlow},
		{"DrainOnShutdown", testDrain},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "SlowConversationDelaysOnlyItself" && opts.Sequential {
				// Said, not skipped: the property is not the adapter's.
				t.Log("the adapter handles one message at a time")
				return
			}
			e := NewEngine(opts.Channel)
			t.Cleanup(e.releaseAll)
			c.fn(t, e, setup(t, e), opts)
		})
	}
}

// expect fails unless p shows user want next.
func expect(t *testing.T, p Platform, user string, want Shown) Shown {
	t.Helper()
	got := p.Next(t, user)
	if got.Text != want.Text || !slices.Equal(got.Buttons, want.Buttons) {
		t.Fatalf("%s was shown %+v, want %+v", user, got, want)
	}
	return got
}

func testMessageReply(t *testing.T, e *Engine, p Platform, opts Options) {
	p.Say(t, "u1", "안녕하세요")
	expect(t, p, "u1", Shown{Text: "echo: 안녕하세요"})
	m := e.Received()
	if len(m) != 1 || m[0].Text != "안녕하세요" || m[0].Channel != opts.Channel || m[0].ConversationID == "" || m[0].EventID == "" {
		t.Errorf("engine got %+v, want one message on %s with its conversation and event id", m, opts.Channel)
	}
}

func testButtonPress(t *testing.T, e *Engine, p Platform, _ Options) {
	p.Say(t, "u1", "buttons")
	expect(t, p, "u1", Shown{Text: "choose", Buttons: []string{"yes", "no"}})
	p.Press(t, "u1", "no")
	expect(t, p, "u1", Shown{Text: "pressed: no"})
	m := e.Received()
	if last := m[len(m)-1]; last.Action == nil || last.Action.Payload != "no" || last.Text != "" {
		t.Errorf("engine got %+v (action %+v), want the press of no", last, last.Action)
	}
}

func testToUser(t *testing.T, _ *Engine, p Platform, _ Options) {
	p.Say(t, "u2", "hello") // u2 has met the bot
	expect(t, p, "u2", Shown{Text: "echo: hello"})
	p.Say(t, "u1", "tell "+p.UserID("u2"))
	expect(t, p, "u1", Shown{Text: "told"})
	expect(t, p, "u2", Shown{Text: "for you"})
}

func testRedelivery(t *testing.T, e *Engine, p Platform, _ Options) {
	d := p.Say(t, "u1", "once")
	expect(t, p, "u1", Shown{Text: "echo: once"})
	p.Redeliver(t, d)
	// Nothing for the repeat: the next answer is the next message's.
	p.Say(t, "u1", "then")
	expect(t, p, "u1", Shown{Text: "echo: then"})
	if n := e.Effects("once"); n != 1 {
		t.Errorf("the re-delivered event took effect %d times, want once", n)
	}
}

func testOrder(t *testing.T, e *Engine, p Platform, _ Options) {
	const users, each = 8, 12
	var wg sync.WaitGroup
	for u := range users {
		wg.Go(func() {
			for i := range each {
				p.Say(t, user(u), fmt.Sprint(i))
			}
		})
	}
	wg.Wait()
	for u := range users {
		for i := range each {
			expect(t, p, user(u), Shown{Text: fmt.Sprint("echo: ", i)})
		}
	}
	byConv := map[string][]string{}
	for _, m := range e.Received() {
		byConv[m.ConversationID] = append(byConv[m.ConversationID], m.Text)
	}
	if len(byConv) != users {
		t.Errorf("the engine saw %d conversations, want %d", len(byConv), users)
	}
	for conv, texts := range byConv {
		for i, s := range texts {
			if s != fmt.Sprint(i) {
				t.Fatalf("conversation %s reached the engine as %v: out of order", conv, texts)
			}
		}
	}
}

func testSlow(t *testing.T, e *Engine, p Platform, _ Options) {
	p.Say(t, "u1", "slow")
	e.WaitHeld(t, "slow")
	p.Say(t, "u2", "quick")
	expect(t, p, "u2", Shown{Text: "echo: quick"})
	e.Release("slow")
	expect(t, p, "u1", Shown{Text: "echo: slow"})
}

func testDrain(t *testing.T, e *Engine, p Platform, _ Options) {
	p.Say(t, "u1", "slow")
	e.WaitHeld(t, "slow")
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		p.Stop(t)
	}()
	select {
	case <-stopped:
		t.Fatal("Run returned while a message it took was still with the engine")
	default:
	}
	e.Release("slow")
	select {
	case <-stopped:
	case <-time.After(Wait):
		t.Fatal("Run did not return after the last message was handled")
	}
	expect(t, p, "u1", Shown{Text: "echo: slow"})
}

func user(i int) string { return fmt.Sprint("u", i+1) }

// Start runs run (an adapter's Run) in the background and returns a stop
// that ends its context and waits, at most Wait, for it to return without
// an error, as a Platform's Stop does; the test's cleanup stops it too.
func Start(t testing.TB, run func(ctx context.Context) error) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(Wait):
				t.Errorf("Run did not return within %v of its context ending", Wait)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// FailCounter is a relay.Observer that counts the sends that failed, for
// an adapter's tests of what it tells an operator.
type FailCounter struct{ n atomic.Int64 }

// SendFailed implements relay.Observer.
func (c *FailCounter) SendFailed() { c.n.Add(1) }

// Count returns how many sends failed.
func (c *FailCounter) Count() int64 { return c.n.Load() }

// Engine is the suite's stand-in for dialog.Engine (a relay.Handler). It is
// safe for concurrent use.
type Engine struct {
	channel string

	mu       sync.Mutex
	seen     map[string]bool // event ids handled
	received []dialog.Message
	effects  map[string]int           // text -> messages that took effect with it
	held     map[string]chan struct{} // text -> closed to release
	arrived  map[string]chan struct{} // text -> closed once such a message is held
}

// NewEngine returns an Engine for an adapter on channel.
func NewEngine(channel string) *Engine {
	return &Engine{channel: channel, seen: map[string]bool{}, effects: map[string]int{},
		held: map[string]chan struct{}{}, arrived: map[string]chan struct{}{}}
}

// Handle implements relay.Handler.
func (e *Engine) Handle(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
	e.mu.Lock()
	if m.EventID != "" && e.seen[m.EventID] {
		e.mu.Unlock()
		return nil, nil // as the engine: a repeat changes nothing, answers nothing
	}
	if m.EventID != "" {
		e.seen[m.EventID] = true
	}
	e.received = append(e.received, m)
	e.effects[m.Text]++
	var release chan struct{}
	if m.Text == "slow" {
		release = e.gate("slow")
		if ch := e.arrival("slow"); !closed(ch) {
			close(ch)
		}
	}
	e.mu.Unlock()
	if release != nil {
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	switch {
	case m.Action != nil:
		return []dialog.Reply{{Text: "pressed: " + m.Action.Payload}}, nil
	case m.Text == "buttons":
		return []dialog.Reply{{Text: "choose", Buttons: []dialog.Button{{Label: "yes", Payload: "yes"}, {Label: "no", Payload: "no"}}}}, nil
	case strings.HasPrefix(m.Text, "tell "):
		return []dialog.Reply{
			{Text: "told"},
			{To: dialog.ToUser, Channel: e.channel, UserID: strings.TrimPrefix(m.Text, "tell "), Text: "for you"},
		}, nil
	}
	return []dialog.Reply{{Text: "echo: " + m.Text}}, nil
}

// gate returns the channel that releases messages of text; e.mu held.
func (e *Engine) gate(text string) chan struct{} {
	if e.held[text] == nil {
		e.held[text] = make(chan struct{})
	}
	return e.held[text]
}

// arrival returns the channel closed when a message of text is held; e.mu held.
func (e *Engine) arrival(text string) chan struct{} {
	if e.arrived[text] == nil {
		e.arrived[text] = make(chan struct{})
	}
	return e.arrived[text]
}

// WaitHeld waits until a message of text is held in the engine.
func (e *Engine) WaitHeld(t *testing.T, text string) {
	t.Helper()
	e.mu.Lock()
	ch := e.arrival(text)
	e.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(Wait):
		t.Fatalf("no %q message reached the engine within %v", text, Wait)
	}
}

// Release lets the messages of text held in the engine go on.
func (e *Engine) Release(text string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ch := e.gate(text); !closed(ch) {
		close(ch)
	}
}

func closed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func (e *Engine) releaseAll() {
	e.mu.Lock()
	texts := make([]string, 0, len(e.held))
	for text := range e.held {
		texts = append(texts, text)
	}
	e.mu.Unlock()
	for _, text := range texts {
		e.Release(text)
	}
}

// Received returns the messages that took effect, in the order they
// reached the engine.
func (e *Engine) Received() []dialog.Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.received)
}

// Effects returns how many messages of text took effect.
func (e *Engine) Effects(text string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.effects[text]
}
