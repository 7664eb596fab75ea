package dialog

// Win-back (issue 14): a regular at risk (feedback.IsAtRisk, the rule the
// summary counts) is offered a message asking after them, with the
// programme's win-back benefit if one is set. Staff send it with [안부
// 메시지] ("wb:<customer id>") on each at-risk regular of /summary and
// each row of /customers 뜸한; a manager's /program winback turns on
// WinBackJob, which sends it by itself each day. It is advertising
// (정보통신망법 제50조): adMessage builds it ("(광고)" and the shop's name
// first, the opt-out line and [수신 거부] last) and refuses a customer
// without advertising consent, unlinked, unreachable or erased, and
// everyone while the shop has no name; it never goes 21:00–08:00.
//
// Once per lapse: the ledger marks the lapse (ledger.MarkWinBack, the last
// visit it followed) in the transaction that gives the benefit, records
// the outreach and puts the message in the outbox, and refuses another
// until the customer has visited again and lapsed again. A staff member's
// message pressed in the night waits in the ledger's queue (its lapse
// marked already) and goes with WinBackMorningJob at 08:00, its benefit
// given then. Nobody is shown a phone to call instead: a call offering the
// benefit is advertising too, and needs the same consent.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/looplab/fsm"

	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// flowWinBack holds a win-back draft until it is sent or cancelled.
const flowWinBack = "winback"

// States, draft keys, payloads and form of the win-back message.
const (
	wbDraft        = "draft"
	dwbCustomer    = "customer"
	dwbText        = "text"
	winBackAction  = "wb"      // "wb:<customer id>": [안부 메시지]
	winBackSendBtn = "wb_send" // [보내기] in flowWinBack
	formWinBack    = "wb:"     // form id prefix, the customer id after it
	fieldWinBack   = "text"
)

// The win-back jobs.
const (
	// WinBackJobName names the automatic win-back in the scheduler.
	WinBackJobName = "winback"
	// WinBackMorningJobName names the sending of the messages pressed in
	// the night, at 08:00.
	WinBackMorningJobName = "winback_morning"
	// DefaultWinBackAt is when the automatic win-back runs, in the shop's
	// time zone: late morning, when a shop's customers read their phone
	// and it can still answer them.
	DefaultWinBackAt = "11:00"
	// winBackBatch is how many customers one transaction of a job marks.
	winBackBatch = 100
	// winBackMorningQueue bounds the queued messages one morning run takes.
	winBackMorningQueue = 10000
)

func init() {
	actionHandlers[winBackAction] = (*turn).onWinBack
	helpManager = append(helpManager, "winback.help")
}

// winBackFlow is the state machine of flowWinBack: one draft, sent or
// cancelled.
func winBackFlow() *flowDef {
	return &flowDef{
		title:   "core.flow.winback",
		initial: wbDraft,
		roles:   staffRoles,
		events:  fsm.Events{{Name: "sent", Src: []string{wbDraft}, Dst: stateDone}},
		step:    (*turn).winBackStep,
	}
}

// winBackButton is [안부 메시지: 이름] for customer id, in the turn's
// language.
func (t *turn) winBackButton(name, id string) Button {
	return Button{Label: t.text("winback.button", map[string]any{"Name": name}), Payload: winBackAction + ":" + id}
}

// winBackTarget is whom a win-back goes to, and with what.
type winBackTarget struct {
	customer ledger.Customer
	visits   ledger.VisitStats
	lang     string // the customer's language
	offer    ledger.WinBackRules
}

