package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/dangol/dangol/bots/console"
	"github.com/dangol/dangol/dialog"
)

// This file is the console's rehearsal clock: dangol chat --at starts the
// console at another moment, :time moves it forward, and the scheduled
// posts due on the way are made on the console as serve would make them.

// consoleClock is the clock of the engine, the housekeeping and, in the
// console, the scheduled posts. Until --at or :time sets it, it is the real
// clock (Main.Now), so a console nobody rehearses in, and every platform,
// runs on the real time; once set it stands still at the time set until
// :time moves it again, so a piped script gives the same transcript on
// every run, and a job only ever falls due at a :time, printed right there.
// It is stored nowhere: the next start is at the real time again.
//
// Only the console moves it: :time is a console command, and serve --at is
// refused, so the platforms never see any clock but the real one.
type consoleClock struct {
	real func() time.Time
	loc  *time.Location

	mu   sync.Mutex
	set  bool
	at   time.Time
	sent []console.Post // what the jobs delivered during the current move

	// moving makes one move at a time; sched and sweep are set once, before
	// the console runs.
	moving sync.Mutex
	sched  *dialog.Scheduler               // the console's scheduled posts; nil: none
	sweep  func(ctx context.Context) error // housekeeping at the new time; nil: none
}

func newConsoleClock(real func() time.Time, loc *time.Location) *consoleClock {
	return &consoleClock{real: real, loc: loc}
}

// Now is the console's time, in the shop's time zone.
func (c *consoleClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set {
		return c.at
	}
	return c.real().In(c.loc)
}

// setTo makes the clock stand at t.
func (c *consoleClock) setTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.set, c.at = true, t.In(c.loc)
}

// deliver is the Deliver of the console's scheduled posts: it keeps each
// one, dated by the clock (which Advance sets to the occurrence's time),
// for Advance to hand to the console. It never fails: the console prints
// what it is given.
func (c *consoleClock) deliver(_ context.Context, r dialog.Reply) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	at := c.at
	if !c.set {
		at = c.real().In(c.loc)
	}
	c.sent = append(c.sent, console.Post{At: at, Reply: r})
	return nil
}

// Advance moves the clock forward to to, making on the way every scheduled
// post due, each at its own time, in order (dialog.Scheduler.Advance), then
// sweeps as housekeeping would have. One sweep at the end prunes what the
// hourly sweeps on the way would have pruned: each only drops what is older
// than a limit, and nothing on the way reads what they drop.
func (c *consoleClock) Advance(ctx context.Context, to time.Time) ([]console.Post, error) {
	c.moving.Lock()
	defer c.moving.Unlock()
	var err error
	switch {
	case c.sched != nil:
		err = c.sched.Advance(ctx, to, c.setTo)
	case to.Before(c.Now()):
		err = fmt.Errorf("move the console's clock to %s: %w", to.Format(time.RFC3339), dialog.ErrClockBack)
	default:
		c.setTo(to)
	}
	if c.sweep != nil && !errors.Is(err, dialog.ErrClockBack) {
		err = errors.Join(err, c.sweep(ctx))
	}
	c.mu.Lock()
	posts := c.sent
	c.sent = nil
	c.mu.Unlock()
	return posts, err
}

// startAt reads chat --at: empty is the real time (zero), anything else
// what console.ParseTime reads, in the shop's time zone, relative to the
// real time. A text it cannot read is a *usageError.
func (m *Main) startAt(at string) (time.Time, error) {
	if at == "" {
		return time.Time{}, nil
	}
	t, ok := console.ParseTime(at, m.now().In(m.Config.Loc))
	if !ok {
		return time.Time{}, m.usage("clock.err.at", map[string]any{"Value": at, "TZ": m.Config.TZ})
	}
	return t, nil
}

// chat runs the console, its clock started at at (chat --at; empty: the
// real time).
func (m *Main) chat(ctx context.Context, imageDir, at string) error {
	start, err := m.startAt(at)
	if err != nil {
		return err
	}
	m.consoleStart = start
	return m.serve(ctx, true, imageDir)
}

// consoleSchedule returns the scheduled posts as the console makes them on
// its clock: every job of the engine (the weekly summary, the morning
// follow-up DMs, and whatever the engine schedules next), on the schedules
// serve uses, delivered to the console (the summary to its staff channel, a
// DM to its recipient's address, whatever the platform) instead of Slack.
// Nothing runs at start: the console makes a post only when :time moves
// the clock over its time. The scheduled backups stay serve's: backups
// named after a rehearsed future would push the real ones out of the
// newest DANGOL_BACKUP_KEEP. A schedule that does not parse is the
// *usageError serve gives; nil: every post is off.
func (m *Main) consoleSchedule(engine *dialog.Engine, clock *consoleClock) (*dialog.Scheduler, error) {
	jobs := engine.Jobs(m.Config.SummaryCron, m.Config.FollowUpCron, clock.deliver)
	for _, j := range jobs {
		if _, err := dialog.NewScheduler(dialog.SchedulerConfig{Store: m.Store, Jobs: []dialog.Job{j}, Now: clock.Now}); err != nil {
			s := scheduleSettings[j.Name]
			return nil, m.usage("cli.err.cron", map[string]any{
				"What": m.Catalog.Text(m.Config.Lang, s.what, nil), "Value": j.Spec,
				"Example": s.example, "Setting": s.setting, "Err": err,
			})
		}
	}
	if len(jobs) == 0 {
		return nil, nil
	}
	s, err := dialog.NewScheduler(dialog.SchedulerConfig{
		Store:  m.Store,
		Jobs:   jobs,
		Loc:    m.Config.Loc,
		Logger: m.Logger,
		Now:    clock.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("start the console's scheduled posts: %w", err)
	}
	return s, nil
}

// prepareConsole readies the console's clock and pictures folder: the
// clock gets its scheduled posts and housekeeping and, with --at, its start
// time (said once, before the banner); --images DIR is created when missing.
func (m *Main) prepareConsole(engine *dialog.Engine, clock *consoleClock, hk *housekeeper, imageDir string) error {
	if imageDir != "" {
		if err := os.MkdirAll(imageDir, 0o755); err != nil {
			return m.usage("clock.err.images", map[string]any{"Dir": imageDir, "Err": err})
		}
	}
	sched, err := m.consoleSchedule(engine, clock)
	if err != nil {
		return err
	}
	clock.sched = sched
	clock.sweep = func(ctx context.Context) error {
		_, _, err := hk.sweep(ctx)
		return err
	}
	if !m.consoleStart.IsZero() {
		clock.setTo(m.consoleStart)
		when := console.FormatTime(m.Catalog, m.Config.Lang, clock.Now())
		if _, err := fmt.Fprintln(m.Stdout, m.Catalog.Text(m.Config.Lang, "clock.start", map[string]any{"Time": when})); err != nil {
			return fmt.Errorf("console: write output: %w", err)
		}
	}
	return nil
}
