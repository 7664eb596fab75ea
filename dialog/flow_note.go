package dialog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dangol/dangol/ledger"
)

// Limits on what the note flow accepts, checked when typed so the flow
// re-asks instead of failing at the save: the ledger's own, so a name
// /customer new takes is taken here too (the ledger allows 5000 runes of
// note).
const (
	maxNameLen = ledger.MaxNameRunes
	maxNoteLen = 5000
)

// Draft keys of the note flow.
const (
	dCustomer = "cid"      // an existing customer's id
	dPhone    = "phone"    // a new customer's phone
	dName     = "name"     // the customer's name (new or existing)
	dText     = "text"     // the note without its #tags
	dTags     = "tags"     // tags, comma separated
	dAmount   = "amount"   // purchase in won
	dFollowUp = "followup" // YYYY-MM-DD
	dQuick    = "quick"    // "1": a one-liner waiting only for a new customer's name
	dRevising = "revising" // "1": a field chosen with [수정]; its answer returns to the confirmation
)

// noteRevise is the note flow's state after [수정]: which field to change.
const noteRevise = "revise"

// noteFields are the fields [수정] offers, with the event that goes back
// to each and the catalog id of its button.
var noteFields = []struct{ name, event, label string }{
	{"customer", "edit_customer", "corrections.field.customer"},
	{"text", "edit_text", "corrections.field.text"},
	{"amount", "edit_amount", "corrections.field.amount"},
	{"tags", "edit_tags", "corrections.field.tags"},
	{"followup", "edit_followup", "corrections.field.followup"},
}

// cmdNote: /note alone starts the guided flow (or opens the form on
// clients that can show one); /note <customer> <text> saves at once;
// /note edit <customer> <n> <text> and /note delete <customer> <n> change
// note n as the card numbers it (flow_corrections.go). The Korean words
// are 편집 and 삭제, not 수정: 수정 is a given name.
func (t *turn) cmdNote(args string) error {
	sub, rest := firstField(args)
	switch strings.ToLower(sub) {
	case "edit", "편집":
		return t.withCustomerOr("corrections.note.edit_usage", "note.edit", rest)
	case "delete", "삭제":
		return t.withCustomerOr("corrections.note.delete_usage", "note.delete", rest)
	}
	if args == "" {
		if t.m.CanForm {
			t.add(t.noteForm())
			return nil
		}
		t.begin(flowNote)
		t.add(t.noteAsk())
		return nil
	}
	return t.withCustomer("note", args)
}

// actNote is the one-liner once the customer is known; without text it
// continues as the guided flow from the text step.
func (t *turn) actNote(c ledger.Customer, rest string) error {
	if strings.TrimSpace(rest) == "" {
		t.begin(flowNote)
		t.sess.Draft[dCustomer] = c.ID
		t.sess.Draft[dName] = c.Name
		if err := t.fire("ask_text"); err != nil {
			return err
		}
		t.add(t.noteAsk())
		return nil
	}
	text, tags := splitTags(rest)
	if !noteHasContent(text, tags) { // input_errors.go
		return refuse("input.note.empty", map[string]any{"Input": strings.TrimSpace(rest)})
	}
	n := ledger.Note{CustomerID: c.ID, Text: strings.TrimSpace(text), Tags: tags}
	if n.Text == "" {
		n.Text = strings.TrimSpace(rest)
	}
	day, ok := oneLineFollowUp(n.Text, t.now, t.e.loc)
	if ok {
		n.FollowUp = day
	}
	r, err := t.saveNote(n, nil)
	if err != nil {
		return err
	}
	if warn := t.followUpWarning(n.Text); warn != "" { // note_followup.go
		r.Text += "\n" + warn
	}
	t.add(r)
	return nil
}

// noteNewCustomer answers a one-liner naming an unregistered phone: it
// offers to register them and asks their name, keeping the text.
func (t *turn) noteNewCustomer(phone, rest string) error {
	text, tags := splitTags(rest)
	if !noteHasContent(text, tags) {
		return refuse("input.note.empty", map[string]any{"Input": strings.TrimSpace(rest)})
	}
	t.begin(flowNote)
	t.keepOneLiner(text, tags, rest)
	t.sess.Draft[dPhone] = phone
	if err := t.fire("ask_name"); err != nil {
		return err
	}
	t.add(t.noteAsk())
	return nil
}

