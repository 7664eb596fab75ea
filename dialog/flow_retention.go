package dialog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// This file is the retention promise the consent text makes (Config.Retention):
// the consent question says how long data is kept and by whom; a month
// before a customer's time is up the notice run tells them the day they
// will be erased, and tells the managers who; the card and /mydata say
// that day; the retention run erases those whose day has come, and the
// managers' morning DM says how many.

// The retention run's schedule.
const (
	// RetentionJob erases, once a day, the customers whose retention has
	// passed. It posts nothing: the managers hear of it in the morning
	// follow-up DM (FollowUpJob).
	RetentionJob = "retention"
	// DefaultRetentionSpec is every day at 04:00: after the nightly backup
	// (03:00), before the morning DMs (09:00) that report what it erased.
	DefaultRetentionSpec = "0 4 * * *"
	// RetentionMaxLate is how late a missed daily run is still made by the
	// scheduler; serve also runs it once at start, whatever the time.
	RetentionMaxLate = 20 * time.Hour
	// RetentionWarnDays is how many days before the erasure the notice
	// goes out and the card and /mydata say it is coming; a notice leaves
	// at least that many (ledger.RetentionNoticeDays).
	RetentionWarnDays = ledger.RetentionNoticeDays

	// RetentionNoticeJob tells, once a day, the customers whose retention
	// ends within RetentionWarnDays the day they will be erased, and the
	// managers who they are (ledger.Tx.NoticeRetention).
	RetentionNoticeJob = "retention-notice"
	// DefaultRetentionNoticeSpec is every day at 11:00: a daytime hour
	// for a message to customers.
	DefaultRetentionNoticeSpec = "0 11 * * *"
	// RetentionNoticeMaxLate is how late a missed run is still made: the
	// same day, before 20:00.
	RetentionNoticeMaxLate = 9 * time.Hour
	// retentionNoticeList is how many customers the managers' notice
	// names; the rest are counted.
	retentionNoticeList = 10
)

// ApplyRetention erases, as /forget would, every customer whose retention
// (Config.Retention) has passed at the engine's now and whose erasure day,
// named by a retention notice at least 30 days before, has come; it
// returns how many.
// Each erasure is audited as ledger.RetentionActor's and counted in the
// ledger until the managers' next morning DM tells it. Running it twice
// erases and counts no one twice; with retention off it does nothing. It
// runs its own transactions: call it from no flow.
func (e *Engine) ApplyRetention(ctx context.Context) (int, error) {
	if e.retention.Off() {
		return 0, nil
	}
	n, err := e.store.EraseExpired(ctx, e.retention, e.loc, e.now())
	if n > 0 {
		// A count only: who was erased is in the audit trail.
		e.log.InfoContext(ctx, "dialog: retention: erased customers past the retention period", "erased", n, "retention", e.retention.String())
	}
	if err != nil {
		return n, fmt.Errorf("dialog: retention: %w", err)
	}
	return n, nil
}

// RetentionJob returns the daily retention run (RetentionJob on
// DefaultRetentionSpec) for NewScheduler; ok is false when retention is
// off. Its Posts runs ApplyRetention and returns no replies.
func (e *Engine) RetentionJob() (j Job, ok bool) {
	if e.retention.Off() {
		return Job{}, false
	}
	return Job{
		Name: RetentionJob, Spec: DefaultRetentionSpec, Loc: e.loc, MaxLate: RetentionMaxLate,
		Posts: func(ctx context.Context, _ time.Time) ([]Reply, error) {
			_, err := e.ApplyRetention(ctx)
			return nil, err
		},
		Deliver: func(context.Context, Reply) error { return nil },
	}, true
}

