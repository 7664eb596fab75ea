package dialog

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/dangol/dangol/ledger"
)

// Monday 2026-05-11 09:00 in Seoul: the week before is 2026-W19.
var mon0900 = time.Date(2026, 5, 11, 9, 0, 0, 0, seoul)

// setClock moves the harness clock (engine and scheduler share it).
func (h *harness) setClock(t time.Time) {
	h.mu.Lock()
	h.clock = t
	h.mu.Unlock()
}

// outbox is a Deliver that records what was sent; fail, when set, decides
// per reply whether sending fails.
type outbox struct {
	mu   sync.Mutex
	sent []Reply
	fail func(r Reply) error
}

func (o *outbox) deliver(_ context.Context, r Reply) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail != nil {
		if err := o.fail(r); err != nil {
			return err
		}
	}
	o.sent = append(o.sent, r)
	return nil
}

// take returns what was sent since the last take.
func (o *outbox) take() []Reply {
	o.mu.Lock()
	defer o.mu.Unlock()
	rs := o.sent
	o.sent = nil
	return rs
}

// failTimes fails the first n deliveries that match.
func failTimes(n int, match func(Reply) bool) func(Reply) error {
	return func(r Reply) error {
		if n > 0 && match(r) {
			n--
			return errors.New("fake: platform down")
		}
		return nil
	}
}

// fakeTimer is one call of the scheduler's After: how long it asked to
// wait, and the channel the test fires to end the wait.
type fakeTimer struct {
	d  time.Duration
	ch chan time.Time
}

// fakeAfter hands every wait to the test instead of starting a timer.
type fakeAfter chan fakeTimer

func (f fakeAfter) after(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	f <- fakeTimer{d: d, ch: ch}
	return ch
}

