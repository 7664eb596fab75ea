package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/dialog"
)

// The outbox's wiring. With dialog.Config.Outbox the replies of a message
// with an effect wait in the ledger from the effect's commit until the
// platform has accepted them: the relay Router reports each accepted reply
// (RouterConfig.Sent: outboxSent), a resender sends at start what the last
// run left unsent and, later, what stayed unsent too long, and intake waits
// while too many replies wait (paced).

// Outbox limits.
const (
	// outboxLimit is how many unsent replies may wait before intake stops
	// taking messages: a flood then waits at the platform, not in memory.
	outboxLimit = 10_000
	// outboxStale is how long a reply may wait unsent while dangol runs
	// before the resender sends it again: longer than any retry of a send
	// in flight, so that it is a reply whose send was given up.
	outboxStale = 15 * time.Minute
	// outboxGiveUp is the age from which a reply that fails again is given
	// up, with an error in the log: a customer who blocked the bot, a
	// platform gone for two days.
	outboxGiveUp = 48 * time.Hour
)

// outboxSent is the Router's Sent hook: a reply its platform accepted
// leaves the outbox (with the next commit). A failure to record it is
// logged: the reply may then be sent again after a restart.
func outboxSent(e *dialog.Engine, log *slog.Logger) func(context.Context, relay.Address, dialog.Reply) {
	return func(ctx context.Context, _ relay.Address, r dialog.Reply) {
		if r.OutboxID == "" {
			return // a read's answer, never in the outbox
		}
		if err := e.Delivered(ctx, r.OutboxID); err != nil {
			log.WarnContext(ctx, "outbox: a reply was sent but not recorded as sent; it may go again after a restart", "outbox_id", r.OutboxID, "err", err)
		}
	}
}

// newOutboxRouter is serve's router with the outbox's Sent hook.
func newOutboxRouter(log *slog.Logger, e *dialog.Engine) *router {
	r := newRouter(log)
	r.Router = relay.NewRouter(relay.RouterConfig{Logger: log, Sent: outboxSent(e, log)})
	return r
}

// leftovers are the replies the last run left in the outbox, read before
// intake starts: the resender alone sends them. After a restart the
// platform also delivers their messages again (the cursor had not moved
// past them), and the engine answers each re-delivered one with its
// replies still waiting; were both to send them, a customer would get one
// twice whenever the resender's page of the outbox was read before the
// other recorded it sent. A nil *leftovers holds nothing.
type leftovers struct {
	mu  sync.Mutex
	ids map[string]bool
}

// readLeftovers reads the ids of every reply waiting in e's outbox (at
// most what intake lets wait, outboxLimit and a little more).
func readLeftovers(ctx context.Context, e *dialog.Engine) (*leftovers, error) {
	const page = 1000
	l := &leftovers{ids: map[string]bool{}}
	for after := ""; ; {
		out, err := e.Unsent(ctx, after, page)
		if err != nil {
			return nil, fmt.Errorf("outbox: read what the last run left: %w", err)
		}
		for _, o := range out {
			l.ids[o.Reply.OutboxID] = true
		}
		if len(out) < page {
			return l, nil
		}
		after = out[len(out)-1].Reply.OutboxID
	}
}

// has reports whether id is one of the replies the last run left.
func (l *leftovers) has(id string) bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ids[id]
}

// empty reports whether every reply the last run left is sent.
func (l *leftovers) empty() bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.ids) == 0
}

// sent forgets id: the resender sent it (or gave it up).
func (l *leftovers) sent(id string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	delete(l.ids, id)
	l.mu.Unlock()
}

// others returns rs without the replies left by the last run.
func (l *leftovers) others(rs []dialog.Reply) []dialog.Reply {
	if l == nil {
		return rs
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ids) == 0 {
		return rs
	}
	out := rs[:0:0]
	for _, r := range rs {
		if !l.ids[r.OutboxID] {
			out = append(out, r)
		}
	}
	return out
}