// keepOneLiner puts a one-liner's note into the note flow's draft (its
// text, or the whole rest when it held only tags; its tags; a follow-up
// day it ends with) while the flow asks only for what the line lacked.
func (t *turn) keepOneLiner(text string, tags []string, rest string) {
	d := t.sess.Draft
	d[dText] = strings.TrimSpace(text)
	if d[dText] == "" {
		d[dText] = strings.TrimSpace(rest)
	}
	d[dTags] = strings.Join(tags, ",")
	if day, ok := oneLineFollowUp(d[dText], t.now, t.e.loc); ok {
		d[dFollowUp] = day.Format(time.DateOnly)
	}
	d[dQuick] = "1"
}

// noteUnknownName answers a one-liner whose customer nobody matches
// ("/note 박서준 다운펌 상담" with no such name): the note is kept in a note
// flow waiting only for its customer, and saved as soon as staff name them
// (a phone, a new one registered, another name, or a button for a customer
// of the same given name), so nothing is typed twice.
func (t *turn) noteUnknownName(query, rest string) error {
	text, tags := splitTags(rest)
	if !noteHasContent(text, tags) {
		return refuse("core.err.customer_unknown", map[string]any{"Query": query})
	}
	near, err := t.nearNames(query)
	if err != nil {
		return err
	}
	t.begin(flowNote)
	t.keepOneLiner(text, tags, rest)
	data := map[string]any{"Query": query, "Text": strings.TrimSpace(rest), "Near": len(near) > 0}
	if len(near) > 0 {
		return t.askPick("core.note.unknown_kept", data, near)
	}
	t.add(t.mk(t.text("core.note.unknown_kept", data), t.btn("core.btn.cancel", "cancel")))
	return nil
}

// nearNames are the customers a name nobody has may have meant: those of
// its given name (its last two letters, of a name of three or more), the
// usual slip being the family name or its spelling.
func (t *turn) nearNames(query string) ([]ledger.Customer, error) {
	r := []rune(strings.Join(strings.Fields(query), ""))
	if len(r) < 3 {
		return nil, nil
	}
	cs, err := t.tx.FindCustomers(string(r[len(r)-2:]), maxMatches)
	if err != nil {
		return nil, fmt.Errorf("dialog: find near names: %w", err)
	}
	return cs, nil
}

// noteAsk asks the question of the note flow's current state.
func (t *turn) noteAsk() Reply {
	d := t.sess.Draft
	skip := t.btn("core.btn.skip", "skip")
	cancel := t.btn("core.btn.cancel", "cancel")
	switch t.sess.State {
	case noteName:
		return t.mk(t.text("core.note.ask_name", map[string]any{"Phone": formatPhone(d[dPhone])}), cancel)
	case noteDup:
		return t.noteDupQuestion()
	case noteText:
		return t.mk(t.text("core.note.ask_text", map[string]any{"Name": d[dName]}), cancel)
	case noteAmount:
		return t.mk(t.text("core.note.ask_amount", nil), skip, cancel)
	case noteTags:
		return t.mk(t.text("core.note.ask_tags", nil), skip, cancel)
	case noteFollowUp:
		return t.mk(t.text("core.note.ask_followup", nil), skip, cancel)
	case noteConfirm:
		return t.mk(t.noteSummary(), t.btn("core.btn.save", "yes"), t.btn("corrections.btn.revise", "revise"), t.btn("core.btn.cancel", "no"))
	case noteRevise:
		var bs []Button
		for _, f := range noteFields {
			bs = append(bs, t.btn(f.label, "field:"+f.name))
		}
		return t.mk(t.text("corrections.note.ask_field", nil), append(bs, cancel)...)
	}
	return t.mk(t.text("core.note.ask_customer", nil), cancel)
}

// noteSummary shows the draft before it is saved.
func (t *turn) noteSummary() string {
	d := t.sess.Draft
	none := t.text("core.note.none", nil)
	data := map[string]any{"Name": d[dName], "Text": d[dText], "Amount": none, "Tags": none, "FollowUp": none}
	if d[dAmount] != "" {
		a, _ := strconv.ParseInt(d[dAmount], 10, 64)
		data["Amount"] = t.won(a)
	}
	if d[dTags] != "" {
		data["Tags"] = "#" + strings.ReplaceAll(d[dTags], ",", " #")
	}
	if d[dFollowUp] != "" {
		data["FollowUp"] = d[dFollowUp]
	}
	return t.text("core.note.confirm", data)
}

