package dialog

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/ledger"
)

// LowRating is the highest rating that alerts the staff channel.
const LowRating = 2

// Draft keys of the feedback flow.
const (
	dRating  = "rating"
	dNPS     = "nps"
	dComment = "comment" // words typed with /feedback before its rating
)

// cmdFeedback starts the feedback flow: rating, optional NPS, optional
// comment. Typed on one line, "/feedback 4 친절했어요" is the whole feedback,
// recorded at once as the grammY-style bots shops know do it; "/feedback 4"
// goes on to the NPS question, as a tap on a rating request does; words
// without a rating ("/feedback 친절했어요") are kept and only the rating is
// asked, so nothing the customer wrote is lost.
func (t *turn) cmdFeedback(args string) error {
	t.begin(flowFeedback)
	if args == "" {
		t.add(t.feedbackAsk())
		return nil
	}
	n, rest, ok := ratingField(args)
	var word string
	if !ok {
		word, rest = firstField(args)
	}
	switch {
	case ok && rest != "":
		t.sess.Draft[dRating] = strconv.Itoa(n)
		return t.saveFeedback(rest)
	case ok:
		t.sess.Draft[dRating] = strconv.Itoa(n)
		return t.feedbackNext("rated")
	case isScoreText(word) || tooManyStars(word):
		// A score out of range ("/feedback 7 …", "★★★★★★"): asked again,
		// the words kept.
		if rest != "" {
			t.sess.Draft[dComment] = rest
		}
		return t.feedbackReask("core.feedback.bad_rating")
	}
	t.sess.Draft[dComment] = args
	t.add(t.feedbackAsk())
	return nil
}

// feedbackWords reports whether what follows a feedback word typed
// without a slash ("후기 ★★★★★ 좋아요", "리뷰 친절했어요") is feedback: a
// sentence asking something ("후기 이벤트 있나요?", "리뷰 이벤트 언제
// 해요" without its "?", questionWords) or about the shop's review event
// is a question for the shop, unless it starts with a rating.
func (t *turn) feedbackWords(args string) bool {
	if t.feedbackRated(args) {
		return true
	}
	return !strings.Contains(args, "이벤트") && !readsAsQuestion(args) // flow_thread.go
}

// questionWords begin the Korean words that ask ("언제", "어디서",
// "어떻게", "얼마나"); questionEndings end a question typed without its
// "?" ("되나요", "할까요", "하는지"). A feedback word before them asks
// the shop, and gives no rating.
var (
	questionWords   = []string{"언제", "어디", "어떻게", "어떡", "어느", "왜", "뭐", "무엇", "무슨", "몇", "얼마", "누구"}
	questionEndings = []string{"나요", "까요", "인가요", "한가요", "는지", "은지", "을지", "습니까"}
)

// feedbackRated reports whether args, after a feedback word typed without
// a slash, start with a rating ("5 lovely", "★★★★ 좋아요", or one out of
// range, asked again): after the English word only that is feedback, as
// the one-line "feedback 5 lovely" reads; "feedback the latte was too
// sweet" is a message for the shop (command.englishArgs).
func (t *turn) feedbackRated(args string) bool {
	first, _ := firstField(args)
	_, _, ok := ratingField(args)
	return ok || isScoreText(first) || tooManyStars(first)
}

// ratingField splits a rating off the front of args, in figures or stars
// (typedRating) or in Korean words of up to three ("사점", "별 네 개",
// "다섯 개"; ratingWords), and returns it with what follows (the comment).
func ratingField(args string) (n int, rest string, ok bool) {
	words := strings.Fields(args)
	if len(words) == 0 {
		return 0, "", false
	}
	if n, ok := typedRating(words[0]); ok {
		_, rest := firstField(args)
		return n, rest, true
	}
	for k := min(3, len(words)); k >= 1; k-- {
		n, ok := ratingWords(strings.Join(words[:k], " "), k == len(words), 1, 5)
		if ok {
			return n, dropFields(args, k), true
		}
	}
	return 0, "", false
}

