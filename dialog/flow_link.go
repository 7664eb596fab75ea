package dialog

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dangol/dangol/dialog/qr"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// ConsentPurpose is what a customer agrees to when they press agree.
const ConsentPurpose = "loyalty+feedback"

// Draft keys of the consent flow: a code or phone that came before the
// answer, used once the customer agrees.
const (
	dCode       = "code"
	dSharePhone = "phone"
	dJoin       = "join" // came by the counter poster's /start join
)

// JoinStart is the start parameter of the counter poster's deep link
// (t.me/<bot>?start=join): consent first, then the contact-sharing button,
// for a customer who has no code.
const JoinStart = "join"

// DeepLink returns the t.me link that opens a chat with bot and sends it
// "/start payload" when the person presses Start; bot is the username
// without @.
func DeepLink(bot, payload string) string {
	return "https://t.me/" + bot + "?start=" + payload
}

// linkQRScale is the pixels per module of /link's QR code: about 400 px
// square for a deep link, sharp on a phone held up to a screen.
const linkQRScale = 8

// linkCodeTries bounds the draws of a link code for one /link: a drawn
// code may still be held by another customer.
const linkCodeTries = 10

// cmdLink: /link <customer> makes a one-time code staff hand to the customer
// and, once the bot's username is known, a deep link and its QR code.
func (t *turn) cmdLink(args string) error {
	if args == "" {
		t.say("core.link.usage", nil)
		return nil
	}
	return t.withCustomer("link", args)
}

func (t *turn) actLink(c ledger.Customer, _ string) error {
	bot, err := t.tx.BotName()
	if err != nil {
		return fmt.Errorf("dialog: read bot name: %w", err)
	}
	// The deep link carries a long random token, not the 6 digits: a link
	// is clicked, never typed, so it need not be guessable (rand.Text has
	// 130 bits, in base32, which Telegram's start parameter allows). The
	// digits stay for typing; using either uses up both.
	var code, token string
	if bot != "" {
		token = rand.Text()
	}
	for try := 1; ; try++ {
		code = t.e.newCode()
		if token != "" {
			err = t.tx.PutLinkPair(code, token, c.ID, t.now.Add(LinkCodeTTL))
		} else {
			err = t.tx.PutLinkCode(code, c.ID, t.now.Add(LinkCodeTTL))
		}
		if err == nil {
			break
		}
		// The ledger refuses a code another customer still holds: draw again.
		if !errors.Is(err, ledger.ErrInvalid) || try == linkCodeTries {
			return fmt.Errorf("dialog: put link code: %w", err)
		}
	}
	if err := t.audit("link", c.ID, "code"); err != nil {
		return err
	}
	text := t.text("core.link.code", map[string]any{"Name": c.Name, "Code": code, "Hours": int(LinkCodeTTL.Hours())})
	if len(c.Links) > 0 {
		// Using the code moves the link (moveLink): said before the
		// code is handed over, not found out by the old account.
		text += "\n" + t.text("linking.link.already_linked", map[string]any{"Name": c.Name})
	} else if c.Consent.Declined {
		// Staff hand the code over knowing; points need no link.
		text += "\n" + t.text("linking.link.declined", map[string]any{"Name": c.Name, "Date": t.day(c.Consent.At)})
	}
	if bot == "" {
		r := t.mk(text + "\n" + t.text("linking.link.no_bot", nil))
		r.Private = true
		t.add(r)
		return nil
	}
	link := DeepLink(bot, token)
	png, err := qr.PNG(link, linkQRScale)
	if err != nil {
		return fmt.Errorf("dialog: link qr: %w", err)
	}
	r := t.mk(text + "\n" + t.text("linking.link.deep", map[string]any{"Link": link}))
	// Private: the code and the link are for this staff member and the
	// customer in front of them; in Slack the picture goes to their DM.
	r.Private = true
	r.Image = &Image{Name: "link-" + c.ID + ".png", PNG: png}
	t.add(r)
	return nil
}

