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
	"sync"
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
// spec (BirthdaySpec's), sent with deliver. Posts builds one greeting per
// customer whose birthday it is and who has advertising consent, is
// linked, reachable and not greeted this year; Deliver records the
// greeting with its benefit (ledger.Tx.MarkBirthday) before it sends it,
// so a restart never sends it twice nor gives the benefit twice (a crash
// between the record and the send loses that greeting). A customer who
// withdrew between the two is not sent it.
func (e *Engine) BirthdayJob(spec string, maxLate time.Duration, deliver func(context.Context, Reply) error) Job {
	book := &birthdayBook{ids: map[string]string{}}
	return Job{
		Name: BirthdayJob, Spec: spec, Loc: e.loc, MaxLate: maxLate,
		Posts: func(ctx context.Context, at time.Time) ([]Reply, error) {
			rs, _, err := e.birthdayPosts(ctx, at, book)
			return rs, err
		},
		Deliver: func(ctx context.Context, r Reply) error {
			id, ok := book.take(r)
			if !ok {
				return nil // not one of ours any more (a new Posts cleared it)
			}
			send, err := e.markBirthday(ctx, id)
			if err != nil || !send {
				return err
			}
			if err := deliver(ctx, r); err != nil && !errors.Is(err, ErrBlocked) {
				book.put(r, id)
				return err
			}
			return nil
		},
	}
}

// birthdayBook remembers, between Posts and Deliver, whose greeting each
// message is.
type birthdayBook struct {
	mu  sync.Mutex
	ids map[string]string // bookKey -> customer id
}

func (b *birthdayBook) put(r Reply, id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ids[bookKey(r)] = id
}

func (b *birthdayBook) take(r Reply) (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	id, ok := b.ids[bookKey(r)]
	delete(b.ids, bookKey(r))
	return id, ok
}

// markBirthday records customer id's greeting of today with its benefit;
// send is false when it must not go (withdrawn since Posts, or greeted on
// another day this year).
func (e *Engine) markBirthday(ctx context.Context, id string) (send bool, err error) {
	now := e.now()
	err = e.store.Update(context.WithoutCancel(ctx), func(tx *ledger.Tx) error {
		send = false
		day := midnight(now, e.loc)
		st, err := tx.Birthday(id, day)
		if err != nil || st == ledger.BirthdayDone {
			return err
		}
		if st == ledger.BirthdayToday {
			send = true // recorded, its send failed: the same greeting again
			return nil
		}
		p, err := e.quietTurn(tx, e.lang, now).programme()
		if err != nil {
			return err
		}
		_, err = tx.MarkBirthday(id, day, now, p.Birthday, e.loc)
		if errors.Is(err, ledger.ErrNoConsent) {
			return nil
		}
		send = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("dialog: record birthday greeting: %w", err)
	}
	return send, nil
}

// midnight is the start of at's day in loc.
func midnight(at time.Time, loc *time.Location) time.Time {
	y, m, d := at.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// birthdayPosts returns the greetings of at's day and how many of the
// day's birthdays were skipped, by reason: BirthdayJob's Posts.
func (e *Engine) birthdayPosts(ctx context.Context, at time.Time, book *birthdayBook) ([]Reply, map[AdSkip]int, error) {
	day := midnight(at, e.loc)
	var out []Reply
	var skipped map[AdSkip]int
	err := e.store.View(ctx, func(tx *ledger.Tx) error {
		out, skipped = nil, map[AdSkip]int{}
		if book != nil {
			book.mu.Lock()
			clear(book.ids)
			book.mu.Unlock()
		}
		p, err := e.quietTurn(tx, e.lang, at).programme()
		if err != nil {
			return err
		}
		return tx.ScanBirthdays(day, day.AddDate(0, 0, 1), func(c ledger.Customer) error {
			if st, err := tx.Birthday(c.ID, day); err != nil {
				return err
			} else if st == ledger.BirthdayDone {
				return nil
			}
			r, skip, err := e.adMessage(tx, c, at, func(t *turn) string { return t.birthdayGreeting(c, p.Birthday) })
			if err != nil {
				return err
			}
			if skip != AdSent {
				skipped[skip]++
				return nil
			}
			if book != nil {
				book.put(r, c.ID)
			}
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, nil, fmt.Errorf("dialog: birthday greetings: %w", err)
	}
	e.log.InfoContext(ctx, "dialog: birthday greetings", "greetings", len(out), "skipped_consent", skipped[AdNoConsent],
		"skipped_unlinked", skipped[AdUnlinked], "skipped_unreachable", skipped[AdUnreachable], "skipped_no_shop", skipped[AdNoShop])
	return out, skipped, nil
}

// birthdayGreeting is the greeting to c with the benefit b, in the turn's
// language.
func (t *turn) birthdayGreeting(c ledger.Customer, b ledger.BirthdayBenefit) string {
	lines := []string{t.text("ads.birthday.greeting", map[string]any{"Name": c.Name})}
	var gifts []string
	if b.Points > 0 {
		gifts = append(gifts, t.pts(b.Points))
	}
	if b.Coupon != nil {
		gifts = append(gifts, t.text("loyalty.program.birthday_coupon", map[string]any{
			"Benefit": t.benefitText(*b.Coupon), "Days": daysOr(b.CouponDays),
		}))
	}
	if len(gifts) > 0 {
		lines = append(lines, t.text("ads.birthday.gift", map[string]any{"Gift": strings.Join(gifts, " + ")}))
	}
	return strings.Join(lines, "\n")
}

// birthdayNotice adds "생일 축하 N명" to the morning DMs (FollowUpPosts):
// a line in each DM in out, and a DM of its own to each manager without
// one, when any customer is greeted on day. It only counts (the greetings
// go with BirthdayJob); nothing is said when nobody is.
func (e *Engine) birthdayNotice(tx *ledger.Tx, day time.Time, out []Reply) ([]Reply, error) {
	d := midnight(day, e.loc)
	n, noShop := 0, 0
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
		}
		return err
	})
	if err != nil || n == 0 && noShop == 0 {
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
