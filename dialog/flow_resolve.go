package dialog

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/looplab/fsm"

	"github.com/dangol/dangol/ledger"
)

// Resolving a complaint (issue 12): a complaint's [해결됨], or /inbox
// close on a complaint, asks what was done before anything closes. In a
// Slack modal (Message.CanForm) it is one form; elsewhere the "resolve"
// flow asks step by step: (a) what was done (required), (b) a message to
// the customer (typed, the shop's apology, or none), (c) bonus points (an
// adjust entry with the reason "불만 #12 보상"). Only the last answer
// changes the ledger, in one transaction: the points, the message recorded
// in the thread as an outgoing one, and the closing (closeThread).

// flowResolve asks how a complaint was resolved.
const flowResolve = "resolve"

// States of flowResolve.
const (
	rsNote    = "note"
	rsMessage = "message"
	rsPoints  = "points"
)

// Draft keys of flowResolve.
const (
	drThread = "thread" // the complaint's number
	drNote   = "note"
	drMode   = "mode" // resolveApology, resolveText or resolveNone
	drText   = "text" // the typed message (resolveText)
)

// How the customer is told, in the draft and the audit entry.
const (
	resolveNone    = "none"
	resolveApology = "apology"
	resolveText    = "text"
)

// Payloads of flowResolve's buttons.
const (
	resolveBtnApology  = "rs:apology"
	resolveBtnNoMsg    = "rs:nomsg"
	resolveBtnNoPoints = "rs:nopoints"
)

// complaintReason starts the reason of a complaint's bonus points,
// "complaint:<number>" (flow_corrections.go's entryReason shows it).
const complaintReason = "complaint:"

// complaintEntryReason shows a complaint's bonus points' reason: "불만 #2
// 보상" to staff, and to the customer what it was for, without the shop's
// inside word for their message.
func (t *turn) complaintEntryReason(reason string) (string, bool) {
	n, ok := strings.CutPrefix(reason, complaintReason)
	switch {
	case !ok:
		return "", false
	case t.role == ledger.RoleCustomer:
		return t.text("resolve.entry.customer", nil), true
	}
	return t.text("resolve.reason", map[string]any{"N": n}), true
}

// formResolvePrefix starts the FormID of a complaint's resolution form:
// "resolve:<number>" (onForm, flow_note.go).
const formResolvePrefix = "resolve:"

// MaxBonusPoints bounds the bonus points of one resolution: an apology,
// not a transfer, and a typo of a few zeros is refused rather than
// credited.
const MaxBonusPoints = 1_000_000

// resolveFlow is the state machine of flowResolve.
func resolveFlow() *flowDef {
	return &flowDef{
		title:   "core.flow.resolve",
		initial: rsNote,
		roles:   staffRoles,
		events: fsm.Events{
			{Name: "ask_message", Src: []string{rsNote}, Dst: rsMessage},
			{Name: "ask_points", Src: []string{rsNote, rsMessage}, Dst: rsPoints},
			{Name: "resolve", Src: []string{rsNote, rsMessage, rsPoints}, Dst: stateDone},
		},
		step: (*turn).resolveStep,
	}
}

// complaintParty is what a complaint's resolution can reach: the
// customer's record (linked, not erased) for points, and where a message
// to them goes.
type complaintParty struct {
	customer ledger.Customer
	linked   bool   // a live customer record: points may be given
	channel  string // with user: where the customer message goes; "" when unreachable
	user     string
	lang     string // the customer's language
}

// partyOf reads whom complaint th can reach. An erased customer gets
// neither points nor a message; an unlinked sender a message only.
func (t *turn) partyOf(th ledger.Thread) (complaintParty, error) {
	p := complaintParty{lang: th.Lang}
	if p.lang == "" {
		p.lang = t.e.lang
	}
	if th.CustomerID != "" {
		c, err := t.tx.Customer(th.CustomerID)
		if err != nil && !errors.Is(err, ledger.ErrCustomerNotFound) {
			return p, fmt.Errorf("dialog: read complaint's customer: %w", err)
		}
		if err != nil || c.Erased {
			return p, nil // erased: nobody to tell, nothing to credit
		}
		p.customer, p.linked = c, true
	}
	if ch, user, ok := strings.Cut(th.SenderID, ":"); ok && user != "" {
		p.channel, p.user = ch, user
	}
	return p, nil
}