// noteReask repeats the current question after saying what was wrong.
func (t *turn) noteReask(why string) { t.noteReaskWith(why, nil) }

// noteReaskWith is noteReask with the data the reason's message needs.
func (t *turn) noteReaskWith(why string, data map[string]any) {
	r := t.noteAsk()
	r.Text = t.text(why, data) + "\n" + r.Text
	t.add(r)
}

// noteStep reads the answer to the note flow's current question.
func (t *turn) noteStep(in input) error {
	d := t.sess.Draft
	skip := t.skipped(in) // typed_answer.go: "none", "no", 없음
	switch t.sess.State {
	case noteCustomer:
		return t.noteCustomerStep(in)
	case noteName:
		name := strings.Join(strings.Fields(in.text), " ")
		if name == "" || utf8.RuneCountInString(name) > maxNameLen || in.payload != "" {
			t.noteReaskWith("core.note.bad_name", map[string]any{"Max": maxNameLen})
			return nil
		}
		if rest, ok := ledger.PhoneInName(name); ok {
			t.noteReaskWith("customer_edit.err.name_phone", map[string]any{"Name": rest})
			return nil
		}
		if !hasLetter(name) { // input_errors.go
			t.noteReaskWith("input.name.no_letter", map[string]any{"Input": name})
			return nil
		}
		d[dName] = name
		// A name someone already has is asked about, as /customer new
		// asks: a mistyped phone for a regular otherwise split their
		// history over two records, silently.
		same, err := t.sameName(name) // flow_customer_edit.go
		if err != nil {
			return err
		}
		if len(same) > 0 {
			return t.noteNext("ask_dup")
		}
		return t.noteNamed()
	case noteDup:
		if id, ok := strings.CutPrefix(in.payload, "pick:"); ok {
			c, err := t.tx.Customer(id)
			if err != nil || c.Erased {
				t.sayStale()
				return nil
			}
			d[dCustomer] = c.ID
			delete(d, dPhone)
			d[dName] = c.Name
			return t.noteNamed()
		}
		if t.isButton(in, "register", "customer_edit.btn.register") {
			return t.noteNamed()
		}
		t.noteReask("core.note.dup_reask")
		return nil
	case noteText:
		if in.text == "" {
			t.noteReask("core.note.bad_text")
			return nil
		}
		if utf8.RuneCountInString(in.text) > maxNoteLen {
			t.noteReask("core.note.too_long")
			return nil
		}
		text, tags := splitTags(in.text)
		if !noteHasContent(text, tags) {
			t.noteReaskWith("input.note.empty", map[string]any{"Input": strings.TrimSpace(in.text)})
			return nil
		}
		d[dText] = strings.TrimSpace(text)
		if d[dText] == "" {
			d[dText] = in.text
		}
		d[dTags] = strings.Join(mergeTags(splitList(d[dTags]), tags), ",")
		return t.noteNext("ask_amount")
	case noteAmount:
		if skip {
			delete(d, dAmount) // a revised amount skipped is none
		} else {
			a, ok := parseAmount(in.text)
			if !ok || a <= 0 {
				if negativeAmount(in.text) {
					t.noteReaskWith("input.purchase.negative", map[string]any{"Input": strings.TrimSpace(in.text)})
					return nil
				}
				// Said back as typed, as the one-liner does: "오만원" was
				// refused with no word of what was read.
				t.noteReaskWith("core.note.bad_amount", map[string]any{"Input": strings.TrimSpace(in.text)})
				return nil
			}
			d[dAmount] = strconv.FormatInt(a, 10)
		}
		return t.noteNext("ask_tags")
	case noteTags:
		if skip && d[dRevising] == "1" {
			delete(d, dTags)
		} else if !skip {
			tags := parseTagList(in.text)
			if len(tags) == 0 {
				t.noteReask("core.note.bad_tags")
				return nil
			}
			d[dTags] = strings.Join(mergeTags(splitList(d[dTags]), tags), ",")
		}
		return t.noteNext("ask_followup")
	case noteFollowUp:
		if skip {
			delete(d, dFollowUp)
		} else {
			day, bad, data := t.followUpDay(in.text)
			if bad != "" {
				t.noteReaskWith(bad, data)
				return nil
			}
			d[dFollowUp] = day.In(t.e.loc).Format(time.DateOnly)
		}
		return t.noteNext("ask_confirm")
	case noteConfirm:
		answer := typedStep(in, nil, nil) // "네", "yes", "ok" to "Save this note?"; a no asks again
		switch {
		case answer > 0 || t.isButton(in, "yes", "core.btn.save"):
			if err := t.fire("save"); err != nil {
				return err
			}
			return t.noteSaveDraft()
		case t.isButton(in, "no", "core.btn.cancel"):
			// Only [취소] (or 취소, cancel: flowWords) throws the note
			// away: a typed "no" or "아니" may mean "not yet", and is
			// asked again below, nothing lost.
			return t.cancel()
		case t.isButton(in, "revise", "corrections.btn.revise"):
			d[dRevising] = "1"
			return t.noteNext("revise")
		}
		t.noteReask("core.note.bad_confirm")
		return nil
	case noteRevise:
		for _, f := range noteFields {
			if t.isButton(in, "field:"+f.name, f.label) {
				if f.name == "customer" {
					delete(d, dCustomer)
					delete(d, dPhone)
					delete(d, dName)
				}
				return t.noteNext(f.event)
			}
		}
		t.noteReask("corrections.note.bad_field")
		return nil
	}
	return fmt.Errorf("dialog: note flow: unknown state %q", t.sess.State)
}