// winBackTarget reads customer id and tells the staff member why no
// win-back can go to them, if so: ok is false when the turn answered.
// Every check is made again at the send.
func (t *turn) winBackTarget(id string) (winBackTarget, bool, error) {
	c, err := t.tx.Customer(id)
	if errors.Is(err, ledger.ErrCustomerNotFound) || (err == nil && c.Erased) {
		t.say("winback.erased", nil)
		return winBackTarget{}, false, nil
	}
	if err != nil {
		return winBackTarget{}, false, fmt.Errorf("dialog: read customer: %w", err)
	}
	v, err := t.tx.VisitStatsOf(id)
	if err != nil {
		return winBackTarget{}, false, fmt.Errorf("dialog: visit stats: %w", err)
	}
	d := map[string]any{"Name": c.Name}
	// A refusal names the customer and says something of their record:
	// a read, audited like the draft.
	refuse := func(msg string) (winBackTarget, bool, error) {
		t.say(msg, d)
		return winBackTarget{}, false, t.audit("read", id, "winback-refused")
	}
	if !feedback.IsAtRisk(v, t.now) {
		d["Last"] = "-"
		if v.Visits > 0 {
			d["Last"] = t.day(v.Last)
		}
		return refuse("winback.not_at_risk")
	}
	w, err := t.tx.WinBack(id)
	if err != nil {
		return winBackTarget{}, false, fmt.Errorf("dialog: win-back mark: %w", err)
	}
	if w.Covers(v) {
		d["Date"] = t.day(w.At)
		if w.Queued {
			return refuse("winback.already_queued")
		}
		return refuse("winback.already")
	}
	r, skip, err := t.e.adMessage(t.tx, c, t.now, func(*turn) string { return "" })
	if err != nil {
		return winBackTarget{}, false, err
	}
	if skip != AdSent {
		return refuse(winBackSkipID(skip))
	}
	p, err := t.programme()
	if err != nil {
		return winBackTarget{}, false, err
	}
	return winBackTarget{customer: c, visits: v, lang: r.Lang, offer: p.WinBack}, true, nil
}

// winBackSince says how long ago last was, at now, in lang: days under
// two weeks, weeks under two months, months after.
func (e *Engine) winBackSince(lang string, last, now time.Time) string {
	days := int(now.Sub(last).Hours() / 24)
	switch {
	case days < 14:
		return e.cat.Text(lang, "winback.since.days", map[string]any{"N": days})
	case days < 60:
		return e.cat.Text(lang, "winback.since.weeks", map[string]any{"N": days / 7})
	}
	return e.cat.Text(lang, "winback.since.months", map[string]any{"N": days / 30})
}

// winBackGreeting is the draft's words to c, in lang: their name and how
// long it has been since their last visit.
func (e *Engine) winBackGreeting(lang string, c ledger.Customer, v ledger.VisitStats, now time.Time) string {
	return e.cat.Text(lang, "winback.draft_text", map[string]any{"Name": c.Name, "Since": e.winBackSince(lang, v.Last, now)})
}

// winBackBody is the message's body in the customer's language: the
// greeting (the staff member's words, or the draft's), then the offer's
// line when it gives something. The offer line is not the staff's to
// edit, so what the customer is told matches what they get.
func winBackBody(greeting string, offer ledger.WinBackRules) func(t *turn) string {
	return func(t *turn) string {
		if !offer.HasBenefit() {
			return greeting
		}
		return greeting + "\n" + t.giftLines("winback.gift_points", "winback.gift_coupon", offer.Points, offer.Coupon, offer.CouponDays)
	}
}

// winBackGift says what the offer gives, in the turn's language.
func (t *turn) winBackGift(offer ledger.WinBackRules) string {
	return t.offerText(offer.Points, offer.Coupon, offer.CouponDays) // flow_program.go
}

