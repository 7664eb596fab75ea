package dialog

// Birthdays: on the morning of a customer's birthday (DANGOL_BIRTHDAY_AT,
// default 10:00) a customer with advertising consent gets a greeting with
// the programme's birthday benefit, once a year; the others are skipped
// and counted. The benefit is advertising (정보통신망법 제50조), so the
// greeting is built by adMessage, and the job never runs in the night.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// The birthday job.
const (
	// BirthdayJob greets the day's birthdays.
	BirthdayJob = "birthday"
	// DefaultBirthdayAt is when, in the shop's time zone.
	DefaultBirthdayAt = "10:00"
)

// BirthdaySpec reads DANGOL_BIRTHDAY_AT ("10:00", "9:30"; "" is
// DefaultBirthdayAt) into the job's cron expression and how late a missed
// greeting may still go: until the night rule's 21:00 that day. A time
// within the night (21:00–08:00) is refused: the greeting is advertising.
func BirthdaySpec(at string) (spec string, maxLate time.Duration, err error) {
	if at = strings.TrimSpace(at); at == "" {
		at = DefaultBirthdayAt
	}
	hs, ms, ok := strings.Cut(at, ":")
	h, herr := strconv.Atoi(hs)
	m, merr := strconv.Atoi(ms)
	if !ok || herr != nil || merr != nil || len(ms) != 2 || h < 0 || h > 23 || m < 0 || m > 59 {
		return "", 0, fmt.Errorf("dialog: birthday time %q: want HH:MM", at)
	}
	if h >= AdNightFrom || h < AdNightUntil {
		return "", 0, fmt.Errorf("dialog: birthday time %q: within the night (%02d:00-%02d:00)", at, AdNightFrom, AdNightUntil)
	}
	late := time.Duration(AdNightFrom-h)*time.Hour - time.Duration(m)*time.Minute - time.Minute
	return fmt.Sprintf("%d %d * * *", m, h), late, nil
}

// BirthdayJob returns the daily birthday greetings for NewScheduler at
// spec (BirthdaySpec's), sent with deliver. Posts (BirthdayGreetings)
// builds one greeting per customer whose birthday it is and who has
// advertising consent, is linked, reachable and not greeted this year, and
// records each in the same transaction as its benefit and the year's mark
// (ledger.Tx.MarkBirthday) and, with Config.Outbox, its outbox entry: a
// restart neither sends it twice nor gives the benefit twice, and a crash
// between the record and the send leaves the greeting in the outbox, sent
// by the resender (at least once). A customer who blocked the bot is not
// retried.
func (e *Engine) BirthdayJob(spec string, maxLate time.Duration, deliver func(context.Context, Reply) error) Job {
	return Job{
		Name: BirthdayJob, Spec: spec, Loc: e.loc, MaxLate: maxLate,
		Posts: e.BirthdayGreetings,
		Deliver: func(ctx context.Context, r Reply) error {
			if err := deliver(ctx, r); err != nil && !errors.Is(err, ErrBlocked) {
				return err
			}
			return nil
		},
	}
}