// noteNamed goes on once the note's customer is settled by name: a
// one-liner is saved, a guided note asks for its text.
func (t *turn) noteNamed() error {
	if t.sess.Draft[dQuick] == "1" {
		if err := t.fire("save"); err != nil {
			return err
		}
		return t.noteSaveDraft()
	}
	return t.noteNext("ask_text")
}

// noteNext moves the flow by event and asks the next question. While a
// field chosen with [수정] is answered, the next question is the
// confirmation again (a new customer's name is still asked).
func (t *turn) noteNext(event string) error {
	switch event {
	case "ask_text", "ask_amount", "ask_tags", "ask_followup":
		if t.sess.Draft[dRevising] == "1" {
			event = "ask_confirm"
		}
	}
	if err := t.fire(event); err != nil {
		return err
	}
	t.add(t.noteAsk())
	return nil
}

// noteCustomerStep reads who the note is about: a pick button, a phone
// (an unknown one leads to registering them) or a name.
func (t *turn) noteCustomerStep(in input) error {
	d := t.sess.Draft
	var cs []ledger.Customer
	if id, ok := strings.CutPrefix(in.payload, "pick:"); ok {
		c, err := t.tx.Customer(id)
		if err == nil && !c.Erased {
			cs = []ledger.Customer{c}
		}
	} else if in.text != "" {
		found, phone, err := t.lookup(in.text)
		if err != nil {
			return err
		}
		if len(found) == 0 && phone != "" {
			d[dPhone] = phone
			return t.noteNext("ask_name")
		}
		cs = found
	}
	switch len(cs) {
	case 0:
		if in.text != "" && looksLikePhone(in.text) {
			t.noteReask("core.note.bad_phone")
		} else {
			t.noteReask("core.note.no_customer")
		}
		return nil
	case 1:
		d[dCustomer] = cs[0].ID
		d[dName] = cs[0].Name
		return t.noteNamed() // a kept one-liner is saved, a guided note asks its text
	}
	return t.askPick("core.pick.ask", map[string]any{"Query": in.text}, cs)
}

// keepNote saves the note a new command replaces once its text is written
// and only optional questions (amount, tags, follow-up) or the
// confirmation remain: a staff member who moves on without [건너뛰기] or
// [저장] meant the note, and lost it before. A note still waiting for its
// customer, a new customer's name or its text is not saved.
func (t *turn) keepNote() (bool, error) {
	d := t.sess.Draft
	switch t.sess.State {
	case noteAmount, noteTags, noteFollowUp, noteConfirm, noteRevise:
	default:
		return false, nil
	}
	if d[dText] == "" || d[dCustomer] == "" && (d[dName] == "" || d[dPhone] == "") {
		return false, nil
	}
	return true, t.noteSaveDraft()
}

