package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/dangol/dangol/bots/console"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// This file is the only one that knows the adapters: it builds the engine,
// starts every configured platform and routes replies between them.

// platform is a running adapter: Run blocks until ctx is done (or, for the
// console, the input ends) and returns after its in-flight messages are
// handled; Deliver sends a reply that answers no message of its own.
type platform interface {
	Run(ctx context.Context) error
	Deliver(ctx context.Context, r dialog.Reply) error
}

// serve runs the configured platforms, or the console when none is
// configured or consoleOnly is set, until they stop. The ledger stays open
// for Close, which main calls last.
func (m *Main) serve(ctx context.Context, consoleOnly bool, imageDir string) error {
	if err := m.openStore(); err != nil {
		return err
	}
	engine, err := dialog.New(dialog.Config{
		Store:      m.Store,
		Catalog:    m.Catalog,
		Logger:     m.Logger,
		Loc:        m.Config.Loc,
		Lang:       m.Config.Lang,
		PointsRate: m.Config.PointsRate,
		Managers:   m.Config.Slack.Managers,
		Staff:      m.Config.Slack.Staff,
		Now:        m.Now,
		NewCode:    m.NewCode,
	})
	if err != nil {
		return fmt.Errorf("start dialog engine: %w", err)
	}

	r := &router{logger: m.Logger, byChannel: map[string]platform{}}
	var platforms []platform
	if !consoleOnly {
		if m.Config.Telegram.Token != "" || m.Config.Slack.BotToken != "" {
			return errors.New("the Telegram and Slack adapters are not wired into this build yet; unset their tokens or run 'dangol chat'")
		}
	}
	if len(platforms) == 0 {
		c := console.New(console.Config{
			In:       m.Stdin,
			Out:      m.Stdout,
			Handler:  engine,
			Catalog:  m.Catalog,
			Lang:     m.Config.Lang,
			Logger:   m.Logger,
			Prompt:   isTerminal(m.Stdin),
			Echo:     true,
			ImageDir: imageDir,
		})
		r.staff = c
		r.byChannel[dialog.ChannelConsole] = c
		platforms = append(platforms, c)
		m.Logger.Info("console chat", "db", m.Config.DB, "lang", m.Config.Lang, "tz", m.Config.TZ)
	}
	return runAll(ctx, platforms)
}

// runAll runs every platform until all have returned. When one fails, the
// others are stopped and its error returned.
func runAll(ctx context.Context, platforms []platform) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for _, p := range platforms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.Run(ctx); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	return first
}

// router sends replies that go elsewhere than the conversation they answer:
// staff-channel alerts and messages to one user on another platform.
type router struct {
	logger    *slog.Logger
	staff     platform // serves the staff channel; nil: the alert is only logged
	byChannel map[string]platform
}

// Deliver sends r where it is addressed. A reply nobody can carry is
// logged, not an error: the message that raised it is already committed.
func (r *router) Deliver(ctx context.Context, reply dialog.Reply) error {
	var p platform
	switch reply.To {
	case dialog.ToStaffChannel:
		p = r.staff
	case dialog.ToUser:
		p = r.byChannel[reply.Channel]
	}
	if p == nil {
		r.logger.WarnContext(ctx, "reply has nowhere to go", "to", reply.To, "channel", reply.Channel, "user", reply.UserID, "text", reply.Text)
		return nil
	}
	return p.Deliver(ctx, reply)
}

// lastUpdateID reads the Telegram update cursor the engine advances in the
// same transaction as each update's effect.
func lastUpdateID(s *ledger.Store) func(context.Context) (int64, error) {
	return func(ctx context.Context) (int64, error) {
		var id int64
		err := s.View(ctx, func(tx *ledger.Tx) error {
			var err error
			id, err = tx.Cursor("telegram.update")
			return err
		})
		return id, err
	}
}

// isTerminal reports whether r is a terminal, where the console prompts
// instead of echoing.
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
