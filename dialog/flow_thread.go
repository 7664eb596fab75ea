package dialog

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/looplab/fsm"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// Questions and complaints as threads (issue 12): a customer's free text
// becomes a question for the staff channel, staff answer with /reply, and
// /inbox lists what is open. A low rating opens a complaint thread
// (flow_feedback.go), which the alert's [내가 연락할게요] claims.

// flowQuestion holds a customer's question until they press [보내기].
const flowQuestion = "question"

// States and draft keys of flowQuestion.
const (
	qConfirm = "confirm"
	dQText   = "text"
	dQJoin   = "join" // the open complaint a question could join instead
	// dQJoinClosed is set when that complaint was closed (within
	// ledger.ReopenWindow) as the customer was asked: joining reopens it.
	dQJoinClosed = "join_closed"
)

// Payloads of the thread buttons: "qsend" in flowQuestion, and
// "th:<verb>:<number>" anywhere for staff.
const (
	questionSend = "qsend"
	questionJoin = "qjoin"
	threadAction = "th"
)

// questionFlow is the state machine of flowQuestion: one question, sent
// or cancelled.
func questionFlow() *flowDef {
	return &flowDef{
		title:   "core.flow.question",
		initial: qConfirm,
		roles:   customerRoles,
		events:  fsm.Events{{Name: "more", Src: []string{qConfirm}, Dst: qConfirm}},
		step:    (*turn).questionStep,
		// Walked away from [보내기]: a customer who wrote to the shop and
		// left meant the shop to read it, as every message to a
		// KakaoTalk channel arrives. A new command instead drops it
		// (someone who asked "포인트 얼마예요" and then found /points).
		keep:     (*turn).keepQuestion,
		keptIdle: "threads.sent_idle",
		// "포인트" typed alone under the question is for the balance,
		// not the shop: answered, and the question still waits.
		aside: []string{"points", "coupon", "stamp", "mydata"},
	}
}

// keepQuestion sends the question an idle flowQuestion holds, as
// [보내기] would; only for a walk-away (idleKeeping).
func (t *turn) keepQuestion() (bool, error) {
	text, photos := t.sess.Draft[dQText], t.pendingPhotos()
	if !t.idleKeeping || strings.TrimSpace(text) == "" && len(photos) == 0 {
		return false, nil
	}
	if len(photos) == 0 && strayText(text) {
		// A stray "2" became [문의 #1] "2" and a manager's SLA alert:
		// what reads as a tap rather than words for the shop goes only
		// with [보내기], which askQuestion said, and is dropped here.
		return false, nil
	}
	t.end()
	return true, t.openQuestion(text, photos)
}

func init() {
	staffCommands["reply"] = command{run: (*turn).cmdReply}
	staffCommands["inbox"] = command{run: (*turn).cmdInbox}
	koreanCommands["답장"] = "reply"
	koreanCommands["문의함"] = "inbox"
	addHelp(&helpStaff, "threads.help.reply")
	addHelp(&helpStaff, "threads.help.inbox")
	actionHandlers[threadAction] = (*turn).threadButton
}

// onQuestionText handles a customer's free text that is no command and no
// answer in a flow: it joins their open thread (or one closed less than
// ledger.ReopenWindow ago, which it reopens), or is kept and the customer
// asked once whether to send it to the staff.
func (t *turn) onQuestionText(text string) error {
	if text == "" {
		t.say("core.help.short_customer", nil)
		return nil
	}
	if t.refusedText(text) {
		return nil
	}
	c, linked, err := t.linkedCustomer()
	if err != nil {
		return err
	}
	th, ok, err := t.liveThread(c) // flow_media.go
	if err != nil {
		return err
	}
	if ok && th.State == ledger.ThreadClosed && thanks(text) {
		return t.thankedAfterClose(th, c, linked, text)
	}
	asking := asksBesideComplaint(th, ok, text)
	if ok && !asking {
		return t.joinThread(th, c, linked, text, nil)
	}
	t.begin(flowQuestion)
	t.sess.Draft[dQText] = text
	if asking {
		// A question written while a complaint is open ("주차 가능한가요?"
		// after a low rating) was filed as the complaint's 추가 메시지: no
		// 문의 was counted, and closing the complaint offered the apology
		// for it. The words alone cannot tell a new question from one
		// about the complaint ("왜 이렇게 오래 걸렸나요?"), so, as a shop
		// inbox asks before merging, the customer chooses, once, with
		// [새 문의로 보내기] first; a reply that asks nothing still joins.
		t.askAboutComplaint(th)
	}
	t.askQuestion()
	return nil
}

// askAboutComplaint keeps in the question's draft the complaint th the
// words could join instead, and whether it is closed (askQuestion's
// wording).
func (t *turn) askAboutComplaint(th ledger.Thread) {
	t.sess.Draft[dQJoin] = strconv.FormatInt(th.Number, 10)
	if th.State == ledger.ThreadClosed {
		t.sess.Draft[dQJoinClosed] = "1"
	}
}

