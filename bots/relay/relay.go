package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/dangol/dangol/bots/retry"
	"github.com/dangol/dangol/dialog"
)

// Handler is the engine as every adapter sees it; *dialog.Engine satisfies
// it. When err is not nil the replies still hold what the sender should see
// (an apology) and err is for the log.
type Handler interface {
	Handle(ctx context.Context, m dialog.Message) ([]dialog.Reply, error)
}

// Address is where on a platform a reply goes. Channel names the platform
// ("telegram", "slack", "console"); exactly one of Conversation, User and
// Staff says where on it.
type Address struct {
	Channel string
	// Conversation is the conversation a message came from, for its
	// answers (dialog.ToConversation): the message's ConversationID.
	Conversation string
	// User is one person's direct messages (dialog.ToUser): their
	// platform user id.
	User string
	// Staff is the shop's staff channel (dialog.ToStaffChannel).
	Staff bool
	// Origin is the adapter's own note on the event being answered (Slack's
	// response_url and trigger, Telegram's sender language), set by the
	// adapter on intake and handed back to it untouched; nil for an answer
	// sent later, which the adapter must still be able to send from the
	// conversation alone.
	Origin any
}

// Kind names what the address is for, for logs: "telegram:staff",
// "slack:user", "console:conversation". It never holds an id: platform ids
// are personal data, and the log is beyond an erasure's reach.
func (a Address) Kind() string {
	switch {
	case a.Staff:
		return a.Channel + ":staff"
	case a.User != "":
		return a.Channel + ":user"
	default:
		return a.Channel + ":conversation"
	}
}

// Sender renders a reply and sends it to an address on its platform. It
// returns once the platform has accepted every part of the reply, or with
// the error of the part it could not send after its retries. A Sender is
// called from many goroutines at once.
type Sender interface {
	Send(ctx context.Context, to Address, r dialog.Reply) error
}

// Adapter is a channel: intake that turns the platform's events into
// dialog.Messages, handed to a Relay, until ctx ends (then it stops taking
// events and returns once those taken are handled and answered), and a
// Sender for what the Router sends it. Console, Telegram and Slack are
// adapters; relaytest checks what every adapter must do.
type Adapter interface {
	Sender
	Run(ctx context.Context) error
}

// Event is one platform event translated for the engine, with what the
// adapter must do around its handling. Only Message is required.
type Event struct {
	Message dialog.Message
	// Origin goes into the Address the event's answers are sent to.
	Origin any
	// Key orders events: those of one key are handled one after another,
	// in the order submitted. "": Message.ConversationID.
	Key string
	// Before, when set, runs first in the event's turn and may complete the
	// message (Slack looks up the sender's name and language there).
	Before func(ctx context.Context, m *dialog.Message)
	// HandleBy, when not zero, is the deadline of the engine's handling
	// (a Slack modal's answer is due by then); sending is not bound by it.
	HandleBy time.Time
	// Handled, when set, is called once the engine is done with the
	// message, before any reply is sent, also when the handling failed or
	// panicked: what the platform may now forget (Telegram's offset).
	Handled func()
	// After, when set, is given the message as handled (Before's changes
	// in it) and the engine's replies and error, before they are sent, and
	// returns those the Router is to send, in order: an adapter takes there
	// what the platform shows its own way (a modal's inline errors) or does
	// what a press needs (editing the pressed message).
	After func(ctx context.Context, m dialog.Message, replies []dialog.Reply, err error) []dialog.Reply
}

// Ticket is what Submit gives back: Handled is closed once the engine is
// done with the event (its effect committed, or given up), before the
// replies are sent. An adapter whose platform must hear that an event
// arrived answers it then, so a crash cannot lose an event the platform
// was told was received. Duplicate says the event id was submitted
// recently: it is not handled again, and Handled is the first copy's.
type Ticket struct {
	Handled   <-chan struct{}
	Duplicate bool
}