// startResolve begins resolving complaint th: a form when the client can
// show one, otherwise the "resolve" flow, at its first question or, with
// note given (/inbox close <n> <note>), at the next.
func (t *turn) startResolve(th ledger.Thread, note string) error {
	if th.State == ledger.ThreadClosed {
		t.say("threads.closed", map[string]any{"N": th.Number})
		return nil
	}
	p, err := t.partyOf(th)
	if err != nil {
		return err
	}
	if t.m.CanForm {
		t.add(t.resolveForm(th, p, note))
		return nil
	}
	t.begin(flowResolve)
	t.sess.Draft[drThread] = strconv.FormatInt(th.Number, 10)
	if strings.TrimSpace(note) == "" {
		t.say("resolve.ask.note", map[string]any{"Tag": t.threadTag(t.lang, th)}, t.btn("core.btn.cancel", "cancel"))
		return nil
	}
	return t.resolveStep(input{text: note})
}

// resolveStep reads one answer of flowResolve.
func (t *turn) resolveStep(in input) error {
	th, ok, err := t.resolvingThread()
	if err != nil || !ok {
		return err
	}
	p, err := t.partyOf(th)
	if err != nil {
		return err
	}
	switch t.sess.State {
	case rsNote:
		if in.payload != "" {
			t.say("resolve.ask.note", map[string]any{"Tag": t.threadTag(t.lang, th)}, t.btn("core.btn.cancel", "cancel"))
			return nil
		}
		if !t.validNote(in.text) {
			return nil
		}
		t.sess.Draft[drNote] = strings.TrimSpace(in.text)
		return t.resolveNext(th, p, rsNote)
	case rsMessage:
		switch {
		case t.isButton(in, resolveBtnApology, "resolve.btn.apology"):
			t.sess.Draft[drMode] = resolveApology
		case t.isButton(in, resolveBtnNoMsg, "resolve.btn.no_message"):
			t.sess.Draft[drMode] = resolveNone
		case in.payload != "" || in.text == "":
			t.askResolveMessage(p)
			return nil
		default:
			if t.refusedText(in.text) {
				return nil
			}
			t.sess.Draft[drMode], t.sess.Draft[drText] = resolveText, strings.TrimSpace(in.text)
		}
		return t.resolveNext(th, p, rsMessage)
	case rsPoints:
		if t.isButton(in, resolveBtnNoPoints, "resolve.btn.no_points") {
			return t.finishResolve(th, p, 0)
		}
		if in.payload != "" || in.text == "" {
			t.askResolvePoints()
			return nil
		}
		pts, bad, data := bonusPoints(in.text)
		if bad != "" {
			t.say(bad, data, t.btn("resolve.btn.no_points", resolveBtnNoPoints))
			return nil
		}
		return t.finishResolve(th, p, pts)
	}
	t.end()
	t.sayStale()
	return nil
}

// resolvingThread reads the complaint the flow resolves; one closed
// meanwhile (by a colleague) ends the flow saying so.
func (t *turn) resolvingThread() (ledger.Thread, bool, error) {
	th, ok, err := t.threadByText(t.sess.Draft[drThread])
	if err != nil || !ok {
		t.end()
		return th, false, err
	}
	if th.State == ledger.ThreadClosed {
		t.end()
		t.say("threads.closed", map[string]any{"N": th.Number})
		return th, false, nil
	}
	return th, true, nil
}

// validNote checks a resolution note, saying what is wrong when it is not
// usable.
func (t *turn) validNote(note string) bool {
	if strings.TrimSpace(note) == "" {
		t.say("resolve.err.note", nil)
		return false
	}
	return !t.refusedText(note)
}

// resolveNext moves on from state from: to the message when the customer
// can be reached, to the points when they are linked, else resolves.
func (t *turn) resolveNext(th ledger.Thread, p complaintParty, from string) error {
	if from == rsNote && p.channel != "" {
		if err := t.fire("ask_message"); err != nil {
			return err
		}
		t.askResolveMessage(p)
		return nil
	}
	if p.linked {
		if err := t.fire("ask_points"); err != nil {
			return err
		}
		t.askResolvePoints()
		return nil
	}
	return t.finishResolve(th, p, 0)
}

func (t *turn) askResolveMessage(p complaintParty) {
	t.say("resolve.ask.message", map[string]any{"Apology": t.apology(t.lang)},
		t.btn("resolve.btn.apology", resolveBtnApology), t.btn("resolve.btn.no_message", resolveBtnNoMsg), t.btn("core.btn.cancel", "cancel"))
}

func (t *turn) askResolvePoints() {
	t.say("resolve.ask.points", map[string]any{"Max": t.pts(MaxBonusPoints)},
		t.btn("resolve.btn.no_points", resolveBtnNoPoints), t.btn("core.btn.cancel", "cancel"))
}