// asksBesideComplaint reports whether words written to the customer's live
// thread th (ok: there is one) ask something while it is a complaint, open
// or closed less than ledger.ReopenWindow ago: the customer is then asked
// whether they are a new 문의. A parking question two days after a
// resolved complaint reopened it, counted it 처리 중 again in /inbox and
// the summary, and its next close offered the apology once more.
func asksBesideComplaint(th ledger.Thread, ok bool, text string) bool {
	return ok && th.Kind == ledger.ThreadComplaint && readsAsQuestion(text)
}

// questionOpeners are the English words a question starts with. "Have"
// and "shall" are left out: "Have a nice day" thanks, it does not ask.
var questionOpeners = []string{"what", "when", "where", "why", "how", "which", "who", "whose",
	"do", "does", "did", "is", "are", "was", "were", "can", "could", "will", "would", "should", "may", "any"}

// readsAsQuestion reports whether text asks something, as feedbackWords
// reads a sentence after a feedback word: a question mark, a word that
// asks (questionWords: "언제", "어디") or an ending that does
// (questionEndings: "가능한가요", "되나요"), or, in English, a first word
// that opens a question (questionOpeners: "Do you have parking", typed on
// a phone without its "?").
func readsAsQuestion(text string) bool {
	if strings.ContainsAny(text, "?？") {
		return true
	}
	words := strings.Fields(text)
	if len(words) > 1 && slices.Contains(questionOpeners, strings.ToLower(strings.Trim(words[0], ",.!~"))) {
		return true
	}
	for _, w := range words {
		for _, q := range questionWords {
			if strings.HasPrefix(w, q) {
				return true
			}
		}
		for _, e := range questionEndings {
			if strings.HasSuffix(strings.TrimRight(w, ".!~ "), e) {
				return true
			}
		}
	}
	return false
}

// menuCounters are what follows a number picked from a list ("2번").
var menuCounters = []string{"번", "번요", "번이요", "번이에요"}

// strayText reports whether text, left unconfirmed under "직원에게
// 전달할까요?", reads as a stray tap rather than words for the shop: one
// character ("ㅇ", "?"), no letter at all (a lone number "2", "3.",
// emoji alone "👍👍"), a number picked from a list ("2번") or a menu's
// answer (yesWords, noWords: "네", "ok"). Such a message is sent only
// with [보내기]. Letters that say something ("ㅠㅠ", "예약") are not
// stray: a customer who wrote them and walked away meant the shop to read
// them.
func strayText(text string) bool {
	s := strings.TrimSpace(text)
	if utf8.RuneCountInString(s) <= 1 {
		return true
	}
	if !strings.ContainsFunc(s, unicode.IsLetter) {
		return true
	}
	for _, c := range menuCounters {
		if n, ok := strings.CutSuffix(s, c); ok && n != "" && strings.Trim(n, "0123456789 ") == "" {
			return true
		}
	}
	w := answerForm(s)
	return slices.Contains(yesWords, w) || slices.Contains(noWords, w)
}

// askQuestion asks whether to send the kept question; while a complaint
// is open (dQJoin), whether it is a new question or belongs to the
// complaint.
func (t *turn) askQuestion() {
	if n := t.sess.Draft[dQJoin]; n != "" {
		data := map[string]any{"N": n}
		id := "threads.ask_complaint"
		if t.sess.Draft[dQJoinClosed] != "" {
			id = "threads.ask_closed_complaint" // joining reopens it: said
		}
		t.say(id, data,
			t.btn("threads.btn.send_new", questionSend),
			Button{Label: t.text("threads.btn.join", data), Payload: questionJoin},
			t.btn("threads.btn.cancel", "cancel"))
		return
	}
	send := t.btn("threads.btn.send", questionSend)
	if strayText(t.sess.Draft[dQText]) && len(t.pendingPhotos()) == 0 {
		// Not sent at the timeout (keepQuestion): the customer is told
		// that only [보내기] sends it.
		t.say("threads.ask_stray", map[string]any{"Button": send.Label}, send, t.btn("threads.btn.cancel", "cancel"))
		return
	}
	t.say("threads.ask", nil, send, t.btn("threads.btn.cancel", "cancel"))
}

// joinPressed reports whether in pressed [불만 #n에 덧붙이기], or typed its
// label, in either language.
func (t *turn) joinPressed(in input, n string) bool {
	if in.payload != "" {
		return in.payload == questionJoin
	}
	for _, l := range locales.Languages {
		if strings.EqualFold(strings.TrimSpace(in.text), t.e.cat.Text(l, "threads.btn.join", map[string]any{"N": n})) {
			return true
		}
	}
	return false
}