// Config configures a Relay. Channel and Handler are required.
type Config struct {
	// Channel is the platform the relay serves, which its events' answers
	// go back on.
	Channel string
	Handler Handler
	// Router sends the replies; nil: a Router of its own, which knows no
	// adapter until one registers.
	Router *Router
	Logger *slog.Logger // nil: slog.Default()

	// Workers bounds the conversations handled at once; 0: DefaultWorkers.
	// An adapter sizes its HTTP connection pool to it.
	Workers int
	// Limit bounds the events queued or in flight; Submit waits while it
	// is reached. 0: DefaultLimit.
	Limit int
	// Recent is how many event ids are remembered to drop re-deliveries;
	// 0: DefaultRecent.
	Recent int
	// HandleAttempts is how often a message is handed to the engine while
	// it fails (a ledger that cannot commit, so nothing was committed),
	// HandleBackoff apart, before it is given up with an error in the log.
	// 0: DefaultHandleAttempts.
	HandleAttempts int
	// HandleBackoff is the wait between those attempts; zero: 500 ms
	// doubling, without jitter.
	HandleBackoff retry.Backoff
	// Timeout bounds the handling and sending of one event; 0: none (Close
	// still cancels what outlives its drain).
	Timeout time.Duration
}

// Defaults of Config.
const (
	DefaultWorkers        = 64
	DefaultLimit          = 4096
	DefaultRecent         = 4096
	DefaultHandleAttempts = 3
)

// ErrClosed is returned by Submit and Go once Close has begun: the adapter
// should refuse the event so the platform sends it again later.
var ErrClosed = errors.New("relay: shutting down")

// LogGivenUp is the message of the ERROR record logged when the engine failed
// an event and the relay sends whatever replies it returned (an apology).
// The console, whose log the answered person reads, leaves it out.
const LogGivenUp = "relay: handling failed; event given up, sending its replies"

// Relay is the shared runtime of one adapter: it hands its events to the
// engine, one conversation at a time in order and different conversations
// side by side, drops re-deliveries, and sends the replies through the
// Router. It is safe for concurrent use.
type Relay struct {
	channel  string
	handler  Handler
	router   *Router
	log      *slog.Logger
	attempts int
	backoff  retry.Backoff
	timeout  time.Duration

	q      *queue
	recent *recentSet
}

