package dialog

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/ledger"
)

// SLA is how long a thread may wait, counted in opening hours only
// (Hours): nights and days off do not count.
type SLA struct {
	// Reply is how long a question may wait for its first staff answer
	// (DANGOL_REPLY_SLA).
	Reply time.Duration
	// Resolve is how long a complaint may wait to be resolved
	// (DANGOL_RESOLVE_SLA), in opening days: 2 days is twice the day's
	// opening hours.
	Resolve time.Duration
}

// DefaultSLA is 2 hours to answer a question and 2 opening days to resolve
// a complaint.
var DefaultSLA = SLA{Reply: 2 * time.Hour, Resolve: 48 * time.Hour}

func (s SLA) orDefault() SLA {
	if s.Reply <= 0 {
		s.Reply = DefaultSLA.Reply
	}
	if s.Resolve <= 0 {
		s.Resolve = DefaultSLA.Resolve
	}
	return s
}

// SLAJobName names the SLA check in the scheduler's records.
const SLAJobName = "sla"

// DefaultSLASpec checks the SLAs every ten minutes.
const DefaultSLASpec = "*/10 * * * *"

// Deadline returns when d of opening time has passed since start, in loc:
// only the hours between Open and Close of days not Closed count.
func (h Hours) Deadline(start time.Time, d time.Duration, loc *time.Location) time.Time {
	h = h.orDefault()
	t := start.In(loc)
	for range 800 { // more than two years of days; Hours has an open day
		y, m, day := t.Date()
		midnight := time.Date(y, m, day, 0, 0, 0, 0, loc)
		open, close := midnight.Add(h.Open), midnight.Add(h.Close)
		if !slices.Contains(h.Closed, t.Weekday()) && t.Before(close) {
			from := t
			if from.Before(open) {
				from = open
			}
			if left := close.Sub(from); d <= left {
				return from.Add(d)
			} else {
				d -= left
			}
		}
		t = time.Date(y, m, day+1, 0, 0, 0, 0, loc)
	}
	return t
}

// slaDue says which SLA th has passed at now: "reply" (a question with no
// staff answer) or "resolve" (a complaint not closed), or "".
// A new kind wants its texts in slaTexts.
func (e *Engine) slaDue(th ledger.Thread, now time.Time) string {
	if kind, deadline := e.slaDeadline(th); kind != "" && !now.Before(deadline) {
		return kind
	}
	return ""
}

// slaDeadline says which SLA th waits under ("reply", "resolve" or "")
// and when it passes: the SLA check's Due reads it too, so a rehearsal's
// jump tells a manager at the moment serve would.
func (e *Engine) slaDeadline(th ledger.Thread) (string, time.Time) {
	if th.State == ledger.ThreadClosed {
		return "", time.Time{}
	}
	switch th.Kind {
	case ledger.ThreadQuestion:
		if th.AnsweredAt.IsZero() {
			return "reply", e.hours.Deadline(th.OpenedAt, e.sla.Reply, e.loc)
		}
	case ledger.ThreadComplaint:
		return "resolve", e.hours.Deadline(th.OpenedAt, e.resolveOpening(), e.loc)
	}
	return "", time.Time{}
}

// slaKey records that the managers were told of thread n past its kind of
// SLA (slaDeadline's "reply" or "resolve"): SLAPosts marks it, and the
// check's Due (check_due.go) passes over a thread so told.
func slaKey(kind string, n int64) string {
	return "sla:" + kind + ":" + strconv.FormatInt(n, 10)
}

// SLAJob checks the open threads every ten minutes and tells each
// manager once, by DM with [열기], of a question past its reply
// SLA or a complaint past its resolve SLA. That a thread was told is
// recorded with the check, before the DMs are sent: a DM that keeps
// failing past the scheduler's retries is lost rather than sent twice.
func (e *Engine) SLAJob(deliver func(context.Context, Reply) error) Job {
	return Job{
		Name: SLAJobName, Spec: DefaultSLASpec, Loc: e.loc, MaxLate: 9 * time.Minute, // shorter than the interval (Job.MaxLate)
		Posts:   e.SLAPosts,
		Deliver: deliver,
		Check:   true,      // it reads the threads as they are at its run
		Due:     e.slaNext, // check_due.go
	}
}

