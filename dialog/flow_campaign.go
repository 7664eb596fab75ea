package dialog

// Campaigns (issue 14): a manager sends an advertising message to an
// audience of customers in one line,
//
//	/campaign #펌 90일 이상 : 이번 주 펌 20% 할인해 드려요 --at 2026-12-02 10:00
//
// the audience being any /customers filter before the colon (nothing: every
// customer), the text after it, and options at its end: "--at YYYY-MM-DD
// HH:MM" or "--at HH:MM" (today, or tomorrow once past), "--points N" and
// "--coupon <benefit>" (as /coupon reads it) given to each recipient. The
// preview records a draft with every recipient (queued, or skipped with
// the reason) and shows how many match, will receive it and are skipped,
// the first message exactly as it goes (adMessage's), and the send time
// after the night rule (AdSendAt), with [발송] [취소]. CampaignJob sends
// it. /campaign list, /campaign <n> and /campaign cancel <n> follow it.
// /campaign alone asks the audience, the text and the time one by one
// (flow "campaign") and ends in the same preview.

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/looplab/fsm"

	"github.com/dangol/dangol/ledger"
)

// campaignAction is the payload verb of the preview's buttons:
// "cmp:send:<n>" and "cmp:drop:<n>".
const campaignAction = "cmp"

// campaignListMax is how many campaigns /campaign list shows.
const campaignListMax = 20

func init() {
	staffCommands["campaign"] = command{run: (*turn).cmdCampaign, manager: true}
	koreanCommands["캠페인"] = "campaign"
	helpManager = append(helpManager, "campaign.help")
	actionHandlers[campaignAction] = (*turn).campaignButton
}

// cmdCampaign: /campaign <audience> : <text> [options], list, <n>,
// send [<n>], cancel <n>.
func (t *turn) cmdCampaign(args string) error {
	args = strings.TrimSpace(foldFullWidth(args))
	if strings.Contains(args, ":") {
		return t.campaignPreview(args)
	}
	if args == "" {
		return t.campaignGuided()
	}
	verb, rest, _ := strings.Cut(args, " ")
	switch strings.ToLower(verb) {
	case "list", "목록":
		return t.campaignList()
	case "send", "발송", "보내기": // campaign_draft.go
		return t.campaignSendArg(rest)
	case "cancel", "취소":
		n, err := strconv.Atoi(strings.TrimSpace(rest))
		if err != nil {
			t.say("campaign.usage", nil)
			return nil
		}
		return t.campaignCancel(n)
	}
	if n, err := strconv.Atoi(verb); err == nil && rest == "" {
		return t.campaignShow(n)
	}
	t.say("campaign.usage", nil)
	return nil
}

// campaignOpts are the options read at the end of a campaign's text.
type campaignOpts struct {
	at      time.Time // zero: now
	benefit ledger.CampaignBenefit
}

// campaignDash is an option written with a dash a keyboard made of "--"
// (—, –, or a single -).
var campaignDash = regexp.MustCompile(`(?i)\s(?:—|–|-)(at|points|coupon)\b`)

// parseCampaignOpts splits text into the message and its "--" options; bad
// is why an option was refused: one not understood (campaign.bad_option),
// points over the limit or a coupon no coupon can be (campaignPoints,
// campaignCoupon), each saying what is allowed.
func (t *turn) parseCampaignOpts(text string) (msg string, o campaignOpts, bad *campaignRefusal) {
	// Slack and phones turn "--" into a dash: "—points 500" became part
	// of the ad, and no points were given.
	text = campaignDash.ReplaceAllString(text, " --$1")
	parts := strings.Split(text, " --")
	msg = strings.TrimSpace(parts[0])
	seen := map[string]bool{}
	notUnderstood := func(p string) *campaignRefusal {
		return &campaignRefusal{id: "campaign.bad_option", data: map[string]any{"Option": "--" + strings.TrimSpace(p)}}
	}
	for _, p := range parts[1:] {
		name, val, _ := strings.Cut(strings.TrimSpace(p), " ")
		val = strings.TrimSpace(val)
		name = strings.ToLower(name)
		if seen[name] {
			// "--points 500 --points 1000" kept the last unasked.
			return msg, o, notUnderstood(p)
		}
		seen[name] = true
		switch name {
		case "at":
			at, ok := t.parseCampaignAt(val)
			if !ok {
				return msg, o, notUnderstood(p)
			}
			o.at = at
		case "points":
			n, ok, no := campaignPoints(val)
			switch {
			case !ok:
				return msg, o, notUnderstood(p)
			case no != nil:
				return msg, o, no
			}
			o.benefit.Points = n
		case "coupon":
			b, no := campaignCoupon(val)
			if no != nil {
				return msg, o, no
			}
			o.benefit.Coupon = &b
		default:
			return msg, o, notUnderstood(p)
		}
	}
	return msg, o, nil
}

