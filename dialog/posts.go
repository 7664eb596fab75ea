package dialog

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// Scheduled posts the engine makes: the names of Jobs in the ledger, and
// their default cron expressions, read in the shop's time zone.
const (
	// SummaryJob posts last week's summary with its chart to the staff channel.
	SummaryJob = "weekly-summary"
	// FollowUpJob sends each staff member their follow-ups due that day.
	FollowUpJob = "followups-due"

	// DefaultSummarySpec is Monday 09:00.
	DefaultSummarySpec = "0 9 * * 1"
	// DefaultFollowUpSpec is every day at 09:00.
	DefaultFollowUpSpec = "0 9 * * *"
	// SpecOff, given as a spec to Jobs, leaves that job out.
	SpecOff = "off"

	// SummaryMaxLate is how late a missed summary is still posted: dangol
	// down over a Monday posts that Monday's summary when it comes back
	// that week. It stays a day short of the week, so a ledger that never
	// posted, started on a Monday before 09:00, waits for that day's
	// summary instead of posting the one before it a minute earlier.
	SummaryMaxLate = 6 * 24 * time.Hour
	// FollowUpMaxLate is how late a missed morning DM is still sent: with
	// the default 09:00 spec, until 21:00 that day. A list of what was due
	// yesterday, arriving the next morning, only gets in the way.
	FollowUpMaxLate = 12 * time.Hour
)

// noteClip bounds a note's text in a follow-up DM: a reminder, not the note.
const noteClip = 80

// Jobs returns the engine's scheduled posts, ready for NewScheduler:
// SummaryJob on summarySpec and FollowUpJob on followUpSpec (an empty spec
// takes its default, SpecOff leaves the job out), each sending its replies
// with deliver. Specs are checked by NewScheduler.
func (e *Engine) Jobs(summarySpec, followUpSpec string, deliver func(context.Context, Reply) error) []Job {
	var jobs []Job
	if spec := specOr(summarySpec, DefaultSummarySpec); spec != SpecOff {
		jobs = append(jobs, Job{
			Name: SummaryJob, Spec: spec, Loc: e.loc, MaxLate: SummaryMaxLate, Deliver: deliver,
			Posts: func(ctx context.Context, at time.Time) ([]Reply, error) {
				// The week that ended last: on Monday morning, the one just past.
				r, err := e.WeeklyPost(ctx, feedback.WeekOf(at, e.loc).Add(-1))
				if err != nil {
					return nil, err
				}
				return []Reply{r}, nil
			},
		})
	}
	if spec := specOr(followUpSpec, DefaultFollowUpSpec); spec != SpecOff {
		jobs = append(jobs, Job{
			Name: FollowUpJob, Spec: spec, Loc: e.loc, MaxLate: FollowUpMaxLate, Deliver: deliver,
			Posts: e.FollowUpPosts,
		})
	}
	return jobs
}

func specOr(spec, def string) string {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return def
	}
	if strings.EqualFold(spec, SpecOff) {
		return SpecOff
	}
	return spec
}

// WeeklyPost returns the summary of week for the staff channel, in the
// engine's default language: the headline, the sections managers see with
// /summary, and the chart as a PNG. Follow-ups and regulars at risk are
// judged at the end of the week. A chart that fails to draw is logged and
// left out: the numbers matter more than the picture.
func (e *Engine) WeeklyPost(ctx context.Context, week feedback.Week) (Reply, error) {
	r, _, err := e.summaryReply(ctx, week, e.lang, time.Time{})
	if err != nil {
		return Reply{}, err
	}
	r.To = ToStaffChannel
	return r, nil
}

// summaryReply renders week's summary in lang, judged at now (zero: the
// end of the week), as /summary shows it, and returns the summary it was
// made of, whose at-risk list /summary's buttons follow.
func (e *Engine) summaryReply(ctx context.Context, w feedback.Week, lang string, now time.Time) (Reply, *feedback.Summary, error) {
	s, err := feedback.Weekly(ctx, e.store, w, feedback.Options{Loc: e.loc, Now: now})
	if err != nil {
		return Reply{}, nil, fmt.Errorf("dialog: summary %s: %w", w, err)
	}
	head, secs := s.Render(e.cat, lang, feedback.ForStaff)
	r := Reply{Lang: lang, Text: head}
	for _, sec := range secs {
		r.Sections = append(r.Sections, Section{Title: sec.Title, Lines: sec.Lines})
	}
	if sec, ok, err := e.threadWeekSection(ctx, w, lang, now); err != nil { // questions and complaints (sla.go)
		return Reply{}, nil, err
	} else if ok {
		r.Sections = append(r.Sections, sec)
	}
	png, err := e.chart(s, e.cat, lang)
	if err != nil {
		e.log.WarnContext(ctx, "dialog: summary chart", "week", w.String(), "err", err)
	} else if len(png) > 0 {
		r.Image = &Image{Name: "week-" + w.String() + ".png", PNG: png}
	}
	return r, s, nil
}

