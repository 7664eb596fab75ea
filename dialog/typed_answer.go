package dialog

import (
	"slices"
	"strings"
	"unicode"
)

// Typed answers to a yes-or-no question. On Telegram the question comes
// with buttons, but many customers type "네" or "yes" instead, as they
// would to a person; without this the consent question was shown again
// whole, and "네" under "직원에게 전달할까요?" was added to the question
// itself. Only a whole message that is one of these words counts, so a
// sentence that starts with one is still read as text.

// yesWords and noWords answer any yes-or-no question, in the forms
// customers type them (spaces and closing punctuation aside).
var (
	yesWords = []string{"네", "넵", "네네", "예", "응", "yes", "y", "yeah", "yep", "sure", "ok", "okay"}
	noWords  = []string{"아니요", "아니오", "아뇨", "아니", "아니에요", "no", "n", "nope"}
)

// consentYes and consentNo answer the consent question in its own words.
var (
	consentYes = []string{"동의", "동의함", "동의해요", "동의합니다", "동의할게요", "동의했어요", "agree", "iagree", "accept"}
	consentNo  = []string{"동의안함", "동의안해요", "동의안할게요", "동의하지않아요", "동의하지않습니다", "거절", "거절할게요",
		"disagree", "decline", "idonotagree", "idon'tagree", "idontagree"}
)

// forgetYes and forgetNo answer "개인정보를 모두 삭제할까요?" in its own words.
var (
	forgetYes = []string{"삭제", "삭제해", "삭제해요", "삭제해주세요", "지워", "지워주세요", "지워줘", "delete", "deleteit", "erase"}
	forgetNo  = []string{"유지", "유지할게요", "유지해주세요", "삭제안함", "삭제하지마세요", "keep", "keepit"}
)

// questionYes answers "직원에게 전달할까요?" in its own words.
var questionYes = []string{"보내", "보내기", "보내요", "보내줘", "보내주세요", "전달", "전달해주세요", "전달해줘", "send", "sendit"}

// typedStep is typedAnswer for a flow step's input: 0 for a pressed
// button, which the step reads by its payload.
func typedStep(in input, yes, no []string) int {
	if in.payload != "" {
		return 0
	}
	return typedAnswer(in.text, yes, no)
}

// skipWords pass over an optional question, typed where [건너뛰기] is
// offered, as one would answer a person: "없음", "none", and a plain no
// (noWords) to "Was there a purchase?". The button's label typed counts
// too (isButton).
var skipWords = []string{"건너뛰기", "건너뛸게요", "스킵", "패스", "없음", "없어요", "없습니다", "없어", "skip", "none", "nothing", "pass", "n/a"}

// skipped reports whether in passes over an optional question: [건너뛰기]
// pressed or typed, or one of skipWords or noWords typed.
func (t *turn) skipped(in input) bool {
	if t.isButton(in, "skip", "core.btn.skip") {
		return true
	}
	w := answerForm(in.text)
	return in.payload == "" && w != "" && (slices.Contains(skipWords, w) || slices.Contains(noWords, w))
}

// noCommentWords say there is nothing more to say, typed where a comment
// is asked for: "없어요", and "모르겠어요", "글쎄요", "idk", which were kept
// as comments and counted among the summary's words.
var noCommentWords = []string{"없어요", "없음", "없습니다", "없어", "없네요", "없어용", "없어여", "없슴", "없음요",
	"딱히", "딱히없어요", "딱히없음", "딱히요", "딱히없네요", "특별히없어요", "별로없어요", "따로없어요", "할말없어요", "할말없음",
	"모르겠어요", "모르겠음", "모르겠습니다", "모르겠네요", "몰라요", "몰라", "글쎄요", "글쎄", "그냥요", "패스",
	"no", "none", "nothing", "nope", "nothanks", "skip", "pass", "idk", "idunno", "dunno", "nah", "n/a", "na",
	"nocomment", "notreally", "nothingmuch", "nothingelse"}