// campaignPoints reads the points each recipient gets: ok is false when s
// is not a number of points at all (the caller words it), and the refusal
// is campaign.points_too_large naming the limit when it is more than
// ledger.MaxBirthdayPoints ("--points 99999999" was "not understood").
func campaignPoints(s string) (n int64, ok bool, tooLarge *campaignRefusal) {
	n, ok = parsePoints(s)
	if ok && n > ledger.MaxBirthdayPoints {
		return 0, true, &campaignRefusal{fieldPoints, "campaign.points_too_large",
			map[string]any{"Value": strings.TrimSpace(s), "Max": groupDigits(ledger.MaxBirthdayPoints) + "P"}}
	}
	return n, ok, nil
}

// campaignCoupon reads the coupon each recipient gets as /coupon give
// reads one (couponBenefit), within the ledger's limits; anything else is
// refused (campaign.bad_coupon) saying what a coupon can be.
func campaignCoupon(s string) (ledger.CouponBenefit, *campaignRefusal) {
	b, ok := couponBenefit(s)
	if ok && b.Validate() == nil {
		return b, nil
	}
	return ledger.CouponBenefit{}, &campaignRefusal{fieldCoupon, "campaign.bad_coupon", map[string]any{"Value": strings.TrimSpace(s)}}
}

// parseCampaignAt reads "YYYY-MM-DD HH:MM" or "HH:MM" (the next such
// time) in the shop's zone.
func (t *turn) parseCampaignAt(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if at, err := time.ParseInLocation("2006-01-02 15:04", s, t.e.loc); err == nil {
		return at, true
	}
	now := t.now.In(t.e.loc)
	if h, m, ok := parseTimeOfDay(s); ok {
		at := time.Date(now.Year(), now.Month(), now.Day(), h, m, 0, 0, t.e.loc)
		if at.Before(now) {
			at = at.AddDate(0, 0, 1)
		}
		return at, true
	}
	// A day as the rest of dangol reads one, then the time: "내일 10:00",
	// "12/4 10:00", "다음주 화요일 오후 2시 30분" (only the numeric form was
	// read, and the guided question just asked again); a day alone is at
	// campaignHour, as the preview shows before anything is sent.
	words := strings.Fields(s)
	for i := len(words) - 1; i >= 1; i-- {
		h, m, ok := parseTimeOfDay(strings.Join(words[i:], " "))
		if !ok {
			continue
		}
		if day, ok := parseDate(strings.Join(words[:i], " "), t.now, t.e.loc); ok {
			return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, t.e.loc), true
		}
	}
	if day, ok := parseDate(s, t.now, t.e.loc); ok {
		return time.Date(day.Year(), day.Month(), day.Day(), campaignHour, 0, 0, 0, t.e.loc), true
	}
	return time.Time{}, false
}

// campaignHour is the hour of a send time given as a day alone ("12/25").
const campaignHour = 10