// SLAPosts returns the DMs for every thread past its SLA at at and not
// told before, and records them as told.
// The managers are those configured (Config.Managers), those granted in
// the ledger (/staff add … manager) and Config.Notify (the console's
// speaker), each once (managerIDs); plain staff are never told.
func (e *Engine) SLAPosts(ctx context.Context, at time.Time) ([]Reply, error) {
	var out []Reply
	err := e.store.Update(ctx, func(tx *ledger.Tx) error {
		out = out[:0] // Update may run this more than once
		ths, err := tx.OpenThreads()
		if err != nil {
			return err
		}
		if len(ths) == 0 {
			return nil
		}
		managers, err := e.managerIDs(tx) // flow_retention.go
		if err != nil {
			return err
		}
		for _, th := range ths {
			kind := e.slaDue(th, at)
			if kind == "" {
				continue
			}
			key := slaKey(kind, th.Number)
			if told, err := tx.Posted(key); err != nil || told {
				if err != nil {
					return err
				}
				continue
			}
			if err := tx.MarkPosted(key, at); err != nil {
				return err
			}
			out = append(out, e.slaDMs(th, kind, managers)...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dialog: SLA posts: %w", err)
	}
	return out, nil
}

// slaTexts are the catalog ids of what each SLA kind (slaDue) says: the
// managers' DM and the note on the thread's line in /inbox.
var slaTexts = map[string]struct{ dm, inbox string }{
	"reply":   {"threads.sla.reply", "threads.inbox.sla.reply"},
	"resolve": {"threads.sla.resolve", "threads.inbox.sla.resolve"},
}

// slaDMs is one DM per manager about th, in the shop's language, without
// the customer's name (a DM may be read on a lock screen); none for a kind
// without texts, rather than an id.
func (e *Engine) slaDMs(th ledger.Thread, kind string, managers []string) []Reply {
	ids, ok := slaTexts[kind]
	if !ok {
		return nil
	}
	lang := e.lang
	tag := e.cat.Text(lang, threadTags[threadKindWord(th)], map[string]any{"N": th.Number})
	text := e.cat.Text(lang, ids.dm, map[string]any{"Tag": tag, "Since": th.OpenedAt.In(e.loc).Format("2006-01-02 15:04")})
	open := Button{Label: e.cat.Text(lang, "threads.btn.open", nil), Payload: threadAction + ":open:" + strconv.FormatInt(th.Number, 10)}
	var out []Reply
	for _, id := range managers {
		channel, user, ok := strings.Cut(id, ":")
		if !ok || user == "" {
			continue
		}
		out = append(out, Reply{To: ToUser, Channel: channel, UserID: user, Lang: lang, Text: text, Buttons: []Button{open}})
	}
	return out
}

// Between is the opening time from a to b in loc: only the hours between
// Open and Close of days not Closed count.
func (h Hours) Between(a, b time.Time, loc *time.Location) time.Duration {
	h = h.orDefault()
	var sum time.Duration
	t := a.In(loc)
	for i := 0; i < 800 && t.Before(b); i++ {
		y, m, day := t.Date()
		midnight := time.Date(y, m, day, 0, 0, 0, 0, loc)
		if !slices.Contains(h.Closed, t.Weekday()) {
			from, to := midnight.Add(h.Open), midnight.Add(h.Close)
			if t.After(from) {
				from = t
			}
			if b.Before(to) {
				to = b
			}
			if to.After(from) {
				sum += to.Sub(from)
			}
		}
		t = time.Date(y, m, day+1, 0, 0, 0, 0, loc)
	}
	return sum
}

// resolveOpening is the resolve SLA in opening time: its days as opening
// days (the day's opening hours each), its remainder as hours.
func (e *Engine) resolveOpening() time.Duration {
	days := e.sla.Resolve / (24 * time.Hour)
	return time.Duration(days)*(e.hours.Close-e.hours.Open) + e.sla.Resolve%(24*time.Hour)
}

// threadWeekSection is the summary's part on questions and complaints of
// week w, judged at now (zero: the week's end); ok is false when the week
// had none.
func (e *Engine) threadWeekSection(ctx context.Context, w feedback.Week, lang string, now time.Time) (Section, bool, error) {
	from, to := w.Start(e.loc), w.End(e.loc)
	if now.IsZero() || now.After(to) {
		now = to
	}
	fig, err := feedback.ThreadFigures(ctx, e.store, from, to, feedback.ThreadOptions{
		Opening:  func(a, b time.Time) time.Duration { return e.hours.Between(a, b, e.loc) },
		ReplySLA: e.sla.Reply, ResolveSLA: e.resolveOpening(), Now: now,
	})
	if err != nil {
		return Section{}, false, fmt.Errorf("dialog: thread figures: %w", err)
	}
	if fig.Questions == 0 && fig.ComplaintsOpened == 0 {
		return Section{}, false, nil
	}
	sec := Section{Title: e.cat.Text(lang, "threads.week.title", nil)}
	// A median of nothing is no time: "첫 응답 중앙값 0분" with no answer
	// read as answers given at once.
	firstMedian, firstP90, resolveMedian := "", "", ""
	if fig.Answered > 0 {
		firstMedian, firstP90 = e.openingText(lang, fig.FirstMedian), e.openingText(lang, fig.FirstP90)
	}
	if fig.ComplaintsResolved > 0 {
		resolveMedian = e.openingText(lang, fig.ResolveMedian)
	}
	sec.Lines = append(sec.Lines,
		e.cat.Text(lang, "threads.week.questions", map[string]any{
			"N": fig.Questions, "Answered": fig.Answered, "Median": firstMedian, "P90": firstP90,
		}),
		e.cat.Text(lang, "threads.week.complaints", map[string]any{
			"Opened": fig.ComplaintsOpened, "Resolved": fig.ComplaintsResolved, "Open": fig.ComplaintsOpen, "Median": resolveMedian,
			"Erased": fig.ComplaintsErased,
		}),
		e.cat.Text(lang, "threads.week.breaches", map[string]any{
			"Reply": fig.ReplyBreaches, "Resolve": fig.ResolveBreaches,
			"ReplyLimit": e.openingText(lang, e.sla.Reply), "ResolveLimit": e.openingText(lang, e.resolveOpening()),
			"DayHours": strconv.FormatFloat((e.hours.Close - e.hours.Open).Hours(), 'f', -1, 64),
		}),
	)
	if fig.Slowest.Number != 0 {
		// Named as the summary's other lines name a customer (feedback's
		// summary.customer.*): "(삭제된 고객)" was "미연결 고객" here alone.
		who := e.cat.Text(lang, "summary.customer.unknown", nil)
		if fig.Slowest.CustomerID != "" {
			err := e.store.View(ctx, func(tx *ledger.Tx) error {
				c, err := tx.Customer(fig.Slowest.CustomerID)
				switch {
				case err != nil:
				case c.Erased:
					who = e.cat.Text(lang, "summary.customer.erased", nil)
				default:
					who = c.Name
				}
				return err
			})
			if err != nil {
				return Section{}, false, fmt.Errorf("dialog: slowest thread's customer: %w", err)
			}
		}
		sec.Lines = append(sec.Lines, e.cat.Text(lang, "threads.week.slowest", map[string]any{
			"Tag": e.cat.Text(lang, threadTags[threadKindWord(fig.Slowest)], map[string]any{"N": fig.Slowest.Number}), "Who": who,
			"Opened": feedback.DateIn(e.cat, lang, w, e.loc, fig.Slowest.OpenedAt),
			"Wait":   e.openingText(lang, fig.SlowestWait),
		}))
	}
	return sec, true, nil
}

// openingText writes a duration of opening time as "영업 14분", "영업 3시간",
// "영업 6.5일" in lang: in the unit of the service levels it is compared
// with, an opening day being the day's opening hours (resolveOpening), so
// a wait of 65 opening hours is 6.5 days, never 2 wall-clock days. /inbox's
// "6일 전" is wall-clock age (ageText): the summary names the day a thread
// was opened besides, so the two can be told apart and squared.
func (e *Engine) openingText(lang string, d time.Duration) string {
	day := e.hours.Close - e.hours.Open
	switch {
	case d < time.Hour:
		return e.cat.Text(lang, "threads.opening.minutes", map[string]any{"N": int(max(d, 0) / time.Minute)})
	case day <= 0 || d < day:
		return e.cat.Text(lang, "threads.opening.hours", map[string]any{"N": int(d / time.Hour)})
	}
	days := math.Round(10*float64(d)/float64(day)) / 10
	return e.cat.Text(lang, "threads.opening.days", map[string]any{"N": strconv.FormatFloat(days, 'f', -1, 64)})
}

// ageText writes a duration as "14분", "3시간", "2일" in lang.
func (e *Engine) ageText(lang string, d time.Duration) string {
	switch {
	case d < time.Hour:
		return e.cat.Text(lang, "threads.age.minutes", map[string]any{"N": int(max(d, 0) / time.Minute)})
	case d < 24*time.Hour:
		return e.cat.Text(lang, "threads.age.hours", map[string]any{"N": int(d / time.Hour)})
	}
	return e.cat.Text(lang, "threads.age.days", map[string]any{"N": int(d / (24 * time.Hour))})
}