// midnight is the start of at's day in loc.
func midnight(at time.Time, loc *time.Location) time.Time {
	y, m, d := at.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// BirthdayGreetings returns the greetings of at's day, each recorded with
// its benefit, its outreach record (ledger.OutreachBirthday, with the
// coupon code or points) and, with Config.Outbox, its outbox entry, in one
// transaction. The day's other birthdays are recorded as skipped outreach
// with their reason (once a day; those skipped for consent are the
// baseline of the response figures). A greeting recorded already (a run
// again after a failed send) is returned again without Config.Outbox, the
// scheduler's record of each post keeping it from going twice; with the
// outbox it waits there and is not returned.
func (e *Engine) BirthdayGreetings(ctx context.Context, at time.Time) ([]Reply, error) {
	day := midnight(at, e.loc)
	now := e.now()
	var out []Reply
	var skipped map[AdSkip]int
	err := e.store.Update(ctx, func(tx *ledger.Tx) error {
		out, skipped = nil, map[AdSkip]int{} // Update may run this more than once
		p, err := e.quietTurn(tx, e.lang, at).programme()
		if err != nil {
			return err
		}
		var cs []ledger.Customer
		if err := tx.ScanBirthdays(day, day.AddDate(0, 0, 1), func(c ledger.Customer) error {
			cs = append(cs, c)
			return nil
		}); err != nil {
			return err
		}
		for _, c := range cs {
			r, skip, err := e.birthdayGreetingOf(tx, c, day, now, p.Birthday)
			if err != nil {
				return fmt.Errorf("%s: %w", c.ID, err)
			}
			if skip != AdSent {
				skipped[skip]++
			}
			if r != nil {
				out = append(out, *r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dialog: birthday greetings: %w", err)
	}
	e.log.InfoContext(ctx, "dialog: birthday greetings", "greetings", len(out), "skipped_consent", skipped[AdNoConsent],
		"skipped_unlinked", skipped[AdUnlinked], "skipped_unreachable", skipped[AdUnreachable], "skipped_no_shop", skipped[AdNoShop], "skipped_no_contact", skipped[AdNoContact])
	return out, nil
}

// birthdayGreetingOf is c's greeting of day, recorded (nil when none is
// to go now), or why it was skipped.
func (e *Engine) birthdayGreetingOf(tx *ledger.Tx, c ledger.Customer, day, now time.Time, b ledger.BirthdayBenefit) (*Reply, AdSkip, error) {
	st, err := tx.Birthday(c.ID, day)
	if err != nil || st == ledger.BirthdayDone {
		return nil, AdSent, err
	}
	r, skip, err := e.adMessage(tx, c, now, func(t *turn) string { return t.birthdayGreeting(c, b) })
	if err != nil {
		return nil, "", err
	}
	if st == ledger.BirthdayToday {
		if e.outbox || skip != AdSent {
			return nil, AdSent, nil // in the outbox, or no longer to be sent
		}
		return &r, AdSent, nil
	}
	if skip != AdSent {
		if skip == AdNoShop || skip == AdNoContact || skip == AdErased {
			return nil, skip, nil // the shop's setting, or nobody left: no baseline
		}
		return nil, skip, e.recordSkipped(tx, ledger.OutreachBirthday, c.ID, day, now, string(skip))
	}
	if ok, err := tx.MarkBirthday(c.ID, day, now, b, e.loc); err != nil || !ok {
		return nil, AdSent, err
	}
	o := ledger.Outreach{Kind: ledger.OutreachBirthday, CustomerID: c.ID, At: now, Points: b.Points}
	if b.Coupon != nil {
		if o.Coupon, err = issuedCoupon(tx, c.ID, ledger.SourceBirthday, now); err != nil {
			return nil, "", err
		}
	}
	if err := tx.RecordOutreach(o); err != nil {
		return nil, "", err
	}
	if err := e.stashCare(tx, "care:birthday:"+c.ID+":"+day.Format(time.DateOnly), now, &r); err != nil {
		return nil, "", err
	}
	return &r, AdSent, nil
}

// issuedCoupon is the code of the coupon from source issued to the
// customer at at (MarkBirthday's, which does not return it).
func issuedCoupon(tx *ledger.Tx, customerID string, source ledger.CouponSource, at time.Time) (string, error) {
	cs, err := tx.CouponsOf(customerID, at, true)
	if err != nil {
		return "", fmt.Errorf("read coupons: %w", err)
	}
	for _, c := range cs {
		if c.Source == source && c.IssuedAt.Equal(at) {
			return c.Code, nil
		}
	}
	return "", nil
}

// recordSkipped records that the customer was skipped for reason on day,
// once: a run again the same day records nothing more.
func (e *Engine) recordSkipped(tx *ledger.Tx, kind ledger.OutreachKind, customerID string, day, now time.Time, reason string) error {
	recent, err := tx.OutreachOf(customerID, 10)
	if err != nil {
		return err
	}
	for _, o := range recent {
		if o.Kind == kind && sameDayIn(o.At, day, e.loc) {
			return nil
		}
	}
	return tx.RecordOutreach(ledger.Outreach{Kind: kind, CustomerID: customerID, At: now, Skipped: reason})
}

// sameDayIn reports whether a and b fall on one calendar day in loc.
func sameDayIn(a, b time.Time, loc *time.Location) bool {
	return midnight(a, loc).Equal(midnight(b, loc))
}

// birthdayGreeting is the greeting to c with the benefit b, in the turn's
// language.
func (t *turn) birthdayGreeting(c ledger.Customer, b ledger.BirthdayBenefit) string {
	lines := []string{t.text("ads.birthday.greeting", map[string]any{"Name": c.Name})}
	if gift := t.giftLines("ads.birthday.gift_points", "ads.birthday.gift_coupon", b.Points, b.Coupon, b.CouponDays); gift != "" { // flow_program.go
		lines = append(lines, gift)
	}
	return strings.Join(lines, "\n")
}

// birthdayNotice adds "생일 축하 N명" to the morning DMs (FollowUpPosts):
// a line in each DM in out, and a DM of its own to each manager without
// one, when any customer is greeted on day. It only counts (the greetings
// go with BirthdayJob); nothing is said when nobody is.
func (e *Engine) birthdayNotice(tx *ledger.Tx, day time.Time, out []Reply) ([]Reply, error) {
	d := midnight(day, e.loc)
	n, noShop, noContact := 0, 0, 0
	err := tx.ScanBirthdays(d, d.AddDate(0, 0, 1), func(c ledger.Customer) error {
		if st, err := tx.Birthday(c.ID, d); err != nil || st == ledger.BirthdayDone {
			return err
		}
		_, skip, err := e.adMessage(tx, c, day, func(*turn) string { return "" })
		switch {
		case err == nil && skip == AdSent:
			n++
		case err == nil && skip == AdNoShop:
			noShop++
		case err == nil && skip == AdNoContact:
			noContact++
		}
		return err
	})
	if err != nil || n == 0 && noShop == 0 && noContact == 0 {
		return out, err
	}
	// Without a shop name no greeting may go (the law wants the sender
	// named): the managers are told why, or they would wait for greetings
	// that never come.
	lines := func(lang string) []string {
		var ls []string
		if n > 0 {
			ls = append(ls, e.cat.Text(lang, "ads.birthday.dm", map[string]any{"Count": n}))
		}
		if noShop > 0 {
			ls = append(ls, e.cat.Text(lang, "ads.birthday.no_shop", map[string]any{"Count": noShop}))
		}
		if noContact > 0 {
			ls = append(ls, e.cat.Text(lang, "ads.birthday.no_contact", map[string]any{"Count": noContact}))
		}
		return ls
	}
	for i := range out {
		out[i].Sections = append(out[i].Sections, Section{Lines: lines(out[i].Lang)})
	}
	managers, err := e.managerIDs(tx)
	if err != nil {
		return nil, err
	}
	for _, id := range managers {
		channel, user, ok := strings.Cut(id, ":")
		if !ok || channel == "" || user == "" || hasDM(out, channel, user) {
			continue
		}
		lang := e.lang
		if p, err := tx.Profile(id); err != nil {
			return nil, fmt.Errorf("dialog: read profile: %w", err)
		} else if p.Lang != "" {
			lang = locales.Normalize(p.Lang)
		}
		out = append(out, Reply{To: ToUser, Channel: channel, UserID: user, Lang: lang, Text: strings.Join(lines(lang), "\n")})
	}
	return out, nil
}

// hasDM reports whether out holds a direct message to channel:user.
func hasDM(out []Reply, channel, user string) bool {
	for _, r := range out {
		if r.To == ToUser && r.Channel == channel && r.UserID == user {
			return true
		}
	}
	return false
}