// isCode reports a one-time link code: exactly 6 digits.
func isCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// cmdStart: /start [code], the first thing a customer sends (a deep link
// from a QR code carries the code or token; the counter poster's carries
// JoinStart). Consent comes before anything is linked.
func (t *turn) cmdStart(args string) error {
	code, _ := firstField(args)
	join := strings.EqualFold(code, JoinStart)
	if join {
		code = ""
	}
	p, err := t.tx.Profile(t.pid)
	if err != nil {
		return fmt.Errorf("dialog: read profile: %w", err)
	}
	if !p.Consent.Given {
		if t.sess.Flow == flowConsent {
			// The question is still waiting (flowDef.resumedBy): the
			// whole text once is enough, a reminder brings the buttons.
			t.remindConsent(code, join)
			return nil
		}
		if err := t.askConsent(code, ""); err != nil {
			return err
		}
		if join {
			t.sess.Draft[dJoin] = "1"
		}
		return nil
	}
	if t.sess.Flow == flowConsent {
		// Given meanwhile in another way: the question no longer waits.
		t.end()
	}
	if code != "" {
		return t.linkWithCode(p, code)
	}
	if c, ok, err := t.linkedCustomer(); err != nil {
		return err
	} else if ok {
		if err := t.welcome(c, "core.start.welcome_back"); err != nil {
			return err
		}
		return t.askMarketingLater(c) // flow_marketing.go: once, if never asked
	}
	if join {
		t.offerContact()
		return nil
	}
	t.say("core.start.ask_code", nil)
	return nil
}

// offerContact asks a customer without a code to share their phone
// number: the reply brings the menu, whose contact button (Telegram's
// request_contact) sends the number their account vouches for.
func (t *turn) offerContact() {
	r := t.mk(t.text("linking.join.share", nil))
	r.Menu = true
	t.add(r)
}

// askConsent starts the consent flow, keeping a code or phone given before
// the answer.
func (t *turn) askConsent(code, phone string) error {
	t.begin(flowConsent)
	if code != "" {
		t.sess.Draft[dCode] = code
	}
	if phone != "" {
		t.sess.Draft[dSharePhone] = phone
	}
	t.add(t.consentQuestion())
	return nil
}

// consentQuestion explains what is kept, why and for how long, with the
// agree and decline buttons.
func (t *turn) consentQuestion() Reply {
	text := t.text("core.consent.ask", t.consentData()) // flow_retention.go
	return t.mk(text, t.btn("core.btn.agree", "yes"), t.btn("core.btn.decline", "no"))
}

// remindConsent answers a second /start while the consent question waits:
// a short reminder with the buttons, keeping a code or the poster's join
// that came with it for when they agree.
func (t *turn) remindConsent(code string, join bool) {
	if code != "" {
		t.sess.Draft[dCode] = code
	}
	if join {
		t.sess.Draft[dJoin] = "1"
	}
	t.add(t.consentReminder())
}

// consentReminder asks again for the answer without the whole text, which
// was shown once; [내용 다시 보기] shows it again.
func (t *turn) consentReminder() Reply {
	return t.mk(t.text("core.consent.reask", nil),
		t.btn("core.btn.agree", "yes"), t.btn("core.btn.decline", "no"), t.btn("core.btn.consent_show", "show"))
}

// consentStep reads the answer to the consent question.
func (t *turn) consentStep(in input) error {
	d := t.sess.Draft
	answer := typedStep(in, consentYes, consentNo) // typed_answer.go
	switch {
	case answer > 0 || t.isButton(in, "yes", "core.btn.agree"):
		if err := t.fire("agree"); err != nil {
			return err
		}
		p, err := t.tx.Profile(t.pid)
		if err != nil {
			return fmt.Errorf("dialog: read profile: %w", err)
		}
		p.ID = t.pid
		p.Consent = ledger.Consent{Given: true, At: t.now, Purpose: ConsentPurpose}
		if err := t.tx.PutProfile(p); err != nil {
			return fmt.Errorf("dialog: save consent: %w", err)
		}
		code, phone, join := d[dCode], d[dSharePhone], d[dJoin] != ""
		t.end()
		t.say("core.consent.thanks", nil)
		switch {
		case code != "":
			return t.linkWithCode(p, code)
		case phone != "":
			return t.linkWithPhone(p, phone)
		}
		if _, ok, err := t.linkedCustomer(); err != nil || ok {
			return err
		}
		if join {
			t.offerContact()
			return nil
		}
		t.say("core.start.ask_code", nil)
		return nil
	case answer < 0 || t.isButton(in, "no", "core.btn.decline"):
		if err := t.fire("decline"); err != nil {
			return err
		}
		p, err := t.tx.Profile(t.pid)
		if err != nil {
			return fmt.Errorf("dialog: read profile: %w", err)
		}
		p.ID = t.pid
		p.Consent = ledger.Consent{Declined: true, At: t.now}
		if err := t.tx.PutProfile(p); err != nil {
			return fmt.Errorf("dialog: save consent: %w", err)
		}
		if err := t.markDeclined(d[dCode], d[dSharePhone]); err != nil {
			return err
		}
		t.end()
		t.say("core.consent.declined", nil)
		return nil
	}
	if t.isButton(in, "show", "core.btn.consent_show") {
		t.add(t.consentQuestion())
		return nil
	}
	if code := typedCode(in.text); isCode(code) { // input_errors.go
		// Kept for when they agree.
		d[dCode] = code
	}
	t.add(t.consentReminder())
	return nil
}