// joinComplaint adds the kept words to the complaint numbered n, as they
// were added before the customer was asked, reopening it if it is closed
// (they chose that); one gone, or closed ledger.ReopenWindow ago or more,
// takes them as a new question instead, so nothing they wrote is lost.
func (t *turn) joinComplaint(n, text string, photos []*Media) error {
	num, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		return fmt.Errorf("dialog: complaint number %q: %w", n, err)
	}
	th, err := t.tx.Thread(num)
	if err != nil && !errors.Is(err, ledger.ErrNotFound) {
		return fmt.Errorf("dialog: read complaint: %w", err)
	}
	if err != nil || (th.State == ledger.ThreadClosed && t.now.Sub(th.ClosedAt) >= ledger.ReopenWindow) {
		return t.openQuestion(text, photos)
	}
	c, linked, err := t.linkedCustomer()
	if err != nil {
		return err
	}
	if len(photos) == 0 {
		return t.joinThread(th, c, linked, text, nil)
	}
	for i, md := range photos { // the words go with the first photo
		if i > 0 {
			text = ""
		}
		if th, err = t.tx.Thread(num); err != nil {
			return fmt.Errorf("dialog: read complaint: %w", err)
		}
		if err := t.joinThread(th, c, linked, text, md); err != nil {
			return err
		}
	}
	return nil
}

// questionStep reads the answer to "직원에게 전달할까요?": [보내기] sends,
// more text is added to the question and asked again.
func (t *turn) questionStep(in input) error {
	text := t.sess.Draft[dQText]
	answer := typedStep(in, questionYes, nil) // typed_answer.go
	switch {
	case answer > 0 || t.isButton(in, questionSend, "threads.btn.send") || t.isButton(in, questionSend, "threads.btn.send_new"):
		photos := t.pendingPhotos() // flow_media.go
		t.end()
		return t.openQuestion(text, photos)
	case t.sess.Draft[dQJoin] != "" && t.joinPressed(in, t.sess.Draft[dQJoin]):
		n, photos := t.sess.Draft[dQJoin], t.pendingPhotos()
		t.end()
		return t.joinComplaint(n, text, photos)
	case answer < 0 || t.isButton(in, "cancel", "threads.btn.cancel"):
		return t.cancel()
	case in.payload != "" || in.text == "":
		t.askQuestion()
		return nil
	}
	more := strings.TrimSpace(text + "\n" + in.text) // a question begun by a photo alone has no words yet
	if t.refusedText(more) {
		return nil // the question kept so far still waits for [보내기]
	}
	if err := t.fire("more"); err != nil && !isNoTransition(err) {
		return err
	}
	t.sess.Draft[dQText] = more
	t.askQuestion()
	return nil
}

// openQuestion opens a question thread with text (empty when photos alone
// ask it) and photos, tells the staff channel and confirms with the
// opening hours.
func (t *turn) openQuestion(text string, photos []*Media) error {
	c, linked, err := t.linkedCustomer()
	if err != nil {
		return err
	}
	th := ledger.Thread{Kind: ledger.ThreadQuestion, SenderID: t.pid, Lang: t.lang, OpenedAt: t.now}
	if linked {
		th.CustomerID = c.ID
	}
	if err := t.tx.OpenThread(&th, text); err != nil {
		return fmt.Errorf("dialog: open question: %w", err)
	}
	if err := t.campaignResponse(c, linked); err != nil { // flow_campaign.go
		return err
	}
	t.say("threads.sent", map[string]any{"Hours": t.e.hours.Span(), "Closed": t.closedDays()})
	head, err := t.threadHead(th, c, linked)
	if err != nil {
		return err
	}
	if text != "" {
		head += "\n" + quote(text)
	}
	post := t.staffPost(th, head, t.threadButtons(th, linked)...)
	post.Head = true
	t.add(post)
	return t.photoPosts(th, c, linked, photos) // flow_media.go
}

// joinThread adds a customer's message (text, a photo, or both) to their
// thread and posts it to the staff channel under the thread's number, the
// photo as the post's File.
func (t *turn) joinThread(th ledger.Thread, c ledger.Customer, linked bool, text string, photo *Media) error {
	wasClosed := th.State == ledger.ThreadClosed
	var err error
	if text != "" {
		if th, err = t.tx.AddThreadMessage(&ledger.ThreadMessage{Thread: th.Number, At: t.now, Text: text}); err != nil {
			return fmt.Errorf("dialog: join thread: %w", err)
		}
	}
	var file *File
	if photo != nil {
		if th, file, err = t.keepPhoto(th, photo); err != nil { // flow_media.go
			return err
		}
		if file == nil && text == "" {
			return nil // nothing was added: the customer was told why
		}
	}
	if err := t.campaignResponse(c, linked); err != nil { // flow_campaign.go
		return err
	}
	t.say("threads.joined", nil)
	lang := t.e.lang
	id := "threads.staff.more"
	if wasClosed {
		id = "threads.staff.reopened"
	}
	body := t.e.cat.Text(lang, id, map[string]any{"Tag": t.threadTag(lang, th), "Who": t.whoName(lang, c, linked)})
	if text != "" {
		body += "\n" + quote(text)
	}
	post := t.staffPost(th, body, t.threadButtons(th, linked)...)
	post.File = file
	t.add(post)
	return nil
}