// onWinBack handles [안부 메시지] ("wb:<customer id>"): the draft exactly
// as the customer will see it, then a form (Slack) or the "winback" flow
// to send it as it is or with other words.
func (t *turn) onWinBack(id string) error {
	if !t.staffish() {
		t.say("core.refused", nil)
		return nil
	}
	wt, ok, err := t.winBackTarget(id)
	if err != nil || !ok {
		return err
	}
	if err := t.audit("read", id, "winback-draft"); err != nil {
		return err
	}
	greeting := t.e.winBackGreeting(wt.lang, wt.customer, wt.visits, t.now)
	preview, err := t.winBackPreview(wt, greeting)
	if err != nil {
		return err
	}
	if t.m.CanForm {
		// The preview goes as a message of its own: Slack shows a reply's
		// text only when no modal opens, and a modal holds no free text.
		r := t.mk(preview)
		r.Private = true
		t.add(r)
		r = Reply{Lang: t.lang, Private: true}
		r.Form = &Form{
			ID:     formWinBack + id,
			Title:  t.text("winback.form.title", nil),
			Submit: t.text("winback.form.submit", nil),
			Fields: []Field{{
				Name: fieldWinBack, Label: t.text("winback.form.text", map[string]any{"Name": wt.customer.Name}),
				Hint: t.text("winback.form.hint", nil), Multiline: true, Value: greeting,
			}},
		}
		t.add(r)
		return nil
	}
	t.begin(flowWinBack)
	t.sess.Draft[dwbCustomer], t.sess.Draft[dwbText] = id, greeting
	r := t.mk(preview+"\n"+t.text("winback.draft_hint", nil), t.btn("winback.btn.send", winBackSendBtn), t.btn("core.btn.cancel", "cancel"))
	r.Private = true
	t.add(r)
	return nil
}

// winBackPreview is what the staff member is shown before the send: the
// whole message as adMessage builds it, and when it will go.
func (t *turn) winBackPreview(wt winBackTarget, greeting string) (string, error) {
	msg, skip, err := t.e.adMessage(t.tx, wt.customer, t.now, winBackBody(greeting, wt.offer))
	if err != nil {
		return "", err
	}
	if skip != AdSent { // winBackTarget checked it in this transaction
		return "", fmt.Errorf("dialog: win-back preview: %s", skip)
	}
	d := map[string]any{"Name": wt.customer.Name, "Message": msg.Text}
	text := t.text("winback.draft", d)
	if at := t.e.AdSendAt(t.now); !at.Equal(t.now) {
		text += "\n" + t.text("winback.draft_night", map[string]any{"When": t.when(at)})
	}
	return text, nil
}

// winBackDraft is the win-back greeting's draft: sent as it is, typed
// over in chat, or edited in the modal (draft_send.go).
var winBackDraft = &draftSend{
	subject: dwbCustomer, text: dwbText, sendPayload: winBackSendBtn, sendLabel: "winback.btn.send",
	reask: "winback.reask", field: fieldWinBack, send: (*turn).sendWinBack,
}

// winBackStep reads the answer to the draft.
func (t *turn) winBackStep(in input) error { return winBackDraft.step(t, in) }

// onWinBackForm sends the greeting submitted in the modal for customer id.
func (t *turn) onWinBackForm(id string) error { return winBackDraft.onForm(t, id) }

// winBackFormID reports whether formID is a win-back form's, and its
// customer.
func winBackFormID(formID string) (string, bool) {
	id, ok := strings.CutPrefix(formID, formWinBack)
	return id, ok && id != ""
}

// sendWinBack sends greeting to customer id with the programme's offer,
// in the turn's transaction: the lapse's mark with the benefit, the
// outreach record and the message in the outbox. Everything is checked
// again first; in the night the message is queued for 08:00 instead, and
// the staff member told so.
func (t *turn) sendWinBack(id, greeting string) error {
	wt, ok, err := t.winBackTarget(id)
	if err != nil || !ok {
		return err
	}
	d := map[string]any{"Name": wt.customer.Name}
	if at := t.e.AdSendAt(t.now); !at.Equal(t.now) {
		q := ledger.QueuedWinBack{CustomerID: id, SendAt: at, Text: greeting, ActorID: t.actor.ID()}
		if err := t.tx.QueueWinBack(q, t.now); err != nil {
			return fmt.Errorf("dialog: queue win-back: %w", err)
		}
		if err := t.audit("winback", id, "queued"); err != nil {
			return err
		}
		d["When"] = t.when(at)
		t.say("winback.queued", d)
		return nil
	}
	r, err := t.e.winBackSend(t.tx, wt.customer, greeting, wt.offer, false, t.actor.ID(), t.now)
	if err != nil {
		return err
	}
	t.add(r)
	if err := t.audit("winback", id, "sent"); err != nil {
		return err
	}
	msg := "winback.sent"
	if wt.offer.HasBenefit() {
		msg, d["Gift"] = "winback.sent_gift", t.winBackGift(wt.offer)
	}
	t.say(msg, d)
	return nil
}

