package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// runSocketMode serves Slack over Socket Mode until ctx is done. It reads
// the client's event channel itself rather than through
// socketmode.SocketmodeHandler, whose handlers each run in a goroutine it
// starts: the events must be queued in arrival order, and every goroutine
// must be known to the drain on shutdown.
//
// The bot token is checked before (Run); socketmode itself tries again while
// apps.connections.open cannot be reached (its events are logged once a
// minute at most) and gives up only on a rejected app token.
func (b *Bot) runSocketMode(ctx context.Context) error {
	sm := socketmode.New(b.api, socketmode.OptionLog(slog.NewLogLogger(b.cfg.Logger.Handler(), slog.LevelDebug)))
	// The socket outlives ctx a little: modal answers still being computed
	// are sent on it before it closes.
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- sm.RunContext(runCtx) }()

	var answering sync.WaitGroup
	var runErr error
loop:
	for {
		select {
		case evt := <-sm.Events:
			b.socketEvent(runCtx, sm, evt, &answering)
		case runErr = <-errc:
			break loop
		case <-ctx.Done():
			break loop
		}
	}
	answering.Wait()
	stop()
	if runErr == nil {
		runErr = <-errc
	}
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	drainErr := b.Close(drainCtx)
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return appTokenError(runErr)
	}
	return drainErr
}

// socketEvent queues one Socket Mode event's work and acknowledges it once
// the engine has handled it (a modal submission with the engine's answer),
// waiting in other goroutines so the loop keeps reading.
func (b *Bot) socketEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event, answering *sync.WaitGroup) {
	ackEnvelope := func(id string, payload any) {
		if err := sm.AckCtx(ctx, id, payload); err != nil {
			b.log.Warn("slack: ack", "envelope", id, "err", err)
		}
	}
	ack := func(payload any) {
		if evt.Request != nil {
			ackEnvelope(evt.Request.EnvelopeID, payload)
		}
	}
	switch evt.Type {
	case socketmode.EventTypeConnecting, socketmode.EventTypeHello:
		b.log.Debug("slack: socket mode", "event", evt.Type)
	case socketmode.EventTypeConnected:
		b.rep.Reached(ctx)
		b.log.Info("slack: socket mode connected")
	case socketmode.EventTypeConnectionError:
		// Sent on every failed try to connect: counted, logged once a minute.
		err := fmt.Errorf("socket mode: %v", evt.Data)
		if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok && ce.ErrorObj != nil {
			err = fmt.Errorf("socket mode: %w", ce.ErrorObj)
		}
		b.rep.Failed(ctx, err)
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.log.Warn("slack: socket mode", "event", evt.Type, "data", fmt.Sprint(evt.Data))
	case socketmode.EventTypeInvalidAuth:
		// Run returns ErrAppTokenRejected next, which says it to the user.
		b.log.Debug("slack: socket mode: invalid app token")
	case socketmode.EventTypeErrorBadMessage:
		// Acknowledge what we cannot read, or Slack sends it again and again.
		bad, _ := evt.Data.(*socketmode.ErrorBadMessage)
		if bad != nil {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(bad.Message, &env) == nil && env.EnvelopeID != "" {
				ackEnvelope(env.EnvelopeID, nil)
			}
			b.log.Warn("slack: unreadable socket message", "err", bad.Cause)
		}
	case socketmode.EventTypeSlashCommand:
		if c, ok := evt.Data.(slack.SlashCommand); ok && c.UserID != "" {
			b.ackWhenCommitted(ctx, answering, ack, b.commandJob(c))
			return
		}
		ack(nil)
	case socketmode.EventTypeEventsAPI:
		ev, _ := evt.Data.(slackevents.EventsAPIEvent)
		if j, ok := b.eventJob(ev); ok {
			b.ackWhenCommitted(ctx, answering, ack, j)
			return
		}
		ack(nil)
	case socketmode.EventTypeInteractive:
		ic, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			ack(nil)
			return
		}
		switch ic.Type {
		case slack.InteractionTypeViewSubmission:
			answering.Go(func() {
				resp, err := b.submit(ctx, ic)
				if err != nil || resp == nil {
					ack(nil) // an untyped nil: no payload closes the modal
					return
				}
				ack(resp)
			})
		case slack.InteractionTypeBlockActions:
			if j, ok := b.actionJob(ic); ok {
				b.ackWhenCommitted(ctx, answering, ack, j)
				return
			}
			ack(nil)
		default:
			ack(nil)
		}
	}
}

// ackWhenCommitted queues j and acknowledges the envelope once the engine
// has handled it (at most submitWait later), waiting in its own goroutine
// so the loop keeps reading; j is queued here, in the loop, so
// conversations keep their order. Slack resends nothing acknowledged:
// acking after the commit means a crash cannot lose an envelope. A job not
// queued (only while shutting down) is acknowledged at once.
func (b *Bot) ackWhenCommitted(ctx context.Context, answering *sync.WaitGroup, ack func(any), j job) {
	done, err := b.accept(ctx, j)
	if err != nil {
		b.log.Warn("slack: event dropped", "event", j.msg.EventID, "err", err)
		ack(nil)
		return
	}
	answering.Go(func() {
		b.waitCommitted(done, j.msg.EventID)
		ack(nil)
	})
}