// thankedAfterClose keeps a thanks for a closed thread's resolution with
// it, closed: reopening a resolved complaint for "감사합니다" put it back in
// /inbox as 처리 중 while the summary said 해결, and asked the staff to act
// on nothing. As help desks treat a thank-you to a solved ticket, the
// staff still see it, in the thread, with [다시 열기] should they read it
// otherwise; the customer is thanked back, not told it was passed on for
// an answer.
func (t *turn) thankedAfterClose(th ledger.Thread, c ledger.Customer, linked bool, text string) error {
	th, err := t.tx.AddThreadMessage(&ledger.ThreadMessage{Thread: th.Number, At: t.now, Text: text, AfterClose: true})
	if err != nil {
		return fmt.Errorf("dialog: thanks after close: %w", err)
	}
	t.say("threads.thanked", nil)
	lang := t.e.lang
	body := t.e.cat.Text(lang, "threads.staff.thanked", map[string]any{"Tag": t.threadTag(lang, th), "Who": t.whoName(lang, c, linked)})
	reopen := Button{Label: t.e.cat.Text(lang, "threads.btn.reopen", nil), Payload: threadAction + ":reopen:" + strconv.FormatInt(th.Number, 10)}
	t.add(t.staffPost(th, body+"\n"+quote(text), reopen))
	return nil
}

// closedDays is the confirmation's note of the days off, "" when none.
func (t *turn) closedDays() string {
	if len(t.e.hours.Closed) == 0 {
		return ""
	}
	names := make([]string, len(t.e.hours.Closed))
	for i, wd := range t.e.hours.Closed {
		names[i] = t.text(threadWeekdays[(wd%7+7)%7], nil) // a number past Saturday counts round the week
	}
	return strings.Join(names, ", ")
}

// threadWeekdays are the catalog ids of the weekdays' full names
// ("월요일"), by time.Weekday: a day off reads whole, where the clock and
// the chart print the short ones (locales.WeekdayShort).
var threadWeekdays = [7]string{
	time.Sunday:    "threads.weekday.0",
	time.Monday:    "threads.weekday.1",
	time.Tuesday:   "threads.weekday.2",
	time.Wednesday: "threads.weekday.3",
	time.Thursday:  "threads.weekday.4",
	time.Friday:    "threads.weekday.5",
	time.Saturday:  "threads.weekday.6",
}

// quote sets a customer's words apart in a staff post.
func quote(s string) string { return "“" + s + "”" }

// threadTag is "[문의 #12]" or "[불만 #12]" in lang.
func (t *turn) threadTag(lang string, th ledger.Thread) string {
	return t.e.cat.Text(lang, threadTags[threadKindWord(th)], map[string]any{"N": th.Number})
}

// threadKindWord names what a thread is for its tag and label: a
// complaint, a question, or a conversation the shop started (a follow-up
// message; ByShop), which staff would misread as a question waiting.
func threadKindWord(th ledger.Thread) string {
	switch {
	case th.Kind == ledger.ThreadComplaint:
		return "complaint"
	case th.ByShop:
		return "byshop"
	}
	return "question"
}

// threadTags and threadLabels are the catalog ids of a thread's tag
// ("[불만 #3]") and label ("불만 #3"), by threadKindWord.
var (
	threadTags   = map[string]string{"question": "threads.tag.question", "complaint": "threads.tag.complaint", "byshop": "threads.tag.byshop"}
	threadLabels = map[string]string{"question": "threads.label.question", "complaint": "threads.label.complaint", "byshop": "threads.label.byshop"}
)

// whoName names the thread's customer to staff: their name, "미연결 고객",
// or "정보가 삭제된 고객" for an erased one, who is no unlinked sender:
// nobody can be written to or shown.
func (t *turn) whoName(lang string, c ledger.Customer, linked bool) string {
	switch {
	case linked && c.Erased:
		return t.e.cat.Text(lang, "threads.erased", nil)
	case !linked:
		return t.e.cat.Text(lang, "threads.unlinked", nil)
	}
	return c.Name
}

// threadHead is the head of a new thread in the staff channel: the tag,
// and the customer (name, masked phone, tier, last visit, open complaints)
// or "미연결 고객" with no record.
func (t *turn) threadHead(th ledger.Thread, c ledger.Customer, linked bool) (string, error) {
	lang := t.e.lang
	tag := t.threadTag(lang, th)
	if !linked {
		return t.e.cat.Text(lang, "threads.head.unlinked", map[string]any{"Tag": tag}), nil
	}
	tier, err := t.tierLabel(c, lang) // the staff's, not the customer's
	if err != nil {
		return "", err
	}
	last := t.e.cat.Text(lang, "threads.head.never", nil)
	if !c.LastVisit.IsZero() {
		last = t.day(c.LastVisit)
	}
	complaints, err := t.openComplaints(c.ID)
	if err != nil {
		return "", err
	}
	return t.e.cat.Text(lang, "threads.head", map[string]any{
		"Tag": tag, "Name": c.Name, "Masked": maskPhone(c.Phone), "Tier": tier, "Last": last, "Complaints": complaints,
	}), nil
}

