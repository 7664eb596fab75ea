package dialog

// Advertising messages (정보통신망법 제50조): every offer, campaign and
// birthday benefit dangol sends a customer is built by adMessage, which
// refuses a customer without advertising consent, and every send time goes
// through adSendAt, which keeps them out of the night.

import (
	"fmt"
	"strings"
	"time"

	"github.com/dangol/dangol/ledger"
)

// AdSkip says why an advertising message was not built for a customer:
// the caller counts it and messages nobody.
type AdSkip string

// The reasons an advertising message is not built.
const (
	AdSent        AdSkip = ""            // built: nothing skipped
	AdNoConsent   AdSkip = "no_consent"  // no advertising consent (never given, withdrawn, lapsed)
	AdUnlinked    AdSkip = "unlinked"    // no channel reaches them, or no base consent
	AdErased      AdSkip = "erased"      // their personal data is erased
	AdUnreachable AdSkip = "unreachable" // the platform refused them (they blocked the bot)
	AdNoShop      AdSkip = "no_shop"     // DANGOL_SHOP_NAME is not set: the law wants the sender named
	AdNoContact   AdSkip = "no_contact"  // DANGOL_SHOP_CONTACT is not set: the law wants the sender's contact too
)

// The night rule: no advertising from AdNightFrom to AdNightUntil (21:00 to
// 08:00 the next morning) in the shop's time zone.
const (
	AdNightFrom  = 21
	AdNightUntil = 8
)

// adOptOutAction is the payload verb of every advertising message's
// [수신 거부] button and of /marketing's buttons (flow_marketing.go).
const adOptOutAction = "mkt"

// adOptOutPayload is the payload of [수신 거부]: withdraws in one tap.
const adOptOutPayload = adOptOutAction + ":off:" + string(ledger.ViaOptOut)

// adMarks are the ways a shop writes the advertising mark itself at the
// start of a text; the header carries it already.
var adMarks = []string{"(광고)", "[광고]", "<광고>", "(AD)", "[AD]", "(Ad)", "[Ad]"}

// withoutAdMark drops the mark a shop typed at the start of an ad's body
// ("(광고) 이번주 세일"): it read "(광고) 단골미용실 / (광고) 이번주 세일".
func withoutAdMark(body string) string {
	s := strings.TrimSpace(body)
	for _, m := range adMarks {
		if rest, ok := strings.CutPrefix(s, m); ok {
			return strings.TrimSpace(rest)
		}
	}
	return body
}

// adSender says whether an advertising message may name its sender:
// AdSent when the shop's name and contact are both set, else the first
// one missing (AdNoShop, AdNoContact). 정보통신망법 제50조④ and its decree
// want both in every ad, so every ad is refused without either.
func (e *Engine) adSender() AdSkip {
	switch {
	case e.shop == "":
		return AdNoShop
	case e.contact == "":
		return AdNoContact
	}
	return AdSent
}

// noSenderID is the catalog id of the refusal to a manager who starts an
// advertisement while the shop's name or contact is not set
// (campaign.no_shop, campaign.no_contact, each naming its setting); "":
// both are set.
func (e *Engine) noSenderID() string {
	switch e.adSender() {
	case AdNoShop:
		return "campaign.no_shop"
	case AdNoContact:
		return "campaign.no_contact"
	}
	return ""
}

// adMessage builds the advertising message to customer c at now: "(광고)",
// the shop's name and its contact first, body (written by the caller in the turn's
// language, the customer's) in the middle, the free opt-out line last and
// a [수신 거부] button after the caller's buttons. It refuses (a non-empty
// AdSkip, no reply) a customer who is erased, unlinked or without the base
// consent, whom the platform refused, or without advertising consent at now
// (ledger.Marketing.AdsAllowed: a consent past its two years unconfirmed
// counts as none), and every customer while the shop has no name or no
// contact (adSender). It does
// not look at the clock's hour: callers send at adSendAt.
func (e *Engine) adMessage(tx *ledger.Tx, c ledger.Customer, now time.Time, body func(t *turn) string, buttons ...Button) (Reply, AdSkip, error) {
	if c.Erased {
		return Reply{}, AdErased, nil
	}
	if skip := e.adSender(); skip != AdSent {
		return Reply{}, skip, nil
	}
	channel, user, lang, reachable, err := e.customerAddress(tx, c)
	if err != nil {
		return Reply{}, "", err
	}
	if !reachable {
		return Reply{}, AdUnlinked, nil
	}
	if _, refused, err := tx.Unreachable(channel + ":" + user); err != nil {
		return Reply{}, "", fmt.Errorf("dialog: read reach: %w", err)
	} else if refused {
		return Reply{}, AdUnreachable, nil
	}
	m, err := tx.Marketing(c.ID)
	if err != nil {
		return Reply{}, "", fmt.Errorf("dialog: read advertising consent: %w", err)
	}
	if !m.AdsAllowed(now) {
		return Reply{}, AdNoConsent, nil
	}
	t := e.quietTurn(tx, lang, now)
	text, optOut := t.adText(body(t))
	bs := append(buttons[:len(buttons):len(buttons)], optOut)
	return Reply{To: ToUser, Channel: channel, UserID: user, Lang: lang, Text: text, Buttons: bs}, AdSent, nil
}

// adText is an advertising message around body in the turn's language:
// the "(광고)" header naming the shop and its contact, the body, the
// opt-out line, and the [수신 거부] button that goes last. adMessage sends
// it; the campaign preview shows it in each language its recipients get.
func (t *turn) adText(body string) (string, Button) {
	text := t.text("ads.header", map[string]any{"Shop": t.e.shop, "Contact": t.e.contact}) + "\n" + withoutAdMark(body) + "\n\n" + t.text("ads.optout_line", nil)
	return text, t.btn("ads.btn.optout", adOptOutPayload)
}

// adSendAt returns the first moment at or after at that advertising may go
// out in loc: at itself by day, 08:00 that morning before 08:00, and 08:00
// the next morning from 21:00.
func adSendAt(at time.Time, loc *time.Location) time.Time {
	l := at.In(loc)
	y, mo, d := l.Date()
	switch h := l.Hour(); {
	case h >= AdNightFrom:
		return time.Date(y, mo, d+1, AdNightUntil, 0, 0, 0, loc)
	case h < AdNightUntil:
		return time.Date(y, mo, d, AdNightUntil, 0, 0, 0, loc)
	}
	return at
}

// AdSendAt returns the first moment at or after at that an advertising
// message may go out: never 21:00–08:00 in the shop's time zone
// (DANGOL_TZ).
func (e *Engine) AdSendAt(at time.Time) time.Time { return adSendAt(at, e.loc) }