// next waits for the scheduler's next wait.
func (f fakeAfter) next(t *testing.T) fakeTimer {
	t.Helper()
	select {
	case ft := <-f:
		return ft
	case <-time.After(10 * time.Second):
		t.Fatal("the scheduler never waited")
		return fakeTimer{}
	}
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// scheduler makes a Scheduler over the harness's ledger and clock with the
// engine's jobs on the given specs.
func (h *harness) scheduler(summarySpec, followUpSpec string, box *outbox, after fakeAfter) *Scheduler {
	h.tb.Helper()
	cfg := SchedulerConfig{
		Store:  h.store,
		Jobs:   h.eng.Jobs(summarySpec, followUpSpec, box.deliver),
		Now:    h.now,
		Logger: quiet,
	}
	if after != nil {
		cfg.After = after.after
	}
	s, err := NewScheduler(cfg)
	if err != nil {
		h.tb.Fatalf("NewScheduler: %v", err)
	}
	return s
}

func (h *harness) posted(key string) bool {
	h.tb.Helper()
	var ok bool
	h.view(func(tx *ledger.Tx) error {
		var err error
		ok, err = tx.Posted(key)
		return err
	})
	return ok
}

// summaryWeeks names the weeks of the summary posts among rs, by their chart.
func summaryWeeks(t *testing.T, rs []Reply) []string {
	t.Helper()
	var ws []string
	for _, r := range rs {
		if r.To != ToStaffChannel {
			continue
		}
		if r.Image == nil {
			t.Fatalf("summary post without a chart: %q", r.Text)
		}
		ws = append(ws, strings.TrimSuffix(strings.TrimPrefix(r.Image.Name, "week-"), ".png"))
	}
	return ws
}

// TestSchedulerSummaryOnMonday: the summary is posted once, at Monday
// 09:00, covering the week that just ended.
func TestSchedulerSummaryOnMonday(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	box := &outbox{}
	s := h.scheduler("", SpecOff, box, nil)
	steps := []struct {
		at   time.Time
		want []string
	}{
		{mon0900.Add(-time.Minute), nil},
		{mon0900.Add(-time.Second), nil},
		{mon0900, []string{"2026-W19"}},
		{mon0900.Add(time.Second), nil},
		{mon0900.Add(30 * time.Minute), nil},
		{mon0900.Add(24 * time.Hour), nil},
		{mon0900.Add(6*24*time.Hour + 23*time.Hour), nil},
		{mon0900.AddDate(0, 0, 7), []string{"2026-W20"}},
		{mon0900.AddDate(0, 0, 7).Add(time.Hour), nil},
	}
	for _, st := range steps {
		h.setClock(st.at)
		if err := s.Tick(context.Background()); err != nil {
			t.Fatalf("Tick at %s: %v", st.at, err)
		}
		rs := box.take()
		if got := summaryWeeks(t, rs); strings.Join(got, ",") != strings.Join(st.want, ",") || len(rs) != len(st.want) {
			t.Errorf("at %s posted %v (%d replies), want %v", st.at.Format(time.DateTime), got, len(rs), st.want)
		}
		for _, r := range rs {
			if r.Lang != "ko" || !strings.Contains(r.Text, st.want[0]) || len(r.Sections) == 0 {
				t.Errorf("at %s: summary post %+v", st.at, r)
			}
		}
	}
	if !h.posted(SummaryJob + "@2026-05-11T00:00:00Z") {
		t.Error("the ledger does not record Monday's post under the job and its time")
	}
}

// TestSchedulerMissedMonday: dangol comes up on Wednesday, never having
// posted: the latest Monday's summary is posted once, covering the week
// before it; the Monday before that is never made.
func TestSchedulerMissedMonday(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	box := &outbox{}
	h.setClock(t0) // Wednesday 14:00
	s := h.scheduler("", "", box, nil)
	for i := range 3 {
		if err := s.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := summaryWeeks(t, box.take())
		if want := map[int]string{0: "2026-W19"}[i]; strings.Join(got, ",") != want {
			t.Errorf("tick %d posted %v, want %q", i, got, want)
		}
		h.advance(time.Hour)
	}
	if h.posted(SummaryJob + "@2026-05-04T00:00:00Z") {
		t.Error("an older missed Monday was recorded")
	}
	// Up and down again until Monday 08:59: nothing; 09:00: the new week.
	h.setClock(mon0900.AddDate(0, 0, 7).Add(-time.Minute))
	if err := s.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rs := box.take(); len(rs) != 0 {
		t.Errorf("posted %d replies before 09:00", len(rs))
	}
}

// TestSchedulerTooLate: a post later than its job's MaxLate is skipped.
func TestSchedulerTooLate(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	box := &outbox{}
	f := seed(h)
	addFollowUp(h, f.minji, "slack:"+staffID, "전화", mon0900.AddDate(0, 0, 1), false) // due Tuesday
	cases := []struct {
		name string
		at   time.Time
		want int
	}{
		{"SummaryOnSunday", mon0900.AddDate(0, 0, 6).Add(time.Second), 0},
		{"FollowUpNextMorning", mon0900.AddDate(0, 0, 2).Add(-time.Hour), 0}, // Wednesday 08:00
		{"FollowUpAt2101", mon0900.AddDate(0, 0, 1).Add(12*time.Hour + time.Minute), 0},
		{"FollowUpAt2100", mon0900.AddDate(0, 0, 1).Add(12 * time.Hour), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.setClock(c.at)
			// A fresh scheduler each time, so the cases do not see each
			// other's records of what was skipped (skipping records nothing).
			spec := map[bool]string{true: "", false: SpecOff}
			s := h.scheduler(spec[strings.HasPrefix(c.name, "Summary")], spec[strings.HasPrefix(c.name, "FollowUp")], box, nil)
			if err := s.Tick(context.Background()); err != nil {
				t.Fatal(err)
			}
			if rs := box.take(); len(rs) != c.want {
				t.Errorf("posted %d, want %d", len(rs), c.want)
			}
		})
	}
}

// TestSchedulerRestart: a restart, over the same ledger file reopened,
// never posts again what was posted.
func TestSchedulerRestart(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	addFollowUp(h, f.minji, "slack:"+staffID, "재방문 안내", time.Date(2026, 5, 11, 0, 0, 0, 0, seoul), false)
	box := &outbox{}
	h.setClock(mon0900.Add(5 * time.Minute))
	s := h.scheduler("", "", box, nil)
	if err := s.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := box.take()
	if len(first) != 2 || first[0].To != ToStaffChannel || first[1].To != ToUser {
		t.Fatalf("first run posted %+v, want the summary and one DM", first)
	}
	for i := range 3 {
		h.reopen()
		h.advance(time.Minute)
		s := h.scheduler("", "", box, nil)
		if err := s.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		if rs := box.take(); len(rs) != 0 {
			t.Errorf("restart %d posted again: %q", i, allText(rs))
		}
	}
}