// openComplaints counts a customer's complaint threads not closed.
func (t *turn) openComplaints(customerID string) (int, error) {
	ths, err := t.tx.ThreadsOf(customerID, 20)
	if err != nil {
		return 0, fmt.Errorf("dialog: threads of a customer: %w", err)
	}
	n := 0
	for _, th := range ths {
		if th.Kind == ledger.ThreadComplaint && th.State != ledger.ThreadClosed {
			n++
		}
	}
	return n, nil
}

// threadButtons are a thread post's [내가 맡을게요] (until someone took it)
// [고객 카드] (a linked customer) [종료] [답장하기] (thread_relay.go), in the
// shop's language.
func (t *turn) threadButtons(th ledger.Thread, linked bool) []Button {
	lang := t.e.lang
	n := strconv.FormatInt(th.Number, 10)
	var bs []Button
	if th.ClaimedBy == "" { // taken: the button no longer applies
		bs = append(bs, Button{Label: t.e.cat.Text(lang, "threads.btn.claim", nil), Payload: threadAction + ":claim:" + n})
	}
	if linked {
		bs = append(bs, Button{Label: t.e.cat.Text(lang, "threads.btn.card", nil), Payload: threadAction + ":card:" + n})
	}
	return append(bs, Button{Label: t.e.cat.Text(lang, "threads.btn.close", nil), Payload: threadAction + ":close:" + n},
		Button{Label: t.e.cat.Text(lang, "threadrelay.btn.reply", nil), Payload: replyAction + ":" + n})
}

// complaintButtons follow a low rating's [내가 연락할게요]: [고객 카드] for a
// linked customer and [해결됨].
func (t *turn) complaintButtons(th ledger.Thread, linked bool) []Button {
	lang := t.e.lang
	n := strconv.FormatInt(th.Number, 10)
	var bs []Button
	if linked {
		bs = append(bs, Button{Label: t.e.cat.Text(lang, "threads.btn.card", nil), Payload: threadAction + ":card:" + n})
	}
	return append(bs, Button{Label: t.e.cat.Text(lang, "threads.btn.resolved", nil), Payload: threadAction + ":close:" + n})
}

// staffPost is a message to the staff channel in th's thread, in the
// shop's language.
func (t *turn) staffPost(th ledger.Thread, text string, buttons ...Button) Reply {
	return Reply{
		To: ToStaffChannel, Lang: t.e.lang, Text: text, Buttons: buttons,
		Thread: strconv.FormatInt(th.Number, 10), ThreadLabel: t.threadLabel(t.e.lang, th),
	}
}

// threadLabel is "문의 #12", "불만 #12" or "연락 #12" in lang: the tag without brackets.
func (t *turn) threadLabel(lang string, th ledger.Thread) string {
	return t.e.cat.Text(lang, threadLabels[threadKindWord(th)], map[string]any{"N": th.Number})
}

// threadButton handles "th:<verb>:<n>": claim, card, close, reopen, open.
func (t *turn) threadButton(arg string) error {
	if !t.staffish() {
		t.say("core.refused", nil)
		return nil
	}
	verb, num, _ := strings.Cut(arg, ":")
	th, ok, err := t.threadByText(num)
	if err != nil || !ok {
		return err
	}
	if verb == "claim" || verb == "close" || verb == "reopen" {
		if erased, err := t.erasedThread(th); err != nil || erased {
			return err // an old post's button, pressed after the erasure
		}
	}
	switch verb {
	case "claim":
		return t.claimThread(th)
	case "card":
		return t.threadCard(th)
	case "close":
		if th.Kind == ledger.ThreadComplaint { // [해결됨] asks what was done (flow_resolve.go)
			return t.startResolve(th, "")
		}
		return t.closeThread(th, "")
	case "reopen":
		return t.reopenThread(th)
	case "open": // an SLA DM's [열기] (sla.go)
		return t.inboxThread(th)
	}
	t.sayStale()
	return nil
}

// threadByText reads the thread numbered s ("12" or "#12"), telling the
// sender when there is none.
func (t *turn) threadByText(s string) (ledger.Thread, bool, error) {
	if strings.TrimSpace(s) == "" {
		t.say("threads.err.no_number", nil)
		return ledger.Thread{}, false, nil
	}
	n, ok := listNumber(s)
	if !ok {
		t.say("threads.err.number", map[string]any{"Got": s})
		return ledger.Thread{}, false, nil
	}
	th, err := t.tx.Thread(int64(n))
	if errors.Is(err, ledger.ErrNotFound) {
		t.say("threads.err.none", map[string]any{"N": n})
		return ledger.Thread{}, false, nil
	}
	if err != nil {
		return ledger.Thread{}, false, fmt.Errorf("dialog: read thread: %w", err)
	}
	return th, true, nil
}