// markDeclined notes on the record that a declined code or shared phone
// names that its customer declined the link, for staff to see on the card
// and at /link. The record is the shop's own 장부 (made at the counter, or
// imported with the shop's paper consent): declining in Telegram keeps
// this account unlinked and nothing of it, but takes nothing from the
// record, and points given at the counter are earned as before, as the
// consent question says. A consent given by a linked account stands; the
// code stays valid, for a customer who changes their mind.
func (t *turn) markDeclined(code, phone string) error {
	var id string
	switch {
	case code != "":
		cid, err := t.tx.PeekLinkCode(code, t.pid, t.now)
		if err != nil && !errors.Is(err, ledger.ErrInvalidCode) {
			return fmt.Errorf("dialog: peek declined code: %w", err)
		}
		id = cid
	case phone != "":
		c, err := t.tx.CustomerByPhone(phone)
		if errors.Is(err, ledger.ErrCustomerNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("dialog: find declined phone: %w", err)
		}
		id = c.ID
	}
	if id == "" {
		return nil
	}
	c, err := t.tx.Customer(id)
	if err != nil {
		return fmt.Errorf("dialog: read declining customer: %w", err)
	}
	if c.Erased || c.Consent.Given {
		return nil
	}
	c.Consent = ledger.Consent{Declined: true, At: t.now}
	if err := t.tx.PutCustomer(c); err != nil {
		return fmt.Errorf("dialog: save declined link: %w", err)
	}
	return nil
}

// A sender may get a link code wrong MaxCodeMisses times in CodeMissWindow;
// then codes are refused until the window has passed since the last miss.
// Codes have 6 digits and live a day, so this keeps guessing one hopeless.
// Many accounts could still guess together, so everyone's wrong typed
// codes count too: the one that makes Config.LinkCodeMisses
// (DefaultLinkCodeMisses) within CodeMissWindow pauses typed codes for
// everyone for a CodeMissWindow and tells the staff channel once. Deep-link
// tokens (130 random bits) are neither paused nor counted bot-wide.
const (
	MaxCodeMisses         = 5
	CodeMissWindow        = time.Hour
	DefaultLinkCodeMisses = 30
)