// parseTimeOfDay reads a time of day as shops write it: 15:00, 3:30, 3시,
// 3시 30분, 3시 반, 오후 3시, 오전 9:30, 3pm, 3:30 pm. An hour from 1 to 7
// with no 오전/오후 is the afternoon, when a shop is open.
func parseTimeOfDay(s string) (hour, minute int, ok bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	pm, am := false, false
	for _, p := range []struct {
		word string
		pm   bool
	}{{"오후", true}, {"오전", false}, {"pm", true}, {"am", false}} {
		if rest, cut := strings.CutPrefix(s, p.word); cut {
			s, pm, am = rest, p.pm, !p.pm
			break
		}
		if rest, cut := strings.CutSuffix(s, p.word); cut {
			s, pm, am = rest, p.pm, !p.pm
			break
		}
	}
	hs, ms := s, ""
	switch {
	case strings.Contains(s, ":"):
		hs, ms, _ = strings.Cut(s, ":")
	case strings.Contains(s, "시"):
		hs, ms, _ = strings.Cut(s, "시")
		ms = strings.TrimSuffix(ms, "분")
		if ms == "반" {
			ms = "30"
		}
	case !pm && !am:
		return 0, 0, false // a bare number is not a time
	}
	h, err := strconv.Atoi(hs)
	if err != nil || len(hs) > 2 {
		return 0, 0, false
	}
	m := 0
	if ms != "" {
		if m, err = strconv.Atoi(ms); err != nil || len(ms) > 2 {
			return 0, 0, false
		}
	}
	switch {
	case pm && h >= 1 && h < 12:
		h += 12
	case am && h == 12:
		h = 0
	case !pm && !am && h >= 1 && h <= 7 && !strings.Contains(s, ":"):
		h += 12
	}
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}

// nowWords are what a manager types for [지금 보내기].
var nowWords = []string{"지금", "바로", "지금 보내기", "now", "send now"}

// campaignPreview reads the one line, records the draft with its
// recipients and shows the preview with [발송] [취소].
func (t *turn) campaignPreview(args string) error {
	if id := t.e.noSenderID(); id != "" {
		t.say(id, nil)
		return nil
	}
	audience, rest, _ := strings.Cut(args, ":")
	audience = strings.Join(strings.Fields(audience), " ")
	msg, opts, bad := t.parseCampaignOpts(rest)
	switch {
	case bad != nil:
		t.say(bad.id, bad.data)
		return nil
	case msg == "":
		t.say("campaign.usage", nil)
		return nil
	case utf8.RuneCountInString(msg) > ledger.MaxCampaignText:
		t.say("campaign.too_long", map[string]any{"Max": ledger.MaxCampaignText, "Length": utf8.RuneCountInString(msg)})
		return nil
	case !opts.at.IsZero() && opts.at.Before(t.now):
		t.say("campaign.past", map[string]any{"At": t.when(opts.at)})
		return nil
	}
	no, err := t.campaignDraft(audience, msg, opts)
	if err != nil || no == nil {
		return err
	}
	t.say(no.id, no.data)
	return nil
}

// campaignRefusal is why a campaign was not previewed: a message of the
// catalog, and the field of the campaign form it is about.
type campaignRefusal struct {
	field string
	id    string
	data  map[string]any
}