// resender sends the replies waiting in the outbox that no one else will:
// at start and then every interval, everything an earlier run left (it
// crashed, or a platform was down: left, read before anything started) and
// what was written more than outboxStale ago (a send given up). Delivery is
// at least once: a reply whose acceptance was not recorded before a crash
// goes again.
//
// What this run wrote is not the resender's until it is stale, even when
// it is dated before the start: a scheduled job making up an occurrence
// missed by the restart (the campaign job's minute) dates its messages at
// the occurrence, and while the job sends them the resender used to send
// them too (TestCampaignLoad: 959 of a 10,000-recipient campaign twice
// after a restart mid-run).
type resender struct {
	engine *dialog.Engine
	// send sends one reply from its conversation: the Router's Send.
	send   func(ctx context.Context, from relay.Address, r dialog.Reply) error
	now    func() time.Time
	every  time.Duration
	logger *slog.Logger
	// left, shared with the paced handlers, are the replies the last run
	// left, which the resender alone sends; nil: none.
	left *leftovers
}

// Run resends at once, then every interval, until ctx is done. A failed
// sweep is logged and tried again at the next tick.
func (r *resender) Run(ctx context.Context) error {
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		// Left by the last run, or stale (given up).
		sent, failed, err := r.sweep(ctx, r.now().Add(-outboxStale))
		switch {
		case err != nil && ctx.Err() == nil:
			r.logger.WarnContext(ctx, "outbox: resending unsent replies failed; trying again later", "err", err)
		case sent+failed > 0:
			r.logger.InfoContext(ctx, "outbox: unsent replies sent again", "sent", sent, "failed", failed)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// sweep sends, a page at a time, the waiting replies written before before
// (all of them when before is zero) and those the last run left, and
// reports each accepted one delivered. A reply that fails stays in the
// outbox for the next sweep; it is counted in failed and logged by id only
// (its text may be personal). A reply to or about a customer erased since
// is not there to send: the erasure deleted it, or, in a backup restored
// from before, Unsent finds it unopenable and drops it (logged by id).
func (r *resender) sweep(ctx context.Context, before time.Time) (sent, failed int, err error) {
	const page = 100
	after := ""
	for {
		out, err := r.engine.Unsent(ctx, after, page)
		if err != nil {
			return sent, failed, fmt.Errorf("outbox: %w", err)
		}
		for _, o := range out {
			if !before.IsZero() && !o.At.Before(before) && !r.left.has(o.Reply.OutboxID) {
				if r.left.empty() {
					return sent, failed, nil // time order: the rest are younger
				}
				continue // this run's, and not stale: its sender's
			}
			ok, err := r.resend(ctx, o)
			if err != nil {
				return sent, failed, err
			}
			if ok {
				sent++
			} else {
				failed++
			}
		}
		if len(out) < page {
			return sent, failed, nil
		}
		after = out[len(out)-1].Reply.OutboxID
	}
}

// resend sends o once from its conversation: true when the platform took
// it (it is then recorded delivered); false when it failed and was kept or
// given up; an error when ctx ended or the ledger failed.
func (r *resender) resend(ctx context.Context, o dialog.Outgoing) (bool, error) {
	from := relay.Address{Channel: o.Channel, Conversation: o.ConversationID}
	if err := r.send(ctx, from, o.Reply); err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		r.giveUp(ctx, o, err)
		return false, nil
	}
	if err := r.engine.Delivered(ctx, o.Reply.OutboxID); err != nil {
		return false, fmt.Errorf("outbox: %w", err)
	}
	r.left.sent(o.Reply.OutboxID)
	return true, nil
}

// giveUp gives up the reply o, whose send failed with err, when nothing
// carries it (no adapter for its platform, no staff channel) or it failed
// again after outboxGiveUp: it leaves the outbox, with an error in the log
// (by id only). Otherwise it stays, with a warning.
func (r *resender) giveUp(ctx context.Context, o dialog.Outgoing, err error) {
	switch {
	case errors.Is(err, dialog.ErrBlocked):
		// The person blocked the bot: blockedSender has handed it to the
		// engine, which took it out of the outbox as failed.
		r.logger.InfoContext(ctx, "outbox: an unsent reply's recipient blocked the bot; given up", "outbox_id", o.Reply.OutboxID, "channel", o.Channel)
		return
	case errors.Is(err, relay.ErrNoRoute) || errors.Is(err, relay.ErrNoConversation):
		r.logger.ErrorContext(ctx, "outbox: an unsent reply has nowhere to go; given up", "outbox_id", o.Reply.OutboxID, "to", o.Reply.To, "channel", o.Channel, "err", err)
	case r.now().Sub(o.At) >= outboxGiveUp:
		r.logger.ErrorContext(ctx, "outbox: an unsent reply failed for too long; given up", "outbox_id", o.Reply.OutboxID, "to", o.Reply.To, "channel", o.Channel, "written", o.At, "err", err)
	default:
		r.logger.WarnContext(ctx, "outbox: an unsent reply failed again; kept for the next try", "outbox_id", o.Reply.OutboxID, "to", o.Reply.To, "err", err)
		return
	}
	// A campaign's message given up counts its recipient failed (once).
	if err := r.engine.GaveUp(ctx, o.Reply); err != nil {
		r.logger.WarnContext(ctx, "outbox: a reply given up was not counted as failed", "outbox_id", o.Reply.OutboxID, "err", err)
	}
	if err := r.engine.Delivered(ctx, o.Reply.OutboxID); err != nil {
		r.logger.WarnContext(ctx, "outbox: a reply given up stays in the outbox", "outbox_id", o.Reply.OutboxID, "err", err)
		return
	}
	r.left.sent(o.Reply.OutboxID)
}

// pacedHandler holds each message back while the outbox is full (wait
// returns), so intake stops taking messages there instead of piling them
// up in memory: the back-pressure a poller or webhook feels. Of the
// replies it returns it leaves out those the last run left (the
// resender's), which a re-delivered message is answered with.
type pacedHandler struct {
	next handler
	wait func(ctx context.Context) error
	left *leftovers
}

// Handle waits for room in the outbox, then handles m.
func (p pacedHandler) Handle(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
	if err := p.wait(ctx); err != nil {
		return nil, fmt.Errorf("outbox full: %w", err)
	}
	rs, err := p.next.Handle(ctx, m)
	return p.left.others(rs), err
}

// paced returns next held back while engine's outbox holds limit replies,
// without the replies of left (nil: none).
func paced(next handler, engine *dialog.Engine, limit int, left *leftovers) handler {
	return pacedHandler{next: next, wait: func(ctx context.Context) error { return engine.WaitPending(ctx, limit) }, left: left}
}

// blockedSender is a platform's Sender that tells the engine when a reply
// failed because its person blocked the bot (dialog.ErrBlocked, Telegram's
// 403): Engine.Blocked marks them unreachable and takes the reply out of
// the outbox (never retried), and the staff post it returns, the first
// time, goes to their thread through deliver. The error still goes back,
// so the Router does not count the reply as sent.
type blockedSender struct {
	relay.Sender
	engine  *dialog.Engine
	deliver func(ctx context.Context, r dialog.Reply) error
	logger  *slog.Logger
}

// Send implements relay.Sender.
func (s blockedSender) Send(ctx context.Context, to relay.Address, r dialog.Reply) error {
	err := s.Sender.Send(ctx, to, r)
	if err == nil || !errors.Is(err, dialog.ErrBlocked) {
		return err
	}
	user := to.User
	if user == "" {
		user = to.Conversation // a private chat's id is its person's
	}
	posts, berr := s.engine.Blocked(ctx, to.Channel, user, r)
	if berr != nil {
		s.logger.WarnContext(ctx, "outbox: a person who blocked the bot was not recorded as such", "channel", to.Channel, "err", berr)
	}
	for _, p := range posts {
		if derr := s.deliver(ctx, p); derr != nil {
			s.logger.WarnContext(ctx, "outbox: the thread was not told its customer blocked the bot", "err", derr)
		}
	}
	return err
}

// watchBlocked registers channel's sender s again on r, wrapped in a
// blockedSender.
func watchBlocked(r *router, channel string, s relay.Sender, e *dialog.Engine, log *slog.Logger) {
	r.Register(channel, blockedSender{Sender: s, engine: e, deliver: r.Deliver, logger: log})
}