// claimThread: the sender takes the thread on.
func (t *turn) claimThread(th ledger.Thread) error {
	got, err := t.tx.ClaimThread(th.Number, t.actor.ID(), t.now)
	switch {
	case errors.Is(err, ledger.ErrThreadClaimed):
		t.say("threads.claim.other", map[string]any{"N": th.Number, "By": t.actorLabel(got.ClaimedBy)})
		return nil
	case errors.Is(err, ledger.ErrThreadClosed):
		t.say("threads.closed", map[string]any{"N": th.Number})
		return nil
	case err != nil:
		return fmt.Errorf("dialog: claim thread: %w", err)
	}
	if err := t.auditThread("thread_claim", got); err != nil {
		return err
	}
	id := "threads.claim.done"
	if got.Kind == ledger.ThreadComplaint {
		id = "threads.claim.contact"
	}
	t.say(id, map[string]any{"N": got.Number, "Name": t.staffName()})
	return t.headUpdate(got) // thread_relay.go
}

// auditThread audits a staff action on a linked customer's thread.
func (t *turn) auditThread(action string, th ledger.Thread) error {
	if th.CustomerID == "" {
		return nil
	}
	return t.audit(action, th.CustomerID, "#"+strconv.FormatInt(th.Number, 10))
}

// threadCard shows the card of the thread's customer.
func (t *turn) threadCard(th ledger.Thread) error {
	if th.CustomerID == "" {
		t.say("threads.unlinked", nil)
		return nil
	}
	c, err := t.tx.Customer(th.CustomerID)
	if err != nil {
		return fmt.Errorf("dialog: read customer: %w", err)
	}
	if c.Erased {
		t.say("threads.erased", nil)
		return nil
	}
	return t.actCard(c, "")
}

// refusedText tells the sender why text cannot be a thread message (too
// long, control characters) and reports whether it did.
func (t *turn) refusedText(text string) bool {
	err := ledger.CheckThreadText(text)
	var le *ledger.LimitError
	switch {
	case err == nil:
		return false
	case errors.As(err, &le):
		t.say("threads.err.too_long", map[string]any{"Limit": groupDigits(int64(le.Limit))})
	default:
		t.say("threads.err.text", nil)
	}
	return true
}

// closeThread closes (resolves) a thread with an optional note. A
// complaint's feedback is marked answered only now, so the summary's
// "해결" means resolved.
func (t *turn) closeThread(th ledger.Thread, note string) error {
	if strings.TrimSpace(note) != "" && t.refusedText(note) {
		return nil
	}
	got, err := t.tx.CloseThread(th.Number, t.actor.ID(), note, t.now)
	if errors.Is(err, ledger.ErrThreadClosed) {
		t.say("threads.closed", map[string]any{"N": th.Number})
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: close thread: %w", err)
	}
	if got.FeedbackID != "" {
		f, err := t.tx.Feedback(got.FeedbackID)
		if err != nil {
			return fmt.Errorf("dialog: read complaint feedback: %w", err)
		}
		if f.AnsweredBy == "" {
			if err := t.tx.AnswerFeedback(got.FeedbackID, t.actor.ID(), t.now); err != nil {
				return fmt.Errorf("dialog: resolve complaint: %w", err)
			}
		}
	}
	if err := t.auditThread("thread_close", got); err != nil {
		return err
	}
	t.say("threads.close.done", map[string]any{"N": got.Number, "Name": t.staffName()})
	return t.headUpdate(got) // thread_relay.go
}

// reopenThread opens a closed thread again, for a staff member who wants
// to write to it.
func (t *turn) reopenThread(th ledger.Thread) error {
	got, err := t.tx.ReopenThread(th.Number, t.now)
	if err != nil {
		return fmt.Errorf("dialog: reopen thread: %w", err)
	}
	if err := t.auditThread("thread_reopen", got); err != nil {
		return err
	}
	t.say("threads.reopen.done", map[string]any{"N": got.Number})
	return t.headUpdate(got) // thread_relay.go
}

// cmdReply: /reply <n> <text> relays text to the thread's customer as
// "[<shop> <staff name>] …" (relayReply, which answers written in the
// thread share: thread_relay.go); a closed thread is offered to reopen.
func (t *turn) cmdReply(args string) error {
	num, text := firstField(args)
	if num == "" || strings.TrimSpace(text) == "" {
		t.say("threads.reply.usage", nil)
		return nil
	}
	if t.refusedText(text) {
		return nil
	}
	th, ok, err := t.threadByText(num)
	if err != nil || !ok {
		return err
	}
	return t.relayReply(th, text, false)
}

// shopName is the shop as a relayed reply names it.
func (t *turn) shopName(lang string) string {
	if t.e.shop != "" {
		return t.e.shop
	}
	return t.e.cat.Text(lang, "threads.shop", nil)
}

// publicStaffName is how a customer sees the staff member who answered:
// their display name or roster name, never their platform id.
func (t *turn) publicStaffName() string {
	if t.m.UserName != "" {
		return t.m.UserName
	}
	if m, ok, err := t.tx.Staff(t.actor.ID()); err == nil && ok && m.Name != "" {
		return m.Name
	}
	return t.e.cat.Text(t.e.lang, "threads.staff", nil)
}