// RetentionNoticeJob returns the daily notice run (RetentionNoticeJob on
// DefaultRetentionNoticeSpec) for NewScheduler, its messages sent with
// deliver; ok is false when retention is off. Until a customer is told,
// the retention run does not erase them, and it erases them no sooner
// than RetentionWarnDays after (ledger.RetentionNotice.EraseOn).
func (e *Engine) RetentionNoticeJob(deliver func(context.Context, Reply) error) (j Job, ok bool) {
	if e.retention.Off() {
		return Job{}, false
	}
	return Job{
		Name: RetentionNoticeJob, Spec: DefaultRetentionNoticeSpec, Loc: e.loc, MaxLate: RetentionNoticeMaxLate,
		Posts: e.retentionNoticePosts,
		Deliver: func(ctx context.Context, r Reply) error {
			// Someone who blocked the bot would refuse it again; the
			// managers were told of them all the same.
			if err := deliver(ctx, r); err != nil && !errors.Is(err, ErrBlocked) {
				return err
			}
			return nil
		},
	}, true
}

// retentionNoticePosts gives the notices due at at and returns their
// messages: one to each customer a channel reaches, and to each manager
// the list of who will be erased when. A run tried again for the same at
// returns the same messages (ledger.Tx.NoticeRetention).
func (e *Engine) retentionNoticePosts(ctx context.Context, at time.Time) ([]Reply, error) {
	var out []Reply
	err := e.store.Update(ctx, func(tx *ledger.Tx) error {
		out = nil // Update may run this more than once
		ns, err := tx.NoticeRetention(e.retention, e.loc, at)
		if err != nil || len(ns) == 0 {
			return err
		}
		type told struct {
			name, day string
			reached   bool
		}
		list := make([]told, 0, len(ns))
		for _, n := range ns {
			c, err := tx.Customer(n.CustomerID)
			if err != nil {
				return fmt.Errorf("dialog: read customer: %w", err)
			}
			channel, user, lang, ok, err := e.customerAddress(tx, c)
			if err != nil {
				return err
			}
			list = append(list, told{name: c.Name, day: n.EraseOn.In(e.loc).Format("2006-01-02"), reached: ok})
			if !ok {
				continue
			}
			bal, err := tx.Balance(c.ID)
			if err != nil {
				return fmt.Errorf("dialog: read balance: %w", err)
			}
			t := e.quietTurn(tx, lang, at)
			points := ""
			if bal > 0 {
				points = t.pts(bal)
			}
			out = append(out, Reply{To: ToUser, Channel: channel, UserID: user, Lang: lang, Text: t.text("privacy.retention.notice", map[string]any{
				"Shop": e.shopOr(t), "Span": e.retentionSpan(lang), "Date": t.day(n.EraseOn), "Points": points,
			})})
		}
		to, err := e.managerAddresses(tx)
		if err != nil {
			return err
		}
		for _, a := range to {
			channel, user, lang := a.channel, a.user, a.lang
			t := e.quietTurn(tx, lang, at)
			lines := []string{t.text("privacy.retention.notice_staff", map[string]any{"Count": len(list)})}
			for i, c := range list {
				if i == retentionNoticeList {
					lines = append(lines, t.text("privacy.retention.notice_staff_more", map[string]any{"Count": len(list) - i}))
					break
				}
				id := "privacy.retention.notice_staff_line"
				if !c.reached {
					id = "privacy.retention.notice_staff_unreached"
				}
				lines = append(lines, t.text(id, map[string]any{"Name": c.name, "Date": c.day}))
			}
			lines = append(lines, t.text("privacy.retention.notice_staff_foot", nil))
			out = append(out, Reply{To: ToUser, Channel: channel, UserID: user, Lang: lang, Text: strings.Join(lines, "\n")})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dialog: retention notice: %w", err)
	}
	return out, nil
}

// retentionNotice adds to out, the morning DMs due at at, the count of
// customers the retention run erased since the last ones: a line in the DM
// of each manager (configured, granted in the ledger, or in Config.Notify),
// or a DM of its own to a manager with no follow-ups. The count is taken
// from the ledger in tx (ledger.TellRetention), so it is told once, and
// again only if this same post is tried again. Without a manager to tell
// the count waits.
func (e *Engine) retentionNotice(tx *ledger.Tx, at time.Time, out []Reply) ([]Reply, error) {
	to, err := e.managerAddresses(tx)
	if err != nil || len(to) == 0 {
		return out, err
	}
	n, err := tx.TellRetention(at)
	if err != nil {
		return nil, fmt.Errorf("dialog: retention count: %w", err)
	}
	if n == 0 {
		return out, nil
	}
	for _, a := range to {
		channel, user, lang := a.channel, a.user, a.lang
		line := e.cat.Text(lang, "privacy.retention.dm", map[string]any{"Count": n})
		i := slices.IndexFunc(out, func(r Reply) bool { return r.To == ToUser && r.Channel == channel && r.UserID == user })
		if i >= 0 {
			out[i].Sections = append(out[i].Sections, Section{Lines: []string{line}})
			continue
		}
		out = append(out, Reply{To: ToUser, Channel: channel, UserID: user, Lang: lang, Text: line})
	}
	return out, nil
}

// managerAddress is where a manager is written to, and in which language.
type managerAddress struct{ channel, user, lang string }

// managerAddresses are managerIDs as addresses, each in the language of
// their profile (else the shop's); an id that names no platform user is
// left out.
func (e *Engine) managerAddresses(tx *ledger.Tx) ([]managerAddress, error) {
	ids, err := e.managerIDs(tx)
	if err != nil {
		return nil, err
	}
	var out []managerAddress
	for _, id := range ids {
		channel, user, ok := strings.Cut(id, ":")
		if !ok || channel == "" || user == "" {
			continue
		}
		lang := e.lang
		if p, err := tx.Profile(id); err != nil {
			return nil, fmt.Errorf("dialog: read profile: %w", err)
		} else if p.Lang != "" {
			lang = locales.Normalize(p.Lang)
		}
		out = append(out, managerAddress{channel, user, lang})
	}
	return out, nil
}

// managerIDs lists, once each and sorted, the managers configured, those
// granted in the ledger, and Config.Notify.
func (e *Engine) managerIDs(tx *ledger.Tx) ([]string, error) {
	seen := map[string]bool{}
	for id := range e.managers {
		seen[id] = true
	}
	for _, id := range e.notify {
		seen[id] = true
	}
	members, err := tx.ListStaff()
	if err != nil {
		return nil, fmt.Errorf("dialog: read staff: %w", err)
	}
	for _, m := range members {
		if m.Role == ledger.RoleManager {
			seen[m.ID] = true
		}
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}

// retentionLine is the card's (id "privacy.retention.card") or /mydata's
// ("privacy.retention.mydata") line saying the day c will be erased, once
// they were told it or their retention ends within RetentionWarnDays; ok is
// false at any other time.
func (t *turn) retentionLine(c ledger.Customer, id string) (line string, ok bool, err error) {
	exp := t.e.retention.ExpiryOf(c, t.e.loc)
	if exp.IsZero() {
		return "", false, nil
	}
	on, told, err := t.tx.ErasureDate(c, t.e.retention, t.e.loc, t.now)
	if err != nil {
		return "", false, fmt.Errorf("dialog: erasure date: %w", err)
	}
	if !told && t.now.Before(exp.AddDate(0, 0, -RetentionWarnDays)) {
		return "", false, nil
	}
	return t.text(id, map[string]any{"Date": t.day(on)}), true, nil
}

// consentData fills the consent question: the shop's name ("" for the
// neutral wording) and how long data is kept.
func (t *turn) consentData() map[string]any {
	period := t.text("privacy.retention.until_erased", nil)
	if !t.e.retention.Off() {
		period = t.text("privacy.retention.after_visit", map[string]any{"Span": t.e.retentionSpan(t.lang)})
	}
	return map[string]any{"Shop": t.e.shop, "Period": period}
}

// retentionSpan words the retention period in lang: "2년", "18개월",
// "1년 6개월", "400일".
func (e *Engine) retentionSpan(lang string) string {
	r := e.retention
	var parts []string
	for _, p := range []struct {
		n  int
		id string
	}{{r.Years, "privacy.retention.years"}, {r.Months, "privacy.retention.months"}, {r.Days, "privacy.retention.days"}} {
		if p.n > 0 {
			parts = append(parts, e.cat.Text(lang, p.id, map[string]any{"N": p.n}))
		}
	}
	return strings.Join(parts, " ")
}