// linkWithCode links the sender to the customer a one-time code names.
func (t *turn) linkWithCode(p ledger.Profile, code string) error {
	if !p.Consent.Given {
		return refuse("core.err.no_consent", nil)
	}
	if c, ok, err := t.linkedCustomer(); err != nil {
		return err
	} else if ok {
		return t.alreadyLinked(c, code)
	}
	cur, err := t.tx.Profile(t.pid)
	if err != nil {
		return fmt.Errorf("dialog: read profile: %w", err)
	}
	if cur.CodeMisses >= MaxCodeMisses && t.now.Sub(cur.CodeMissAt) < CodeMissWindow {
		t.say("core.link.too_many_attempts", map[string]any{"Minutes": int(CodeMissWindow.Minutes())})
		return nil
	}
	code = strings.TrimSpace(code)
	typed := isCode(code) // 6 digits: a deep link carries a long token instead
	if typed && t.e.codeMisses > 0 {
		if until, paused := t.tx.LinkCodesPaused(t.now); paused {
			// Not tried and not counted: the right code waits too.
			t.say("linking.code.paused", map[string]any{"Minutes": minutesUntil(t.now, until)})
			return nil
		}
	}
	cid, err := t.tx.UseLinkCode(code, t.pid, t.now)
	var used *ledger.UsedCodeError
	if errors.As(err, &used) {
		// A real code, used: told so, and no miss (it guesses nothing).
		// Linked to it still, they were answered by alreadyLinked.
		if used.Yours {
			t.say("linking.code.used_yours_unlinked", nil)
		} else {
			t.say("linking.code.used_other", nil)
		}
		return nil
	}
	if errors.Is(err, ledger.ErrInvalidCode) {
		// Said, not returned: a consent given in this same message stays,
		// and so does the miss, which slows down guessing.
		if t.now.Sub(cur.CodeMissAt) >= CodeMissWindow {
			cur.CodeMisses = 0
		}
		cur.CodeMisses++
		cur.CodeMissAt = t.now
		if err := t.tx.PutProfile(cur); err != nil {
			return fmt.Errorf("dialog: count code miss: %w", err)
		}
		t.say("core.err.invalid_code", nil)
		if typed {
			return t.countTypedMiss()
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: use link code: %w", err)
	}
	if cur.CodeMisses > 0 {
		cur.CodeMisses, cur.CodeMissAt = 0, time.Time{}
		if err := t.tx.PutProfile(cur); err != nil {
			return fmt.Errorf("dialog: reset code misses: %w", err)
		}
	}
	return t.link(p, cid)
}

// alreadyLinked answers a code from a sender linked to c: one they linked
// with (a second tap of the link, the code typed again) is answered with
// what /points shows them; any other code with the link they have.
func (t *turn) alreadyLinked(c ledger.Customer, code string) error {
	_, err := t.tx.PeekLinkCode(code, t.pid, t.now)
	if err != nil && !errors.Is(err, ledger.ErrInvalidCode) {
		return fmt.Errorf("dialog: peek link code: %w", err)
	}
	var used *ledger.UsedCodeError
	if !errors.As(err, &used) || !used.Yours || used.CustomerID != c.ID {
		t.say("core.link.already", map[string]any{"Name": c.Name})
		return nil
	}
	t.say("linking.code.used_yours", map[string]any{"Name": c.Name})
	r, err := t.balanceReply(c, "core.mypoints.head") // flow_points.go, as /points
	if err != nil {
		return err
	}
	t.add(r)
	return nil
}

// countTypedMiss counts a wrong typed code against everyone's hourly
// limit; the miss that reaches it pauses typed codes and tells the staff
// channel, in the shop's language, once for the pause.
func (t *turn) countTypedMiss() error {
	if t.e.codeMisses <= 0 {
		return nil
	}
	until, started, err := t.tx.CountLinkCodeMiss(t.now, t.e.codeMisses, CodeMissWindow)
	if err != nil {
		return fmt.Errorf("dialog: count code miss: %w", err)
	}
	if !started {
		return nil
	}
	lang := t.e.lang
	t.add(Reply{To: ToStaffChannel, Lang: lang, Text: t.e.cat.Text(lang, "linking.code.paused_staff", map[string]any{
		"Misses": t.e.codeMisses, "Minutes": int(CodeMissWindow.Minutes()), "Until": until.In(t.e.loc).Format("15:04"),
	})})
	return nil
}

// minutesUntil is how many whole minutes, rounded up, from now to until.
func minutesUntil(now, until time.Time) int {
	return max(1, int((until.Sub(now)+time.Minute-1)/time.Minute))
}

// linkWithPhone links the sender to the customer registered with the phone
// their platform vouches for.
func (t *turn) linkWithPhone(p ledger.Profile, phone string) error {
	if c, ok, err := t.linkedCustomer(); err != nil {
		return err
	} else if ok {
		t.say("core.link.already", map[string]any{"Name": c.Name})
		return nil
	}
	c, err := t.tx.CustomerByPhone(phone)
	if errors.Is(err, ledger.ErrCustomerNotFound) || (err == nil && c.Erased) {
		t.say("core.link.phone_unknown", nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: find customer by phone: %w", err)
	}
	return t.link(p, c.ID)
}

// link records the link (with the consent the customer gave) and welcomes them.
func (t *turn) link(p ledger.Profile, customerID string) error {
	before, err := t.tx.Customer(customerID)
	if err != nil {
		return fmt.Errorf("dialog: read customer to link: %w", err)
	}
	if err := t.tx.LinkCustomer(customerID, t.pid, p.Consent); err != nil {
		return fmt.Errorf("dialog: link customer: %w", err)
	}
	if err := t.moveLink(before); err != nil {
		return err
	}
	c, err := t.tx.Customer(customerID)
	if err != nil {
		return fmt.Errorf("dialog: read linked customer: %w", err)
	}
	// The language they chose, else the one they write in (their
	// Telegram's): what the shop's own messages to them (campaigns,
	// rating requests, follow-ups) are written in; kept nowhere else.
	lang := p.Lang
	if lang == "" && t.m.Lang != "" {
		lang = t.lang
	}
	if c.Lang == "" && lang != "" {
		c.Lang = lang
		if err := t.tx.PutCustomer(c); err != nil {
			return fmt.Errorf("dialog: save customer language: %w", err)
		}
	}
	if err := t.welcome(c, "core.link.welcome"); err != nil {
		return err
	}
	return t.askMarketing(c) // flow_marketing.go: the optional question, once
}

// moveLink unlinks c's other accounts on the sender's platform, now that
// the sender is linked to c, and tells each of them. One customer is one
// account a platform: a second one linked beside the first (a new phone,
// someone else given the code) could read the first one's /mydata, phone
// number included, and get their messages.
func (t *turn) moveLink(c ledger.Customer) error {
	for _, old := range c.Links {
		channel, user, ok := strings.Cut(old, ":")
		if !ok || old == t.pid || channel != t.m.Channel {
			continue
		}
		if err := t.tx.UnlinkCustomer(old); err != nil {
			return fmt.Errorf("dialog: move link: %w", err)
		}
		lang := t.e.lang
		if prof, err := t.tx.Profile(old); err == nil && prof.Lang != "" {
			lang = locales.Normalize(prof.Lang)
		} else if c.Lang != "" {
			lang = locales.Normalize(c.Lang)
		}
		t.add(Reply{To: ToUser, Channel: channel, UserID: user, Lang: lang,
			Text: t.e.cat.Text(lang, "linking.moved", map[string]any{"Name": c.Name})})
		if err := t.audit("link", c.ID, "moved"); err != nil {
			return err
		}
	}
	return nil
}

// welcome greets a linked customer with their balance and shows the menu.
func (t *turn) welcome(c ledger.Customer, id string) error {
	bal, err := t.tx.Balance(c.ID)
	if err != nil {
		return fmt.Errorf("dialog: read balance: %w", err)
	}
	r := t.mk(t.text(id, t.customerData(c, bal)))
	r.Menu = true
	t.add(r)
	return nil
}

// onSharedPhone links a customer by the contact they shared.
func (t *turn) onSharedPhone(phone string) error {
	digits, ok := ledger.NormalizePhone(phone)
	if !ok {
		t.say("core.link.phone_unknown", nil)
		return nil
	}
	return t.linkOrAskConsent("", digits)
}

// onCustomerText answers a customer's line outside any flow: a bare code
// links, the typed answer to a question still waiting answers it
// (typedAnswers), anything else is a question for the staff.
func (t *turn) onCustomerText(text string) error {
	for _, answer := range typedAnswers {
		if ok, err := answer(t, text); ok || err != nil {
			return err
		}
	}
	if code := typedCode(text); isCode(code) { // "１２３４５６", "123 456": input_errors.go
		text = code
	}
	if !isCode(text) {
		if n, ok := codeDigits(text); ok {
			if p, err := t.tx.Profile(t.pid); err == nil && p.CustomerID == "" {
				// Someone typing the code from the counter, one digit short.
				t.say("input.code.digits", map[string]any{"Got": n})
				return nil
			}
		}
		return t.onQuestionText(text) // a question for the staff (flow_thread.go)
	}
	return t.linkOrAskConsent(text, "")
}

// linkOrAskConsent links the sender by code or by phone once they have
// consented, refuses if they declined, and otherwise asks for consent first,
// keeping the code or phone for after: consent always comes before a link.
func (t *turn) linkOrAskConsent(code, phone string) error {
	p, err := t.tx.Profile(t.pid)
	if err != nil {
		return fmt.Errorf("dialog: read profile: %w", err)
	}
	switch {
	case p.Consent.Given && phone != "":
		return t.linkWithPhone(p, phone)
	case p.Consent.Given:
		return t.linkWithCode(p, code)
	case p.Consent.Declined:
		t.say("core.link.declined", nil)
		return nil
	}
	return t.askConsent(code, phone)
}