// campaignDraft finds the audience, records the draft with its
// recipients and shows the preview with [발송] [취소]; a refusal (an
// audience not understood, nobody matching or able to receive it, a text
// the ledger refuses) is returned for the caller to say, nothing recorded.
func (t *turn) campaignDraft(audience, msg string, opts campaignOpts) (*campaignRefusal, error) {
	f, badWord := t.parseCustomerFilter(audience)
	if badWord != "" {
		return &campaignRefusal{fieldAudience, "customers.bad_word", map[string]any{"Word": badWord}}, nil
	}
	n, cs, err := t.audienceOf(f)
	if err != nil {
		return nil, err
	}
	label := audience
	if label == "" {
		label = t.text("customers.all", nil)
	}
	if n == 0 {
		return &campaignRefusal{fieldAudience, "campaign.empty", map[string]any{"Filter": label}}, nil
	}
	at := opts.at
	if at.IsZero() {
		at = t.now
	}
	sendAt := t.e.AdSendAt(at)
	var queued []string
	skipped := map[string]string{}
	langs := map[string]int{} // how many recipients get it in each language
	for _, c := range cs {
		r, skip, err := t.e.adMessage(t.tx, c, sendAt, func(rt *turn) string { return rt.campaignBody(msg, opts.benefit) })
		if err != nil {
			return nil, err
		}
		if skip != AdSent {
			skipped[c.ID] = string(skip)
			continue
		}
		langs[r.Lang]++
		queued = append(queued, c.ID)
	}
	counts := map[string]int{}
	for _, why := range skipped {
		counts[why]++
	}
	if len(queued) == 0 {
		return &campaignRefusal{fieldAudience, "campaign.nobody", map[string]any{
			"Filter": label, "Match": groupDigits(int64(n)),
			"NoConsent": counts[string(AdNoConsent)], "Unreachable": counts[string(AdUnreachable)] + counts[string(AdUnlinked)],
		}}, nil
	}
	cp := ledger.Campaign{Audience: audience, Text: msg, Benefit: opts.benefit, SendAt: sendAt, CreatedBy: t.actor.ID(), CreatedAt: t.now}
	if err := t.tx.AddCampaign(&cp, queued, skipped); err != nil {
		var le *ledger.LimitError
		switch {
		case errors.As(err, &le) && le.Field == "audience":
			return &campaignRefusal{fieldAudience, "campaign.audience_too_long", map[string]any{"Max": ledger.MaxCampaignAudience}}, nil
		case errors.As(err, &le):
			return &campaignRefusal{fieldText, "campaign.too_long", map[string]any{"Max": ledger.MaxCampaignText, "Length": utf8.RuneCountInString(msg)}}, nil
		case errors.Is(err, ledger.ErrInvalid):
			return &campaignRefusal{fieldText, "campaign.bad_text", nil}, nil
		}
		return nil, fmt.Errorf("dialog: add campaign: %w", err)
	}
	return nil, t.sayCampaignPreview(cp, langs, at) // campaign_draft.go
}

// buttonLine writes buttons as "[a] [b]" for the preview.
func buttonLine(bs []Button) string {
	parts := make([]string, len(bs))
	for i, b := range bs {
		parts[i] = "[" + b.Label + "]"
	}
	return strings.Join(parts, " ")
}

// campaignBody is the middle of a campaign's message: the text as the
// manager wrote it and the benefit, in the turn's language.
func (t *turn) campaignBody(msg string, b ledger.CampaignBenefit) string {
	gift := t.giftLines("campaign.gift_points", "campaign.gift_coupon", b.Points, b.Coupon, b.CouponDays) // flow_program.go
	if gift == "" {
		return msg
	}
	return msg + "\n" + gift
}

// campaignButton handles "cmp:send:<n>" and "cmp:drop:<n>", managers only.
func (t *turn) campaignButton(arg string) error {
	if t.role != ledger.RoleManager {
		t.say("core.refused", nil)
		return nil
	}
	verb, num, _ := strings.Cut(arg, ":")
	n, err := strconv.Atoi(num)
	if err != nil {
		t.sayStale()
		return nil
	}
	switch verb {
	case "send":
		return t.campaignSend(n, true) // campaign_draft.go
	case "drop":
		if t.sess.Flow == flowCampaignSend {
			t.end() // the preview on screen is answered
		}
		return t.campaignCancel(n)
	}
	t.sayStale()
	return nil
}

// campaignCancel: /campaign cancel <n> and the preview's [취소].
func (t *turn) campaignCancel(n int) error {
	if c, err := t.tx.Campaign(n); err == nil && c.DraftExpired(t.now) {
		t.say("campaign.draft_expired", map[string]any{"Number": n})
		return nil
	} else if err == nil && c.State == ledger.CampaignCancelled {
		// A second cancel said "#1 캠페인을 취소했어요" again.
		t.say("campaign.cancelled_already", map[string]any{"Number": n})
		return nil
	}
	c, err := t.tx.CancelCampaign(n, t.now)
	switch {
	case errors.Is(err, ledger.ErrNotFound):
		t.say("campaign.not_found", map[string]any{"Number": n})
		return nil
	case errors.Is(err, ledger.ErrInvalid):
		t.say("campaign.cancel_done", map[string]any{"Number": n})
		return nil
	case err != nil:
		return fmt.Errorf("dialog: cancel campaign: %w", err)
	}
	t.say("campaign.cancelled", map[string]any{"Number": n, "Sent": c.Counts.Sent})
	return nil
}

