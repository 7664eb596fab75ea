package dialog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/dangol/dangol/ledger"
)

// Defaults of the Scheduler.
const (
	// DefaultMaxLate is how late an occurrence of a Job with no MaxLate may
	// still be made.
	DefaultMaxLate = time.Hour
	// DefaultRetryDelay is the first wait before a failed post is tried
	// again; it doubles with each failed tick in a row, up to MaxRetryDelay.
	DefaultRetryDelay = time.Minute
	// MaxRetryDelay bounds the wait between tries of a failing post.
	MaxRetryDelay = 30 * time.Minute
	// maxWait is the longest the scheduler sleeps without looking at the
	// clock, so a host clock set forward (or a suspended laptop) is noticed.
	maxWait = time.Hour
)

// Job is one scheduled post. At each time its cron expression names, Posts
// says what to post and Deliver sends each reply.
type Job struct {
	// Name is part of the ledger keys recording the posts: keep it stable
	// across releases, or a restart posts again what was already posted.
	Name string
	// Spec is a standard 5-field cron expression ("0 9 * * 1": Monday
	// 09:00) or a descriptor such as "@weekly", read in Loc; a
	// "CRON_TZ=Area/City " prefix overrides Loc. "@every" is refused: it
	// names no calendar times, so a missed one could not be recognised.
	Spec string
	// Loc is the time zone Spec is read in; nil: the scheduler's.
	Loc *time.Location
	// MaxLate is how late an occurrence may still be made, when dangol was
	// down or the post kept failing; an older one is skipped for good. Keep
	// it shorter than the time between two occurrences, or a fresh ledger
	// just before one is due posts the one before it. 0: DefaultMaxLate.
	MaxLate time.Duration
	// Posts returns what to post for the occurrence due at at (the
	// scheduled time, not the time it runs, so a late post says what was
	// due). No replies completes the occurrence with nothing sent.
	Posts func(ctx context.Context, at time.Time) ([]Reply, error)
	// Deliver sends one reply; an error leaves it to be tried again.
	Deliver func(ctx context.Context, r Reply) error
	// Check marks a job that looks at the ledger as it is when it runs (the
	// SLA check, every ten minutes) rather than posting what its own due
	// time calls for. When the console clock jumps (Advance), a check is
	// made only at its last occurrence before each occurrence of another
	// job and before the clock's new time: a jump of two years is then a
	// few thousand checks instead of a hundred thousand. A check that
	// posts nothing writes nothing either (its occurrence is remembered in
	// memory only): made again after a restart it finds what it found, and
	// the campaign check every minute would otherwise be a commit a minute.
	// A check that sends something during a jump has the other checks
	// look again from its time (Scheduler.recheck): what it sent may be
	// their work.
	Check bool
	// Due, for a Check, returns the first moment at or after at when it
	// has work (a campaign's send time), zero for none known: a jump then
	// makes the check then too, not only before the next other job. The
	// console showed a 15:00 campaign as sent at 16:00.
	Due func(ctx context.Context, at time.Time) (time.Time, error)
}

// SchedulerConfig configures NewScheduler. Zero values take the documented
// defaults.
type SchedulerConfig struct {
	Store  *ledger.Store // required: it records what was posted
	Jobs   []Job
	Loc    *time.Location // the zone of jobs without their own Loc; nil: UTC
	Logger *slog.Logger   // nil: slog.Default()

	// RetryDelay is the first wait after a failed tick; 0: DefaultRetryDelay.
	RetryDelay time.Duration
	// Now and After are the clock; tests pass a fake one. nil: time.Now
	// and time.After.
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
}