// winBackSend marks c's lapse with the offer given, records the outreach
// and returns the message (built by adMessage at now, for the caller to
// put in the outbox), all in tx. c was checked by the caller in tx.
func (e *Engine) winBackSend(tx *ledger.Tx, c ledger.Customer, greeting string, offer ledger.WinBackRules, auto bool, actorID string, now time.Time) (Reply, error) {
	r, skip, err := e.adMessage(tx, c, now, winBackBody(greeting, offer))
	if err != nil {
		return Reply{}, err
	}
	if skip != AdSent {
		return Reply{}, fmt.Errorf("dialog: win-back to %s: %s", c.ID, skip)
	}
	code, err := tx.MarkWinBack(c.ID, now, auto, offer, actorID, e.loc)
	if err != nil {
		return Reply{}, fmt.Errorf("dialog: win-back: %w", err)
	}
	o := ledger.Outreach{Kind: ledger.OutreachWinBack, CustomerID: c.ID, At: now, Coupon: code, Points: offer.Points}
	if err := tx.RecordOutreach(o); err != nil {
		return Reply{}, fmt.Errorf("dialog: win-back outreach: %w", err)
	}
	return r, nil
}

// --- the jobs ---

// WinBackSpec reads a time of day (DANGOL_WINBACK_AT, Config.WinBackAt:
// "11:00"; "" is DefaultWinBackAt) into
// the automatic win-back's cron expression and how late a missed run may
// still be made (until 21:00): the same rule as the birthday greetings',
// which are advertising too.
func WinBackSpec(at string) (spec string, maxLate time.Duration, err error) {
	if strings.TrimSpace(at) == "" {
		at = DefaultWinBackAt
	}
	spec, maxLate, err = BirthdaySpec(at)
	if err != nil {
		return "", 0, fmt.Errorf("dialog: win-back time: %w", err)
	}
	return spec, maxLate, nil
}

// WinBackJob returns the automatic win-back for NewScheduler, daily at
// Config.WinBackAt: while the programme's win-back is on
// (ledger.WinBackRules.Auto), each day's run sends every regular at risk
// with advertising consent the win-back message with the offer, once per
// lapse, each recorded (mark, benefit, outreach, outbox) before it is
// returned; those skipped for consent are recorded as outreach skipped,
// once per lapse too. The managers are told the day's counts
// (winBackReport). A send refused because the customer blocked the bot
// is done with.
func (e *Engine) WinBackJob(deliver func(context.Context, Reply) error) Job {
	spec, maxLate, _ := WinBackSpec(e.winBackAt) // checked by New
	return Job{
		Name: WinBackJobName, Spec: spec, Loc: e.loc, MaxLate: maxLate,
		Posts: func(ctx context.Context, at time.Time) ([]Reply, error) {
			rs, _, err := e.WinBacks(ctx, at)
			return rs, err
		},
		Deliver: blockedIsDone(deliver),
	}
}

// WinBackMorningJob returns the sending of the win-back messages staff
// pressed in the night, at 08:00 (until 20:59 when dangol was down).
func (e *Engine) WinBackMorningJob(deliver func(context.Context, Reply) error) Job {
	spec, late, _ := BirthdaySpec("08:00")
	return Job{
		Name: WinBackMorningJobName, Spec: spec, Loc: e.loc, MaxLate: late,
		Posts: func(ctx context.Context, at time.Time) ([]Reply, error) {
			return e.QueuedWinBacks(ctx, at)
		},
		Deliver: blockedIsDone(deliver),
	}
}

