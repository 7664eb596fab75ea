package dialog

// The customer's advertising consent: asked once, optionally, right after
// they link (the first consent given); shown and changed with /marketing
// (광고수신); withdrawn in one tap with an advertising message's [수신
// 거부]; confirmed again every two years by MarketingJob. Every answer is
// a button "mkt:<on|off>:<how>" that works outside any flow, so an old
// message's button still does what it says.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dangol/dangol/ledger"
)

func init() {
	customerCommands["marketing"] = command{run: (*turn).cmdMarketing}
	koreanCommands["광고수신"] = "marketing"
	addHelp(&helpCustomer, "ads.help.marketing")
	actionHandlers[adOptOutAction] = (*turn).marketingButton
	typedAnswers = append(typedAnswers, (*turn).typedMarketing)
}

// The daily re-confirmation job.
const (
	// MarketingJob asks customers whose advertising consent is two years
	// old to confirm it, and lapses those who did not answer in
	// ledger.MarketingLapseAfter.
	MarketingJob = "marketing-reconfirm"
	// DefaultMarketingSpec is every day at 11:00: a daytime hour, inside
	// the night rule, after the 10:00 loyalty and birthday messages.
	DefaultMarketingSpec = "0 11 * * *"
	// MarketingMaxLate is how late a missed run is still made: the same
	// day, before the night rule's 21:00.
	MarketingMaxLate = 9 * time.Hour
)

// marketingPayload is a button's payload setting consent on or off, how.
func marketingPayload(on bool, via ledger.MarketingVia) string {
	v := "off"
	if on {
		v = "on"
	}
	return adOptOutAction + ":" + v + ":" + string(via)
}

// marketingOnWords and marketingOffWords are /marketing's arguments, as
// optOutKey holds them.
var (
	marketingOnWords  = map[string]bool{"on": true, "yes": true, "받기": true, "동의": true, "수신동의": true, "받을게요": true, "동의해요": true}
	marketingOffWords = map[string]bool{"off": true, "no": true, "거부": true, "거부요": true, "안받기": true, "그만": true}
)

// cmdMarketing: /marketing shows the sender's advertising consent with a
// button to change it; /marketing on|off (받기|거부) changes it at once.
func (t *turn) cmdMarketing(args string) error {
	c, ok, err := t.linkedCustomer()
	if err != nil {
		return err
	}
	if !ok {
		t.say("ads.marketing.unlinked", nil)
		return nil
	}
	// Read as optOutKey reads, so "수신 동의" is 수신동의; "/marketing
	// 수신거부" takes the words of opting out typed alone too
	// (flow_optout.go).
	arg := optOutKey(args)
	switch {
	case arg == "":
	case marketingOnWords[arg]:
		return t.setMarketing(c, true, ledger.ViaCommand)
	case marketingOffWords[arg] || optOutWords[arg]:
		return t.setMarketing(c, false, ledger.ViaCommand)
	default:
		t.say("ads.marketing.usage", nil)
		return nil
	}
	m, err := t.tx.Marketing(c.ID)
	if err != nil {
		return fmt.Errorf("dialog: read advertising consent: %w", err)
	}
	b := t.btn("ads.btn.on", marketingPayload(true, ledger.ViaCommand))
	// Past two years unconfirmed, [소식 받기] is the confirmation.
	if m.AdsAllowed(t.now) {
		b = t.btn("ads.btn.off", marketingPayload(false, ledger.ViaCommand))
	}
	t.say("ads.marketing.show", map[string]any{"State": t.marketingState(m)}, b)
	return nil
}

// marketingState says a consent in a line: given since when, withdrawn or
// lapsed when, or never answered.
func (t *turn) marketingState(m ledger.Marketing) string {
	switch {
	case m.Given && !m.AdsAllowed(t.now):
		// Two years on, unconfirmed: no ad goes while the question waits,
		// so it does not read 동의.
		return t.text("ads.state.unconfirmed", map[string]any{"Date": t.day(m.ConfirmedAt)})
	case m.Given:
		return t.text("ads.state.given", map[string]any{"Date": t.day(m.ConfirmedAt)})
	case m.Lapsed:
		return t.text("ads.state.lapsed", map[string]any{"Date": t.day(m.WithdrawnAt)})
	case !m.WithdrawnAt.IsZero():
		return t.text("ads.state.withdrawn", map[string]any{"Date": t.day(m.WithdrawnAt)})
	}
	return t.text("ads.state.none", nil)
}