// TestSchedulerRetry: a failed delivery is forgotten, so the next tick
// sends it; the posts that went out are not sent again.
func TestSchedulerRetry(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	monday := time.Date(2026, 5, 11, 0, 0, 0, 0, seoul)
	addFollowUp(h, f.minji, "slack:"+staffID, "재방문 안내", monday, false)
	addFollowUp(h, f.anna, "slack:"+staff2ID, "Follow up", monday, false)
	box := &outbox{fail: failTimes(2, func(r Reply) bool { return r.To == ToStaffChannel || r.UserID == staff2ID })}
	h.setClock(mon0900)
	s := h.scheduler("", "", box, nil)

	err := s.Tick(context.Background())
	if err == nil || !strings.Contains(err.Error(), "platform down") {
		t.Fatalf("Tick = %v, want the delivery error", err)
	}
	if got := box.take(); len(got) != 1 || got[0].UserID != staffID {
		t.Fatalf("first tick sent %+v, want only U1's DM", got)
	}
	for _, key := range []string{
		SummaryJob + "@2026-05-11T00:00:00Z", SummaryJob + "@2026-05-11T00:00:00Z/staff",
		FollowUpJob + "@2026-05-11T00:00:00Z", FollowUpJob + "@2026-05-11T00:00:00Z/user:slack:" + staff2ID,
	} {
		if h.posted(key) {
			t.Errorf("%s is recorded as posted after its delivery failed", key)
		}
	}
	if !h.posted(FollowUpJob + "@2026-05-11T00:00:00Z/user:slack:" + staffID) {
		t.Error("U1's delivered DM is not recorded")
	}

	h.advance(time.Minute)
	if err := s.Tick(context.Background()); err != nil {
		t.Fatalf("second Tick: %v", err)
	}
	got := box.take()
	if len(got) != 2 || got[0].To != ToStaffChannel || got[1].UserID != staff2ID {
		t.Fatalf("second tick sent %+v, want the summary and U2's DM", got)
	}
	h.advance(time.Minute)
	if err := s.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := box.take(); len(got) != 0 {
		t.Errorf("third tick sent %d", len(got))
	}
}

// TestSchedulerRun drives Run with a fake clock: it waits until the next
// 09:00, posts, retries a failure after RetryDelay (doubling), sleeps at
// most an hour, and returns as soon as ctx is done.
func TestSchedulerRun(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	box := &outbox{fail: failTimes(2, func(Reply) bool { return true })}
	after := make(fakeAfter)
	h.setClock(mon0900.Add(-90 * time.Second))
	s := h.scheduler("", SpecOff, box, after)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		s.Run(ctx)
		close(done)
	}()

	waits := []struct {
		d     time.Duration
		sends int
	}{
		{90 * time.Second, 0}, // nothing due at 08:58:30: wake at 09:00
		{time.Minute, 0},      // delivery failed: retry in a minute
		{2 * time.Minute, 0},  // failed again: two minutes
		{time.Hour, 1},        // sent; next Monday is far, look again in an hour
		{time.Hour, 0},
	}
	for i, w := range waits {
		ft := after.next(t)
		if got := box.take(); len(got) != w.sends {
			t.Errorf("wait %d: %d sent, want %d", i, len(got), w.sends)
		}
		if ft.d != w.d {
			t.Errorf("wait %d: Run waits %s, want %s", i, ft.d, w.d)
		}
		h.advance(ft.d)
		ft.ch <- h.now()
	}
	after.next(t)
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctx was done")
	}
}

