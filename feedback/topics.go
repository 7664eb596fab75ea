package feedback

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Words returns the topic words of a feedback comment, in order: Latin
// letters lower-cased, Korean particles and verb endings stripped from word
// ends (머리가 → 머리, 서비스는 → 서비스, 친절해요 → 친절), the describing
// words customers use most in their dictionary form (늦었어요 → 늦다, see
// predicates), numbers, one-rune words, stop words of both languages and
// other predicates' past stems (풀렸) dropped.
//
// The stripping has no dictionary: it only removes a known ending when at
// least two runes remain, so 정도, 불만 and 아이 stay whole, but a longer word
// that merely ends like a particle loses it (고양이 → 고양). For counting what
// customers talk about that is good enough, and it keeps the summary free of
// a morphological analyser.
//
// A negated word is counted as what it says, not as the word (see
// negated): "안 친절해요" and "친절하지 않았어요" count as 불친절, "다시는
// 안 와요" as "안 와요", "연락이 없어요" as "연락 없음", "wasn't friendly"
// as "not friendly", and a negated word that carries no topic ("안
// 좋아요", "not good") as nothing.
func Words(text string) []string {
	var out []string
	toks := strings.FieldsFunc(text, notWordRune)
	neg, by := false, "안" // the word before negates this one (안, 못, not, never, …n't), and which
	for i, tok := range toks {
		low := strings.ToLower(strings.ReplaceAll(tok, "’", "'"))
		if negators[low] || strings.HasSuffix(low, "n't") {
			neg, by = true, "안"
			if low == "못" {
				by = "못"
			}
			continue
		}
		if neg && englishFiller[low] {
			continue // "not very friendly": the negation reaches past very
		}
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1]
		}
		w, plain := "", "" // plain: the word as if not negated
		switch {
		case strings.HasPrefix(tok, "않") || strings.HasPrefix(tok, "없") && neg:
			neg = false
			continue // the negation itself, said after its word
		case strings.HasSuffix(tok, "지") && (strings.HasPrefix(next, "않") || strings.HasPrefix(next, "못")):
			// 친절하지 않았어요, 늦지 않았어요: the word is before 지.
			by = "안"
			if strings.HasPrefix(next, "못") {
				by = "못"
			}
			w = negated(strings.TrimSuffix(tok, "지")+"다", by)
		case strings.HasPrefix(next, "없") && strings.ContainsFunc(tok, isHangul):
			// 연락이 없어요: the thing missing, not the thing.
			if plain = normalizeWord(tok); plain != "" {
				w = plain + " 없음"
			}
		case neg:
			w = negated(tok, by)
			if w == "" && !koreanStop[tok] && !hasStopPrefix(tok) && !englishStop[low] {
				w = negatedRaw(tok, by)
			}
		default:
			w = normalizeWord(tok)
		}
		neg = false
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// negators negate the word after them.
var negators = setOf("안", "못", "not", "never", "no", "cannot", "nothing")

// englishFiller are the words between a negation and what it negates
// ("not very friendly", "not at all clean").
var englishFiller = setOf("very", "so", "too", "really", "that", "at", "all", "quite", "particularly", "be", "been", "even")

// antonyms are the negated words that have a word of their own, so that
// "안 친절" and "불친절" count as one.
var antonyms = map[string]string{
	"친절": "불친절", "만족": "불만족", "맛있다": "맛없다", "편안": "불편", "편리": "불편", "깔끔": "지저분",
	"friendly": "unfriendly", "clean": "dirty", "kind": "unkind", "happy": "unhappy", "helpful": "unhelpful",
}

// negated is the topic of the word tok negated by by (안 or 못): its
// antonym when it has one (만족하지 않아요 → 불만족, though 만족 alone is
// no topic), "안 w" ("not w") otherwise, and "" for a word that carries no
// topic: 안 좋아요 says how it was, which the rating says already.
func negated(tok, by string) string {
	low := strings.ToLower(strings.ReplaceAll(tok, "’", "'"))
	w := normalizeWord(tok)
	if a, ok := antonyms[w]; ok {
		return a
	}
	if a, ok := antonyms[stripKorean(low)]; ok {
		return a
	}
	switch {
	case w == "":
		return ""
	case strings.ContainsFunc(w, isHangul):
		return by + " " + w
	}
	return "not " + w
}