// noComment reports whether text, as a whole, says there is no comment: one
// of noCommentWords, or only dashes and dots ("-", "..."). A "ㅠㅠ" after
// one star says something, and stays.
func noComment(text string) bool {
	w := answerForm(text)
	if w == "" {
		s := strings.TrimSpace(text)
		return s != "" && strings.Trim(s, "-–—.…·_ ") == ""
	}
	return slices.Contains(noCommentWords, w)
}

// typedAnswer reads text as an answer to a yes-or-no question: 1 for yes,
// -1 for no, 0 for anything else. yes and no add the question's own words
// to the common ones.
func typedAnswer(text string, yes, no []string) int {
	w := answerForm(text)
	switch {
	case w == "":
		return 0
	case slices.Contains(yesWords, w) || slices.Contains(yes, w):
		return 1
	case slices.Contains(noWords, w) || slices.Contains(no, w):
		return -1
	}
	return 0
}

// answerForm is text lower-cased, without spaces and without the
// punctuation and emoticons a short answer ends with ("네!", "넵~", "yes.",
// "네 ^^").
func answerForm(text string) string {
	w := strings.ToLower(strings.Join(strings.Fields(text), ""))
	return strings.TrimRightFunc(w, func(r rune) bool {
		return unicode.IsPunct(r) || unicode.IsSymbol(r) || r == 'ㅎ' || r == 'ㅋ' || r == 'ㅠ' || r == 'ㅜ'
	})
}

// thanksWords acknowledge or thank, typed after a thread was closed; with
// yesWords ("네", "ok") they ask nothing of the staff.
var thanksWords = []string{"감사합니다", "감사해요", "감사드려요", "감사드립니다", "감사", "감사감사", "감사합니당", "감사해용",
	"고맙습니다", "고마워요", "고마워", "고맙습니당", "땡큐", "알겠습니다", "알겠어요", "알겠어용", "확인했습니다", "확인했어요",
	"잘받았습니다", "잘받았어요", "수고하세요", "수고하셨습니다", "좋아요", "좋습니다",
	"thanks", "thankyou", "thx", "ty", "thanksalot", "thankyousomuch", "thanksomuch", "great", "gotit", "noted", "cool"}

// thanksLead are the words a thanks starts with that add nothing to it:
// "네 감사합니다", "정말 고맙습니다", "ok thanks". A word that begins
// another comes after it ("okay" before "ok"): they are cut as prefixes.
var thanksLead = []string{"네", "넵", "예", "아", "앗", "정말", "너무", "진짜", "대단히", "okay", "ok", "oh", "many", "great"}

// thanksMarks are the emoticons that thank or agree on their own ("👍",
// "^^"); sad or angry ones ("ㅠㅠ", "😡") are not, and reach the staff.
var thanksMarks = []string{"👍", "🙏", "👌", "😊", "🙂", "😀", "😄", "😁", "😍", "🥰", "❤", "♥", "💕", "^^", "ㅎㅎ"}

// thanks reports whether text, as a whole, only thanks or acknowledges
// ("감사합니다!", "네 알겠습니다", "Thank you!", "👍"): nothing to answer.
// A thanks with more to say ("감사합니다, 그런데 …") is not.
func thanks(text string) bool {
	w := answerForm(text)
	if w == "" {
		// Only emoticons: "👍", "🙏", "^^" thank; "ㅠㅠ", "😡", "..." and a
		// bare "?" may ask something.
		if strings.ContainsAny(text, "?？ㅠㅜ") {
			return false
		}
		for _, m := range thanksMarks {
			if strings.Contains(text, m) {
				return true
			}
		}
		return false
	}
	for {
		lead := false
		for _, l := range thanksLead {
			if rest, ok := strings.CutPrefix(w, l); ok && rest != "" {
				w, lead = rest, true
				break
			}
		}
		if !lead {
			break
		}
	}
	return slices.Contains(thanksWords, w) || slices.Contains(yesWords, w)
}