// ratingWords reads a score from lo to hi typed in Korean words in a
// rating's place, as customers answer "별점을 골라 주세요": with a counter
// ("사점", "네 개", "다섯 개요", "4점이요"), after 별 or 별점 ("별 다섯",
// "별 4개"), or, when alone is true (the whole answer, nothing after it),
// a bare number ("다섯", "사"). A word that is a number only in a count
// ("네" is a yes, "오" an oh) is none without its counter, and nothing
// else starting with 별 ("별로예요") is a rating.
func ratingWords(s string, alone bool, lo, hi int) (int, bool) {
	w := strings.Join(strings.Fields(foldFullWidth(s)), "")
	for _, end := range []string{"이요", "요"} {
		if t, ok := strings.CutSuffix(w, end); ok && t != "" {
			w = t
			break
		}
	}
	star := false
	for _, p := range []string{"별점", "별"} {
		if t, ok := strings.CutPrefix(w, p); ok && t != "" {
			w, star = t, true
			break
		}
	}
	counted := false
	for _, c := range []string{"개", "점"} {
		if t, ok := strings.CutSuffix(w, c); ok && t != "" {
			w, counted = t, true
			break
		}
	}
	if !counted && !star && !alone {
		return 0, false
	}
	n, ok := koreanNumeral(w, counted || star, counted || alone)
	if !ok && isBareNumber(w) && (star || counted) {
		n, ok = atoi(w), true // "별 4개", "4 개"
	}
	if !ok || n < lo || n > hi {
		return 0, false
	}
	return n, true
}

// typedRating reads a rating typed with /feedback: "4", "4점", "4/5" or a
// run of stars ("★★★★", "⭐⭐⭐⭐").
func typedRating(word string) (int, bool) {
	if stars := strings.Count(word, "★") + strings.Count(word, "⭐"); stars > 0 {
		if strings.Trim(word, "★⭐\ufe0f") != "" || stars > 5 {
			return 0, false
		}
		return stars, true
	}
	word = strings.TrimSuffix(word, "/5")
	if !isScoreText(word) {
		return 0, false
	}
	return scale(input{text: word}, "", 1, 5)
}

// cutComment cuts a comment longer than ledger.MaxCommentRunes to that
// many characters, the last one "…", and reports whether it did. It was
// cut at 2000 bytes, some 700 Korean characters, with no mark and no word
// to the customer.
func cutComment(comment string) (string, bool) {
	if utf8.RuneCountInString(comment) <= ledger.MaxCommentRunes {
		return comment, false
	}
	return string([]rune(comment)[:ledger.MaxCommentRunes-1]) + "…", true
}

// feedbackAsk asks the feedback flow's current question.
func (t *turn) feedbackAsk() Reply {
	switch t.sess.State {
	case fbNPS:
		var bs []Button
		for i := 0; i <= 10; i++ {
			s := strconv.Itoa(i)
			bs = append(bs, Button{Label: s, Payload: "nps:" + s})
		}
		bs = append(bs, t.btn("core.btn.skip", "skip"))
		return t.mk(t.text("core.feedback.ask_nps", nil), bs...)
	case fbComment:
		return t.mk(t.text("core.feedback.ask_comment", nil), t.btn("core.btn.skip", "skip"))
	}
	var bs []Button
	for i := 1; i <= 5; i++ {
		bs = append(bs, Button{Label: strings.Repeat("★", i), Payload: "rate:" + strconv.Itoa(i)})
	}
	return t.mk(t.text("core.feedback.ask_rating", nil), bs...)
}

// scale reads a number in [lo, hi] from a button payload with prefix or from
// typed text ("4", "4점").
func scale(in input, prefix string, lo, hi int) (int, bool) {
	s := in.text
	if in.payload != "" {
		var ok bool
		if s, ok = strings.CutPrefix(in.payload, prefix); !ok {
			return 0, false
		}
	}
	s = strings.TrimRightFunc(strings.TrimSpace(s), func(r rune) bool { return r < '0' || r > '9' })
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, false
	}
	return n, true
}