// cmdInbox: /inbox lists the open threads, oldest first (staff see the
// unclaimed and their own, managers everyone's); /inbox <n> shows one
// thread's conversation; /inbox close <n> [note] closes one.
func (t *turn) cmdInbox(args string) error {
	sub, rest := firstField(args)
	switch strings.ToLower(sub) {
	case "":
		return t.inboxList()
	case "close", "종료", "닫기":
		num, note := firstField(rest)
		th, ok, err := t.threadByText(num)
		if err != nil || !ok {
			return err
		}
		if th.Kind == ledger.ThreadComplaint { // flow_resolve.go
			return t.startResolve(th, note)
		}
		return t.closeThread(th, note)
	case "claim", "맡기":
		th, ok, err := t.threadByText(rest)
		if err != nil || !ok {
			return err
		}
		return t.claimThread(th)
	}
	th, ok, err := t.threadByText(sub)
	if err != nil || !ok {
		return err
	}
	return t.inboxThread(th)
}

// inboxList lists the open threads the sender sees.
func (t *turn) inboxList() error {
	ths, err := t.tx.OpenThreads()
	if err != nil {
		return fmt.Errorf("dialog: open threads: %w", err)
	}
	me := t.actor.ID()
	var lines []string
	others := 0 // open, but another staff member's
	for _, th := range ths {
		if t.role != ledger.RoleManager && th.ClaimedBy != "" && th.ClaimedBy != me {
			others++
			continue
		}
		line, err := t.inboxLine(th)
		if err != nil {
			return err
		}
		lines = append(lines, line)
	}
	// "No open questions" while a colleague handles one would send a
	// staff member away from a customer who is still waiting: the ones
	// left out are counted.
	switch {
	case len(lines) == 0 && others == 0:
		t.say("threads.inbox.empty", nil)
		return nil
	case len(lines) == 0:
		t.say("threads.inbox.others_only", map[string]any{"Others": others})
		return nil
	}
	// The head names the list and its count first, as every list's does;
	// a section title under it read as a second heading after the count.
	sec := Section{Lines: lines}
	if others > 0 {
		sec.Lines = append(sec.Lines, t.text("threads.inbox.others", map[string]any{"Others": others}))
	}
	t.add(t.mkSections(t.text("threads.inbox.head", map[string]any{"Count": len(lines)}), []Section{sec}))
	return nil
}

// inboxLine is one open thread: tag, customer, state and who, age, and
// whether its reply or resolve SLA passed.
func (t *turn) inboxLine(th ledger.Thread) (string, error) {
	var c ledger.Customer
	if th.CustomerID != "" {
		var err error
		if c, err = t.tx.Customer(th.CustomerID); err != nil {
			return "", fmt.Errorf("dialog: read customer: %w", err)
		}
	}
	who := t.whoName(t.lang, c, th.CustomerID != "")
	line := t.text("threads.inbox.line", map[string]any{
		"Tag": t.threadTag(t.lang, th), "Who": who, "State": t.threadState(th), "Age": t.age(t.now.Sub(th.OpenedAt)),
	})
	// A thread the customer wrote to again after it was closed reads as
	// one waiting again, not as a new one nobody has seen: the summary
	// counts such a complaint 미해결 too.
	if th.Reopened > 0 {
		line += " · " + t.text("threads.inbox.reopened", nil)
	}
	if ids, ok := slaTexts[t.e.slaDue(th, t.now)]; ok { // the SLA DMs' own test (sla.go)
		line += " · " + t.text(ids.inbox, nil)
	}
	return line, nil
}

// threadState says where a thread is, and who holds it, in the turn's
// language (threadStateIn, thread_relay.go, which the head shares in the
// shop's).
func (t *turn) threadState(th ledger.Thread) string { return t.threadStateIn(t.lang, th) }

// age writes a duration as "14분", "3시간", "2일" in the turn's language.
func (t *turn) age(d time.Duration) string { return t.e.ageText(t.lang, d) }

// inboxThread shows a thread's whole conversation.
func (t *turn) inboxThread(th ledger.Thread) error {
	ms, err := t.tx.ThreadMessages(th.Number)
	if err != nil {
		return fmt.Errorf("dialog: thread messages: %w", err)
	}
	if err := t.auditThread("read", th); err != nil {
		return err
	}
	line, err := t.inboxLine(th)
	if err != nil {
		return err
	}
	var lines []string
	for _, m := range ms {
		who := t.text("threads.msg.customer", nil)
		if m.Out {
			who = t.actorLabel(m.StaffID)
		}
		text := strings.ReplaceAll(m.Text, "\n", "\n    ") // a message's later lines stay under it
		if text == "" {
			text = t.text("threads.msg.erased", nil)
		}
		lines = append(lines, t.text("threads.msg.line", map[string]any{
			"At": t.when(m.At), "Who": who, "Text": text,
		}))
	}
	if pl, ok, err := t.photoLine(th.Number, "media.inbox.photos"); err != nil { // flow_media.go
		return err
	} else if ok {
		lines = append(lines, pl)
	}
	if th.CloseNote != "" {
		lines = append(lines, t.text("threads.msg.note", map[string]any{"Text": th.CloseNote}))
	}
	r := t.mkSections(line, []Section{{Title: t.text("threads.conversation", nil), Lines: lines}})
	erased, err := t.customerErased(th)
	if err != nil {
		return err
	}
	switch {
	case th.State == ledger.ThreadClosed:
	case erased:
		// Nobody to show or write to: closing is all that is left.
		r.Buttons = []Button{t.btn("threads.btn.close", threadAction+":close:"+strconv.FormatInt(th.Number, 10))}
	default:
		r.Buttons = t.threadButtons(th, th.CustomerID != "")
	}
	t.add(r)
	return nil
}