// noteSaveDraft saves the guided flow's note, registering a new customer
// first when the phone was unknown.
func (t *turn) noteSaveDraft() error {
	d := t.sess.Draft
	n := ledger.Note{CustomerID: d[dCustomer], Text: d[dText], Tags: splitList(d[dTags])}
	if d[dAmount] != "" {
		n.Amount, _ = strconv.ParseInt(d[dAmount], 10, 64)
	}
	if d[dFollowUp] != "" {
		fu, err := time.ParseInLocation(time.DateOnly, d[dFollowUp], t.e.loc)
		if err != nil {
			return fmt.Errorf("dialog: note draft follow-up: %w", err)
		}
		n.FollowUp = fu
	}
	var newc *ledger.Customer
	if n.CustomerID == "" {
		newc = &ledger.Customer{Name: d[dName], Phone: d[dPhone]}
	}
	t.end()
	r, err := t.saveNote(n, newc)
	if err != nil {
		return err
	}
	// A one-liner for a new customer says why its follow-up set no
	// reminder, as one for a known customer does (actNote).
	if d[dQuick] == "1" && n.FollowUp.IsZero() {
		if warn := t.followUpWarning(n.Text); warn != "" {
			r.Text += "\n" + warn
		}
	}
	t.add(r)
	return nil
}

// saveNote stores n (registering newc first when given), audits it and
// returns the confirmation with a short customer card.
func (t *turn) saveNote(n ledger.Note, newc *ledger.Customer) (Reply, error) {
	if newc != nil {
		newc.CreatedAt = t.now
		if err := t.tx.CreateCustomer(newc); err != nil {
			return Reply{}, fmt.Errorf("dialog: create customer: %w", err)
		}
		if err := t.audit("create", newc.ID, ""); err != nil {
			return Reply{}, err
		}
		n.CustomerID = newc.ID
	}
	n.StaffID = t.actorID()
	n.StaffName = t.staffName()
	n.At = t.now
	if err := t.tx.AddNote(&n); err != nil {
		return Reply{}, fmt.Errorf("dialog: add note: %w", err)
	}
	if err := t.audit("note", n.CustomerID, n.ID); err != nil {
		return Reply{}, err
	}
	// The visit may lift the tier: the customer is told, staff read it below.
	up, err := t.visitTierLine(n.CustomerID) // flow_points.go
	if err != nil {
		return Reply{}, err
	}
	card, err := t.shortCard(n.CustomerID)
	if err != nil {
		return Reply{}, err
	}
	id := "core.note.saved"
	data := map[string]any{"Card": card, "Date": ""}
	if !n.FollowUp.IsZero() {
		id = "core.note.saved_followup"
		data["Date"] = t.day(n.FollowUp)
	}
	// The amount earned nothing: said, with [적립] (note_earn.go).
	earn, bs, err := t.noteEarnOffer(n)
	if err != nil {
		return Reply{}, err
	}
	return t.mk(t.text(id, data)+up+earn, bs...), nil
}