// campaignList: /campaign list, newest first.
func (t *turn) campaignList() error {
	cs, err := t.tx.Campaigns(campaignListMax)
	if err != nil {
		return fmt.Errorf("dialog: list campaigns: %w", err)
	}
	lines := make([]string, 0, len(cs))
	expired := 0
	for _, c := range cs {
		if c.DraftExpired(t.now) {
			expired++ // never confirmed: listed apart, by count
			continue
		}
		line, err := t.campaignLine(c)
		if err != nil {
			return err
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 && expired == 0 {
		t.say("campaign.list_none", nil)
		return nil
	}
	sections := []Section{{Lines: lines}}
	if expired > 0 {
		sections = append(sections, Section{Lines: []string{t.text("campaign.list_expired", map[string]any{"Count": expired})}})
	}
	t.add(t.mkSections(t.text("campaign.list_head", map[string]any{"Count": len(lines)}), sections))
	return nil
}

// campaignLine is one campaign in a line with its figures; its replies
// are /response's (ledger.CampaignFigures), so the two agree.
func (t *turn) campaignLine(c ledger.Campaign) (string, error) {
	data := t.campaignData(c, campaignHead(c.Text))
	f, err := t.tx.CampaignFigures(c.Number, t.now)
	if err != nil {
		return "", fmt.Errorf("dialog: campaign figures: %w", err)
	}
	data["Responded"] = f.Replied
	return t.text("campaign.line", data), nil
}

// campaignStates are the catalog ids of the campaigns' states.
var campaignStates = map[ledger.CampaignState]string{
	ledger.CampaignDraft:     "campaign.state.draft",
	ledger.CampaignScheduled: "campaign.state.scheduled",
	ledger.CampaignSending:   "campaign.state.sending",
	ledger.CampaignDone:      "campaign.state.done",
	ledger.CampaignCancelled: "campaign.state.cancelled",
	ledger.CampaignExpired:   "campaign.state.expired",
}

// campaignData are the figures of c for the catalog.
func (t *turn) campaignData(c ledger.Campaign, text string) map[string]any {
	state := c.State
	if c.DraftExpired(t.now) {
		state = ledger.CampaignExpired
	}
	return map[string]any{
		"Number": c.Number, "Text": text, "State": t.text(campaignStates[state], nil),
		"At": t.when(c.SendAt), "Sent": c.Counts.Sent, "Skipped": c.Counts.SkippedTotal(), "Failed": c.Counts.Failed,
		"OptedOut": c.Counts.OptedOut, "Queued": c.Counts.Queued,
	}
}

// campaignShow: /campaign <n>, the campaign with its figures.
func (t *turn) campaignShow(n int) error {
	c, err := t.tx.Campaign(n)
	if errors.Is(err, ledger.ErrNotFound) {
		t.say("campaign.not_found", map[string]any{"Number": n})
		return nil
	} else if err != nil {
		return fmt.Errorf("dialog: campaign: %w", err)
	}
	if c.State == ledger.CampaignDraft && !c.DraftExpired(t.now) {
		// Its preview's buttons were the only way to send it, and a
		// command later they were gone: the preview again, with them.
		return t.showDraft(c) // campaign_draft.go
	}
	audience := c.Audience
	if audience == "" {
		audience = t.text("customers.all", nil)
	}
	data := t.campaignData(c, c.Text)
	data["Filter"] = audience
	data["NoConsent"] = c.Counts.Skipped[ledger.SkipNoConsent]
	data["Unreachable"] = c.Counts.Skipped[ledger.SkipUnreachable] + c.Counts.Skipped[ledger.SkipUnlinked]
	// Erased before the send (their /forget): the reasons summed short
	// of the total without them.
	data["Erased"] = c.Counts.Skipped[ledger.SkipErased]
	data["FailedLine"] = t.text("campaign.failed", map[string]any{"Failed": c.Counts.Failed,
		"Blocked": c.Counts.FailedBy[ledger.FailBlocked], "GaveUp": c.Counts.FailedBy[ledger.FailGaveUp]})
	data["Progress"] = t.text("campaign.progress", map[string]any{"Sent": c.Counts.Sent, "Queued": c.Counts.Queued})
	data["CancelledLine"] = ""
	if c.Counts.Cancelled > 0 {
		id := "campaign.cancelled_count"
		if c.State == ledger.CampaignExpired || c.DraftExpired(t.now) {
			// Nobody cancelled a preview that was never confirmed: it
			// read "취소로 못 보냄".
			id = "campaign.expired_count"
		}
		data["CancelledLine"] = t.text(id, map[string]any{"Count": c.Counts.Cancelled})
	}
	f, err := t.tx.CampaignFigures(n, t.now)
	if err != nil {
		return fmt.Errorf("dialog: campaign figures: %w", err)
	}
	data["Response"] = t.campaignResponseLine(c, f)
	// A reply as /response counts one (a message or a rating, before any
	// later message to them), not the campaign's own tally of messages,
	// which left ratings out and read 답장 1 beside /response's 2명.
	data["Responded"] = f.Replied
	t.say("campaign.show", data)
	return nil
}

// campaignResponseLine is the 프로모션 반응 of /campaign <n>: "14일 내 재방문
// 3/12명 (25%) · 쿠폰 사용 2 · 기준(동의 안 한 고객) 재방문 1/8명 (12%)",
// with until when it is still counted; "" before anyone was sent it.
func (t *turn) campaignResponseLine(c ledger.Campaign, f ledger.CampaignFigures) string {
	if f.Sent == 0 {
		return ""
	}
	data := map[string]any{
		"Visited": f.Visited, "Sent": f.Sent, "VisitedPct": t.percentOf(f.Visited, f.Sent),
		"BaseVisited": f.BaselineVisited, "Baseline": f.Baseline, "BasePct": t.percentOf(f.BaselineVisited, f.Baseline),
		"Coupon": "", "Open": "",
	}
	if c.Benefit.Coupon != nil {
		data["Coupon"] = t.text("campaign.response.coupon", map[string]any{"Redeemed": f.Redeemed})
	}
	if f.Open {
		data["Open"] = t.text("campaign.response.open", map[string]any{"Until": t.when(f.Until)})
	}
	return "\n" + t.text("campaign.response", data)
}

// percentOf is n of total as a whole percent, rounded down ("12%"), or
// "-" of nobody.
func (t *turn) percentOf(n, total int) string {
	if total <= 0 {
		return "-"
	}
	return strconv.Itoa(n*100/total) + "%"
}

// campaignResponse counts a linked customer's message to the shop (a
// question or a message in their thread) as a reply to the campaigns sent
// them in the last 14 days (flow_thread.go calls it).
func (t *turn) campaignResponse(c ledger.Customer, linked bool) error {
	if !linked {
		return nil
	}
	if _, err := t.tx.MarkCampaignReaction(c.ID, ledger.ReactionResponded, t.now); err != nil {
		return fmt.Errorf("dialog: campaign response: %w", err)
	}
	return nil
}

// The guided /campaign: flow "campaign", states audience → text → when.
const (
	flowCampaign = "campaign"
	cmpAudience  = "audience"
	cmpText      = "text"
	cmpWhen      = "when"
	cmpNow       = "now" // the [지금 보내기] payload at the time question
)

// campaignFlow is the guided /campaign, managers only.
func campaignFlow() *flowDef {
	return &flowDef{
		title:   "core.flow.campaign",
		initial: cmpAudience,
		roles:   []ledger.Role{ledger.RoleManager},
		events: fsm.Events{
			{Name: "text", Src: []string{cmpAudience}, Dst: cmpText},
			{Name: "when", Src: []string{cmpText}, Dst: cmpWhen},
		},
		step: (*turn).campaignStep,
	}
}

// campaignGuided starts the guided /campaign.
func (t *turn) campaignGuided() error {
	if id := t.e.noSenderID(); id != "" {
		t.say(id, nil)
		return nil
	}
	if t.m.CanForm {
		t.add(t.campaignForm())
		return nil
	}
	t.begin(flowCampaign)
	t.say("campaign.ask_audience", nil, t.btn("campaign.btn.all", "all"))
	return nil
}

// audienceOf returns how many customers f matches, and them.
func (t *turn) audienceOf(f custFilter) (int, []ledger.Customer, error) {
	tiers, err := t.tx.TierLookup(t.now, t.e.loc)
	if err != nil {
		return 0, nil, fmt.Errorf("dialog: campaign audience: %w", err)
	}
	return t.listCustomers(f, tiers, 0, 0)
}

// campaignStep reads one answer of the guided /campaign; a wrong one is
// asked again with why.
func (t *turn) campaignStep(in input) error {
	text := strings.Join(strings.Fields(foldFullWidth(in.text)), " ")
	switch t.sess.State {
	case cmpAudience:
		if in.payload == "all" || t.isButton(in, "all", "campaign.btn.all") {
			text = ""
		} else if f, bad := t.parseCustomerFilter(text); bad != "" || text == "" {
			t.say("customers.bad_word", map[string]any{"Word": bad}, t.btn("campaign.btn.all", "all"))
			return nil
		} else if n, _, err := t.audienceOf(f); err != nil {
			return err
		} else if n == 0 {
			// Said now, not after the text and the time were asked and
			// the draft thrown away.
			t.say("campaign.empty", map[string]any{"Filter": text}, t.btn("campaign.btn.all", "all"))
			return nil
		}
		t.sess.Draft["audience"] = text
		if err := t.fire("text"); err != nil {
			return err
		}
		t.say("campaign.ask_text", map[string]any{"Max": ledger.MaxCampaignText})
	case cmpText:
		// Options typed with the text (--points 500, --at …) are read as
		// the one-line /campaign reads them: they were asked for again
		// with no reason, and the next answer became the ad's text.
		body := strings.TrimSpace(in.text)
		msg, opts, bad := t.parseCampaignOpts(body)
		switch n := utf8.RuneCountInString(msg); {
		case bad != nil:
			t.say(bad.id, bad.data)
			return nil
		case msg == "":
			t.say("campaign.ask_text", map[string]any{"Max": ledger.MaxCampaignText})
			return nil
		case n > ledger.MaxCampaignText:
			t.say("campaign.too_long", map[string]any{"Max": ledger.MaxCampaignText, "Length": n})
			return nil
		}
		t.sess.Draft["text"] = body
		if !opts.at.IsZero() {
			line := t.sess.Draft["audience"] + " : " + body
			t.end()
			return t.campaignPreview(line) // the time is given
		}
		if err := t.fire("when"); err != nil {
			return err
		}
		t.say("campaign.ask_when", nil, t.btn("campaign.btn.now", cmpNow))
	case cmpWhen:
		opt := ""
		if !t.isButton(in, cmpNow, "campaign.btn.now") && !slices.Contains(nowWords, strings.ToLower(strings.TrimSpace(text))) {
			at, ok := t.parseCampaignAt(text)
			switch {
			case !ok:
				t.say("campaign.bad_when", map[string]any{"Input": strings.TrimSpace(text)}, t.btn("campaign.btn.now", cmpNow))
				return nil
			case at.Before(t.now):
				t.say("campaign.past", map[string]any{"At": t.when(at)}, t.btn("campaign.btn.now", cmpNow))
				return nil
			}
			opt = " --at " + at.In(t.e.loc).Format("2006-01-02 15:04")
		}
		line := t.sess.Draft["audience"] + " : " + t.sess.Draft["text"] + opt
		t.end()
		return t.campaignPreview(line)
	}
	return nil
}

// The campaign form (a Slack modal, when Message.CanForm): the guided
// /campaign's questions at once, and the benefit.
const (
	formCampaign  = "campaign" // its Form.ID, and Message.FormID on submit
	fieldAudience = "audience"
	fieldText     = "text"
	fieldPoints   = "points"
	fieldCoupon   = "coupon"
	fieldWhen     = "when"
)

// campaignForm is the /campaign form: the audience (empty: every
// customer), the text, the benefit (points, a coupon as /coupon reads it,
// both optional) and the time (empty: now).
func (t *turn) campaignForm() Reply {
	return Reply{Lang: t.lang, Private: true, Form: &Form{
		ID: formCampaign, Title: t.text("campaign.form.title", nil), Submit: t.text("campaign.form.submit", nil),
		Fields: []Field{
			{Name: fieldAudience, Label: t.text("campaign.form.audience", nil), Hint: t.text("campaign.form.audience_hint", nil), Optional: true},
			{Name: fieldText, Label: t.text("campaign.form.text", map[string]any{"Max": ledger.MaxCampaignText}), Hint: t.text("campaign.form.text_hint", nil), Multiline: true},
			{Name: fieldPoints, Label: t.text("campaign.form.points", nil), Hint: t.text("campaign.form.points_hint", nil), Optional: true},
			{Name: fieldCoupon, Label: t.text("campaign.form.coupon", nil), Hint: t.text("campaign.form.coupon_hint", nil), Optional: true},
			{Name: fieldWhen, Label: t.text("campaign.form.when", nil), Hint: t.text("campaign.form.when_hint", nil), Optional: true},
		},
	}}
}

// onCampaignForm reads a submitted campaign form: every field is checked
// and the errors come back at once, inline, in the manager's language,
// nothing recorded; otherwise the form closes on the same preview as the
// one-line /campaign, with [발송] [취소].
func (t *turn) onCampaignForm() error {
	if t.role != ledger.RoleManager {
		t.say("core.command.manager_only", nil)
		return nil
	}
	if id := t.e.noSenderID(); id != "" {
		t.say(id, nil)
		return nil
	}
	f := t.m.Form
	errs := map[string]string{}
	audience := strings.Join(strings.Fields(foldFullWidth(f[fieldAudience])), " ")
	if _, bad := t.parseCustomerFilter(audience); bad != "" {
		errs[fieldAudience] = t.text("customers.bad_word", map[string]any{"Word": bad})
	}
	msg := strings.TrimSpace(f[fieldText])
	switch n := utf8.RuneCountInString(msg); {
	case msg == "":
		errs[fieldText] = t.text("campaign.form.err.text", nil)
	case n > ledger.MaxCampaignText:
		errs[fieldText] = t.text("campaign.too_long", map[string]any{"Max": ledger.MaxCampaignText, "Length": n})
	}
	var opts campaignOpts
	if s := strings.TrimSpace(foldFullWidth(f[fieldPoints])); s != "" {
		n, ok := parsePoints(s)
		if !ok || n <= 0 || n > ledger.MaxBirthdayPoints {
			errs[fieldPoints] = t.text("campaign.form.err.points", map[string]any{"Max": groupDigits(ledger.MaxBirthdayPoints)})
		}
		opts.benefit.Points = n
	}
	if s := strings.TrimSpace(foldFullWidth(f[fieldCoupon])); s != "" {
		if b, no := campaignCoupon(s); no != nil {
			errs[fieldCoupon] = t.text("campaign.form.err.coupon", nil)
		} else {
			opts.benefit.Coupon = &b
		}
	}
	if s := strings.Join(strings.Fields(foldFullWidth(f[fieldWhen])), " "); s != "" {
		at, ok := t.parseCampaignAt(s)
		switch {
		case !ok:
			errs[fieldWhen] = t.text("campaign.form.err.when", nil)
		case at.Before(t.now):
			errs[fieldWhen] = t.text("campaign.past", map[string]any{"At": t.when(at)})
		}
		opts.at = at
	}
	if len(errs) == 0 {
		no, err := t.campaignDraft(audience, msg, opts)
		if err != nil {
			return err
		}
		if no == nil {
			return nil
		}
		errs[no.field] = t.text(no.id, no.data)
	}
	r := t.mk(t.text("campaign.form.invalid", nil))
	r.FormErrors, r.Private = errs, true
	t.add(r)
	return nil
}
