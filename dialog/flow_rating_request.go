package dialog

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

// The rating request after a visit (issue 14): a service message, so it
// needs only the consent given at /start. A linked, consenting, reachable
// customer whose visit was recorded (a note, a points earn or stamps:
// ledger.RecordVisit) is asked "오늘 방문 어떠셨어요?" with the star buttons,
// DANGOL_FEEDBACK_AFTER after their day's first visit, once per visit day,
// not when they already left feedback that day, and never between 21:00
// and 09:00 in the shop's zone: a request falling before 09:00 waits for
// it, one falling at 21:00 or later is dropped (ratingWindow).

// RatingJobName names the rating requests in the scheduler's records.
const RatingJobName = "rating"

// DefaultFeedbackAfter is how long after a visit its rating is asked for.
const DefaultFeedbackAfter = 3 * time.Hour

// The hours (in the shop's zone) between which no rating request is sent.
const (
	ratingQuietFrom  = 21 // from 21:00
	ratingQuietUntil = 9  // to 09:00
)

// ratingAction is the verb of the request's star buttons: "rr:<day>:<n>".
const ratingAction = "rr"

func init() {
	actionHandlers[ratingAction] = (*turn).onRatingButton
	typedAnswers = append(typedAnswers, (*turn).typedRatingAnswer)
}

// RatingRequestJob asks for visit ratings every ten minutes (a Check job,
// as the SLA check). after is DANGOL_FEEDBACK_AFTER: how long after the
// visit; <= 0 turns the requests off (ok is false).
func (e *Engine) RatingRequestJob(after time.Duration, deliver func(context.Context, Reply) error) (Job, bool) {
	if after <= 0 {
		return Job{}, false
	}
	return Job{
		Name: RatingJobName, Spec: DefaultSLASpec, Loc: e.loc, MaxLate: 9 * time.Minute, // shorter than the interval
		Posts:   func(ctx context.Context, at time.Time) ([]Reply, error) { return e.RatingRequests(ctx, at, after) },
		Deliver: deliver,
		Check:   true,                                                                                               // it reads the visits as they are at its run
		Due:     func(ctx context.Context, at time.Time) (time.Time, error) { return e.ratingNext(ctx, at, after) }, // check_due.go
	}, true
}

// ratingWindow returns when the rating of a visit at visit may be asked
// for: from after later (09:00 when that is earlier) until 21:00 of the
// visit's day. ok is false when after later is already 21:00 or past: the
// request asks about "오늘 방문", and a feedback answers the day it is given
// (ledger.Tx.RatedOn), so a request sent the next morning (as it was) said
// "today" of yesterday and is dropped instead, as README's
// DANGOL_FEEDBACK_AFTER says. A request not sent by 21:00, dangol being
// down, is dropped too rather than sent days late.
func ratingWindow(visit time.Time, after time.Duration, loc *time.Location) (from, until time.Time, ok bool) {
	v := visit.In(loc)
	y, m, d := v.Date()
	until = time.Date(y, m, d, ratingQuietFrom, 0, 0, 0, loc)
	from = visit.Add(after)
	if morning := time.Date(y, m, d, ratingQuietUntil, 0, 0, 0, loc); from.Before(morning) {
		from = morning
	}
	return from, until, from.Before(until)
}

// ratingAskable reports whether the request of a visit at visit may go at
// at (ratingWindow).
func ratingAskable(visit, at time.Time, after time.Duration, loc *time.Location) bool {
	from, until, ok := ratingWindow(visit, after, loc)
	return ok && !at.Before(from) && at.Before(until)
}