// myMarketingLine is /mydata's line on advertising consent
// (flow_account.go).
func (t *turn) myMarketingLine(c ledger.Customer) (string, error) {
	m, err := t.tx.Marketing(c.ID)
	if err != nil {
		return "", fmt.Errorf("dialog: read advertising consent: %w", err)
	}
	return t.text("ads.mydata", map[string]any{"State": t.marketingState(m)}), nil
}

// marketingButton handles "mkt:<on|off>:<how>", pressed by a customer: an
// answer to the optional question, to /marketing, to the two-year
// question or an advertising message's [수신 거부].
func (t *turn) marketingButton(arg string) error {
	if t.role != ledger.RoleCustomer {
		t.say("core.refused", nil)
		return nil
	}
	v, how, _ := strings.Cut(arg, ":")
	via := ledger.MarketingVia(how)
	switch via {
	case ledger.ViaStart, ledger.ViaCommand, ledger.ViaOptOut, ledger.ViaReconfirm:
	default:
		t.sayStale()
		return nil
	}
	if v != "on" && v != "off" {
		t.sayStale()
		return nil
	}
	c, ok, err := t.linkedCustomer()
	if err != nil {
		return err
	}
	if !ok {
		t.say("ads.marketing.unlinked", nil)
		return nil
	}
	return t.setMarketing(c, v == "on", via)
}

// typedMarketing reads a linked customer's line as their answer to the
// advertising question or the two-year one while it waits: a button's
// label typed ("받을게요", "받지 않을게요"), or a plain yes or no ("네",
// "아니요") unless a conversation with the staff is open, where it answers
// them. Typed under the question, "받을게요" was taken for a question for
// the shop. The answer is as explicit as the button's (the law asks for an
// affirmative act, which a typed yes to the question is); anything else
// is not an answer.
func (t *turn) typedMarketing(text string) (bool, error) {
	c, ok, err := t.linkedCustomer()
	if err != nil || !ok {
		return false, err
	}
	m, err := t.tx.Marketing(c.ID)
	if err != nil {
		return false, fmt.Errorf("dialog: read advertising consent: %w", err)
	}
	var via ledger.MarketingVia
	var yes, no string
	switch {
	case !m.ReconfirmAskedAt.IsZero():
		via, yes, no = ledger.ViaReconfirm, "ads.btn.keep", "ads.btn.stop"
	case !m.AskedAt.IsZero() && m.GivenAt.IsZero() && m.WithdrawnAt.IsZero():
		via, yes, no = ledger.ViaStart, "ads.btn.start_yes", "ads.btn.start_no"
	default:
		return false, nil
	}
	in := input{text: strings.TrimSpace(text)}
	answer := typedAnswer(text, nil, nil)
	if answer != 0 {
		if _, open, err := t.liveThread(c); err != nil || open {
			return false, err // "네" to the staff's "내일 3시 괜찮으세요?"
		}
	}
	switch {
	case answer > 0 || t.isButton(in, "", yes):
		return true, t.setMarketing(c, true, via)
	case answer < 0 || t.isButton(in, "", no):
		return true, t.setMarketing(c, false, via)
	}
	return false, nil
}

// setMarketing records c's answer and confirms it with its date; a
// withdrawal names the shop and the date, as the law asks of the answer to
// an opt-out.
func (t *turn) setMarketing(c ledger.Customer, on bool, via ledger.MarketingVia) error {
	m, err := t.tx.SetMarketing(c.ID, on, via, t.now)
	if err != nil {
		return fmt.Errorf("dialog: save advertising consent: %w", err)
	}
	if !on {
		// Counted as an opt-out of the campaigns of the last 14 days.
		if _, err := t.tx.MarkCampaignReaction(c.ID, ledger.ReactionOptedOut, t.now); err != nil {
			return fmt.Errorf("dialog: campaign opt-out: %w", err)
		}
	}
	switch {
	case on:
		t.say("ads.set.on", map[string]any{"Date": t.day(m.ConfirmedAt)})
		return nil
	case via == ledger.ViaStart:
		t.say("ads.start.no", nil) // a no to the question, nothing withdrawn
		return nil
	}
	t.say("ads.set.off", map[string]any{"Date": t.day(m.WithdrawnAt), "Shop": t.e.shop}) // the law asks for the sender; none: no "저희 매장:"
	return nil
}