// TestSchedulerCancelledDelivery: when ctx ends during a delivery, Run
// returns and the post stays unrecorded, to be made after the restart.
func TestSchedulerCancelledDelivery(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.setClock(mon0900)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	deliver := func(ctx context.Context, _ Reply) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}
	s, err := NewScheduler(SchedulerConfig{Store: h.store, Jobs: h.eng.Jobs("", SpecOff, deliver), Now: h.now, Logger: quiet,
		After: func(time.Duration) <-chan time.Time { t.Error("Run waited after ctx was done"); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		s.Run(ctx)
		close(done)
	}()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("nothing was delivered")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctx was done")
	}
	if h.posted(SummaryJob + "@2026-05-11T00:00:00Z/staff") {
		t.Error("an interrupted post is recorded as made")
	}

	// Already done: Run returns at once without posting.
	s2 := h.scheduler("", SpecOff, &outbox{fail: func(Reply) error { t.Error("posted after ctx was done"); return nil }}, nil)
	s2.Run(ctx)
}

// TestNewSchedulerErrors: a bad cron expression or job is a clear error
// naming it; good expressions in their various forms are accepted.
func TestNewSchedulerErrors(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	job := func(name, spec string) Job {
		return Job{Name: name, Spec: spec, Posts: func(context.Context, time.Time) ([]Reply, error) { return nil, nil },
			Deliver: func(context.Context, Reply) error { return nil }}
	}
	bad := []struct {
		name string
		jobs []Job
		want string
	}{
		{"ErrMinuteRange", []Job{job("weekly", "61 9 * * 1")}, `job weekly: cron expression "61 9 * * 1"`},
		{"ErrHourRange", h.eng.Jobs("0 25 * * 1", SpecOff, (&outbox{}).deliver), `job weekly-summary: cron expression "0 25 * * 1"`},
		{"ErrFourFields", []Job{job("weekly", "0 9 * *")}, `"0 9 * *"`},
		{"ErrEmpty", []Job{job("weekly", "")}, `job weekly: cron expression ""`},
		{"ErrWords", []Job{job("weekly", "every monday")}, `"every monday"`},
		{"ErrWeekday", []Job{job("weekly", "0 9 * * 8")}, `"0 9 * * 8"`},
		{"ErrEvery", []Job{job("weekly", "@every 1h")}, "not an interval"},
		{"ErrTZAlone", []Job{job("weekly", "CRON_TZ=Asia/Seoul")}, "malformed"},
		{"ErrBadZone", []Job{job("weekly", "CRON_TZ=Nowhere/City 0 9 * * 1")}, "Nowhere/City"},
		{"ErrNeverDue", []Job{job("weekly", "0 9 30 2 *")}, "never due"},
		{"ErrNoName", []Job{job("", "0 9 * * 1")}, "job name"},
		{"ErrNameWithAt", []Job{job("a@b", "0 9 * * 1")}, "job name"},
		{"ErrSameName", []Job{job("weekly", "0 9 * * 1"), job("weekly", "0 9 * * *")}, "two jobs named weekly"},
		{"ErrNoDeliver", h.eng.Jobs("", "", nil), "Deliver"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewScheduler(SchedulerConfig{Store: h.store, Jobs: c.jobs, Now: h.now})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("NewScheduler = %v, want an error with %q", err, c.want)
			}
		})
	}
	t.Run("ErrNoStore", func(t *testing.T) {
		if _, err := NewScheduler(SchedulerConfig{}); err == nil {
			t.Error("no error without a store")
		}
	})
	for _, spec := range []string{"0 9 * * 1", "0 9 * * mon", "@weekly", "@daily", "CRON_TZ=Asia/Seoul 0 9 * * 1", "TZ=UTC 30 0 * * *", " 0 9 * * 1-5 "} {
		t.Run("OK/"+spec, func(t *testing.T) {
			if _, err := NewScheduler(SchedulerConfig{Store: h.store, Jobs: []Job{job("weekly", spec)}, Now: h.now}); err != nil {
				t.Errorf("NewScheduler(%q): %v", spec, err)
			}
		})
	}
}

