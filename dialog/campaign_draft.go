package dialog

// A campaign's draft, between its preview and [발송]. The preview's
// buttons are the only way it used to go: once another command scrolled
// them away, /campaign <n> said "미리 보기에서 [발송]을 누르셔야 보내요" with
// no button to press, 발송 typed was no command, and a second preview left
// the first a dead draft without a word. Now /campaign <n> of a draft shows
// its preview again with [발송] [취소], /campaign send <n> (발송, 보내기)
// sends it with the button's checks, and while a preview is on screen
// (flow campaign_send) 발송 or 취소 typed answers it. A new preview names
// the drafts still waiting and how to send or cancel each.

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/looplab/fsm"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// flowCampaignSend is the preview on screen: its state waits for [발송]
// or [취소] typed, and any command ends it without a word (a browse
// state: nothing typed is lost, the draft stays in the ledger).
const (
	flowCampaignSend = "campaign_send"
	cmpConfirm       = "confirm"
)

// campaignSendWords are the sub-commands of /campaign that send a draft.
var campaignSendWords = []string{"send", "발송", "보내기"}

// campaignSendFlow answers a preview typed at, managers only.
func campaignSendFlow() *flowDef {
	return &flowDef{
		title:    "core.flow.campaign",
		initial:  cmpConfirm,
		roles:    []ledger.Role{ledger.RoleManager},
		events:   fsm.Events{},
		browse:   []string{cmpConfirm},
		step:     (*turn).campaignSendStep,
		onCancel: (*turn).campaignSendCancel,
	}
}

// campaignSendStep reads what was typed under a preview: 발송 (the
// button's label in any language, or a yes) sends it, a no drops it as
// [취소] does, anything else asks again with the buttons.
func (t *turn) campaignSendStep(in input) error {
	n, _ := strconv.Atoi(t.sess.Draft["number"])
	answer := typedStep(in, nil, nil)
	switch {
	case answer > 0 || t.isButton(in, "", "campaign.btn.send"):
		return t.campaignSend(n, false)
	case answer < 0 || t.isButton(in, "", "campaign.btn.drop"):
		return t.campaignSendCancel()
	}
	num := strconv.Itoa(n)
	t.say("campaign.send_reask", map[string]any{"Number": n},
		t.btn("campaign.btn.send", campaignAction+":send:"+num), t.btn("campaign.btn.drop", campaignAction+":drop:"+num))
	return nil
}

// campaignSendCancel is 취소 typed under a preview: the preview's [취소],
// which cancels the draft ("취소했어요" alone left it waiting).
func (t *turn) campaignSendCancel() error {
	n, _ := strconv.Atoi(t.sess.Draft["number"])
	t.end()
	return t.campaignCancel(n)
}

// campaignSendArg: /campaign send <n>, or /campaign send alone for the one
// draft waiting (several: which, by number; none: how to make one).
func (t *turn) campaignSendArg(rest string) error {
	if rest = strings.TrimSpace(rest); rest != "" {
		n, err := strconv.Atoi(rest)
		if err != nil {
			t.say("campaign.usage", nil)
			return nil
		}
		return t.campaignSend(n, false)
	}
	waiting, err := t.waitingDrafts(0)
	if err != nil {
		return err
	}
	switch len(waiting) {
	case 0:
		t.say("campaign.send_none", nil)
		return nil
	case 1:
		return t.campaignSend(waiting[0].Number, false)
	}
	nums := make([]string, len(waiting))
	for i, c := range waiting {
		nums[i] = "#" + strconv.Itoa(c.Number)
	}
	t.say("campaign.send_which", map[string]any{"Numbers": strings.Join(nums, ", "), "Number": waiting[0].Number})
	return nil
}

// campaignSend confirms draft n to go (the preview's [발송], /campaign
// send <n>): at its time, or now if that is past, after the night rule.
// One sent or sending shows what it did, one scheduled says so, an
// expired or cancelled draft is refused. pressed says a button asked: a
// number not found is then a stale button.
func (t *turn) campaignSend(n int, pressed bool) error {
	if t.sess.Flow == flowCampaignSend {
		t.end() // answered, whatever the answer
	}
	c, err := t.tx.Campaign(n)
	switch {
	case errors.Is(err, ledger.ErrNotFound) && pressed:
		t.sayStale()
		return nil
	case errors.Is(err, ledger.ErrNotFound):
		t.say("campaign.not_found", map[string]any{"Number": n})
		return nil
	case err != nil:
		return fmt.Errorf("dialog: campaign: %w", err)
	}
	if c.State == ledger.CampaignSending || c.State == ledger.CampaignDone {
		// Pressed again once it went: what it did, not "0명에게" at a
		// time past.
		return t.campaignShow(n)
	}
	if c.State == ledger.CampaignScheduled {
		// Pressed again before it went: "2명에게 … 보낼게요" again read
		// as a second message to each of them.
		t.say("campaign.already_scheduled", map[string]any{"Number": n, "At": t.when(c.SendAt), "Count": groupDigits(int64(c.Counts.Queued))})
		return nil
	}
	if c.DraftExpired(t.now) {
		t.say("campaign.draft_expired", map[string]any{"Number": n})
		return nil
	}
	c, err = t.tx.ScheduleCampaign(n, t.e.AdSendAt(laterOf(c.SendAt, t.now)))
	if errors.Is(err, ledger.ErrInvalid) {
		t.say("campaign.cancelled_already", map[string]any{"Number": n})
		return nil
	} else if err != nil {
		return fmt.Errorf("dialog: schedule campaign: %w", err)
	}
	t.say("campaign.scheduled", map[string]any{"Number": n, "At": t.when(c.SendAt), "Count": groupDigits(int64(c.Counts.Queued))})
	return nil
}

