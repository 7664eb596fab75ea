package feedback

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Words returns the topic words of a feedback comment, in order: Latin
// letters lower-cased, Korean particles and verb endings stripped from word
// ends (머리가 → 머리, 서비스는 → 서비스, 친절해요 → 친절), numbers, one-rune
// words and stop words of both languages dropped.
//
// The stripping has no dictionary: it only removes a known ending when at
// least two runes remain, so 정도, 불만 and 아이 stay whole, but a longer word
// that merely ends like a particle loses it (고양이 → 고양). For counting what
// customers talk about that is good enough, and it keeps the summary free of
// a morphological analyser.
func Words(text string) []string {
	var out []string
	for _, tok := range strings.FieldsFunc(text, notWordRune) {
		if w := normalizeWord(tok); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// notWordRune splits comments into words: letters, digits and apostrophes
// (don't, customer's) stay together.
func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
}

// normalizeWord returns the topic word of one token, or "" to drop it.
func normalizeWord(tok string) string {
	tok = strings.ToLower(strings.ReplaceAll(tok, "’", "'"))
	tok = strings.Trim(tok, "'")
	if strings.Contains(tok, "n't") || englishStop[tok] {
		return ""
	}
	tok = strings.TrimSuffix(tok, "'s")
	// "3시간", "2번째": the number says how much, the rest says what.
	tok = strings.TrimLeftFunc(tok, unicode.IsDigit)
	if tok == "" || strings.ContainsFunc(tok, unicode.IsDigit) && !strings.ContainsFunc(tok, unicode.IsLetter) {
		return ""
	}
	if strings.ContainsFunc(tok, isHangul) {
		if koreanStop[tok] || hasStopPrefix(tok) {
			return ""
		}
		tok = stripKorean(tok)
		if koreanStop[tok] {
			return ""
		}
	}
	if englishStop[tok] || utf8.RuneCountInString(tok) < 2 {
		return ""
	}
	return tok
}

func isHangul(r rune) bool { return unicode.Is(unicode.Hangul, r) }

// minStem is the fewest runes stripping leaves of a word: Korean nouns are
// rarely shorter, and one-syllable stems are mostly verbs (좋, 있) anyway.
const minStem = 2

// stripKorean removes up to two particles or endings from the end of w
// (직원분들이 → 직원분들 → 직원분), longest ending first, never leaving fewer
// than minStem runes.
func stripKorean(w string) string {
	for round := 0; round < 2; round++ {
		n := utf8.RuneCountInString(w)
		stripped := false
		for _, suf := range koreanEndings {
			if strings.HasSuffix(w, suf) && n-utf8.RuneCountInString(suf) >= minStem {
				w = strings.TrimSuffix(w, suf)
				stripped = true
				break
			}
		}
		if !stripped {
			break
		}
	}
	return w
}

// koreanEndings are particles (조사) and predicate endings (어미), longest
// first so 에서 is tried before 에 and 했어요 before 요.
var koreanEndings = sortedByLength(
	// polite and plain predicate endings after a noun (친절했어요, 만족합니다)
	"스러웠어요", "스러웠습니다", "스러워요", "스럽습니다", "스러운",
	"했습니다", "하셨어요", "하십니다", "하셨고", "하시고", "하세요", "해주셔서", "해주세요", "해주셨어요", "해줘서",
	"했어요", "했네요", "했는데", "했지만", "했고", "했던", "합니다", "해요", "해서", "하고", "하게", "하기", "하다", "하는", "하며", "한데", "한",
	"입니다", "이었어요", "였어요", "이에요", "예요", "이네요", "네요", "었어요", "았어요", "어요", "아요", "습니다",
	"이라서", "이라", "라서", "이고", "지만", "는데", "은데", "고요", "고",
	// particles (머리가, 서비스는, 매장에서)
	"에서는", "에서도", "에서", "에게", "에는", "에도", "께서", "한테", "으로는", "으로도", "으로", "로는", "로도", "로",
	"이랑", "랑", "까지", "부터", "보다", "처럼", "마다", "이나", "이든",
	"은", "는", "이", "가", "을", "를", "에", "와", "과", "도", "만", "의", "요", "들",
)

func sortedByLength(s ...string) []string {
	out := make([]string, 0, len(s))
	for n := 8; n >= 1; n-- { // stable within a length: the order written above
		for _, w := range s {
			if utf8.RuneCountInString(w) == n {
				out = append(out, w)
			}
		}
	}
	return out
}

// stopPrefixes drop the forms of a few words that carry no topic (좋아요,
// 좋았습니다, 감사합니다, 고맙습니다), whose one-syllable stems stripping
// cannot reach.
var stopPrefixes = []string{"좋", "싫", "감사", "고맙", "고마웠"}

func hasStopPrefix(w string) bool {
	for _, p := range stopPrefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// koreanStop are words (raw or stripped) too common in feedback to be topics.
var koreanStop = setOf(
	"정말", "너무", "진짜", "아주", "매우", "항상", "다음", "다시", "그리고", "하지만", "그런데", "그래서", "그래도",
	"근데", "그냥", "조금", "많이", "제가", "저는", "저희", "우리", "여기", "거기", "오늘", "이번", "또한", "역시",
	"완전", "되게", "엄청", "계속", "이제", "혹시", "모두", "다들", "같아요", "같습니다", "같아", "같았", "있어요",
	"있습니다", "있어", "있었", "없어요", "없습니다", "없어", "없었", "했어요", "했어", "했습니다", "합니다", "입니다",
	"해요", "하는", "있는", "없는", "같은", "이런", "저런", "그런", "어떤", "이렇게", "그렇게", "너무너무", "정도",
	"ㅎㅎ", "ㅋㅋ", "ㅠㅠ", "ㅎㅎㅎ", "ㅋㅋㅋ", "ㅠㅠㅠ", "수고", "수고하세요", "번창하세요", "최고", "만족",
)

// englishStop are English words too common to be topics.
var englishStop = setOf(
	"the", "a", "an", "and", "or", "but", "if", "so", "as", "at", "by", "for", "from", "in", "into", "of", "on",
	"to", "with", "about", "after", "before", "again", "there", "here", "this", "that", "these", "those", "it",
	"its", "it's", "i", "i'm", "i've", "me", "my", "we", "our", "us", "you", "your", "they", "them", "their",
	"he", "she", "his", "her", "is", "was", "were", "are", "be", "been", "am", "do", "did", "does", "have", "has",
	"had", "will", "would", "can", "could", "should", "just", "very", "really", "too", "also", "more", "much",
	"most", "some", "all", "any", "not", "no", "yes", "get", "got", "go", "went", "come", "came", "one", "what",
	"when", "which", "who", "how", "than", "then", "out", "up", "down", "over", "only", "still", "even", "well",
	"good", "great", "nice", "thanks", "thank", "lot", "bit", "quite", "always", "ever", "today",
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// normalizeTag makes "#Perm", "perm " and "PERM" one tag.
func normalizeTag(t string) string {
	t = strings.TrimLeft(strings.TrimSpace(t), "#")
	return strings.ToLower(strings.Join(strings.Fields(t), " "))
}