// Scheduler makes each Job's posts once. The ledger records every post
// made, keyed by the job, its scheduled time and the recipient, so a
// restart never posts twice, and a post missed while dangol was down is
// made at start-up, if it is not later than the job's MaxLate. Run and
// Tick only ever make the latest occurrence of a job: dangol down for three
// Mondays posts one summary, not three. Advance, for a rehearsal clock that
// jumps ahead, makes every occurrence on the way.
//
// A post is recorded before it is sent and the record removed if sending
// fails, so it is tried again on a later tick (after RetryDelay, doubling up
// to MaxRetryDelay); a crash between the record and the sending loses that
// one post rather than doubling it. An occurrence is complete once every
// one of its posts was sent: a failed DM to one staff member is retried
// without sending the others theirs again.
type Scheduler struct {
	store *ledger.Store
	jobs  []scheduled
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
	retry time.Duration
	log   *slog.Logger

	mu sync.Mutex // one Tick at a time
}

type scheduled struct {
	Job
	sched cron.Schedule
	// checked is the last occurrence of a Check made without posts, which
	// left no record in the ledger.
	checked time.Time
}

// NewScheduler checks every job: a cron expression that does not parse,
// is an "@every" interval or is never due (February 30th) is an error
// naming the job and the expression.
func NewScheduler(cfg SchedulerConfig) (*Scheduler, error) {
	if cfg.Store == nil {
		return nil, errors.New("dialog: new scheduler: no ledger store")
	}
	s := &Scheduler{store: cfg.Store, now: cfg.Now, after: cfg.After, retry: cfg.RetryDelay, log: cfg.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.after == nil {
		s.after = time.After
	}
	if s.retry <= 0 {
		s.retry = DefaultRetryDelay
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	loc := cfg.Loc
	if loc == nil {
		loc = time.UTC
	}
	names := map[string]bool{}
	for _, j := range cfg.Jobs {
		switch {
		case j.Name == "" || strings.ContainsAny(j.Name, "@/ "):
			return nil, fmt.Errorf("dialog: new scheduler: job name %q: want a word without @, / or spaces", j.Name)
		case names[j.Name]:
			return nil, fmt.Errorf("dialog: new scheduler: two jobs named %s", j.Name)
		case j.Posts == nil || j.Deliver == nil:
			return nil, fmt.Errorf("dialog: new scheduler: job %s: Posts and Deliver are required", j.Name)
		}
		names[j.Name] = true
		sc, err := parseSpec(j.Spec)
		if err != nil {
			return nil, fmt.Errorf("dialog: new scheduler: job %s: cron expression %q: %w", j.Name, j.Spec, err)
		}
		if j.Loc == nil {
			j.Loc = loc
		}
		if j.MaxLate <= 0 {
			j.MaxLate = DefaultMaxLate
		}
		if sc.Next(s.now().In(j.Loc)).IsZero() {
			return nil, fmt.Errorf("dialog: new scheduler: job %s: cron expression %q is never due", j.Name, j.Spec)
		}
		s.jobs = append(s.jobs, scheduled{Job: j, sched: sc})
	}
	return s, nil
}

// parseSpec parses a standard cron expression. robfig/cron panics on some
// malformed input (a "CRON_TZ=Zone" prefix with nothing after it): that is
// an error here, since the expression comes from configuration.
func parseSpec(spec string) (sc cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			sc, err = nil, fmt.Errorf("malformed (%v)", r)
		}
	}()
	sc, err = cron.ParseStandard(strings.TrimSpace(spec))
	if err != nil {
		return nil, err
	}
	if _, ok := sc.(*cron.SpecSchedule); !ok {
		return nil, errors.New("want calendar times (minute hour day month weekday), not an interval")
	}
	return sc, nil
}