// apology is the shop's apology template in lang, naming the shop when
// DANGOL_SHOP_NAME is set.
func (t *turn) apology(lang string) string {
	return t.e.cat.Text(lang, "resolve.apology", map[string]any{"Shop": t.e.shop})
}

// bonusPoints reads typed bonus points: a whole positive number up to
// MaxBonusPoints. bad is the catalog id saying what is wrong, with data.
func bonusPoints(s string) (pts int64, bad string, data map[string]any) {
	s = strings.TrimSpace(s)
	data = map[string]any{"Input": s, "Max": groupDigits(MaxBonusPoints)}
	if negativeAmount(s) {
		return 0, "resolve.err.points_negative", data
	}
	pts, ok := parsePoints(s)
	if !ok || pts <= 0 || pts > MaxBonusPoints {
		return 0, "resolve.err.points", data
	}
	return pts, "", nil
}

// finishResolve gives the bonus points, tells the customer (recorded in
// the thread as the staff's message) and closes the complaint with the
// note, all in this message's transaction, then says what was done.
func (t *turn) finishResolve(th ledger.Thread, p complaintParty, pts int64) error {
	note, mode, typed := t.sess.Draft[drNote], t.sess.Draft[drMode], t.sess.Draft[drText]
	if t.sess.Flow == flowResolve {
		if err := t.fire("resolve"); err != nil {
			return err
		}
		t.end()
	}
	return t.resolveComplaint(th, p, note, mode, typed, pts)
}

// resolveComplaint does the resolution's effects; mode says what message
// goes (typed is resolveText's text). A customer who cannot be reached
// gets none whatever mode says, one not linked no points.
func (t *turn) resolveComplaint(th ledger.Thread, p complaintParty, note, mode, typed string, pts int64) error {
	if p.channel == "" || mode == "" {
		mode = resolveNone
	}
	if !p.linked {
		pts = 0
	}
	var lines []string
	var bal int64
	if pts > 0 {
		reason := t.text("resolve.reason", map[string]any{"N": th.Number})
		// A code, not the words: the staff read "불만 #2 보상", the
		// customer what it was for (entryReason).
		e := ledger.PointsEntry{CustomerID: p.customer.ID, At: t.now, Kind: ledger.PointsAdjust, Points: pts, ActorID: t.actor.ID(), Reason: complaintReason + strconv.FormatInt(th.Number, 10)}
		if err := t.tx.AddPoints(&e); err != nil {
			return fmt.Errorf("dialog: bonus points of complaint #%d: %w", th.Number, err)
		}
		if err := t.audit("points", p.customer.ID, "adjust "+strconv.FormatInt(pts, 10)); err != nil {
			return err
		}
		var err error
		if bal, err = t.tx.Balance(p.customer.ID); err != nil {
			return fmt.Errorf("dialog: read balance: %w", err)
		}
		lines = append(lines, t.text("resolve.done.points", map[string]any{"Points": t.pts(pts), "Reason": reason, "Balance": t.pts(bal)}))
	}
	pointsOnly := mode == resolveNone && pts > 0 && p.channel != ""
	if mode != resolveNone || pointsOnly {
		// Points given are told even when no message goes: a balance
		// that grew unexplained reads as a mistake.
		text := t.customerResolveText(p, mode, typed, pts, bal)
		if _, err := t.tx.AddThreadMessage(&ledger.ThreadMessage{Thread: th.Number, At: t.now, Out: true, StaffID: t.actor.ID(), Text: text}); err != nil {
			return fmt.Errorf("dialog: record complaint #%d's message: %w", th.Number, err)
		}
		t.add(Reply{To: ToUser, Channel: p.channel, UserID: p.user, Lang: p.lang, Text: text, Thread: strconv.FormatInt(th.Number, 10)})
	}
	told := map[string]string{resolveNone: "resolve.done.no_message", resolveApology: "resolve.done.apology", resolveText: "resolve.done.message"}[mode]
	if pointsOnly {
		told = "resolve.done.points_only"
	}
	if p.channel == "" {
		told = "resolve.done.unreachable"
	}
	lines = append([]string{t.text(told, nil)}, lines...)
	if err := t.auditThread("thread_resolve", th); err != nil {
		return err
	}
	if err := t.closeThread(th, note); err != nil {
		return err
	}
	t.add(t.mkSections(t.text("resolve.done", map[string]any{"Tag": t.threadTag(t.lang, th), "Note": note}), []Section{{Lines: lines}}))
	return nil
}