// feedbackStep reads the answer to the feedback flow's current question.
func (t *turn) feedbackStep(in input) error {
	d := t.sess.Draft
	skip := t.isButton(in, "skip", "core.btn.skip")
	switch t.sess.State {
	case fbRating:
		n, ok := scale(in, "rate:", 1, 5)
		if !ok && in.payload == "" {
			// The button's own label typed ("★★★★"), or "4/5".
			n, ok = typedRating(strings.TrimSpace(in.text))
		}
		if !ok && in.payload == "" {
			// In words, the answer alone: "사점", "별 다섯 개", "넷".
			n, ok = ratingWords(in.text, true, 1, 5)
		}
		if !ok {
			return t.feedbackReask("core.feedback.bad_rating")
		}
		d[dRating] = strconv.Itoa(n)
		if c := d[dComment]; c != "" {
			// The words came with /feedback: the rating was all that was missing.
			return t.saveFeedback(c)
		}
		return t.feedbackNext("rated")
	case fbNPS:
		if !skip {
			n, ok := scale(in, "nps:", 0, 10)
			if !ok && in.payload == "" {
				// A score in words, before words are taken as the
				// comment: "팔점", "여덟", "십".
				n, ok = ratingWords(in.text, true, 0, 10)
			}
			if !ok && noComment(in.text) {
				// "없어요" for a score: none, and nothing more to say.
				if err := t.fire("scored"); err != nil {
					return err
				}
				return t.feedbackComment("")
			}
			if !ok && isWords(in) {
				// Words typed instead of a score are what the customer
				// wanted to say: refusing them would lose the comment.
				// The score stays unknown and the feedback is finished.
				if err := t.fire("scored"); err != nil {
					return err
				}
				return t.feedbackComment(in.text)
			}
			if !ok {
				return t.feedbackReask("core.feedback.bad_nps")
			}
			d[dNPS] = strconv.Itoa(n)
		}
		return t.feedbackNext("scored")
	case fbComment:
		if skip || noComment(in.text) { // "없어요" is no comment, not one to count in the summary's words
			return t.feedbackComment("")
		}
		if in.text == "" {
			return t.feedbackReask("core.feedback.bad_comment")
		}
		return t.feedbackComment(in.text)
	}
	return fmt.Errorf("dialog: feedback flow: unknown state %q", t.sess.State)
}

// feedbackComment finishes the feedback with comment (empty: none).
func (t *turn) feedbackComment(comment string) error {
	if err := t.fire("commented"); err != nil {
		return err
	}
	return t.saveFeedback(comment)
}

// isWords reports whether in is typed text holding a letter: words, not a
// mistyped score such as "11" or "8.5" (those are asked again).
func isWords(in input) bool {
	if in.payload != "" {
		return false
	}
	return strings.IndexFunc(in.text, unicode.IsLetter) >= 0 && !isScoreText(in.text)
}

// isScoreText reports whether s is a number with a unit, "8점" or "8 points":
// its leading digits are meant as a score.
func isScoreText(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && s[0] >= '0' && s[0] <= '9' && utf8.RuneCountInString(s) <= 8
}

func (t *turn) feedbackNext(event string) error {
	if err := t.fire(event); err != nil {
		return err
	}
	t.add(t.inPlace(t.feedbackAsk()))
	return nil
}

func (t *turn) feedbackReask(why string) error {
	r := t.feedbackAsk()
	r.Text = t.text(why, nil) + "\n" + r.Text
	t.add(t.inPlace(r))
	return nil
}

// inPlace marks r, the flow's next question or its end, as shown in place of
// the question whose button was pressed (Reply.InPlace): the survey stays
// one message in the chat. A typed answer leaves the question where it was,
// and r comes after it; so does a press on a message that was not the
// flow's question (t.keepPressed: a care message's stars).
func (t *turn) inPlace(r Reply) Reply {
	r.InPlace = t.m.Action != nil && !t.keepPressed
	return r
}

// keepFeedback is the feedback flow's keep: once rated, the feedback is
// saved as far as it went (the NPS if answered, words typed before the
// rating) when the customer walks away from the optional questions or
// starts something else. A one-star rating left at the NPS question was
// lost, and with it the complaint and the staff's alert.
func (t *turn) keepFeedback() (bool, error) {
	switch d := t.sess.Draft; {
	case t.sess.State != fbNPS && t.sess.State != fbComment, d[dRating] == "":
		return false, nil
	default:
		return true, t.saveFeedback(d[dComment])
	}
}