// Run makes what is due now, including a post missed while dangol was
// down, then sleeps until the next scheduled time (or the next retry of a
// failed post) and does it again, until ctx is done. It returns promptly
// once ctx is done; wait for it before closing the ledger.
func (s *Scheduler) Run(ctx context.Context) {
	failures := 0
	for ctx.Err() == nil {
		err := s.Tick(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := s.untilNext(s.now())
		if err != nil {
			failures++
			wait = min(wait, s.backoff(failures))
			s.log.ErrorContext(ctx, "dialog: scheduled post failed", "err", err, "retry_in", wait)
		} else {
			failures = 0
		}
		select {
		case <-ctx.Done():
			return
		case <-s.after(wait):
		}
	}
}

// backoff is the wait after n failed ticks in a row.
func (s *Scheduler) backoff(n int) time.Duration {
	d := s.retry
	for i := 1; i < n && d < MaxRetryDelay; i++ {
		d *= 2
	}
	return min(d, MaxRetryDelay)
}

// Tick makes, for every job, its latest occurrence at or before now that
// is not later than MaxLate and was not completed yet. The error joins what
// failed; what did not fail was posted and recorded.
func (s *Scheduler) Tick(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var errs []error
	for i := range s.jobs {
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, err)...)
		}
		if err := s.runJob(ctx, &s.jobs[i], now); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// runJob makes j's due occurrence, if any.
func (s *Scheduler) runJob(ctx context.Context, j *scheduled, now time.Time) error {
	at, ok := latest(j.sched, now.In(j.Loc), j.MaxLate)
	if !ok {
		return nil
	}
	_, err := s.occur(ctx, j, at, now)
	return err
}

// ErrClockBack is returned by Advance when asked to move the clock back.
var ErrClockBack = errors.New("the clock only moves forward")

// Advance is the rehearsal clock's Run: it moves the clock forward to to
// and makes, on the way, every occurrence of every job due from the
// clock's time (an occurrence due at that very time included) up to to, in
// time order; jobs due at the same time go in the order they were given.
// Before each occurrence it calls set with the occurrence's time, so the
// job and the ledger records see the moment serve would have made it; at
// the end it calls set(to). Unlike Tick, which makes only the latest
// occurrence of a job, Advance makes each one, and MaxLate does not apply:
// nothing is late. An occurrence already recorded as posted is not made
// again, so advancing over a time twice, or over what serve made, posts
// nothing twice.
//
// A failed occurrence is in the returned error and is not tried again: the
// clock has moved past it. When ctx is done Advance stops at once, with
// the clock at the last occurrence made. to before the clock's time is
// ErrClockBack, and nothing is made.
func (s *Scheduler) Advance(ctx context.Context, to time.Time, set func(time.Time)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := s.now()
	if to.Before(from) {
		return fmt.Errorf("dialog: advance the clock from %s to %s: %w", from.Format(time.RFC3339), to.Format(time.RFC3339), ErrClockBack)
	}
	// cron's Next is strictly after its argument: start a nanosecond
	// early so an occurrence due right now counts.
	next := make([]time.Time, len(s.jobs))
	for i, j := range s.jobs {
		next[i] = j.sched.Next(from.Add(-time.Nanosecond).In(j.Loc))
	}
	var errs []error
	for {
		i := earliest(next)
		if i < 0 || next[i].After(to) {
			break
		}
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, err)...)
		}
		at := next[i]
		if s.jobs[i].Check {
			// Skip a check whose next occurrence still comes before
			// anything else happens: it would find what that one finds.
			bound := s.nextOther(next, to)
			if due := s.jobs[i].Due; due != nil {
				d, err := due(ctx, at)
				if err != nil {
					errs = append(errs, err)
				} else if !d.IsZero() && d.Before(bound) {
					bound = maxTime(d, at)
				}
			}
			if last := lastBy(s.jobs[i].sched, at, bound); last.After(at) {
				next[i] = last
				continue
			}
		}
		set(at)
		sent, err := s.occur(ctx, &s.jobs[i], at, at)
		if err != nil {
			errs = append(errs, err)
		}
		next[i] = s.jobs[i].sched.Next(at)
		if sent > 0 {
			s.recheck(next, i, at)
		}
	}
	set(to)
	return errors.Join(errs...)
}

