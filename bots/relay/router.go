package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/dangol/dangol/bots/retry"
	"github.com/dangol/dangol/dialog"
)

// Errors of Router.Send.
var (
	// ErrNoRoute is returned (wrapped, with the address) when no adapter
	// carries a reply: its platform is not running, or no staff channel is
	// configured.
	ErrNoRoute = errors.New("relay: no adapter carries this reply")
	// ErrNoConversation is returned when a reply answers the conversation
	// (dialog.ToConversation) but is sent from outside one, by Deliver.
	ErrNoConversation = errors.New("relay: the reply answers a conversation, and there is none")
)

// RouterConfig configures a Router. Zero values take the documented
// defaults.
type RouterConfig struct {
	Logger *slog.Logger // nil: slog.Default()
	// Sent, when set, is called after an adapter reports that its platform
	// accepted a reply, with where it went: what a durable outbox marks
	// as sent. It runs in the sender's goroutine and should be quick.
	Sent func(ctx context.Context, to Address, r dialog.Reply)
}

// Router sends every reply where it is addressed: an answer back to the
// conversation it answers, on that conversation's platform; a reply for the
// staff channel to the platform that serves it; a reply for one user to
// that user's platform. The engine's callers (every Relay), the scheduler
// and every feature that sends use one Router, so which platform carries
// what is decided in one place. It is safe for concurrent use.
type Router struct {
	log  *slog.Logger
	sent func(ctx context.Context, to Address, r dialog.Reply)

	mu       sync.RWMutex
	senders  map[string]Sender
	staff    string
	fallback Sender
}

// NewRouter returns a Router that knows no adapter yet.
func NewRouter(cfg RouterConfig) *Router {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Router{log: cfg.Logger, sent: cfg.Sent, senders: map[string]Sender{}}
}

// Register makes s the sender of channel's replies, replacing any before.
func (r *Router) Register(channel string, s Sender) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.senders[channel] = s
}

// SetStaff makes channel's adapter the one that serves the staff channel;
// "" leaves the staff channel unserved.
func (r *Router) SetStaff(channel string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.staff = channel
}

// SetFallback makes s carry every reply no registered adapter carries. The
// console, a rehearsal room, shows them all with their address.
func (r *Router) SetFallback(s Sender) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fallback = s
}

// Staff returns the channel that serves the staff channel, "" if none.
func (r *Router) Staff() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.staff
}

// Serves reports whether an adapter is registered for channel.
func (r *Router) Serves(channel string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.senders[channel] != nil
}

// resolve finds the sender and address of reply, answered from from.
func (r *Router) resolve(from Address, reply dialog.Reply) (Sender, Address, error) {
	var to Address
	switch reply.To {
	case dialog.ToConversation:
		if from.Channel == "" || from.Conversation == "" {
			return nil, to, ErrNoConversation
		}
		to = Address{Channel: from.Channel, Conversation: from.Conversation, Origin: from.Origin}
	case dialog.ToStaffChannel:
		to = Address{Channel: r.Staff(), Staff: true}
	case dialog.ToUser:
		to = Address{Channel: reply.Channel, User: reply.UserID}
	default:
		return nil, to, fmt.Errorf("%w: unknown target %d", ErrNoRoute, reply.To)
	}
	r.mu.RLock()
	s := r.senders[to.Channel]
	if s == nil || to.Channel == "" {
		s = r.fallback
	}
	r.mu.RUnlock()
	if s == nil {
		return nil, to, fmt.Errorf("%w: %s", ErrNoRoute, to.Kind())
	}
	return s, to, nil
}

// Send sends reply where it is addressed; from is the conversation it
// answers, for dialog.ToConversation. It returns the sender's error, or
// ErrNoRoute when no adapter carries the reply.
func (r *Router) Send(ctx context.Context, from Address, reply dialog.Reply) error {
	s, to, err := r.resolve(from, reply)
	if err != nil {
		return err
	}
	if err := s.Send(ctx, to, reply); err != nil {
		return fmt.Errorf("relay: send to %s: %w", to.Kind(), err)
	}
	if r.sent != nil {
		r.sent(ctx, to, reply)
	}
	return nil
}

// Deliver sends a reply that answers no message (dialog.ToStaffChannel or
// dialog.ToUser): an alert, a scheduled post. It is Send from nowhere.
func (r *Router) Deliver(ctx context.Context, reply dialog.Reply) error {
	return r.Send(ctx, Address{}, reply)
}

// Route sends replies in order, each after the one before has been
// accepted or has failed. A reply that cannot be sent is logged, with its
// address's kind and its length but never its text or ids (they may hold
// a customer's name or words, which no erasure could reach in a log), and
// the others still go. It returns the errors joined.
func (r *Router) Route(ctx context.Context, from Address, replies []dialog.Reply) error {
	var errs []error
	for _, reply := range replies {
		err := r.Send(ctx, from, reply)
		switch {
		case err == nil:
			continue
		case errors.Is(err, retry.ErrStopping):
			// Expected while the platform is down at shutdown; an effect's
			// reply stays in the outbox (outbox_kept) and goes at the next start.
			r.log.WarnContext(ctx, "relay: reply not delivered while stopping", "from", from.Kind(), "to", reply.To, "channel", reply.Channel, "text_bytes", len(reply.Text), "outbox_kept", reply.OutboxID != "", "err", err)
		case errors.Is(err, ErrNoRoute):
			r.log.WarnContext(ctx, "relay: reply has nowhere to go; dropped", "from", from.Kind(), "to", reply.To, "channel", reply.Channel, "text_bytes", len(reply.Text), "err", err)
		default:
			r.log.ErrorContext(ctx, "relay: reply not delivered", "from", from.Kind(), "to", reply.To, "channel", reply.Channel, "text_bytes", len(reply.Text), "err", err)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