// blockedIsDone is deliver, a refusal because the customer blocked the
// bot counted as done (the runtime marks them unreachable).
func blockedIsDone(deliver func(context.Context, Reply) error) func(context.Context, Reply) error {
	return func(ctx context.Context, r Reply) error {
		if err := deliver(ctx, r); err != nil && !errors.Is(err, ErrBlocked) {
			return err
		}
		return nil
	}
}

// WinBacks makes the automatic win-back of at: the messages sent (and the
// managers' report, winBackReport), and how many regulars at risk were
// skipped, by reason (not those whose lapse had its message, nor those
// whose lapse's skip for consent was counted on an earlier day). Nothing while the programme's
// win-back is off, and nothing in the night.
func (e *Engine) WinBacks(ctx context.Context, at time.Time) ([]Reply, map[AdSkip]int, error) {
	now := e.now()
	if !adSendAt(at, e.loc).Equal(at) || !adSendAt(now, e.loc).Equal(now) {
		return nil, nil, nil
	}
	var ids []string
	var offer ledger.WinBackRules
	err := e.store.View(ctx, func(tx *ledger.Tx) error {
		ids = ids[:0]
		p, err := e.quietTurn(tx, e.lang, now).programme()
		if err != nil {
			return err
		}
		offer = p.WinBack
		if !offer.Auto {
			return nil
		}
		return tx.ScanVisitStats(func(v ledger.VisitStats) error {
			if !feedback.IsAtRisk(v, now) {
				return nil
			}
			w, err := tx.WinBack(v.CustomerID)
			if err != nil && !errors.Is(err, ledger.ErrCustomerNotFound) {
				return err
			}
			if err == nil && !w.Covers(v) {
				ids = append(ids, v.CustomerID)
			}
			return nil
		})
	})
	if err != nil || len(ids) == 0 {
		return nil, nil, wrapErr("dialog: win-back candidates", err)
	}
	var out []Reply
	skipped := map[AdSkip]int{}
	for len(ids) > 0 {
		n := min(winBackBatch, len(ids))
		rs, sk, err := e.winBackBatch(ctx, ids[:n], offer, now)
		if err != nil {
			return out, skipped, err
		}
		out = append(out, rs...)
		for k, c := range sk {
			skipped[k] += c
		}
		ids = ids[n:]
	}
	e.log.InfoContext(ctx, "dialog: win-back messages", "messages", len(out), "skipped_consent", skipped[AdNoConsent],
		"skipped_unlinked", skipped[AdUnlinked], "skipped_unreachable", skipped[AdUnreachable], "skipped_no_shop", skipped[AdNoShop], "skipped_no_contact", skipped[AdNoContact])
	dms, err := e.winBackReport(ctx, len(out), skipped)
	return append(out, dms...), skipped, err
}