// RatingRequests returns the rating requests due at at, each to the
// customer's linked platform, and records each as requested in the same
// transaction that puts it in the outbox (with Config.Outbox): a restart
// never asks twice, and a request whose send fails is sent again from the
// outbox. Customers unlinked, without consent, unreachable (they blocked
// the bot) or erased are never asked.
func (e *Engine) RatingRequests(ctx context.Context, at time.Time, after time.Duration) ([]Reply, error) {
	var out []Reply
	err := e.store.Update(ctx, func(tx *ledger.Tx) error {
		out = out[:0] // Update may run this more than once
		var due []ledger.VisitStats
		err := tx.ScanVisitStats(func(s ledger.VisitStats) error {
			if s.Visits > 0 && ratingAskable(s.Last, at, after, e.loc) {
				due = append(due, s)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, s := range due {
			r, ok, err := e.ratingRequest(tx, s, at)
			if err != nil {
				return err
			}
			if ok {
				out = append(out, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dialog: rating requests: %w", err)
	}
	return out, nil
}

// ratingRequest is the request for s's latest visit day, recorded, or ok
// false when the customer is not to be asked.
func (e *Engine) ratingRequest(tx *ledger.Tx, s ledger.VisitStats, at time.Time) (Reply, bool, error) {
	c, pid, p, ok, err := e.ratingTarget(tx, s)
	if err != nil || !ok {
		return Reply{}, false, err
	}
	day := s.Last.In(e.loc)
	if err := tx.MarkRatingRequested(c.ID, day, at); err != nil {
		return Reply{}, false, err
	}
	if err := tx.RecordOutreach(ledger.Outreach{Kind: ledger.OutreachRating, CustomerID: c.ID, At: at}); err != nil {
		return Reply{}, false, err
	}
	channel, user, _ := strings.Cut(pid, ":")
	lang := e.lang
	if p.Lang != "" {
		lang = locales.Normalize(p.Lang)
	} else if c.Lang != "" {
		lang = locales.Normalize(c.Lang)
	}
	date := day.Format(time.DateOnly)
	r := Reply{To: ToUser, Channel: channel, UserID: user, Lang: lang,
		Text: e.cat.Text(lang, "care.rating.ask", map[string]any{"Shop": e.shop})}
	for i := 1; i <= 5; i++ {
		r.Buttons = append(r.Buttons, Button{Label: strings.Repeat("★", i), Payload: ratingAction + ":" + date + ":" + strconv.Itoa(i)})
	}
	if err := e.stashCare(tx, "care:rate:"+c.ID+":"+date, at, &r); err != nil {
		return Reply{}, false, err
	}
	return r, true, nil
}

// ratingTarget is whom to ask about s's latest visit day, and where: the
// customer and their reachable link (reachableLink), or ok false when the
// day was asked about or rated already, or the customer is gone, erased,
// without consent or unreachable. RatingRequests asks by it and the
// rating job's Due (check_due.go) looks ahead by it, so the two never
// disagree on who is waiting.
func (e *Engine) ratingTarget(tx *ledger.Tx, s ledger.VisitStats) (c ledger.Customer, pid string, p ledger.Profile, ok bool, err error) {
	day := s.Last.In(e.loc)
	asked, err := tx.RatingRequested(s.CustomerID, day)
	if errors.Is(err, ledger.ErrCustomerNotFound) {
		return c, "", p, false, nil
	}
	if err != nil || asked {
		return c, "", p, false, err
	}
	c, err = tx.Customer(s.CustomerID)
	if errors.Is(err, ledger.ErrCustomerNotFound) {
		return c, "", p, false, nil
	}
	if err != nil {
		return c, "", p, false, fmt.Errorf("read customer: %w", err)
	}
	if c.Erased || !c.Consent.Given {
		return c, "", p, false, nil
	}
	if rated, err := tx.RatedOn(c.ID, day); err != nil || rated {
		return c, "", p, false, err
	}
	pid, p, ok, err = e.reachableLink(tx, c)
	return c, pid, p, ok, err
}

// reachableLink is the first of c's linked platform ids whose profile
// consents and that has not blocked the bot.
func (e *Engine) reachableLink(tx *ledger.Tx, c ledger.Customer) (string, ledger.Profile, bool, error) {
	for _, pid := range c.Links {
		if _, user, ok := strings.Cut(pid, ":"); !ok || user == "" {
			continue
		}
		p, err := tx.Profile(pid)
		if err != nil {
			return "", ledger.Profile{}, false, fmt.Errorf("read profile: %w", err)
		}
		if p.CustomerID != c.ID || !p.Consent.Given {
			continue
		}
		if _, blocked, err := tx.Unreachable(pid); err != nil {
			return "", ledger.Profile{}, false, fmt.Errorf("unreachable: %w", err)
		} else if blocked {
			continue
		}
		return pid, p, true, nil
	}
	return "", ledger.Profile{}, false, nil
}

// stashCare puts r, a message the shop starts (no incoming event), into the
// outbox under eventID in tx (with Config.Outbox), setting r.OutboxID.
func (e *Engine) stashCare(tx *ledger.Tx, eventID string, at time.Time, r *Reply) error {
	if !e.outbox {
		return nil
	}
	// Sealed under the key of the customer it goes to: their erasure
	// deletes it unsent.
	id, err := addOutbox(tx, eventID, at, outboxRecord{Channel: r.Channel, Conversation: r.UserID, User: r.UserID, Reply: *r}, conversationOf{})
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	r.OutboxID = id
	return nil
}

// typedRatingAnswer reads a linked customer's line that starts with a
// rating ("5", "4점", "★★★★★", "5 너무 좋았어요") as the answer to the rating
// request of today's or yesterday's visit they have not rated yet: before,
// "5" went to the staff as a question. The rating must stand alone as a
// word ("5시에 갈게요" is no rating), and with words after it the feedback
// is complete at once, as "/feedback 5 …" is.
func (t *turn) typedRatingAnswer(text string) (bool, error) {
	word, rest := firstField(text)
	n, ok := strictRating(word)
	if !ok {
		return false, nil
	}
	c, linked, err := t.linkedCustomer()
	if err != nil || !linked {
		return false, err
	}
	today := t.today()
	var asked bool
	for _, day := range []time.Time{today, today.AddDate(0, 0, -1)} {
		requested, err := t.tx.RatingRequested(c.ID, day)
		if err != nil {
			return false, fmt.Errorf("dialog: rating requested: %w", err)
		}
		if !requested {
			continue
		}
		rated, err := t.tx.RatedOn(c.ID, day)
		if err != nil {
			return false, fmt.Errorf("dialog: rated on: %w", err)
		}
		if !rated {
			asked = true
			break
		}
	}
	if !asked {
		return false, nil
	}
	t.begin(flowFeedback)
	t.sess.Draft[dRating] = strconv.Itoa(n)
	if rest != "" {
		return true, t.saveFeedback(rest)
	}
	return true, t.feedbackNext("rated")
}

// strictRating reads a word that is a rating and nothing else: 1 to 5
// alone or with 점 or /5, or a run of stars.
func strictRating(word string) (int, bool) {
	w := strings.TrimSuffix(strings.TrimSuffix(foldFullWidth(word), "점"), "/5")
	if len(w) == 1 && w[0] >= '1' && w[0] <= '5' {
		return int(w[0] - '0'), true
	}
	if strings.ContainsAny(word, "★⭐") {
		return typedRating(word)
	}
	return 0, false
}

// onRatingButton: a customer pressed a star of a rating request
// ("rr:<day>:<n>"): the feedback flow starts with that rating and goes on
// to its NPS question. A second press after they rated that day is
// thanked, not counted twice.
func (t *turn) onRatingButton(arg string) error {
	if t.role != ledger.RoleCustomer {
		t.sayStale()
		return nil
	}
	date, stars, ok := strings.Cut(arg, ":")
	day, derr := time.ParseInLocation(time.DateOnly, date, t.e.loc)
	n, nerr := strconv.Atoi(stars)
	if !ok || derr != nil || nerr != nil || n < 1 || n > 5 {
		t.sayStale()
		return nil
	}
	if c, linked, err := t.linkedCustomer(); err != nil {
		return err
	} else if linked {
		if rated, err := t.tx.RatedOn(c.ID, day); err != nil {
			return fmt.Errorf("dialog: rated on: %w", err)
		} else if rated {
			t.say("care.rating.already", nil)
			return nil
		}
	}
	t.begin(flowFeedback)
	t.sess.Draft[dRating] = strconv.Itoa(n)
	// The request is the shop's own message, not the flow's question: it
	// stays, and the NPS question comes after it.
	t.keepPressed = true
	return t.feedbackNext("rated")
}