// shopOr is the shop's name, or the neutral wording when none is set.
func (e *Engine) shopOr(t *turn) string {
	if e.shop != "" {
		return e.shop
	}
	return t.text("ads.shop_unnamed", nil)
}

// askMarketing puts the optional question to a customer just linked, once
// in their life (flow_link.go's link). A shop with no name is not asked
// for: no advertisement can go out without its sender's name, and consent
// to "저희 매장" names nobody. The customer stays unasked, so
// askMarketingLater asks once the shop has a name.
func (t *turn) askMarketing(c ledger.Customer) error {
	if t.e.shop == "" {
		return nil
	}
	first, err := t.tx.MarkMarketingAsked(c.ID, t.now)
	if err != nil {
		return fmt.Errorf("dialog: mark advertising question: %w", err)
	}
	if !first {
		return nil
	}
	t.say("ads.start.ask", map[string]any{"Shop": t.e.shopOr(t)},
		t.btn("ads.btn.start_yes", marketingPayload(true, ledger.ViaStart)),
		t.btn("ads.btn.start_no", marketingPayload(false, ledger.ViaStart)))
	return nil
}

// askMarketingLater puts the optional question to a linked customer who
// has neither been asked nor decided: one linked before the question
// existed, or whose question was never delivered. It is asked when they
// come back to the bot (/start, their points), never by a message of the
// shop's own: a message asking for advertising consent counts as
// advertising itself, which they have not agreed to.
func (t *turn) askMarketingLater(c ledger.Customer) error {
	m, err := t.tx.Marketing(c.ID)
	if err != nil {
		return fmt.Errorf("dialog: read advertising consent: %w", err)
	}
	if !m.AskedAt.IsZero() || m.Given || !m.GivenAt.IsZero() || !m.WithdrawnAt.IsZero() {
		return nil
	}
	return t.askMarketing(c)
}

// MarketingJob returns the daily re-confirmation for NewScheduler, its
// questions sent with deliver: ledger.Tx.RenewMarketing marks each
// customer due as asked (so they are asked once; the scheduler's retries
// of the occurrence ask again those whose send failed) and lapses the
// unanswered. A customer no channel reaches is
// asked nowhere, and lapses in its time.
func (e *Engine) MarketingJob(deliver func(context.Context, Reply) error) Job {
	return Job{
		Name: MarketingJob, Spec: DefaultMarketingSpec, Loc: e.loc, MaxLate: MarketingMaxLate,
		Posts: e.marketingPosts,
		Deliver: func(ctx context.Context, r Reply) error {
			// Someone who blocked the bot (reach.go) would refuse it again:
			// they lapse in their time.
			if err := deliver(ctx, r); err != nil && !errors.Is(err, ErrBlocked) {
				return err
			}
			return nil
		},
	}
}

// marketingPosts runs the re-confirmation check at at and returns the
// questions to send: MarketingJob's Posts.
func (e *Engine) marketingPosts(ctx context.Context, at time.Time) ([]Reply, error) {
	var out []Reply
	var lapsed int
	err := e.store.Update(ctx, func(tx *ledger.Tx) error {
		out = nil // Update may run this more than once
		r, err := tx.RenewMarketing(at)
		if err != nil {
			return err
		}
		lapsed = len(r.Lapsed)
		for _, id := range r.Ask {
			c, err := tx.Customer(id)
			if err != nil {
				return fmt.Errorf("dialog: read customer: %w", err)
			}
			channel, user, lang, ok, err := e.customerAddress(tx, c)
			if err != nil {
				return err
			}
			if !ok {
				continue // lapses in its time, asked nowhere
			}
			m, err := tx.Marketing(id)
			if err != nil {
				return err
			}
			t := e.quietTurn(tx, lang, at)
			text := t.text("ads.reconfirm.ask", map[string]any{
				"Shop": e.shopOr(t), "Date": t.day(m.ConfirmedAt), "Years": ledger.MarketingReconfirmYears,
				"Until": t.day(m.LapsesAt()),
			})
			out = append(out, Reply{To: ToUser, Channel: channel, UserID: user, Lang: lang, Text: text, Buttons: []Button{
				t.btn("ads.btn.keep", marketingPayload(true, ledger.ViaReconfirm)),
				t.btn("ads.btn.stop", marketingPayload(false, ledger.ViaReconfirm)),
			}})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dialog: advertising re-confirmation: %w", err)
	}
	e.log.InfoContext(ctx, "dialog: advertising re-confirmation", "asked", len(out), "lapsed", lapsed)
	return out, nil
}