// FollowUpPosts returns one direct message per staff member with
// follow-ups due on day (its date in the shop's time zone) and not done,
// each listing them with the "done" button /followups offers (payload
// "fu:<note id>"), in the member's language. Nobody else gets a message:
// not staff with nothing due, not authors who no longer hold a role, and
// no line names an erased customer. Each customer shown is audited as read
// by the member it is shown to. The managers' DMs also say how many
// customers the retention run erased since the last ones (retentionNotice):
// a manager with no follow-ups gets a DM with that line alone.
func (e *Engine) FollowUpPosts(ctx context.Context, day time.Time) ([]Reply, error) {
	y, m, d := day.In(e.loc).Date()
	from, to := time.Date(y, m, d, 0, 0, 0, 0, e.loc), time.Date(y, m, d+1, 0, 0, 0, 0, e.loc)
	// Overdue ones too, as far back as /followups shows them: a follow-up
	// not done on its day was named once and then never again.
	notes, err := feedback.FollowUps(ctx, e.store, "", from.Add(-followUpWindow), to)
	if err != nil {
		return nil, fmt.Errorf("dialog: follow-up posts: %w", err)
	}
	byStaff := map[string][]ledger.Note{}
	for _, n := range notes {
		byStaff[n.StaffID] = append(byStaff[n.StaffID], n)
	}
	ids := make([]string, 0, len(byStaff))
	for id := range byStaff {
		ids = append(ids, id)
	}
	sort.Strings(ids)

	now := e.now()
	var out []Reply
	err = e.store.Update(ctx, func(tx *ledger.Tx) error {
		out = out[:0] // Update may run this more than once
		for _, id := range ids {
			r, ok, err := e.followUpDM(tx, id, byStaff[id], now)
			if err != nil {
				return err
			}
			if ok {
				out = append(out, r)
			}
		}
		// The managers' line on what retention erased (flow_retention.go).
		var err error
		out, err = e.retentionNotice(tx, day, out)
		if err != nil {
			return err
		}
		out, err = e.birthdayNotice(tx, day, out) // flow_birthday.go: "생일 축하 N명"
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dialog: follow-up posts: %w", err)
	}
	return out, nil
}

// followUpDM makes staffID's message of due notes; ok is false when there
// is nobody to send it to or nothing left to say.
func (e *Engine) followUpDM(tx *ledger.Tx, staffID string, due []ledger.Note, now time.Time) (r Reply, ok bool, err error) {
	channel, user, found := strings.Cut(staffID, ":")
	if !found || channel == "" || user == "" {
		return Reply{}, false, nil
	}
	// Someone who has left is not sent customers' names. A trusted channel
	// (the console) keeps no roster to leave: it asserts each speaker's role
	// as they speak, so the author of a follow-up there is still its staff.
	if !e.trusted[channel] {
		if role, err := e.staffRole(tx, staffID, true); err != nil || role == ledger.RoleNone {
			return Reply{}, false, err
		}
	}
	lang := e.lang
	if p, err := tx.Profile(staffID); err != nil {
		return Reply{}, false, fmt.Errorf("dialog: read profile: %w", err)
	} else if p.Lang != "" {
		lang = locales.Normalize(p.Lang)
	}
	audit := func(customerID string) error {
		a := ledger.AuditEntry{At: now, ActorID: staffID, Action: "read", CustomerID: customerID, Detail: "followups-dm"}
		if err := tx.Audit(a); err != nil {
			return fmt.Errorf("dialog: audit follow-up DM: %w", err)
		}
		return nil
	}
	y, m, d := now.In(e.loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, e.loc)
	lines, shown, total, err := showFollowUps(tx, due, audit, func(n ledger.Note, c ledger.Customer) (string, map[string]any) {
		data := map[string]any{"Name": c.Name, "Masked": maskPhone(c.Phone), "Text": clipText(n.Text, noteClip), "Late": ""}
		if n.FollowUp.Before(today) {
			data["Late"] = n.FollowUp.In(e.loc).Format("2006-01-02") // overdue: its day
		}
		return e.cat.Text(lang, "core.followups.dm_line", data), data
	})
	if err != nil {
		return Reply{}, false, err
	}
	if total == 0 {
		return Reply{}, false, nil
	}
	return Reply{
		To: ToUser, Channel: channel, UserID: user, Lang: lang,
		Text:     e.cat.Text(lang, "core.followups.dm_head", map[string]any{"Count": total}),
		Sections: []Section{{Lines: lines}},
		Buttons:  e.followUpButtons(lang, shown), // flow_followup_send.go
	}, true, nil
}

// clipText shortens s to at most n runes on one line, marking a cut with "…".
func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