// negatedRaw is a negated Korean verb too short to be a topic alone (와요,
// 돼요): "안 와요" says something (다시는 안 와요) that 와요 alone does not.
func negatedRaw(tok, by string) string {
	if !strings.ContainsFunc(tok, isHangul) || utf8.RuneCountInString(tok) < 2 || pastStem(tok) {
		return ""
	}
	return by + " " + tok
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
		if d, ok := predicateOf(tok); ok {
			return d
		}
		tok = stripKorean(tok)
		if koreanStop[tok] || pastStem(tok) {
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
	"했어요", "했네요", "했는데", "했지만", "했고", "했던", "합니다", "해요", "해서", "하고", "하게", "하기", "하다", "하는", "하며", "한데", "한", "할",
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

// predicates are the describing words customers use most in feedback, by
// their dictionary form, with the beginnings of their conjugated forms
// (늦었어요, 늦어서, 늦게 begin with 늦었, 늦어, 늦게): stripping endings left
// verb fragments a manager cannot read, 늦었 or 길었, and counted 늦었어요 and
// 늦어서 apart. A noun + 하다 (친절했어요) needs none: stripping leaves the
// noun. Prefixes are two syllables at least and chosen not to begin a
// common noun (아파 would take 아파트, 커 커트, 길고 길고양이).
var predicates = [][]string{
	{"늦다", "늦었", "늦어", "늦네", "늦게", "늦는", "늦지", "늦은"},
	{"길다", "길었", "길어", "길게", "길더"},
	{"짧다", "짧았", "짧아", "짧게", "짧은", "짧고"},
	{"기다리다", "기다리", "기다렸", "기다려"},
	{"비싸다", "비싸", "비쌌"},
	{"예쁘다", "예쁘", "예뻐", "예뻤"},
	{"맛있다", "맛있"},
	{"맛없다", "맛없"},
	{"짜다", "짰어", "짰네", "짜요", "짜서", "짜고", "짜네"},
	{"맵다", "매웠", "매워", "맵고", "맵네"},
	{"싱겁다", "싱거", "싱겁"},
	{"차갑다", "차가", "차갑"},
	{"식다", "식었", "식어"},
	{"뜨겁다", "뜨거", "뜨겁"},
	{"춥다", "추웠", "추워", "춥고", "춥네"},
	{"덥다", "더웠", "더워", "덥고", "덥네"},
	{"좁다", "좁았", "좁아", "좁고", "좁네", "좁은"},
	{"넓다", "넓었", "넓어", "넓고", "넓네", "넓은"},
	{"멀다", "멀었", "멀어", "멀고", "멀네"},
	{"시끄럽다", "시끄러", "시끄럽"},
	{"더럽다", "더러웠", "더러워", "더럽"},
	{"아프다", "아팠", "아파요", "아파서", "아프"},
	{"빠르다", "빨랐", "빨라", "빠르"},
	{"느리다", "느렸", "느려", "느리"},
	{"어렵다", "어려웠", "어려워", "어렵"},
	{"무섭다", "무서웠", "무서워", "무섭"},
	{"아쉽다", "아쉬웠", "아쉬워", "아쉽"},
	{"바쁘다", "바빴", "바빠", "바쁘"},
	{"다르다", "달랐", "달라"},
	{"틀리다", "틀렸", "틀려", "틀리"},
	{"많다", "많았", "많아", "많고", "많네", "많은"},
	{"적다", "적었", "적어서", "적고", "적네", "적은"},
	{"작다", "작았", "작아", "작고", "작네", "작은"},
	{"크다", "컸", "커요", "커서"},
	{"괜찮다", "괜찮"},
	{"자르다", "잘랐", "잘라", "자르"},
	{"빠지다", "빠졌", "빠져"},
	{"힘들다", "힘들", "힘드"},
}

// predicateOf returns the dictionary form of a conjugated predicate of
// predicates (늦었어요 → 늦다).
func predicateOf(w string) (string, bool) {
	for _, p := range predicates {
		for _, pre := range p[1:] {
			if strings.HasPrefix(w, pre) {
				return p[0], true
			}
		}
	}
	return "", false
}

// pastStem reports whether w, stripped, still ends in a syllable with ㅆ
// under it (늦었, 기다렸, 있, 겠): a predicate's past or future stem, never
// a noun. A predicate predicates does not know is dropped rather than
// shown as a fragment.
func pastStem(w string) bool {
	r, _ := utf8.DecodeLastRuneInString(w)
	const ssang = 20 // ㅆ among the 28 final consonants (0: none)
	return r >= 0xAC00 && r <= 0xD7A3 && (r-0xAC00)%28 == ssang
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
	"들어", "와서", "가서", "올게", "올께", "갈게", "할게", "오래", "금방", "빨리",
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
