package dialog

import (
	"fmt"
	"strings"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// myDataNotes and myDataEntries bound the notes and points entries
// /mydata lists, newest first; the rest are counted, with where to ask for
// them (core.mydata.more).
const (
	myDataNotes   = 20
	myDataEntries = 20
)

// myDataFeedback bounds the feedback /mydata lists, newest first.
const myDataFeedback = 20

// cmdLang: /lang shows a button per language; /lang en switches at once.
func (t *turn) cmdLang(args string) error {
	if l, ok := langArg(args); ok {
		return t.setLang(l)
	}
	var bs []Button
	for _, l := range locales.Languages {
		// Each language is offered in its own words.
		bs = append(bs, Button{Label: t.e.cat.Text(l, "lang.name", nil), Payload: "lang:" + l})
	}
	t.say("core.lang.ask", nil, bs...)
	return nil
}

// langArg reads a language a user typed: "en", "english", "한국어", "ko-KR".
func langArg(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", false
	}
	for _, l := range locales.Languages {
		if s == l || strings.HasPrefix(s, l+"-") || strings.HasPrefix(s, l+"_") {
			return l, true
		}
	}
	switch s {
	case "english", "영어":
		return "en", true
	case "korean", "한국어", "한글":
		return "ko", true
	}
	return "", false
}

// setLang stores the sender's language in their profile (and on their
// customer record when linked) and confirms in the new language.
func (t *turn) setLang(l string) error {
	l, ok := langArg(l)
	if !ok {
		t.sayStale()
		return nil
	}
	p, err := t.tx.Profile(t.pid)
	if err != nil {
		return fmt.Errorf("dialog: read profile: %w", err)
	}
	p.ID = t.pid
	p.Lang = l
	if err := t.tx.PutProfile(p); err != nil {
		return fmt.Errorf("dialog: save language: %w", err)
	}
	if t.role == ledger.RoleCustomer {
		c, ok, err := t.linkedCustomer()
		if err != nil {
			return err
		}
		if ok && c.Lang != l {
			c.Lang = l
			if err := t.tx.PutCustomer(c); err != nil {
				return fmt.Errorf("dialog: save customer language: %w", err)
			}
		}
	}
	t.lang = l
	r := t.mk(t.text("core.lang.done", map[string]any{"Lang": t.text("lang.name", nil)}))
	r.Menu = true
	t.add(r)
	return nil
}

// cmdMyData shows customers what is kept about them, and only theirs.
func (t *turn) cmdMyData(string) error {
	p, err := t.tx.Profile(t.pid)
	if err != nil {
		return fmt.Errorf("dialog: read profile: %w", err)
	}
	c, ok, err := t.linkedCustomer()
	if err != nil {
		return err
	}
	var consent string // their answer to the consent question, if any
	switch {
	case p.Consent.Given:
		consent = t.text("core.mydata.consent_given", map[string]any{"Date": t.day(p.Consent.At)})
	case p.Consent.Declined:
		consent = t.text("core.mydata.consent_declined", map[string]any{"Date": t.day(p.Consent.At)})
	}
	if !ok {
		return t.myUnlinkedData(consent)
	}
	switch {
	case c.Consent.Given && !p.Consent.Given:
		consent = t.text("core.mydata.consent_given", map[string]any{"Date": t.day(c.Consent.At)})
	case consent == "":
		consent = t.text("core.mydata.consent_none", nil)
	}
	bal, err := t.tx.Balance(c.ID)
	if err != nil {
		return fmt.Errorf("dialog: read balance: %w", err)
	}
	fbs, err := t.tx.FeedbackOf(c.ID, myDataFeedback)
	if err != nil {
		return fmt.Errorf("dialog: read feedback: %w", err)
	}
	fbTotal, err := t.tx.FeedbackCount(c.ID)
	if err != nil {
		return fmt.Errorf("dialog: count feedback: %w", err)
	}
	data := t.customerData(c, bal)
	data["Consent"] = consent
	info := []string{
		t.text("core.mydata.name", data),
		t.text("core.mydata.phone", data),
	}
	info = append(info, t.myBirthdayLine(c)...) // flow_customer_edit.go
	if c.Preferences != "" {
		info = append(info, t.text("core.card.preferences", map[string]any{"Text": c.Preferences}))
	}
	if c.Remarks != "" {
		info = append(info, t.text("core.card.remarks", map[string]any{"Text": c.Remarks}))
	}
	if len(c.Tags) > 0 {
		info = append(info, t.text("core.card.tags", map[string]any{"Tags": "#" + strings.Join(c.Tags, " #")}))
	}
	info = append(info, consent)
	mline, err := t.myMarketingLine(c) // flow_marketing.go
	if err != nil {
		return err
	}
	info = append(info, mline)
	// When their data is due for erasure, in the last days (flow_retention.go).
	if line, ok, err := t.retentionLine(c, "privacy.retention.mydata"); err != nil {
		return err
	} else if ok {
		info = append(info, line)
	}
	visits, err := t.myVisitsSection(c, data)
	if err != nil {
		return err
	}
	notes, err := t.myNotesSection(c)
	if err != nil {
		return err
	}
	secs := []Section{{Title: t.text("core.mydata.info_title", nil), Lines: info}, visits, notes, t.myFeedbackSection(fbs, fbTotal)}
	if sec, ok, err := t.threadSection(c.ID, true); err != nil { // their questions and photos (flow_thread.go)
		return err
	} else if ok {
		secs = append(secs, sec)
	}
	// Titled: untitled, it read as part of the section above it.
	secs = append(secs, Section{Title: t.text("core.mydata.also_title", nil), Lines: []string{t.text("core.mydata.also", nil)}})
	t.add(t.mkSections(t.text("core.mydata.head", data), secs))
	return nil
}