// winBackReport tells each manager (managerIDs) what the automatic
// win-back did: how many were sent it, how many were left out for want of
// advertising consent, and how many could not go for want of
// DANGOL_SHOP_NAME or DANGOL_SHOP_CONTACT; nothing when it did nothing. The DMs are informative:
// one whose send fails past the scheduler's retries is lost.
func (e *Engine) winBackReport(ctx context.Context, sent int, skipped map[AdSkip]int) ([]Reply, error) {
	if sent == 0 && skipped[AdNoConsent] == 0 && skipped[AdNoShop] == 0 && skipped[AdNoContact] == 0 {
		return nil, nil
	}
	var out []Reply
	err := e.store.View(ctx, func(tx *ledger.Tx) error {
		out = out[:0]
		ids, err := e.managerIDs(tx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			channel, user, ok := strings.Cut(id, ":")
			if !ok || channel == "" || user == "" {
				continue
			}
			lang := e.lang
			if p, err := tx.Profile(id); err != nil {
				return fmt.Errorf("read profile: %w", err)
			} else if p.Lang != "" {
				lang = locales.Normalize(p.Lang)
			}
			lines := []string{e.cat.Text(lang, "winback.report", map[string]any{"Count": sent})}
			if n := skipped[AdNoConsent]; n > 0 {
				lines = append(lines, e.cat.Text(lang, "winback.report_no_consent", map[string]any{"Count": n}))
			}
			if n := skipped[AdNoShop]; n > 0 {
				lines = append(lines, e.cat.Text(lang, "winback.report_no_shop", map[string]any{"Count": n}))
			}
			if n := skipped[AdNoContact]; n > 0 {
				lines = append(lines, e.cat.Text(lang, "winback.report_no_contact", map[string]any{"Count": n}))
			}
			out = append(out, Reply{To: ToUser, Channel: channel, UserID: user, Lang: lang, Text: strings.Join(lines, "\n")})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dialog: win-back report: %w", err)
	}
	return out, nil
}

// wrapErr wraps err with what, or is nil.
func wrapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// winBackBatch sends the automatic win-back to customers ids in one
// transaction, each checked again there.
func (e *Engine) winBackBatch(ctx context.Context, ids []string, offer ledger.WinBackRules, now time.Time) ([]Reply, map[AdSkip]int, error) {
	var out []Reply
	var skipped map[AdSkip]int
	err := e.store.Update(ctx, func(tx *ledger.Tx) error {
		out, skipped = out[:0], map[AdSkip]int{} // Update may run this more than once
		for _, id := range ids {
			c, err := tx.Customer(id)
			if errors.Is(err, ledger.ErrCustomerNotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("read customer: %w", err)
			}
			v, err := tx.VisitStatsOf(id)
			if err != nil {
				return err
			}
			w, err := tx.WinBack(id)
			if err != nil {
				return err
			}
			if !feedback.IsAtRisk(v, now) || w.Covers(v) {
				continue
			}
			_, skip, err := e.adMessage(tx, c, now, func(*turn) string { return "" })
			if err != nil {
				return err
			}
			switch {
			case skip == AdNoConsent && w.SkipCovers(v):
				// counted this lapse already; consent given later still gets it
			case skip == AdNoConsent:
				skipped[skip]++
				if err := e.winBackSkipped(tx, id, now, skip); err != nil {
					return err
				}
			case skip != AdSent:
				skipped[skip]++
			}
			if skip != AdSent {
				continue
			}
			lang := e.customerLang(tx, c)
			r, err := e.winBackSend(tx, c, e.winBackGreeting(lang, c, v, now), offer, true, ledger.WinBackActor, now)
			if err != nil {
				return err
			}
			if err := e.stashCare(tx, "winback:"+id+":"+strconv.FormatInt(v.Last.UnixNano(), 10), now, &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("dialog: win-back: %w", err)
	}
	return out, skipped, nil
}

// customerLang is the language c's messages are written in.
func (e *Engine) customerLang(tx *ledger.Tx, c ledger.Customer) string {
	_, _, lang, _, err := e.customerAddress(tx, c)
	if err != nil {
		return e.lang
	}
	return lang
}

// winBackSkipped records customer id as skipped by the automatic
// win-back for skip, once per lapse: the baseline of the response figures.
func (e *Engine) winBackSkipped(tx *ledger.Tx, id string, now time.Time, skip AdSkip) error {
	if err := tx.MarkWinBackSkipped(id, now); err != nil {
		return fmt.Errorf("dialog: win-back skipped: %w", err)
	}
	o := ledger.Outreach{Kind: ledger.OutreachWinBack, CustomerID: id, At: now, Skipped: string(skip)}
	if err := tx.RecordOutreach(o); err != nil {
		return fmt.Errorf("dialog: win-back outreach: %w", err)
	}
	return nil
}

// QueuedWinBacks sends the staff's win-back messages queued in the night
// and due at at: each taken from the queue, checked again (consent, reach,
// a visit since) and, if it may still go, marked with the offer in force
// now, recorded and put in the outbox in one transaction. One that may no
// longer go is dropped, and the staff member who queued it told why in a
// direct message (with the messages returned).
func (e *Engine) QueuedWinBacks(ctx context.Context, at time.Time) ([]Reply, error) {
	now := e.now()
	if !adSendAt(now, e.loc).Equal(now) {
		return nil, nil
	}
	var out []Reply
	dropped := 0
	err := e.store.Update(ctx, func(tx *ledger.Tx) error {
		out, dropped = out[:0], 0
		due, err := tx.DueWinBacks(now, winBackMorningQueue)
		if err != nil {
			return err
		}
		p, err := e.quietTurn(tx, e.lang, now).programme()
		if err != nil {
			return err
		}
		for _, q := range due {
			if ok, err := tx.TakeQueuedWinBack(q); err != nil || !ok {
				if err != nil {
					return err
				}
				continue
			}
			drop := func(why string, c ledger.Customer) error {
				dropped++
				r, ok, err := e.winBackDroppedDM(tx, q, c, why)
				if err != nil || !ok {
					return err
				}
				if err := e.stashCare(tx, "winback-dropped:"+q.CustomerID+":"+strconv.FormatInt(q.SendAt.UnixNano(), 10), now, &r); err != nil {
					return err
				}
				out = append(out, r)
				return nil
			}
			c, err := tx.Customer(q.CustomerID)
			if errors.Is(err, ledger.ErrCustomerNotFound) || (err == nil && (c.Erased || q.Text == "")) {
				dropped++ // its actor was sealed under the shredded key: nobody to tell
				continue
			}
			if err != nil {
				return err
			}
			v, err := tx.VisitStatsOf(q.CustomerID)
			if err != nil {
				return err
			}
			if !feedback.IsAtRisk(v, now) {
				if err := drop("visited", c); err != nil { // they came in before the morning
					return err
				}
				continue
			}
			if _, skip, err := e.adMessage(tx, c, now, func(*turn) string { return "" }); err != nil {
				return err
			} else if skip != AdSent {
				if err := drop(string(skip), c); err != nil {
					return err
				}
				continue
			}
			r, err := e.winBackSend(tx, c, q.Text, p.WinBack, false, q.ActorID, now)
			if err != nil {
				return err
			}
			if err := e.stashCare(tx, "winback-queued:"+q.CustomerID+":"+strconv.FormatInt(q.SendAt.UnixNano(), 10), now, &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dialog: queued win-backs: %w", err)
	}
	if len(out) > 0 || dropped > 0 {
		e.log.InfoContext(ctx, "dialog: queued win-back messages", "messages", len(out), "dropped", dropped)
	}
	return out, nil
}

// winBackSkipID is the catalog id telling staff why no win-back can go to
// a customer, by what adMessage skipped; a skip without words of its own
// reads as a plain "can't be sent now".
func winBackSkipID(skip AdSkip) string {
	switch skip {
	case AdNoConsent:
		return "winback.skip.no_consent"
	case AdUnlinked:
		return "winback.skip.unlinked"
	case AdUnreachable:
		return "winback.skip.unreachable"
	case AdErased:
		return "winback.skip.erased"
	case AdNoShop:
		return "winback.skip.no_shop"
	case AdNoContact:
		return "winback.skip.no_contact"
	}
	return "winback.skip.other"
}

// winBackDroppedID is the catalog id of why a queued win-back did not go
// (winBackDroppedDM): "visited", or what adMessage skipped; a reason
// without words of its own reads as a plain "can't be sent now".
func winBackDroppedID(why string) string {
	switch why {
	case "visited":
		return "winback.dropped_why.visited"
	case string(AdNoConsent):
		return "winback.dropped_why.no_consent"
	case string(AdUnlinked):
		return "winback.dropped_why.unlinked"
	case string(AdUnreachable):
		return "winback.dropped_why.unreachable"
	case string(AdNoShop):
		return "winback.dropped_why.no_shop"
	case string(AdNoContact):
		return "winback.dropped_why.no_contact"
	}
	return "winback.dropped_why.other"
}

// winBackDroppedDM tells the staff member who queued q that it did not go
// and why (an AdSkip, or "visited"), in their language: a direct message
// to their platform id; ok is false when they cannot be written to (the
// actor is no platform id).
func (e *Engine) winBackDroppedDM(tx *ledger.Tx, q ledger.QueuedWinBack, c ledger.Customer, why string) (Reply, bool, error) {
	channel, user, ok := strings.Cut(q.ActorID, ":")
	if !ok || channel == "" || user == "" || strings.HasPrefix(q.ActorID, "system:") {
		return Reply{}, false, nil
	}
	lang := e.lang
	if p, err := tx.Profile(q.ActorID); err != nil {
		return Reply{}, false, fmt.Errorf("dialog: read profile: %w", err)
	} else if p.Lang != "" {
		lang = locales.Normalize(p.Lang)
	}
	reason := e.cat.Text(lang, winBackDroppedID(why), nil)
	text := e.cat.Text(lang, "winback.dropped", map[string]any{"Name": c.Name, "Why": reason})
	return Reply{To: ToUser, Channel: channel, UserID: user, Lang: lang, Text: text}, true, nil
}

// --- /program winback ---

// Words of /program winback: "수동" keeps the offer for [안부 메시지]
// only; "자동" (or nothing before the benefit) turns the automatic
// win-back on.
var (
	winBackManualWords = []string{"수동", "manual"}
	winBackAutoWords   = []string{"자동", "켜기", "on", "auto"}
)

// parseWinBack reads /program winback's value: an off word; or "수동"
// or "자동" (the default) and the benefit as /program birthday takes it
// ("500P", "쿠폰 10% 14일", "500P + 쿠폰 10%"), which may be left out
// after "자동". A value it cannot read returns the catalog id and data
// saying why.
func parseWinBack(s string) (ledger.WinBackRules, string, map[string]any) {
	s = strings.TrimSpace(s)
	if isOffWord(s) {
		return ledger.WinBackRules{}, "", nil
	}
	r := ledger.WinBackRules{Auto: true}
	first, rest := firstField(s)
	explicit := false
	switch {
	case containsFold(winBackManualWords, first):
		r.Auto, s, explicit = false, rest, true
	case containsFold(winBackAutoWords, first):
		s, explicit = rest, true
	}
	if strings.TrimSpace(s) == "" {
		if explicit && r.Auto {
			return r, "", nil
		}
		return ledger.WinBackRules{}, "winback.program.bad", map[string]any{"Value": first}
	}
	a := parseBirthdayBenefit(s)
	switch {
	case a.off:
		return ledger.WinBackRules{}, "winback.program.bad", map[string]any{"Value": s}
	case a.badPoints != "":
		return ledger.WinBackRules{}, "winback.program.bad_points", map[string]any{"Value": a.badPoints}
	case a.badCoupon != "":
		return ledger.WinBackRules{}, "loyalty.err.bad_benefit", map[string]any{"Value": a.badCoupon}
	case a.badWords != "":
		return ledger.WinBackRules{}, "winback.program.bad", map[string]any{"Value": a.badWords}
	}
	r.Points, r.Coupon, r.CouponDays = a.benefit.Points, a.benefit.Coupon, a.benefit.CouponDays
	return r, "", nil
}

// winBackLine is /program's line about the win-back.
func (t *turn) winBackLine(p ledger.Programme) string {
	w := p.WinBack
	if !w.Auto && !w.HasBenefit() {
		return t.text("winback.program.off", nil)
	}
	gift := t.text("winback.program.no_gift", nil)
	if w.HasBenefit() {
		gift = t.winBackGift(w)
	}
	return t.text("winback.program.line", map[string]any{"Auto": w.Auto, "At": t.e.winBackAt, "Gift": gift})
}

// winBackInput writes the win-back as /program winback takes it, to fill
// a form with.
func (t *turn) winBackInput(w ledger.WinBackRules) string {
	if !w.Auto && !w.HasBenefit() {
		return t.text("loyalty.input.off", nil)
	}
	word := t.text("winback.input.auto", nil)
	if !w.Auto {
		word = t.text("winback.input.manual", nil)
	}
	if s := t.offerInput(w.Points, w.Coupon, w.CouponDays); s != "" { // flow_program.go
		return word + " " + s
	}
	return word
}