// customerResolveText is what the customer reads, in their language: the
// apology as the shop's own words, or a typed message as a relayed reply
// ("[<shop> <staff>] …"), with the bonus points after it.
func (t *turn) customerResolveText(p complaintParty, mode, typed string, pts, bal int64) string {
	var text string
	switch mode {
	case resolveApology:
		text = t.apology(p.lang)
	case resolveText:
		text = t.e.cat.Text(p.lang, "threads.relay", map[string]any{"Shop": t.shopName(p.lang), "Staff": t.publicStaffName(), "Text": typed})
	}
	if pts > 0 {
		if text != "" {
			text += "\n"
		}
		points := func(n int64) string {
			return t.e.cat.Text(p.lang, "core.fmt.points", map[string]any{"N": groupDigits(n)})
		}
		text += t.e.cat.Text(p.lang, "resolve.customer.points", map[string]any{"Points": points(pts), "Balance": points(bal)})
	}
	return text
}

// resolveForm is the resolution as one form: the note, the message
// (filled with the apology; cleared, nothing goes) for a customer who can
// be reached, the points for a linked one.
func (t *turn) resolveForm(th ledger.Thread, p complaintParty, note string) Reply {
	fields := []Field{{Name: "note", Label: t.text("resolve.form.note", nil), Hint: t.text("resolve.form.note_hint", nil), Multiline: true, Value: strings.TrimSpace(note)}}
	if p.channel != "" {
		fields = append(fields, Field{Name: "message", Label: t.text("resolve.form.message", nil), Hint: t.text("resolve.form.message_hint", nil),
			Optional: true, Multiline: true, Value: t.apology(p.lang)})
	}
	if p.linked {
		fields = append(fields, Field{Name: "points", Label: t.text("resolve.form.points", nil), Hint: t.text("resolve.form.points_hint", nil), Optional: true})
	}
	r := t.mk(t.text("resolve.form.opening", map[string]any{"Tag": t.threadTag(t.lang, th)}))
	r.Form = &Form{
		ID: formResolvePrefix + strconv.FormatInt(th.Number, 10), Title: t.text("resolve.form.title", nil),
		Submit: t.text("resolve.form.submit", nil), Fields: fields,
	}
	r.Private = true
	return r
}

// onResolveForm handles a submitted resolution form for complaint num:
// every field is checked and all errors returned at once, nothing
// recorded; otherwise the complaint is resolved as the flow would.
func (t *turn) onResolveForm(num string) error {
	th, ok, err := t.threadByText(num)
	if err != nil || !ok {
		return err
	}
	if th.State == ledger.ThreadClosed {
		t.say("threads.closed", map[string]any{"N": th.Number})
		return nil
	}
	p, err := t.partyOf(th)
	if err != nil {
		return err
	}
	f := t.m.Form
	errs := map[string]string{}
	note := strings.TrimSpace(f["note"])
	if note == "" {
		errs["note"] = t.text("resolve.err.note", nil)
	} else if msg, bad := t.threadTextError(note); bad {
		errs["note"] = msg
	}
	mode, typed := resolveNone, strings.TrimSpace(f["message"])
	switch {
	case typed == "":
	case typed == strings.TrimSpace(t.apology(p.lang)):
		mode = resolveApology
	default:
		if msg, bad := t.threadTextError(typed); bad {
			errs["message"] = msg
		}
		mode = resolveText
	}
	var pts int64
	if s := strings.TrimSpace(f["points"]); s != "" {
		var bad string
		var data map[string]any
		switch pts, bad, data = bonusPoints(s); {
		case bad != "":
			errs["points"] = t.text(bad, data)
		case !p.linked:
			errs["points"] = t.text("resolve.err.points_erased", nil)
		}
	}
	if len(errs) > 0 {
		r := t.mk(t.text("resolve.form.invalid", nil))
		r.FormErrors = errs
		r.Private = true
		t.add(r)
		return nil
	}
	return t.resolveComplaint(th, p, note, mode, typed, pts)
}

// threadTextError is refusedText's message for a form field: what is
// wrong with text as a thread message, and whether anything is.
func (t *turn) threadTextError(text string) (string, bool) {
	err := ledger.CheckThreadText(text)
	var le *ledger.LimitError
	switch {
	case err == nil:
		return "", false
	case errors.As(err, &le):
		return t.text("threads.err.too_long", map[string]any{"Limit": groupDigits(int64(le.Limit))}), true
	}
	return t.text("threads.err.text", nil), true
}