// myVisitsSection is /mydata's visits, points, tier, stamps and coupons,
// and the newest myDataEntries points entries with a count of the rest.
func (t *turn) myVisitsSection(c ledger.Customer, data map[string]any) (Section, error) {
	lines := []string{t.text("core.mydata.visits", data)}
	if st, err := t.tx.VisitStatsOf(c.ID); err != nil {
		return Section{}, fmt.Errorf("dialog: read visits: %w", err)
	} else if st.Visits > 0 {
		lines[0] = t.text("core.mydata.visits_dates", map[string]any{"Visits": st.Visits, "First": t.day(st.First), "Last": t.day(st.Last)})
	}
	lines = append(lines, t.text("core.mydata.points", data), t.text("core.mydata.tier", data))
	more, coupons, err := t.loyaltyLines(c, false) // flow_points.go
	if err != nil {
		return Section{}, err
	}
	lines = append(lines, more...)
	lines = append(lines, t.couponLines(coupons)...)
	es, err := t.tx.PointsOf(c.ID, myDataEntries)
	if err != nil {
		return Section{}, fmt.Errorf("dialog: read points: %w", err)
	}
	el, total, err := t.entryLines(c.ID, es) // flow_corrections.go
	if err != nil {
		return Section{}, err
	}
	if len(el) > 0 {
		lines = append(lines, t.text("core.mydata.entries_title", nil))
		lines = append(lines, el...)
		if total > len(es) {
			lines = append(lines, t.text("core.mydata.more", map[string]any{"Count": total - len(es)}))
		}
	}
	return Section{Title: t.text("core.mydata.visits_title", nil), Lines: lines}, nil
}

// myNotesSection is /mydata's consultation notes, newest first, in full:
// what staff wrote about a customer is personal data they may read
// (PIPA art. 35). Staff names are left out, being someone else's data.
func (t *turn) myNotesSection(c ledger.Customer) (Section, error) {
	notes, err := t.tx.NotesOf(c.ID, myDataNotes)
	if err != nil {
		return Section{}, fmt.Errorf("dialog: read notes: %w", err)
	}
	total, err := t.tx.NotesCount(c.ID)
	if err != nil {
		return Section{}, fmt.Errorf("dialog: count notes: %w", err)
	}
	sec := Section{Title: t.text("core.mydata.notes_title", map[string]any{"Count": total})}
	for _, n := range notes {
		d := map[string]any{"Date": t.day(n.At), "Text": n.Text, "Amount": "", "Tags": ""}
		if n.Amount > 0 {
			d["Amount"] = t.won(n.Amount)
		}
		if len(n.Tags) > 0 {
			d["Tags"] = "#" + strings.Join(n.Tags, " #")
		}
		sec.Lines = append(sec.Lines, t.text("core.mydata.note_line", d))
	}
	if len(notes) == 0 {
		sec.Lines = []string{t.text("core.mydata.no_notes", nil)}
	} else if total > len(notes) {
		sec.Lines = append(sec.Lines, t.text("core.mydata.more", map[string]any{"Count": total - len(notes)}))
	}
	return sec, nil
}