// New returns a Relay for cfg.
func New(cfg Config) (*Relay, error) {
	if cfg.Channel == "" {
		return nil, errors.New("relay: no channel")
	}
	if cfg.Handler == nil {
		return nil, fmt.Errorf("relay: %s: no handler", cfg.Channel)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Router == nil {
		cfg.Router = NewRouter(RouterConfig{Logger: cfg.Logger})
	}
	if cfg.HandleAttempts <= 0 {
		cfg.HandleAttempts = DefaultHandleAttempts
	}
	if cfg.HandleBackoff.Base <= 0 {
		cfg.HandleBackoff.Base = 500 * time.Millisecond
	}
	if cfg.HandleBackoff.Max <= 0 {
		cfg.HandleBackoff.Max = cfg.HandleBackoff.Base << 10
	}
	if cfg.HandleBackoff.Jitter == nil {
		cfg.HandleBackoff.Jitter = func() float64 { return 0 }
	}
	r := &Relay{
		channel:  cfg.Channel,
		handler:  cfg.Handler,
		router:   cfg.Router,
		log:      cfg.Logger,
		attempts: cfg.HandleAttempts,
		backoff:  cfg.HandleBackoff,
		timeout:  cfg.Timeout,
		recent:   newRecentSet(orDefault(cfg.Recent, DefaultRecent)),
	}
	r.q = newQueue(orDefault(cfg.Workers, DefaultWorkers), orDefault(cfg.Limit, DefaultLimit), cfg.Logger, cfg.Channel)
	return r, nil
}

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// Router returns the router the relay sends through.
func (r *Relay) Router() *Router { return r.router }

// Workers returns how many conversations are handled at once.
func (r *Relay) Workers() int { return r.q.workers }

// Queued returns how many events and adapter jobs are waiting or being
// handled, in all conversations: the adapter's queue depth.
func (r *Relay) Queued() int { return r.q.depth() }

// Submit queues ev behind the earlier events of its key and returns at
// once, unless Limit events are already waiting, when it waits for room or
// for ctx. An event whose id was submitted recently is not queued again
// (Ticket.Duplicate); after Close it returns ErrClosed.
func (r *Relay) Submit(ctx context.Context, ev Event) (Ticket, error) {
	done := make(chan struct{})
	if id := ev.Message.EventID; id != "" {
		if first, dup := r.recent.add(id, done); dup {
			return Ticket{Handled: first, Duplicate: true}, nil
		}
	}
	err := r.q.push(ctx, r.key(ev), func(ctx context.Context) { r.handle(ctx, ev, done) })
	if err != nil {
		r.recent.forget(ev.Message.EventID)
		return Ticket{}, err
	}
	return Ticket{Handled: done}, nil
}

// Go queues fn in key's turn, as Submit queues an event: for what an
// adapter answers by itself without the engine (a notice, a press it
// ignores), which must still keep its place among the conversation's
// events. fn's context outlives Run's until Close's drain ends.
func (r *Relay) Go(ctx context.Context, key string, fn func(ctx context.Context)) error {
	return r.q.push(ctx, key, fn)
}

// Handle handles ev at once, in the caller's goroutine, and sends its
// replies before it returns: the console, which reads one line at a time,
// uses it. ev is not checked against the recent event ids.
func (r *Relay) Handle(ctx context.Context, ev Event) {
	r.handle(ctx, ev, make(chan struct{}))
}

// Close stops taking events (Submit and Go return ErrClosed) and waits
// until every event taken is handled and answered, or ctx ends, when it
// cancels the context of the work still running, waits for it to return
// and says so in its error.
func (r *Relay) Close(ctx context.Context) error {
	if err := r.q.close(ctx); err != nil {
		return fmt.Errorf("relay: %s: %w", r.channel, err)
	}
	return nil
}

func (r *Relay) key(ev Event) string {
	if ev.Key != "" {
		return ev.Key
	}
	return ev.Message.ConversationID
}

// handle runs one event's turn: Before, the engine (again while it
// fails), Handled, After, then the replies through the router. A panic (a
// bug; bad input should never cause one) costs only this event.
func (r *Relay) handle(ctx context.Context, ev Event, done chan struct{}) {
	if r.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.timeout)
		defer cancel()
	}
	handled := false
	markHandled := func() {
		if handled {
			return
		}
		handled = true
		close(done)
		if ev.Handled != nil {
			ev.Handled()
		}
	}
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("relay: panic handling an event", "channel", r.channel, "event", ev.Message.EventID, "panic", p, "stack", string(debug.Stack()))
		}
		markHandled()
	}()
	m := ev.Message
	if ev.Before != nil {
		ev.Before(ctx, &m)
	}
	replies, err := r.engine(ctx, ev, m)
	if err != nil {
		// Nothing was committed: a re-delivery may be tried again.
		r.recent.forget(m.EventID)
		r.log.Error(LogGivenUp,
			"channel", r.channel, "event", m.EventID, "err", err, "replies", len(replies))
	}
	markHandled()
	if ev.After != nil {
		replies = ev.After(ctx, m, replies, err)
	}
	from := Address{Channel: r.channel, Conversation: m.ConversationID, Origin: ev.Origin}
	// Once Close has begun, a send that fails is not tried again: a
	// platform that cannot be reached must not hold the shutdown for every
	// back-off, and a reply of an effect waits in the outbox for the next
	// start. The engine's own retries above go on (its commit is the
	// event's).
	r.router.Route(retry.WithStop(ctx, r.q.stopping), from, replies)
}

// engine hands m to the handler, again while it fails: a failed message is
// one nothing was committed for. A re-run after a late failure (the effect
// committed, the event id with it) returns no replies, so the replies kept
// are those of the last attempt that had any: the apology if nothing
// better came.
func (r *Relay) engine(ctx context.Context, ev Event, m dialog.Message) ([]dialog.Reply, error) {
	hctx := ctx
	if !ev.HandleBy.IsZero() {
		var cancel context.CancelFunc
		hctx, cancel = context.WithDeadline(ctx, ev.HandleBy)
		defer cancel()
	}
	var replies []dialog.Reply
	for attempt := 1; ; attempt++ {
		rs, err := r.handler.Handle(hctx, m)
		if err == nil || len(rs) > 0 {
			replies = rs
		}
		if err == nil || attempt >= r.attempts || hctx.Err() != nil {
			return replies, err
		}
		r.log.Warn("relay: handling failed; trying again", "channel", r.channel, "event", m.EventID, "attempt", attempt, "err", err)
		if r.backoff.Sleep(hctx, r.backoff.Delay(attempt)) != nil {
			return replies, err
		}
	}
}