// TestJobsSpecs: empty specs take the defaults, SpecOff leaves a job out.
func TestJobsSpecs(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	cases := []struct {
		summary, followUp string
		want              []string
	}{
		{"", "", []string{SummaryJob + " " + DefaultSummarySpec, FollowUpJob + " " + DefaultFollowUpSpec}},
		{"30 8 * * 1", "0 10 * * 1-5", []string{SummaryJob + " 30 8 * * 1", FollowUpJob + " 0 10 * * 1-5"}},
		{"off", "", []string{FollowUpJob + " " + DefaultFollowUpSpec}},
		{"", "OFF", []string{SummaryJob + " " + DefaultSummarySpec}},
		{SpecOff, SpecOff, nil},
	}
	for _, c := range cases {
		var got []string
		for _, j := range h.eng.Jobs(c.summary, c.followUp, (&outbox{}).deliver) {
			got = append(got, j.Name+" "+j.Spec)
			if j.Loc != seoul || j.MaxLate <= 0 || j.Posts == nil || j.Deliver == nil {
				t.Errorf("job %s is not ready: %+v", j.Name, j)
			}
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Jobs(%q, %q) = %v, want %v", c.summary, c.followUp, got, c.want)
		}
	}
}

// TestLatest checks the search for the last scheduled time before now.
func TestLatest(t *testing.T) {
	weekly, _ := cron.ParseStandard("0 9 * * 1")
	minutely, _ := cron.ParseStandard("* * * * *")
	monthly, _ := cron.ParseStandard("0 9 1 * *")
	cases := []struct {
		name    string
		sc      cron.Schedule
		now     time.Time
		maxLate time.Duration
		want    time.Time // zero: none
	}{
		{"OnTime", weekly, mon0900, time.Hour, mon0900},
		{"SecondEarly", weekly, mon0900.Add(-time.Second), 7 * 24 * time.Hour, mon0900.AddDate(0, 0, -7)},
		{"SecondEarlyShortWindow", weekly, mon0900.Add(-time.Second), 6 * 24 * time.Hour, time.Time{}},
		{"Wednesday", weekly, t0, SummaryMaxLate, mon0900},
		{"ExactlyMaxLate", weekly, mon0900.Add(time.Hour), time.Hour, mon0900},
		{"PastMaxLate", weekly, mon0900.Add(time.Hour + time.Second), time.Hour, time.Time{}},
		{"Minutely", minutely, mon0900.Add(90 * time.Second), time.Hour, mon0900.Add(time.Minute)},
		{"MonthlyLongWindow", monthly, time.Date(2026, 5, 30, 0, 0, 0, 0, seoul), 40 * 24 * time.Hour, time.Date(2026, 5, 1, 9, 0, 0, 0, seoul)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := latest(c.sc, c.now, c.maxLate)
			if ok != !c.want.IsZero() || (ok && !got.Equal(c.want)) {
				t.Errorf("latest(%s, %s) = %s, %v; want %s", c.now, c.maxLate, got, ok, c.want)
			}
		})
	}
}

// TestBackoff: retries wait longer after each failed tick, up to a bound.
func TestBackoff(t *testing.T) {
	s := &Scheduler{retry: time.Minute}
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 30 * time.Minute, 30 * time.Minute}
	for i, w := range want {
		if got := s.backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
	if got := s.backoff(1000); got != MaxRetryDelay {
		t.Errorf("backoff(1000) = %s", got)
	}
}