// myUnlinkedData is /mydata for someone linked to no customer: their
// consent answer, if they gave one (consent; "동의: 아직 없음" after "we
// keep nothing" read as something kept), and the feedback and questions
// kept with their platform id (for their /forget to reach), which "we
// keep no customer record" alone left out.
func (t *turn) myUnlinkedData(consent string) error {
	// All of them, to count the rest: FeedbackOfSender reads every
	// feedback record's clear part whatever the limit, and opens only
	// theirs, which an unlinked sender has few of.
	fbs, err := t.tx.FeedbackOfSender(t.pid, 0)
	if err != nil {
		return fmt.Errorf("dialog: read feedback: %w", err)
	}
	fbTotal := len(fbs)
	fbs = fbs[:min(len(fbs), myDataFeedback)]
	// Their questions too: kept under the same platform id, and erased by
	// the same /forget.
	ths, err := t.tx.ThreadsOfSender(t.pid, 0) // all: threadsSection counts the rest
	if err != nil {
		return fmt.Errorf("dialog: read threads: %w", err)
	}
	if len(fbs) == 0 && len(ths) == 0 {
		t.say("core.mydata.unlinked", map[string]any{"Consent": consent})
		return nil
	}
	secs := []Section{t.myFeedbackSection(fbs, fbTotal)}
	if sec, ok, err := t.threadsSection(ths, true); err != nil { // flow_thread.go
		return err
	} else if ok {
		secs = append(secs, sec)
	}
	t.add(t.mkSections(t.text("core.mydata.unlinked_kept", map[string]any{"Consent": consent}), secs))
	return nil
}

// myFeedbackSection is /mydata's list of the feedback the sender left:
// fbs, the newest, of total, with a count of the rest as the notes have.
func (t *turn) myFeedbackSection(fbs []ledger.Feedback, total int) Section {
	var fl []string
	for _, f := range fbs {
		fl = append(fl, t.feedbackLine(f))
	}
	if len(fl) == 0 {
		fl = []string{t.text("core.mydata.no_feedback", nil)}
	} else if total > len(fbs) {
		fl = append(fl, t.text("core.mydata.more", map[string]any{"Count": total - len(fbs)}))
	}
	return Section{Title: t.text("core.mydata.feedback_title", nil), Lines: fl}
}

// cmdForget asks a customer to confirm erasing their data.
func (t *turn) cmdForget(string) error {
	ask, ok, err := t.forgetAsk() // forget_unlinked.go
	if err != nil || !ok {
		return err
	}
	t.begin(flowForget)
	t.sess.Draft[dForgetAsk] = ask
	t.add(t.forgetQuestion(""))
	return nil
}

func (t *turn) forgetQuestion(why string) Reply {
	text := t.text("core.forget.ask", nil)
	if ask := t.sess.Draft[dForgetAsk]; ask != "" {
		text = ask // what an unlinked sender has kept, as asked first
	}
	if why != "" {
		text = t.text(why, nil) + "\n" + text
	}
	return t.mk(text, t.btn("core.btn.forget", "yes"), t.btn("core.btn.keep", "no"))
}

// forgetStep erases the linked customer's personal data (counts stay for
// past summaries), or the profile of someone never linked.
func (t *turn) forgetStep(in input) error {
	// "네" to "삭제할까요? [네, 삭제해 주세요]": erasure is asked for as
	// plainly as consent was given (typed_answer.go).
	answer := typedStep(in, forgetYes, forgetNo)
	switch {
	case answer > 0 || t.isButton(in, "yes", "core.btn.forget"):
		if err := t.fire("erase"); err != nil {
			return err
		}
		c, ok, err := t.linkedCustomer()
		if err != nil {
			return err
		}
		heads, err := t.headsOf(c.ID, t.pid) // thread_relay.go
		if err != nil {
			return err
		}
		if ok {
			if err := t.tx.EraseCustomer(c.ID, t.now); err != nil {
				return fmt.Errorf("dialog: erase customer: %w", err)
			}
			// The record of the destruction: whom, when, on whose
			// request, as a manager's and the retention run's are.
			a := ledger.AuditEntry{At: t.now, ActorID: ledger.SelfActor, Action: "erase", CustomerID: c.ID, Detail: ledger.EraseReasonSelf}
			if err := t.tx.Audit(a); err != nil {
				return fmt.Errorf("dialog: audit erasure: %w", err)
			}
		}
		// Erasure drops the profiles of linked users and the comments they
		// left before linking; someone never linked still has their consent
		// answer, language and comments to forget.
		if err := t.tx.DeleteProfile(t.pid); err != nil {
			return fmt.Errorf("dialog: delete profile: %w", err)
		}
		if _, err := t.tx.EraseSender(t.pid); err != nil {
			return fmt.Errorf("dialog: erase feedback: %w", err)
		}
		t.end()
		t.say("core.forget.done", nil)
		return t.scrubHeads(heads) // the staff channel's heads named them
	case answer < 0 || t.isButton(in, "no", "core.btn.keep"):
		if err := t.fire("keep"); err != nil {
			return err
		}
		t.end()
		t.say("core.forget.kept", nil)
		return nil
	}
	t.add(t.forgetQuestion("core.forget.reask"))
	return nil
}