// erasedThread tells the sender, and reports, that th's customer was
// erased (their threads closed with it, ledger.ThreadClosedByErasure, or,
// erased before erasures closed threads, still open): nobody is left to
// answer, take on or reopen it for.
func (t *turn) erasedThread(th ledger.Thread) (bool, error) {
	erased := th.ClosedBy == ledger.ThreadClosedByErasure
	if !erased {
		var err error
		if erased, err = t.customerErased(th); err != nil {
			return false, err
		}
	}
	if erased {
		t.say("threads.erased_closed", map[string]any{"N": th.Number})
	}
	return erased, nil
}

// customerErased reports whether th's customer record was erased.
func (t *turn) customerErased(th ledger.Thread) (bool, error) {
	if th.CustomerID == "" {
		return false, nil
	}
	c, err := t.tx.Customer(th.CustomerID)
	if err != nil {
		return false, fmt.Errorf("dialog: read customer: %w", err)
	}
	return c.Erased, nil
}

// when writes a message's time in the shop's zone: "2026-05-13 14:00".
func (t *turn) when(at time.Time) string {
	return at.In(t.e.loc).Format("2006-01-02 15:04")
}

// Recent threads shown on the staff's card and in the customer's /mydata.
const (
	cardThreads   = 3
	myDataThreads = 20
)

// threadSection is a customer's recent threads: on the card ("최근 문의"),
// one line each with its state and first words; in /mydata (mine), every
// message, the staff named only as the shop. ok is false when they have
// none.
func (t *turn) threadSection(customerID string, mine bool) (Section, bool, error) {
	limit := cardThreads
	if mine {
		limit = 0 // all, to count those past myDataThreads
	}
	ths, err := t.tx.ThreadsOf(customerID, limit)
	if err != nil {
		return Section{}, false, fmt.Errorf("dialog: threads of a customer: %w", err)
	}
	return t.threadsSection(ths, mine)
}

// threadsSection is ths as threadSection shows them; in /mydata (mine),
// the newest myDataThreads and how many more there are.
func (t *turn) threadsSection(ths []ledger.Thread, mine bool) (Section, bool, error) {
	total := len(ths)
	if mine {
		ths = ths[:min(total, myDataThreads)]
	}
	if len(ths) == 0 {
		return Section{}, false, nil
	}
	sec := Section{Title: t.text("threads.card.title", nil)}
	for _, th := range ths {
		ms, err := t.tx.ThreadMessages(th.Number)
		if err != nil {
			return Section{}, false, fmt.Errorf("dialog: thread messages: %w", err)
		}
		head := t.text("threads.card.line", map[string]any{"Tag": t.threadTag(t.lang, th), "Date": t.day(th.OpenedAt), "State": t.customerState(th, mine)})
		if !mine {
			if len(ms) > 0 && ms[0].Text != "" {
				head += " " + quote(clip(ms[0].Text, 40))
			}
			sec.Lines = append(sec.Lines, head)
			continue
		}
		sec.Lines = append(sec.Lines, head)
		for _, m := range ms {
			who := t.text("threads.msg.me", nil)
			if m.Out {
				who = t.shopName(t.lang)
			}
			sec.Lines = append(sec.Lines, "  "+t.text("threads.msg.line", map[string]any{"At": t.when(m.At), "Who": who, "Text": m.Text}))
		}
		if line, ok, err := t.photoLine(th.Number, "media.mine.photos"); err != nil { // flow_media.go
			return Section{}, false, err
		} else if ok {
			sec.Lines = append(sec.Lines, line)
		}
	}
	if mine && total > len(ths) {
		sec.Lines = append(sec.Lines, t.text("core.mydata.more", map[string]any{"Count": total - len(ths)}))
	}
	return sec, true, nil
}

// customerState is a thread's state for the card (staff) or /mydata (the
// customer, who is not shown staff ids).
func (t *turn) customerState(th ledger.Thread, mine bool) string {
	if !mine {
		return t.threadState(th)
	}
	if th.State == ledger.ThreadClosed {
		return t.text("threads.mine.closed", nil)
	}
	if th.State == ledger.ThreadAnswered {
		return t.text("threads.mine.answered", nil)
	}
	return t.text("threads.mine.open", nil)
}

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(strings.ReplaceAll(s, "\n", " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