// TestPanickingJob: a panic in a job is an error of that tick, not a crash.
func TestPanickingJob(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.setClock(mon0900)
	j := Job{Name: "boom", Spec: "0 9 * * 1", Posts: func(context.Context, time.Time) ([]Reply, error) { panic("boom") },
		Deliver: func(context.Context, Reply) error { return nil }}
	s, err := NewScheduler(SchedulerConfig{Store: h.store, Jobs: []Job{j}, Loc: seoul, Now: h.now, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Tick(context.Background()); err == nil || !strings.Contains(err.Error(), "panic: boom") {
		t.Errorf("Tick = %v", err)
	}
}

// advanceJob is a job that posts its name and due time to the staff
// channel, and notes the clock it ran at in ran.
func advanceJob(name, spec string, h *harness, box *outbox, ran *[]string) Job {
	return Job{
		Name: name, Spec: spec, Loc: seoul, Deliver: box.deliver,
		Posts: func(_ context.Context, at time.Time) ([]Reply, error) {
			*ran = append(*ran, name+" "+h.now().Format("01-02 15:04"))
			return []Reply{{To: ToStaffChannel, Text: name + " " + at.Format("01-02 15:04")}}, nil
		},
	}
}

// TestSchedulerAdvance: moving the clock from Sunday 10:00 to Wednesday
// 10:00 makes every occurrence in between, of two jobs interleaved by
// time (a tie in the order the jobs were given), each with the clock set
// to its due time; then the clock is at the target. A second scheduler on
// the same ledger, started back at Sunday (the console started again with
// --at), posts none of them again.
func TestSchedulerAdvance(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	sunday := time.Date(2026, 5, 10, 10, 0, 0, 0, seoul)
	wednesday := sunday.AddDate(0, 0, 3)
	newSched := func(box *outbox, ran *[]string) *Scheduler {
		s, err := NewScheduler(SchedulerConfig{Store: h.store, Logger: quiet, Now: h.now, Jobs: []Job{
			advanceJob("daily", "0 9 * * *", h, box, ran),
			advanceJob("monday", "0 9 * * 1", h, box, ran),
			advanceJob("evening", "30 20 * * *", h, box, ran),
		}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	var sets []string
	set := func(at time.Time) {
		sets = append(sets, at.In(seoul).Format("01-02 15:04"))
		h.setClock(at)
	}

	h.setClock(sunday)
	box, ran := &outbox{}, []string(nil)
	if err := newSched(box, &ran).Advance(context.Background(), wednesday, set); err != nil {
		t.Fatalf("Advance: %v", err)
	}
	want := []string{
		"evening 05-10 20:30",
		"daily 05-11 09:00", "monday 05-11 09:00", "evening 05-11 20:30",
		"daily 05-12 09:00", "evening 05-12 20:30",
		"daily 05-13 09:00",
	}
	var got []string
	for _, r := range box.take() {
		got = append(got, r.Text)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("posted\n  %v\nwant\n  %v", got, want)
	}
	if strings.Join(ran, "|") != strings.Join(want, "|") {
		t.Errorf("the jobs ran with the clock at\n  %v\nwant their due times\n  %v", ran, want)
	}
	var wantSets []string
	for _, w := range want {
		_, due, _ := strings.Cut(w, " ")
		wantSets = append(wantSets, due)
	}
	wantSets = append(wantSets, "05-13 10:00")
	if strings.Join(sets, "|") != strings.Join(wantSets, "|") {
		t.Errorf("clock set to\n  %v\nwant each due time, then the target\n  %v", sets, wantSets)
	}
	if !h.now().Equal(wednesday) {
		t.Errorf("clock after Advance = %s, want %s", h.now(), wednesday)
	}
	for _, key := range []string{"daily@2026-05-11T00:00:00Z", "monday@2026-05-11T00:00:00Z", "evening@2026-05-12T11:30:00Z"} {
		if !h.posted(key) {
			t.Errorf("the ledger does not record %s", key)
		}
	}

	h.setClock(sunday)
	again, ran2 := &outbox{}, []string(nil)
	if err := newSched(again, &ran2).Advance(context.Background(), wednesday, func(at time.Time) { h.setClock(at) }); err != nil {
		t.Fatalf("Advance again: %v", err)
	}
	if rs := again.take(); len(rs) != 0 || len(ran2) != 0 {
		t.Errorf("advancing again over the same days posted %d replies (ran %v), want none", len(rs), ran2)
	}
}

// TestSchedulerAdvanceCheck: a Check job every ten minutes, beside a daily
// job, is made over a jump only at its last occurrence before each daily
// one and before the target, each with the clock at its own due time; the
// daily job still runs at each of its times, after the check due with it.
func TestSchedulerAdvanceCheck(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	from := time.Date(2026, 5, 10, 10, 0, 0, 0, seoul)
	box, ran := &outbox{}, []string(nil)
	check := advanceJob("check", "*/10 * * * *", h, box, &ran)
	check.Check = true
	s, err := NewScheduler(SchedulerConfig{Store: h.store, Logger: quiet, Now: h.now, Jobs: []Job{
		check,
		advanceJob("daily", "0 9 * * *", h, box, &ran),
	}})
	if err != nil {
		t.Fatal(err)
	}
	h.setClock(from)
	if err := s.Advance(context.Background(), from.AddDate(0, 0, 2).Add(5*time.Minute), func(at time.Time) { h.setClock(at) }); err != nil {
		t.Fatalf("Advance: %v", err)
	}
	want := []string{
		"check 05-11 09:00", "daily 05-11 09:00",
		"check 05-12 09:00", "daily 05-12 09:00",
		"check 05-12 10:00",
	}
	if strings.Join(ran, "|") != strings.Join(want, "|") {
		t.Errorf("ran\n  %v\nwant\n  %v", ran, want)
	}
}

// TestSchedulerAdvanceEdges: an occurrence due at the very time the clock
// shows is made; the one after the target is not; moving back is
// ErrClockBack and makes nothing; moving to the same time is allowed.
func TestSchedulerAdvanceEdges(t *testing.T) {
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
		err      error
	}{
		{"DueAtStart", mon0900, mon0900.Add(time.Minute), []string{"daily 05-11 09:00"}, nil},
		{"DueAtTarget", mon0900.Add(-time.Hour), mon0900, []string{"daily 05-11 09:00"}, nil},
		{"JustBefore", mon0900.Add(-time.Hour), mon0900.Add(-time.Second), nil, nil},
		{"StandStill", mon0900.Add(time.Minute), mon0900.Add(time.Minute), nil, nil},
		{"ErrClockBack", mon0900.Add(time.Hour), mon0900.Add(-time.Hour), nil, ErrClockBack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := mustOpenHarness(t, nil, "ko")
			box, ran := &outbox{}, []string(nil)
			s, err := NewScheduler(SchedulerConfig{Store: h.store, Logger: quiet, Now: h.now, Jobs: []Job{advanceJob("daily", "0 9 * * *", h, box, &ran)}})
			if err != nil {
				t.Fatal(err)
			}
			h.setClock(tt.from)
			err = s.Advance(context.Background(), tt.to, h.setClock)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Advance = %v, want %v", err, tt.err)
			}
			var got []string
			for _, r := range box.take() {
				got = append(got, r.Text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("posted %v, want %v", got, tt.want)
			}
			wantClock := tt.to
			if tt.err != nil {
				wantClock = tt.from
			}
			if !h.now().Equal(wantClock) {
				t.Errorf("clock = %s, want %s", h.now(), wantClock)
			}
		})
	}
}

// TestSchedulerAdvanceEveryMonday: unlike a start-up Tick, which makes
// only the latest missed summary, Advance over two Mondays posts both
// weeks' summaries, in order.
func TestSchedulerAdvanceEveryMonday(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	box := &outbox{}
	s := h.scheduler("", SpecOff, box, nil)
	h.setClock(mon0900.Add(-time.Hour))
	if err := s.Advance(context.Background(), mon0900.AddDate(0, 0, 8), h.setClock); err != nil {
		t.Fatal(err)
	}
	if got := summaryWeeks(t, box.take()); strings.Join(got, ",") != "2026-W19,2026-W20" {
		t.Errorf("posted the summaries of %v, want 2026-W19,2026-W20", got)
	}
}

// TestFollowUpPostsTrustedChannel: the console keeps no roster, so a
// follow-up its staff member wrote is DMed to their console address (the
// console's rehearsal clock shows it), while a Slack author without a role
// (someone who left) still gets nothing.
func TestFollowUpPostsTrustedChannel(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	today := time.Date(2026, 5, 13, 0, 0, 0, 0, seoul)
	id := addFollowUp(h, f.minji, "console:민지", "콘솔 상담", today, false)
	addFollowUp(h, f.minji, "slack:UZ", "퇴사자", today, false)
	rs, err := h.eng.FollowUpPosts(context.Background(), today)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("got %d DMs, want 1:\n%s", len(rs), allText(rs))
	}
	r := rs[0]
	if r.To != ToUser || r.Channel != ChannelConsole || r.UserID != "민지" || len(r.Buttons) != 2 || r.Buttons[0].Payload != "fu:"+id || r.Buttons[1].Payload != "fs:"+id {
		t.Errorf("DM = %+v, want one to console:민지 with the done button", r)
	}
	if all := allText(rs); !strings.Contains(all, "콘솔 상담") || strings.Contains(all, "퇴사자") {
		t.Errorf("DM text:\n%s", all)
	}
}

// TestSchedulerCheckPrunes: a check every ten minutes for three days keeps
// only the records of occurrences within its lateness and a day's margin,
// not one per run for ever; a daily job's records are all kept.
func TestSchedulerCheckPrunes(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	box, ran := &outbox{}, []string(nil)
	check := advanceJob("check", "*/10 * * * *", h, box, &ran)
	check.Check = true
	s, err := NewScheduler(SchedulerConfig{Store: h.store, Logger: quiet, Now: h.now, Jobs: []Job{
		check, advanceJob("daily", "0 9 * * *", h, box, &ran),
	}})
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 5, 10, 10, 0, 0, 0, seoul)
	for at := from; at.Before(from.AddDate(0, 0, 3)); at = at.Add(10 * time.Minute) {
		h.setClock(at)
		if err := s.Tick(context.Background()); err != nil {
			t.Fatalf("Tick at %v: %v", at, err)
		}
	}
	counts := map[string]int{}
	h.view(func(tx *ledger.Tx) error {
		for _, name := range []string{"check@", "daily@"} {
			for at := from.Add(-time.Hour); at.Before(from.AddDate(0, 0, 3)); at = at.Add(10 * time.Minute) {
				if ok, err := tx.Posted(name + at.UTC().Format(time.RFC3339)); err != nil {
					return err
				} else if ok {
					counts[name]++
				}
			}
		}
		return nil
	})
	// Kept: the last 25 hours of checks (DefaultMaxLate + checkKeep), one
	// every ten minutes, give or take the edges; every daily post.
	if n := counts["check@"]; n < 25*6-1 || n > 25*6+1 {
		t.Errorf("%d check records kept after 3 days (432 runs), want about %d", n, 25*6)
	}
	if n := counts["daily@"]; n != 4 { // 05-10 (an hour late at the first tick) to 05-13
		t.Errorf("%d daily records, want all 4", n)
	}
	if len(ran) < 3*24*6 {
		t.Errorf("the check ran %d times, want every ten minutes", len(ran))
	}
}

// TestSchedulerQuietCheck: a check that posts nothing is made once per
// occurrence however often the scheduler ticks, and writes nothing to the
// ledger (no record, no commit); one that posts is recorded as before.
func TestSchedulerQuietCheck(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	var ran []string
	quietCheck := Job{
		Name: "quiet", Spec: "*/10 * * * *", Loc: seoul, Check: true, Deliver: (&outbox{}).deliver,
		Posts: func(_ context.Context, at time.Time) ([]Reply, error) {
			ran = append(ran, at.Format("15:04"))
			return nil, nil
		},
	}
	s, err := NewScheduler(SchedulerConfig{Store: h.store, Logger: quiet, Now: h.now, Jobs: []Job{quietCheck}})
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 5, 10, 10, 0, 0, 0, seoul)
	before := h.store.Commits()
	for at := from; at.Before(from.Add(30 * time.Minute)); at = at.Add(time.Minute) {
		h.setClock(at)
		if err := s.Tick(context.Background()); err != nil {
			t.Fatalf("Tick at %v: %v", at, err)
		}
	}
	if want := []string{"10:00", "10:10", "10:20"}; !slices.Equal(ran, want) {
		t.Errorf("the quiet check ran at %v, want once per occurrence %v", ran, want)
	}
	h.view(func(tx *ledger.Tx) error {
		for _, at := range []time.Time{from, from.Add(10 * time.Minute), from.Add(20 * time.Minute)} {
			if ok, err := tx.Posted("quiet@" + at.UTC().Format(time.RFC3339)); err != nil || ok {
				t.Errorf("record of the quiet check at %v: %v, %v; want none", at, ok, err)
			}
		}
		return nil
	})
	if n := h.store.Commits() - before; n != 0 {
		t.Errorf("%d commits for 30 ticks of a check that posts nothing, want 0", n)
	}
}