// splitList reads a comma-separated draft value.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// mergeTags appends the tags of b not already in a, in any spelling.
func mergeTags(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, x := range b {
		if !hasTag(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// looksLikePhone reports input that was meant as a phone number: digits
// and separators only, with enough digits.
func looksLikePhone(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == '-' || r == '+' || r == ' ' || r == '(' || r == ')' || r == '.':
		default:
			return false
		}
	}
	return n >= 5
}

// noteForm is the note as one form, for clients that can show it.
func (t *turn) noteForm() Reply {
	f := &Form{
		ID:     "note",
		Title:  t.text("core.form.title", nil),
		Submit: t.text("core.form.submit", nil),
		Fields: []Field{
			{Name: "customer", Label: t.text("core.form.customer", nil), Hint: t.text("core.form.customer_hint", nil)},
			{Name: "text", Label: t.text("core.form.text", nil), Hint: t.text("core.form.text_hint", nil), Multiline: true},
			{Name: "amount", Label: t.text("core.form.amount", nil), Hint: t.text("core.form.amount_hint", nil), Optional: true},
			{Name: "tags", Label: t.text("core.form.tags", nil), Hint: t.text("core.form.tags_hint", nil), Optional: true},
			{Name: "followup", Label: t.text("core.form.followup", nil), Hint: t.text("core.form.followup_hint", nil), Optional: true},
		},
	}
	r := t.mk(t.text("core.form.opening", nil))
	r.Form = f
	r.Private = true
	return r
}

// onForm handles a submitted form: every field is checked and all errors
// are returned at once, with nothing recorded; otherwise the note is saved.
func (t *turn) onForm() error {
	if !t.staffish() {
		t.say("core.refused", nil)
		return nil
	}
	if id, ok := strings.CutPrefix(t.m.FormID, formCustomerPrefix); ok { // flow_customer_edit.go
		return t.onCustomerForm(id)
	}
	if part, ok := strings.CutPrefix(t.m.FormID, formProgramPrefix); ok { // flow_program.go
		return t.onProgramForm(part)
	}
	if num, ok := strings.CutPrefix(t.m.FormID, formResolvePrefix); ok { // flow_resolve.go
		return t.onResolveForm(num)
	}
	if id, ok := followUpFormID(t.m.FormID); ok { // flow_followup_send.go
		return t.onFollowUpForm(id)
	}
	if t.m.FormID == formCampaign { // flow_campaign.go
		return t.onCampaignForm()
	}
	if id, ok := winBackFormID(t.m.FormID); ok { // flow_winback.go
		return t.onWinBackForm(id)
	}
	if t.m.FormID != "note" {
		t.sayStale()
		return nil
	}
	f := t.m.Form
	errs := map[string]string{}
	var n ledger.Note

	q := strings.TrimSpace(f["customer"])
	switch {
	case q == "":
		errs["customer"] = t.text("core.form.err.customer_required", nil)
	default:
		cs, phone, err := t.lookup(q)
		if err != nil {
			return err
		}
		switch {
		case len(cs) == 1:
			n.CustomerID = cs[0].ID
		case len(cs) > 1:
			errs["customer"] = t.text("core.form.err.customer_ambiguous", map[string]any{"Count": len(cs)})
		case phone != "":
			errs["customer"] = t.text("core.form.err.phone_unknown", map[string]any{"Phone": formatPhone(phone)})
		case looksLikePhone(q):
			errs["customer"] = t.text("core.form.err.phone_invalid", nil)
		default:
			errs["customer"] = t.text("core.form.err.customer_unknown", map[string]any{"Query": q})
		}
	}
	if raw := strings.TrimSpace(f["text"]); raw == "" {
		errs["text"] = t.text("core.form.err.text_required", nil)
	} else if utf8.RuneCountInString(raw) > maxNoteLen {
		errs["text"] = t.text("core.note.too_long", nil)
	} else {
		text, tags := splitTags(raw)
		n.Text, n.Tags = strings.TrimSpace(text), tags
		if n.Text == "" {
			n.Text = raw
		}
		if !noteHasContent(text, tags) {
			errs["text"] = t.text("input.note.empty", map[string]any{"Input": raw})
		}
	}
	if s := strings.TrimSpace(f["amount"]); s != "" {
		a, ok := parseAmount(s)
		switch {
		case negativeAmount(s):
			errs["amount"] = t.text("input.purchase.negative_form", map[string]any{"Input": s})
		case !ok || a <= 0:
			errs["amount"] = t.text("core.form.err.amount", nil)
		default:
			n.Amount = a
		}
	}
	if s := strings.TrimSpace(f["tags"]); s != "" {
		n.Tags = mergeTags(n.Tags, parseTagList(s))
	}
	if s := strings.TrimSpace(f["followup"]); s != "" {
		day, bad, data := t.followUpDay(s)
		switch {
		case bad == "core.note.bad_date":
			errs["followup"] = t.text("core.form.err.date", nil)
		case bad != "":
			errs["followup"] = t.text(bad, data)
		default:
			n.FollowUp = day
		}
	}
	if len(errs) > 0 {
		r := t.mk(t.text("core.form.invalid", nil))
		r.FormErrors = errs
		r.Private = true
		t.add(r)
		return nil
	}
	r, err := t.saveNote(n, nil)
	if err != nil {
		return err
	}
	r.Private = true
	t.add(r)
	return nil
}

// noteDupQuestion asks, when a new customer's name is an existing one's,
// whether to register them anyway or to write the note for one of those.
func (t *turn) noteDupQuestion() Reply {
	d := t.sess.Draft
	same, err := t.sameName(d[dName])
	if err != nil {
		t.e.log.WarnContext(t.ctx, "dialog: same-name customers", "err", err)
	}
	var others []string
	bs := []Button{t.btn("customer_edit.btn.register", "register")}
	for _, c := range same {
		label := t.text("core.pick.button", map[string]any{"Name": c.Name, "Masked": maskPhone(c.Phone)})
		others = append(others, label)
		bs = append(bs, Button{Label: t.text("core.note.dup_for", map[string]any{"Customer": label}), Payload: "pick:" + c.ID})
	}
	text := t.text("core.note.dup_ask", map[string]any{"Others": strings.Join(others, ", "), "Name": d[dName], "Phone": formatPhone(d[dPhone])})
	return t.mk(text, append(bs, t.btn("core.btn.cancel", "cancel"))...)
}