// laterOf returns the later of a and b.
func laterOf(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}

// waitingDrafts returns the drafts that can still be sent, newest first,
// but the one numbered except.
func (t *turn) waitingDrafts(except int) ([]ledger.Campaign, error) {
	cs, err := t.tx.Campaigns(0)
	if err != nil {
		return nil, fmt.Errorf("dialog: list campaigns: %w", err)
	}
	var out []ledger.Campaign
	for _, c := range cs {
		if c.State == ledger.CampaignDraft && !c.DraftExpired(t.now) && c.Number != except {
			out = append(out, c)
		}
	}
	return out, nil
}

// showDraft is /campaign <n> of a draft that can still be sent: its
// preview again, with its buttons, the recipients' languages read anew.
func (t *turn) showDraft(c ledger.Campaign) error {
	ids, err := t.tx.QueuedRecipients(c.Number, 0)
	if err != nil {
		return fmt.Errorf("dialog: campaign recipients: %w", err)
	}
	langs := map[string]int{}
	for _, id := range ids {
		cu, err := t.tx.Customer(id)
		if errors.Is(err, ledger.ErrCustomerNotFound) {
			continue
		} else if err != nil {
			return fmt.Errorf("dialog: campaign recipient: %w", err)
		}
		_, _, lang, _, err := t.e.customerAddress(t.tx, cu)
		if err != nil {
			return err
		}
		langs[lang]++
	}
	return t.sayCampaignPreview(c, langs, c.SendAt)
}

// sayCampaignPreview shows draft c's preview with [발송] [취소] and leaves
// it on screen (flow campaign_send): the counts, the time it goes (at, or
// now once at is past, after the night rule), the message as it goes in
// the manager's language, or in each language its recipients get with how
// many get each (langs) when that is not the manager's alone, and the
// other drafts still waiting.
func (t *turn) sayCampaignPreview(c ledger.Campaign, langs map[string]int, at time.Time) error {
	at = laterOf(at, t.now)
	sendAt := t.e.AdSendAt(at)
	audience := c.Audience
	if audience == "" {
		audience = t.text("customers.all", nil)
	}
	sk := c.Counts.Skipped
	data := map[string]any{
		"Number": c.Number, "Filter": audience,
		"Match": groupDigits(int64(c.Counts.Queued + c.Counts.SkippedTotal())), "Receive": groupDigits(int64(c.Counts.Queued)),
		"NoConsent": sk[ledger.SkipNoConsent], "Unreachable": sk[ledger.SkipUnreachable] + sk[ledger.SkipUnlinked],
		"Erased": sk[ledger.SkipErased], "At": t.when(sendAt), "Night": "", "First": t.previewFirst(c, langs),
	}
	if !sendAt.Equal(at) {
		data["Night"] = t.text("campaign.night", nil)
	}
	waiting, err := t.waitingDrafts(c.Number)
	if err != nil {
		return err
	}
	lines := make([]string, len(waiting))
	for i, w := range waiting {
		lines[i] = t.text("campaign.waiting", map[string]any{"Number": w.Number, "Text": campaignHead(w.Text), "At": t.when(w.SendAt)})
	}
	data["Waiting"] = strings.Join(lines, "\n")
	num := strconv.Itoa(c.Number)
	t.say("campaign.preview", data,
		t.btn("campaign.btn.send", campaignAction+":send:"+num), t.btn("campaign.btn.drop", campaignAction+":drop:"+num))
	t.begin(flowCampaignSend)
	t.sess.Draft["number"] = num
	return nil
}

// previewFirst is the message of c as it goes, with its buttons as
// "[수신 거부]": in the manager's language when every recipient gets that
// one, otherwise each language with how many get it, the manager's first.
// The first recipient's language alone showed a Korean manager an English
// message most recipients would never see.
func (t *turn) previewFirst(c ledger.Campaign, langs map[string]int) string {
	order := []string{t.lang}
	for _, l := range locales.Languages {
		if l != t.lang {
			order = append(order, l)
		}
	}
	var blocks []string
	for _, l := range order {
		if langs[l] == 0 && (l != t.lang || len(langs) > 0) {
			continue
		}
		lt := t.e.quietTurn(t.tx, l, t.now)
		text, optOut := lt.adText(lt.campaignBody(c.Text, c.Benefit))
		block := text + "\n" + buttonLine([]Button{optOut})
		if len(langs) > 1 || len(langs) == 1 && langs[t.lang] == 0 {
			block = t.text("campaign.preview_lang", map[string]any{"Lang": t.e.cat.Text(l, "lang.name", nil), "Count": groupDigits(int64(langs[l]))}) + "\n" + block
		}
		blocks = append(blocks, block)
	}
	return strings.Join(blocks, "\n────────\n")
}

// campaignHead is a campaign's text on one line, cut at 20 characters.
func campaignHead(text string) string {
	head := []rune(strings.ReplaceAll(text, "\n", " "))
	if len(head) > 20 {
		return string(head[:20]) + "…"
	}
	return string(head)
}

// isCampaignSend reports whether verb is a sub-command that sends.
func isCampaignSend(verb string) bool {
	return slices.Contains(campaignSendWords, strings.ToLower(verb))
}
