package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dangol/dangol/bots/console"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// This file is the console's rehearsal clock: dangol chat --at starts the
// console at another moment, on a copy of the data file, :time moves it
// forward, and the scheduled posts due on the way are made on the console
// as serve would make them.

// consoleClock is the clock of the engine, the housekeeping and, in the
// console, the scheduled posts. Without --at it is the real clock
// (Main.Now) and never moves, so a console on the shop's own data, and
// every platform, runs on the real time; with --at it stands still at the
// time set until :time moves it again, so a piped script gives the same
// transcript on every run, and a job only ever falls due at a :time,
// printed right there. It is stored nowhere: the next start is at the real
// time again.
//
// Only a rehearsal moves it: :time is a console command, refused without
// --at, and serve --at is refused, so the real ledger and the platforms
// never see any clock but the real one.
type consoleClock struct {
	real func() time.Time
	loc  *time.Location
	// rehearsing lets :time move the clock: the console runs on a copy of
	// the data file (chat --at). Set once, before the console runs.
	rehearsing bool

	mu   sync.Mutex
	set  bool
	at   time.Time
	sent []console.Post // what the jobs delivered during the current move

	// moving makes one move at a time; sched and sweep are set once, before
	// the console runs.
	moving sync.Mutex
	sched  *dialog.Scheduler               // the console's scheduled posts; nil: none
	sweep  func(ctx context.Context) error // housekeeping and retention at the new time; nil: none
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
//
// Without a rehearsal it moves nothing and returns console.ErrNotRehearsal:
// the posts on the way would be recorded as made in the real ledger, and
// the real Monday's would then never be made.
func (c *consoleClock) Advance(ctx context.Context, to time.Time) ([]console.Post, error) {
	if !c.rehearsing {
		return nil, fmt.Errorf("move the console's clock to %s: %w", to.Format(time.RFC3339), console.ErrNotRehearsal)
	}
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

// startAt reads chat --at: empty is no rehearsal (zero), "now" the real
// time, anything else what console.ParseTime reads, in the shop's time
// zone, relative to the real time. A text it cannot read is a *usageError.
func (m *Main) startAt(at string) (time.Time, error) {
	if at == "" {
		return time.Time{}, nil
	}
	if strings.EqualFold(strings.TrimSpace(at), "now") {
		return m.now().In(m.Config.Loc), nil
	}
	t, ok := console.ParseTime(at, m.now().In(m.Config.Loc))
	if !ok {
		return time.Time{}, m.usage("clock.err.at", map[string]any{"Value": at, "TZ": m.Config.TZ})
	}
	return t, nil
}

// chat runs the console: on the data file at the real time, or, with
// --at, a rehearsal on a copy of it, its clock started at at. The copy is
// removed when the console ends, whatever ends it short of a kill; what a
// kill leaves the next chat removes.
func (m *Main) chat(ctx context.Context, imageDir, at string) (err error) {
	start, err := m.startAt(at)
	if err != nil {
		return err
	}
	m.removeLeftRehearsals(m.Config.DB)
	if start.IsZero() {
		return m.serve(ctx, true, imageDir)
	}
	if err := m.rehearse(ctx, start); err != nil {
		return err
	}
	defer func() {
		if eerr := m.endRehearsal(); eerr != nil {
			err = errors.Join(err, eerr)
		}
	}()
	return m.serve(ctx, true, imageDir)
}

// rehearsal is a console started with chat --at. It runs on a copy of the
// data file because what is done at a rehearsed time is recorded at that
// time: notes dated next week, and the scheduled posts marked as made, so
// a serve on the real file would skip the real Monday's summary and DMs.
type rehearsal struct {
	start time.Time // where the console's clock starts
	db    string    // the shop's data file, only read, for the copy
	copy  string    // the copy the console runs on, beside db
	// empty: db was missing, so the copy is an empty ledger, and the
	// start says so.
	empty bool
}

// processStart is when this dangol started: a rehearsal copy last written
// before it was left by a console killed before it could remove it.
var processStart = time.Now()

// rehearsalMark names a rehearsal copy: ".dangol.db.rehearsal-123456" for
// dangol.db. Hidden, and beside the data file so it is on the same disk,
// under the same protection, and found again by the next chat.
const rehearsalMark = ".rehearsal-"

func rehearsalPrefix(db string) string { return "." + filepath.Base(db) + rehearsalMark }

// rehearse makes the rehearsal copy of Config.DB (mode 0600) and points
// Config.DB at it, so everything the console opens is the copy;
// endRehearsal points it back. A data file another dangol holds is the "in
// use" error; a missing one is an empty rehearsal ledger, and nothing is
// created at its path.
func (m *Main) rehearse(ctx context.Context, start time.Time) error {
	db := m.Config.DB
	_, serr := os.Stat(db)
	empty := errors.Is(serr, fs.ErrNotExist)
	if empty {
		// A missing file beside its key (or with DANGOL_KEY) is the
		// shop's ledger moved or not mounted: rehearsing on nothing would
		// show it as a shop without customers. Refused as every start
		// refuses it; --new, or a first start, rehearses on an empty one.
		if err := m.checkDataFile(db, true); err != nil {
			return err
		}
	}
	f, err := os.CreateTemp(filepath.Dir(db), rehearsalPrefix(db)+"*")
	if err != nil {
		return fmt.Errorf("make a rehearsal copy of %s: %w", db, err)
	}
	err = m.copyLedger(ctx, db, f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("make a rehearsal copy of %s: %w", db, cerr)
	}
	if err != nil {
		return errors.Join(err, removeCopy(f.Name()))
	}
	m.rehearsal = &rehearsal{start: start, db: db, copy: f.Name(), empty: empty}
	m.Config.DB = f.Name()
	m.Logger.Info("chat: rehearsal on a copy", "db", db, "copy", f.Name())
	return nil
}

// copyLedger writes a consistent copy of the ledger at db to w (nothing for
// a missing file), holding the file only for as long as that takes: the
// lock is what tells a serving dangol's file, whose copy could be torn.
func (m *Main) copyLedger(ctx context.Context, db string, w io.Writer) error {
	if _, err := os.Stat(db); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	src, err := m.openLedgerKey(db, nil, false) // a rehearsal never makes the shop's key
	if err != nil {
		return err
	}
	_, err = src.Backup(ctx, w)
	if cerr := src.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("make a rehearsal copy of %s: %w", db, err)
	}
	return nil
}

// endRehearsal closes the rehearsal ledger, removes its copy and points
// Config.DB back at the shop's file. Nothing of the rehearsal is kept.
func (m *Main) endRehearsal() error {
	r := m.rehearsal
	if r == nil {
		return nil
	}
	err := m.Close()
	m.Config.DB, m.rehearsal = r.db, nil
	return errors.Join(err, removeCopy(r.copy))
}

func removeCopy(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the rehearsal copy %s: %w", path, err)
	}
	return nil
}