// saveFeedback stores the feedback, thanks the customer and alerts the staff
// channel about a low rating. A comment past ledger.MaxCommentRunes is cut
// here, the one place every path meets, and the customer is told.
func (t *turn) saveFeedback(comment string) error {
	if noComment(comment) { // "/feedback 4 없어요", "모르겠어요" typed before the rating
		comment = ""
	}
	comment, cut := cutComment(comment)
	d := t.sess.Draft
	f := ledger.Feedback{At: t.now, NPS: ledger.NoNPS, Comment: comment}
	f.Rating, _ = strconv.Atoi(d[dRating])
	if d[dNPS] != "" {
		f.NPS, _ = strconv.Atoi(d[dNPS])
	}
	c, linked, err := t.linkedCustomer()
	if err != nil {
		return err
	}
	if linked {
		f.CustomerID = c.ID
	} else {
		p, err := t.tx.Profile(t.pid)
		if err != nil {
			return fmt.Errorf("dialog: read profile: %w", err)
		}
		// Kept so that their /forget can reach the comment; never shown.
		// Someone who declined consent left no leave to keep anything that
		// names them: as the consent question says, their feedback is
		// anonymous, and no platform id is kept with it.
		if !p.Consent.Declined {
			f.SenderID = t.pid
		}
	}
	t.end()
	earlier, recent, err := t.ratedJustBefore(f)
	if err != nil {
		return err
	}
	if dup, err := t.sameFeedback(f, earlier, recent); err != nil {
		return err
	} else if dup {
		t.add(t.inPlace(t.mk(t.text("core.feedback.already", nil))))
		return nil
	}
	replaced := recent && earlier.Rating >= 1 && earlier.Rating <= 5
	if err := t.tx.AddFeedback(&f); err != nil {
		return fmt.Errorf("dialog: add feedback: %w", err)
	}
	thanks := t.text("core.feedback.thanks", nil)
	if replaced {
		// The summary counts a rating within feedback.ReplaceWindow of the
		// customer's last in its place: the customer is told theirs took
		// the place of the earlier one rather than adding to it.
		thanks += "\n" + t.text("core.feedback.replaced", map[string]any{"Before": stars(earlier.Rating), "Now": stars(f.Rating)})
	}
	if cut {
		thanks += "\n" + t.text("core.feedback.cut", map[string]any{"Limit": groupDigits(ledger.MaxCommentRunes)})
	}
	if f.Rating > LowRating {
		t.add(t.inPlace(t.mk(thanks)))
		if replaced && earlier.Rating <= LowRating {
			return t.rerated(earlier, f, c, linked)
		}
		return nil
	}
	// A low rating is a complaint thread (flow_thread.go), unless nobody
	// can be answered: someone who declined consent left no id.
	var th ledger.Thread
	sorry := "core.feedback.sorry"
	if f.CustomerID != "" || f.SenderID != "" {
		th = ledger.Thread{Kind: ledger.ThreadComplaint, CustomerID: f.CustomerID, SenderID: t.pid, Lang: t.lang,
			OpenedAt: t.now, FeedbackID: f.ID, Rating: f.Rating}
		if err := t.tx.OpenThread(&th, comment); err != nil {
			return fmt.Errorf("dialog: open complaint: %w", err)
		}
		sorry = "core.feedback.sorry_thread"
	}
	// Someone who gave one or two stars is told they were heard and what
	// happens next, not only thanked: the staff see it, and a complaint's
	// answer comes in this chat.
	t.add(t.inPlace(t.mk(thanks + "\n" + t.text(sorry, nil))))
	// The alert is read by staff: it is in the shop's language.
	lang := t.e.lang
	who := t.e.cat.Text(lang, "core.feedback.anonymous", nil)
	if linked {
		who = t.e.cat.Text(lang, "core.feedback.who", map[string]any{"Name": c.Name, "Masked": maskPhone(c.Phone)})
	}
	if comment == "" {
		comment = t.e.cat.Text(lang, "core.feedback.no_comment", nil)
	}
	alert := Reply{
		To:   ToStaffChannel,
		Lang: lang,
		Text: t.e.cat.Text(lang, "core.feedback.alert", map[string]any{
			"Stars": stars(f.Rating), "Rating": f.Rating, "Who": who, "Comment": comment,
		}),
		Buttons: []Button{{Label: t.e.cat.Text(lang, "core.btn.answer", nil), Payload: "answer:" + f.ID}},
	}
	if th.Number == 0 {
		// Anonymous: nobody can be contacted, so the staff can only say
		// they saw it.
		alert.Buttons[0].Label = t.e.cat.Text(lang, "core.btn.seen", nil)
	}
	if th.Number != 0 {
		alert.Thread, alert.ThreadLabel, alert.Head = strconv.FormatInt(th.Number, 10), t.threadLabel(lang, th), true
		alert.Text = t.threadTag(lang, th) + " " + alert.Text
		alert.Buttons = append(alert.Buttons, t.complaintButtons(th, linked)...)
	}
	t.add(alert)
	return nil
}