// recheck brings the checks other than job i, which just sent something
// at at, back to their first occurrence from at: what it sent may be work
// for them (a question forwarded, to be told past its SLA; a note kept,
// its rating to ask for) that their Due, read before, did not know of.
// An occurrence at at that was already made is not made again (occur).
func (s *Scheduler) recheck(next []time.Time, i int, at time.Time) {
	for k := range s.jobs {
		if k == i || !s.jobs[k].Check {
			continue
		}
		if t := s.jobs[k].sched.Next(at.Add(-time.Nanosecond).In(s.jobs[k].Loc)); !t.IsZero() && t.Before(next[k]) {
			next[k] = t
		}
	}
}

// lastBy returns the last occurrence of sched at or before bound, at being
// one at or before it: what calling Next from at until it passes bound
// reaches, in a few calls rather than one per occurrence (a check every
// ten minutes has 52,560 of them in a year the console's :time may jump
// over). It looks back from bound over windows that double until one holds
// an occurrence, then steps forward from the first occurrence in it.
func lastBy(sched cron.Schedule, at, bound time.Time) time.Time {
	for d := time.Minute; ; d *= 2 {
		x := bound.Add(-d)
		if !x.After(at) {
			break // the window reaches back to at: step from at
		}
		if t := sched.Next(x.Add(-time.Nanosecond).In(at.Location())); !t.IsZero() && !t.After(bound) {
			at = t
			break
		}
	}
	for {
		after := sched.Next(at)
		if after.IsZero() || after.After(bound) {
			return at
		}
		at = after
	}
}

// nextOther returns the earliest next occurrence of a job that is not a
// Check, or to when none comes sooner.
func (s *Scheduler) nextOther(next []time.Time, to time.Time) time.Time {
	bound := to
	for i, t := range next {
		if !s.jobs[i].Check && !t.IsZero() && t.Before(bound) {
			bound = t
		}
	}
	return bound
}

// maxTime returns the later of a and b.
func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// earliest returns the index of the earliest of times that is not zero
// (the first of equal ones), or -1 when all are zero.
func earliest(times []time.Time) int {
	first := -1
	for i, t := range times {
		if !t.IsZero() && (first < 0 || t.Before(times[first])) {
			first = i
		}
	}
	return first
}