// removeLeftRehearsals removes the rehearsal copies beside db that were
// last written before this process started: what a killed console left.
// A copy another dangol's console has sat on, idle, since then goes too;
// that console keeps its open file where the system allows (and the
// removal fails, logged, where it does not), and it was only ever a copy.
func (m *Main) removeLeftRehearsals(db string) {
	dir, prefix := filepath.Dir(db), rehearsalPrefix(db)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return // opening the data file there says what is wrong, if anything
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(processStart) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			m.Logger.Warn("chat: a rehearsal copy left behind cannot be removed", "path", path, "err", err)
			continue
		}
		m.Logger.Info("chat: removed a rehearsal copy left behind", "path", path)
	}
}

// consoleSchedule returns the scheduled posts as the console makes them on
// its clock: every job of the engine (the daily retention run, the weekly
// summary, the morning follow-up DMs, and whatever the engine schedules
// next), on the schedules
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
	if j, ok := engine.RetentionJob(); ok {
		jobs = append([]dialog.Job{j}, jobs...) // first, as serve has it
	}
	jobs = append(jobs, m.periodicJobs(engine, clock.deliver, true)...) // serve's (schedule.go)
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
// clock gets its scheduled posts and housekeeping (with the retention run,
// as at serve's start) and, in a rehearsal, its
// start time and leave to move (said once, before the banner, with the
// file it copies); --images DIR is created when missing.
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
		// The daily runs on the way erased at their times; this one
		// catches whoever's time ran out since the last of them.
		_, rerr := engine.ApplyRetention(ctx)
		return errors.Join(err, rerr)
	}
	if r := m.rehearsal; r != nil {
		clock.rehearsing = true
		clock.setTo(r.start)
		when := console.FormatTime(m.Catalog, m.Config.Lang, clock.Now())
		id := "clock.start"
		if r.empty {
			id = "clock.start_empty"
		}
		if _, err := fmt.Fprintln(m.Stdout, m.Catalog.Text(m.Config.Lang, id, map[string]any{"Time": when, "DB": r.db})); err != nil {
			return fmt.Errorf("console: write output: %w", err)
		}
		m.warnBeforeData(clock.Now())
	}
	return nil
}