// rerated tells the staff, in the complaint the earlier low rating opened,
// that the customer replaced it with f, a higher one: the complaint stayed
// open with its alert's ★★, and nothing said the summary no longer counts
// it. The complaint is left open; the staff close it.
func (t *turn) rerated(earlier, f ledger.Feedback, c ledger.Customer, linked bool) error {
	th, ok, err := t.tx.ThreadOfFeedback(earlier.ID)
	if err != nil || !ok || th.State == ledger.ThreadClosed {
		return err
	}
	lang := t.e.lang
	t.add(t.staffPost(th, t.e.cat.Text(lang, "threads.staff.rerated", map[string]any{
		"Tag": t.threadTag(lang, th), "Who": t.whoName(lang, c, linked), "Before": stars(earlier.Rating), "Now": stars(f.Rating),
	})))
	return nil
}

// dupFeedbackWindow is how long a second feedback the same as the first,
// from the same person, is taken for the first sent again.
const dupFeedbackWindow = time.Minute

// sameFeedback reports whether the customer (or unlinked sender) of f left
// the same rating, score and comment less than dupFeedbackWindow ago: a
// star pressed twice, a one-line /feedback sent twice. Both were counted,
// and a low one opened two complaints. Only a short range of the ledger is
// read; an anonymous sender, with no id kept, cannot be matched. latest is
// a linked customer's newest feedback as ratedJustBefore read it (read
// false: none that recent); an unlinked sender's is read here.
func (t *turn) sameFeedback(f, latest ledger.Feedback, read bool) (bool, error) {
	if f.CustomerID == "" && f.SenderID == "" {
		return false, nil
	}
	since := t.now.Add(-dupFeedbackWindow + time.Nanosecond)
	g, ok := latest, read && !latest.At.Before(since)
	if f.CustomerID == "" {
		// Their newest only, by its index: scanning the shop's last minute
		// opened every comment of it, which under load is thousands a message.
		var err error
		if g, ok, err = t.tx.LatestFeedback("", f.SenderID, since); err != nil || !ok {
			return false, err
		}
	}
	return ok && g.Rating == f.Rating && g.NPS == f.NPS && strings.TrimSpace(g.Comment) == strings.TrimSpace(f.Comment), nil
}

// ratedJustBefore returns the linked customer's newest feedback if it is
// of less than feedback.ReplaceWindow ago: f replaces it in the summary's
// figures when it holds a rating, and sameFeedback takes it from here
// rather than reading it again (the line feedback's hot path); ok is false
// when there is none, or f has no customer to match.
func (t *turn) ratedJustBefore(f ledger.Feedback) (ledger.Feedback, bool, error) {
	if f.CustomerID == "" {
		return ledger.Feedback{}, false, nil
	}
	g, ok, err := t.tx.LatestFeedback(f.CustomerID, "", t.now.Add(-feedback.ReplaceWindow+time.Nanosecond))
	if err != nil {
		return ledger.Feedback{}, false, fmt.Errorf("dialog: feedback just before: %w", err)
	}
	return g, ok, nil
}

// answerFeedback: a staff member takes a low rating on ("answer:<id>").
func (t *turn) answerFeedback(id string) error {
	f, err := t.tx.Feedback(id)
	if errors.Is(err, ledger.ErrNotFound) {
		t.sayStale()
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: read feedback: %w", err)
	}
	// [내가 연락할게요] claims the complaint ("연락 예정"); only closing it
	// resolves the feedback (closeThread).
	if th, ok, err := t.tx.ThreadOfFeedback(id); err != nil {
		return fmt.Errorf("dialog: complaint of feedback: %w", err)
	} else if ok {
		return t.claimThread(th)
	}
	// Feedback from before threads, or anonymous: taken on as before.
	if f.AnsweredBy != "" {
		t.say("core.answer.already", map[string]any{"By": f.AnsweredBy})
		return nil
	}
	if err := t.tx.AnswerFeedback(id, t.actor.ID(), t.now); err != nil {
		return fmt.Errorf("dialog: answer feedback: %w", err)
	}
	if f.CustomerID != "" {
		if err := t.audit("answer", f.CustomerID, id); err != nil {
			return err
		}
	}
	said := "core.answer.taken"
	if f.CustomerID == "" && f.SenderID == "" {
		said = "core.answer.seen" // anonymous: nobody to contact
	}
	t.say(said, map[string]any{"Name": t.staffName()})
	return nil
}