// occur makes j's occurrence due at at, at the time now, unless it is
// recorded as complete, and returns how many of its posts it delivered.
func (s *Scheduler) occur(ctx context.Context, j *scheduled, at, now time.Time) (sent int, err error) {
	if j.Check && j.checked.Equal(at) {
		return 0, nil
	}
	key := j.Name + "@" + at.UTC().Format(time.RFC3339)
	done, err := s.posted(ctx, key)
	if err != nil || done {
		return 0, err
	}
	var posts []Reply
	err = safely(func() error {
		var err error
		posts, err = j.Posts(ctx, at)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("dialog: schedule %s: make posts: %w", key, err)
	}
	// Bookkeeping after a send must land even when ctx ends meanwhile:
	// a post sent but not recorded would be sent again.
	keep := context.WithoutCancel(ctx)
	var errs []error
	for i, pk := range postKeys(key, posts) {
		if err := ctx.Err(); err != nil {
			return sent, errors.Join(append(errs, err)...)
		}
		claimed, err := s.claim(ctx, pk, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !claimed {
			continue
		}
		if err := safely(func() error { return j.Deliver(ctx, posts[i]) }); err != nil {
			errs = append(errs, fmt.Errorf("dialog: schedule %s: deliver: %w", pk, err))
			if err := s.store.Update(keep, func(tx *ledger.Tx) error { return tx.UnmarkPosted(pk) }); err != nil {
				errs = append(errs, fmt.Errorf("dialog: schedule %s: forget the failed post, so it will not be retried: %w", pk, err))
			}
			continue
		}
		sent++
		s.log.InfoContext(ctx, "dialog: scheduled post sent", "job", j.Name, "due", at, "post", pk)
	}
	if len(errs) > 0 {
		return sent, errors.Join(errs...)
	}
	if j.Check && len(posts) == 0 {
		j.checked = at
		return 0, nil
	}
	err = s.store.Update(keep, func(tx *ledger.Tx) error {
		if err := tx.MarkPosted(key, now); err != nil {
			return err
		}
		if !j.Check {
			return nil
		}
		// A check runs every few minutes: its records older than its
		// lateness (and a day's margin for a clock put back) are never read
		// again, and would grow the file by an occurrence each run.
		_, err := tx.PrunePosted(j.Name+"@", now.Add(-j.MaxLate-checkKeep))
		return err
	})
	if err != nil {
		return sent, fmt.Errorf("dialog: schedule %s: record: %w", key, err)
	}
	return sent, nil
}

// checkKeep is how long past its lateness a check's record of an
// occurrence is kept.
const checkKeep = 24 * time.Hour

// posted reports whether key is recorded as posted.
func (s *Scheduler) posted(ctx context.Context, key string) (bool, error) {
	var done bool
	err := s.store.View(ctx, func(tx *ledger.Tx) error {
		var err error
		done, err = tx.Posted(key)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("dialog: schedule %s: read: %w", key, err)
	}
	return done, nil
}

// claim records key as posted unless it already is; claimed says this call
// recorded it, so the caller is the one to send it.
func (s *Scheduler) claim(ctx context.Context, key string, now time.Time) (claimed bool, err error) {
	err = s.store.Update(ctx, func(tx *ledger.Tx) error {
		claimed = false // Update may run this more than once
		done, err := tx.Posted(key)
		if err != nil || done {
			return err
		}
		claimed = true
		return tx.MarkPosted(key, now)
	})
	if err != nil {
		return false, fmt.Errorf("dialog: schedule %s: record: %w", key, err)
	}
	return claimed, nil
}

// postKeys names each post of the occurrence key by its recipient, so the
// record of a post survives a change in the order or number of the others.
// Several posts to one recipient are told apart by their rank.
func postKeys(key string, posts []Reply) []string {
	keys := make([]string, len(posts))
	seen := map[string]int{}
	for i, r := range posts {
		var to string
		switch r.To {
		case ToStaffChannel:
			to = "staff"
		case ToUser:
			to = "user:" + r.Channel + ":" + r.UserID
		default:
			to = "conversation"
		}
		if n := seen[to]; n > 0 {
			keys[i] = fmt.Sprintf("%s/%s#%d", key, to, n+1)
		} else {
			keys[i] = key + "/" + to
		}
		seen[to]++
	}
	return keys
}

// safely runs fn, turning a panic into an error: a bug in one post must
// not take the scheduler, and dangol with it, down.
func safely(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	return fn()
}

// latest returns sc's last time at or before now that is at most maxLate
// before it. cron only looks forward, so it searches windows back from now,
// doubling, and then steps forward through the first window that holds a
// time: a handful of steps for a daily or weekly expression.
func latest(sc cron.Schedule, now time.Time, maxLate time.Duration) (time.Time, bool) {
	// Next is strictly after its argument, at whole seconds: start a
	// second early so a time exactly maxLate ago still counts.
	floor := now.Add(-maxLate - time.Second)
	for back := time.Minute; ; back *= 2 {
		from := now.Add(-back)
		if from.Before(floor) {
			from = floor
		}
		t := sc.Next(from)
		if !t.IsZero() && !t.After(now) {
			for n := sc.Next(t); !n.IsZero() && !n.After(now); n = sc.Next(n) {
				t = n
			}
			return t, now.Sub(t) <= maxLate
		}
		if !from.After(floor) {
			return time.Time{}, false
		}
	}
}

// untilNext returns how long until the next scheduled time of any job.
func (s *Scheduler) untilNext(now time.Time) time.Duration {
	wait := maxWait
	for _, j := range s.jobs {
		if next := j.sched.Next(now.In(j.Loc)); !next.IsZero() {
			wait = min(wait, next.Sub(now))
		}
	}
	return max(wait, time.Second)
}