// warnBeforeData says, at the start of a rehearsal, when the data file
// holds records later than its start, naming the newest and an --at after
// it. Such a rehearsal was accepted silently, and then new notes sorted
// before the old ones and a question "received" after the rehearsed time
// raised its reply-time alert. It is not refused: it runs on a copy, so
// it harms nothing, and replaying a past week (its summary, its
// follow-ups) is a use of its own.
func (m *Main) warnBeforeData(start time.Time) {
	newest, err := newestRecord(context.Background(), m.Store, start)
	if err != nil {
		m.Logger.Warn("chat: the newest record of the rehearsal copy cannot be read", "err", err)
		return
	}
	if newest.IsZero() {
		return
	}
	newest = newest.In(m.Config.Loc)
	suggest := newest.Truncate(time.Hour).Add(time.Hour)
	fmt.Fprintln(m.Stdout, m.Catalog.Text(m.Config.Lang, "clock.warn.before_data", map[string]any{
		"Newest":  console.FormatTime(m.Catalog, m.Config.Lang, newest),
		"Suggest": suggest.Format("2006-01-02T15:04"),
	}))
}

// newestRecord is the time of the newest record of s dated after from
// (customers, notes, points, feedback, threads, the audit trail), or the
// zero time when none is: only what lies after from is read.
func newestRecord(ctx context.Context, s *ledger.Store, from time.Time) (time.Time, error) {
	var newest time.Time
	see := func(t time.Time) {
		if t.After(newest) {
			newest = t
		}
	}
	to := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	from = from.Add(time.Nanosecond) // after, not at, the start
	err := s.View(ctx, func(tx *ledger.Tx) error {
		return errors.Join(
			tx.ScanNewCustomersClear(from, to, func(c ledger.Customer) error { see(c.CreatedAt); return nil }),
			tx.ScanNotesClear(from, to, func(n ledger.Note) error { see(n.At); return nil }),
			tx.ScanPointsClear(from, to, func(p ledger.PointsEntry) error { see(p.At); return nil }),
			tx.ScanFeedbackClear(from, to, func(f ledger.Feedback) error { see(f.At); return nil }),
			tx.ScanThreads(from, to, func(t ledger.Thread) error { see(t.OpenedAt); see(t.LastInAt); return nil }),
			tx.ScanAudit(from, to, func(a ledger.AuditEntry) error { see(a.At); return nil }),
		)
	})
	return newest, err
}

// sendNow is the clock of Telegram's outgoing limits: Main's when a test
// gives the timers too (SendAfter), else nil, the real one. A clock that
// stands still with real timers would push every slot further out.
func (m *Main) sendNow() func() time.Time {
	if m.SendAfter == nil {
		return nil
	}
	return m.now
}
