package dialog

// Parsers for what a manager and staff type about the loyalty programme:
// earn rates, periods, coupon benefits and validities, tier rules, the
// stamp card and the birthday benefit. Like parse.go they are pure
// functions of their input (and of now, for dates), never panic, and
// report what they could not read so the chat can say so.

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dangol/dangol/ledger"
)

// offWords turn a part of the programme off: /program stamps off.
var offWords = []string{"off", "끄기", "꺼", "없음", "해제", "사용안함", "안함", "none", "0"}

// viewWords ask to see a part rather than change it: "/program tiers 보기"
// was stored as a one-tier ladder named 보기, dropping every tier.
var viewWords = []string{"보기", "확인", "현재", "지금", "?", "？", "show", "view", "list", "current"}

// isViewWord reports whether s asks to see a part of the programme.
func isViewWord(s string) bool {
	s = strings.ToLower(strings.Join(strings.Fields(foldFullWidth(s)), ""))
	for _, w := range viewWords {
		if s == w {
			return true
		}
	}
	return false
}

// isOffWord reports whether s asks to turn a part off.
func isOffWord(s string) bool {
	s = strings.ToLower(strings.Join(strings.Fields(foldFullWidth(s)), ""))
	for _, w := range offWords {
		if s == w {
			return true
		}
	}
	return false
}

// parseRateBP reads an earn rate in percent, "5%", "7.5%", "5 %",
// "5퍼센트", "5 percent" or a bare "5", as basis points (7.5% is 750).
// At most two decimals; negatives and garbage return ok=false. Zero is "0"
// or "0%".
func parseRateBP(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(foldFullWidth(s)))
	for _, sfx := range []string{"%", "퍼센트", "percent", "프로"} {
		if t, ok := strings.CutSuffix(s, sfx); ok {
			s = strings.TrimSpace(t)
			break
		}
	}
	whole, frac, dotted := strings.Cut(s, ".")
	if whole == "" || len(whole) > 5 || len(frac) > 2 || (dotted && frac == "") {
		return 0, false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	w, _ := strconv.Atoi(whole)
	f := 0
	if frac != "" {
		f, _ = strconv.Atoi(frac)
		if len(frac) == 1 {
			f *= 10
		}
	}
	return w*100 + f, true
}

// parseMonths reads a period in months: "12개월", "12 개월", "12달",
// "1년", "2년", "12 months", "1 year", "12mo" or a bare "12". Zero and
// garbage return ok=false (a part is turned off with an off word).
func parseMonths(s string) (int, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(foldFullWidth(s)), ""))
	mul := 1
	for _, u := range []struct {
		sfx string
		mul int
	}{{"개월", 1}, {"달", 1}, {"months", 1}, {"month", 1}, {"mo", 1}, {"년", 12}, {"years", 12}, {"year", 12}, {"y", 12}} {
		if t, ok := strings.CutSuffix(s, u.sfx); ok {
			s, mul = t, u.mul
			break
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1200 || s[0] == '+' {
		return 0, false
	}
	return n * mul, true
}

// parseDays reads a number of days: "30일", "30일간", "30 days", "30d",
// or of weeks as days: "2주", "2주일", "2 weeks", "2w".
func parseDays(s string) (int, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(foldFullWidth(s)), ""))
	found, per := false, 1
	for _, sfx := range []string{"주일", "주간", "주", "weeks", "week", "w", "일간", "일동안", "일", "days", "day", "d"} {
		if t, ok := strings.CutSuffix(s, sfx); ok {
			s, found = t, true
			if strings.HasPrefix(sfx, "주") || strings.HasPrefix(sfx, "w") {
				per = 7
			}
			break
		}
	}
	n, err := strconv.Atoi(s)
	if !found || err != nil || n < 1 || n*per > 100000 || s[0] == '+' {
		return 0, false
	}
	return n * per, true
}

// validity is when a coupon can be used: days counting today, or a last
// day; both zero is the default.
type validity struct {
	days    int
	lastDay time.Time
}

// parseValidity reads a coupon's validity: days ("30일", "30 days"),
// months from today ("3개월": through the day before the same date three
// months on) or a last day as parseDate reads it ("12/31", "2026-12-31",
// "12월 31일", "다음주 금요일").
func parseValidity(s string, now time.Time, loc *time.Location) (validity, bool) {
	if strings.TrimSpace(s) == "" {
		return validity{}, false
	}
	if n, ok := parseDays(s); ok {
		return validity{days: n}, true
	}
	if m, ok := parseMonths(s); ok && !isBareNumber(s) {
		y, mo, d := now.In(loc).Date()
		return validity{lastDay: time.Date(y, mo+time.Month(m), d-1, 0, 0, 0, 0, loc)}, true
	}
	if d, ok := parseDate(s, now, loc); ok {
		return validity{lastDay: d}, true
	}
	return validity{}, false
}

func isBareNumber(s string) bool {
	s = strings.TrimSpace(foldFullWidth(s))
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// benefitWords may follow a percent or an amount: "10% 할인", "5,000원 off".
var benefitWords = []string{"할인", "off", "discount"}

// ParseBenefit reads what a coupon gives (in the chat, and in the CLI's
// import of the export's coupon lines): a percent ("10%", "10% 할인",
// "10 percent off"), an amount of money ("5,000원", "5천원 할인",
// "₩5,000", "5000 won") or an item, any other line with a letter in it
// ("아메리카노 1잔", "1+1 음료", "free americano", and a figure for part
// of the menu: "커트 10% 할인", scopedFigure). A text that tries to be a
// percent or an amount and is not one ("150%", "0원", "10.5%", a bare
// "5000") returns ok=false, so a typo is refused rather than issued as an
// item. Limits (1–100%, up to ledger.MaxCouponWon) are the ledger's.
func ParseBenefit(s string) (ledger.CouponBenefit, bool) {
	s = strings.Join(strings.Fields(foldFullWidth(s)), " ")
	if s == "" {
		return ledger.CouponBenefit{}, false
	}
	low := strings.ToLower(s)
	core := low
	for _, w := range benefitWords {
		if t, ok := strings.CutSuffix(core, w); ok {
			core = strings.TrimSpace(t)
			break
		}
	}
	if scopedFigure(core) {
		return ledger.CouponBenefit{Kind: ledger.BenefitItem, Item: s}, true
	}
	switch {
	case strings.HasSuffix(core, "%") || strings.HasSuffix(core, "퍼센트") || strings.HasSuffix(core, "percent"):
		bp, ok := parseRateBP(core)
		if !ok || bp%100 != 0 {
			return ledger.CouponBenefit{}, false
		}
		return ledger.CouponBenefit{Kind: ledger.BenefitPercent, Percent: bp / 100}, true
	case strings.ContainsRune(core, '%'):
		return ledger.CouponBenefit{}, false
	case strings.HasSuffix(core, "원") || strings.HasPrefix(core, "₩") || strings.HasSuffix(core, "won") || strings.HasSuffix(core, "krw"):
		won, ok := parseAmount(strings.TrimSuffix(core, "krw"))
		if !ok || won <= 0 {
			return ledger.CouponBenefit{}, false
		}
		return ledger.CouponBenefit{Kind: ledger.BenefitWon, Won: won}, true
	}
	if !strings.ContainsFunc(core, unicode.IsLetter) {
		return ledger.CouponBenefit{}, false // "5000", "-3": say 원 or %
	}
	return ledger.CouponBenefit{Kind: ledger.BenefitItem, Item: s}, true
}

// scopedFigure reports whether core is words of the shop's and then a
// percent or an amount that reads as one: "커트 10%", "전 메뉴 5,000원"
// (할인 already cut). Such a coupon is for part of what the shop sells, which
// only the shop's own words say, so it is issued as an item in them; the
// figure must still be right, so "커트 10.5%" and "커트 150%" stay refused.
func scopedFigure(core string) bool {
	toks := strings.Fields(core)
	if len(toks) < 2 || !strings.ContainsFunc(strings.Join(toks[:len(toks)-1], " "), unicode.IsLetter) {
		return false
	}
	b, ok := ParseBenefit(toks[len(toks)-1])
	return ok && b.Kind != ledger.BenefitItem && b.Validate() == nil
}

// couponBenefit is the benefit of a coupon given to a customer, by staff
// (/coupon give) or to many at once (/campaign --coupon): ParseBenefit's,
// but a reward must say what is given and how, in two words or with a
// figure ("아메리카노 1잔", "free americano", "음료 1+1"). A single word such
// as "abc" was issued by /coupon give (the campaign already refused it),
// and the customer read "쿠폰을 드렸어요: abc".
func couponBenefit(s string) (ledger.CouponBenefit, bool) {
	b, ok := ParseBenefit(s)
	if !ok || (b.Kind == ledger.BenefitItem && !namesReward(b.Item)) {
		return ledger.CouponBenefit{}, false
	}
	return b, true
}

// namesReward reports whether an item coupon's words say what is given
// and how much of it: two words or more, or a figure among them.
func namesReward(item string) bool {
	return len(strings.Fields(item)) >= 2 || strings.ContainsFunc(item, unicode.IsDigit)
}

// couponArgs is what /coupon give reads after the customer.
type couponArgs struct {
	benefit  ledger.CouponBenefit
	validity validity
	// badBenefit or badValidity is the text that could not be read.
	badBenefit, badValidity string
}

// parseCouponArgs reads "<benefit> [validity]": the validity is the last
// one to three words when they read as one ("10% 30일", "아메리카노 1잔
// 12/31", "5,000원 12월 31일"). After a percent or an amount whatever
// follows must be a validity, so "10% 삼십일" names the validity it could
// not read; an item takes every word that is not one.
// validityLike matches a word written as a day or a validity: "2/30",
// "2027-02-30", "12.31까지", "0일", "30days".
var validityLike = regexp.MustCompile(`^(\d{1,4}[/.-]\d{1,2}([/.-]\d{1,2})?(까지)?|\d+(일|주|개월|달|days?|weeks?|months?))$`)

func parseCouponArgs(s string, now time.Time, loc *time.Location) couponArgs {
	toks := strings.Fields(foldFullWidth(s))
	var out couponArgs
	if len(toks) == 0 {
		out.badBenefit = ""
		return out
	}
	// A percent or amount, perhaps with 할인/off, then a validity.
	for n := min(2, len(toks)); n >= 1; n-- {
		b, ok := ParseBenefit(strings.Join(toks[:n], " "))
		if !ok || b.Kind == ledger.BenefitItem {
			continue
		}
		out.benefit = b
		if rest := strings.Join(toks[n:], " "); rest != "" {
			v, ok := parseValidity(rest, now, loc)
			if !ok {
				out.badValidity = rest
				return out
			}
			out.validity = v
		}
		return out
	}
	for k := min(3, len(toks)-1); k >= 1; k-- {
		if v, ok := parseValidity(strings.Join(toks[len(toks)-k:], " "), now, loc); ok {
			b, ok := couponBenefit(strings.Join(toks[:len(toks)-k], " "))
			if !ok {
				out.badBenefit = strings.Join(toks[:len(toks)-k], " ")
				return out
			}
			out.benefit, out.validity = b, v
			return out
		}
	}
	// A last word written as a day or a validity that is none ("2/30",
	// "2027-02-30", "0일") is a wrong validity, not the end of the item's
	// name: "아메리카노 1잔 2/30" became a coupon of that name.
	if last := toks[len(toks)-1]; len(toks) > 1 && validityLike.MatchString(last) {
		out.badValidity = last
		return out
	}
	b, ok := couponBenefit(s)
	if !ok {
		out.badBenefit = strings.TrimSpace(s)
		return out
	}
	out.benefit = b
	return out
}

// tierParse is one problem reading tier rules: a catalog id and its data.
type tierParse struct {
	id   string
	data map[string]any
}

// tierClauseSplit splits tier rules at commas, semicolons and line breaks
// outside parentheses, so a benefit line may hold commas; a comma between
// digits groups thousands ("500,000원") and splits nothing.
func tierClauseSplit(s string) []string {
	var out []string
	depth := 0
	start := 0
	digit := func(b byte) bool { return b >= '0' && b <= '9' }
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth = max(0, depth-1)
		case ',', ';', '\n':
			if r == ',' && i > 0 && i+1 < len(s) && digit(s[i-1]) && digit(s[i+1]) {
				continue
			}
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + utf8.RuneLen(r)
			}
		}
	}
	out = append(out, s[start:])
	var clauses []string
	for _, c := range out {
		if c = strings.TrimSpace(c); c != "" {
			clauses = append(clauses, c)
		}
	}
	return clauses
}

// windowWords start the clause that sets the tier rules' window:
// "기간 6개월", "window 6 months", "기간 전체".
var windowWords = []string{"기간", "window", "over"}

// allTimeWords name a window of all time.
var allTimeWords = []string{"전체", "전체기간", "평생", "누적", "all", "alltime", "ever"}

// parseTierRules reads tier rules as a manager writes them:
//
//	단골 5회 7%, VIP 15회 또는 50만원 10% (생일 쿠폰 20%)
//	regular 5 visits 7%, vip 15 visits or 500,000 won 10% (birthday coupon 20%)
//
// Each clause is a tier from the lowest up: its name, its threshold (visits
// "5회" / "5 visits", spend "50만원" / "500,000 won", both with 또는/or for
// either or 그리고/and for both), an optional earn rate ("7%", "7% 적립",
// "earn 7%") and an optional benefit line in parentheses. A first clause
// with no threshold names the base tier; otherwise the base tier is the
// built-in one. A clause "기간 6개월" / "window 6 months" (or 기간 전체 /
// window all) sets the window; without one it is window, the window in
// force.
// builtin maps a name to the id of the built-in tier it names in any
// language ("단골", "Regular" → regular), or "". The ledger validates the
// result (order, ranges, lengths).
func parseTierRules(s string, builtin func(string) string, window int) (ledger.TierRules, *tierParse) {
	s = foldFullWidth(s)
	s = strings.NewReplacer("（", "(", "）", ")").Replace(s)
	r := ledger.TierRules{WindowMonths: window}
	if isOffWord(s) {
		// As stamps, expiry and win-back take an off word, tiers do: one
		// base tier, so everyone earns the base rate. "off" alone was the
		// base tier's new name, and every card read "등급: off".
		r.Levels = []ledger.Tier{{ID: ledger.TierNew}}
		return r, nil
	}
	clauses := tierClauseSplit(s)
	if len(clauses) == 0 {
		return r, &tierParse{id: "loyalty.tiers.empty"}
	}
	for _, c := range clauses {
		first, rest := firstField(c)
		if containsFold(windowWords, first) {
			w := strings.ToLower(strings.Join(strings.Fields(rest), ""))
			switch {
			case containsFold(allTimeWords, w):
				r.WindowMonths = 0
			default:
				m, ok := parseMonths(rest)
				if !ok {
					return r, &tierParse{id: "loyalty.tiers.bad_window", data: map[string]any{"Value": strings.TrimSpace(rest)}}
				}
				r.WindowMonths = m
			}
			continue
		}
		t, p := parseTierClause(c)
		if p != nil {
			return r, p
		}
		if id := builtin(t.Name); id != "" {
			t.ID, t.Name = id, ""
		}
		r.Levels = append(r.Levels, t)
	}
	if len(r.Levels) == 0 {
		return r, &tierParse{id: "loyalty.tiers.empty"}
	}
	if r.Levels[0].MinVisits > 0 || r.Levels[0].MinSpend > 0 {
		r.Levels = append([]ledger.Tier{{ID: ledger.TierNew}}, r.Levels...)
	}
	return r, nil
}

// parseTierClause reads one tier: "VIP 15회 또는 50만원 10% (생일 쿠폰 20%)".
func parseTierClause(c string) (ledger.Tier, *tierParse) {
	var t ledger.Tier
	if i := strings.IndexByte(c, '('); i >= 0 {
		j := strings.LastIndexByte(c, ')')
		if j < i {
			j = len(c)
		}
		t.Benefit = strings.TrimSpace(c[i+1 : j])
		c = c[:i] + " " + c[min(j+1, len(c)):]
	}
	toks := strings.Fields(c)
	var name []string
	seenRule := false
	bad := func(tok string) *tierParse {
		n := strings.Join(name, " ")
		if n == "" {
			n = strings.TrimSpace(c)
		}
		return &tierParse{id: "loyalty.tiers.bad_word", data: map[string]any{"Word": tok, "Tier": n}}
	}
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		low := strings.ToLower(tok)
		next := ""
		if i+1 < len(toks) {
			next = strings.ToLower(toks[i+1])
		}
		switch {
		case low == "또는" || low == "or" || low == "|" || low == "이나" || low == "혹은":
			seenRule = true
		case low == "그리고" || low == "and" || low == "&" || low == "및" || low == "이고":
			t.Both, seenRule = true, true
		case low == "이상" || low == "적립" || low == "earn" || low == "earns" || low == "at":
			if !seenRule && low != "earn" && low != "earns" {
				return t, bad(tok)
			}
			seenRule = true
		case isVisitWord(low):
			t.MinVisits, _ = visitCount(low)
			seenRule = true
		case isBareNumber(low) && (next == "visits" || next == "visit" || next == "times" || next == "회" || next == "번"):
			t.MinVisits, seenRule = atoi(low), true
			i++
		case (next == "회" || next == "번") && isKoreanCount(low):
			t.MinVisits, _ = koreanNumeral(low, true, true)
			seenRule = true
			i++
		case isBareNumber(strings.ReplaceAll(low, ",", "")) && (next == "won" || next == "원" || next == "krw"):
			won, ok := parseAmount(low + "원")
			if !ok {
				return t, bad(tok)
			}
			t.MinSpend, seenRule = won, true
			i++
		case strings.HasSuffix(low, "%"):
			bp, ok := parseRateBP(low)
			if !ok {
				return t, &tierParse{id: "loyalty.tiers.bad_rate", data: map[string]any{"Value": tok, "Tier": strings.Join(name, " ")}}
			}
			t.EarnRateBP, seenRule = bp, true
		case looksLikeMoney(low):
			won, ok := parseAmount(low)
			if !ok {
				return t, bad(tok)
			}
			t.MinSpend, seenRule = won, true
		default:
			// A figure in the name is a threshold or a rate mistyped
			// ("Silver 3x 6%"): as a name, the first clause became the
			// base tier and its rate everyone's.
			if seenRule || looksLikeFigure(low) {
				return t, bad(tok)
			}
			name = append(name, tok)
		}
	}
	t.Name = strings.Join(name, " ")
	if t.Name == "" {
		return t, &tierParse{id: "loyalty.tiers.no_name", data: map[string]any{"Clause": strings.TrimSpace(c)}}
	}
	if !hasLetter(t.Name) { // "😀": input_errors.go
		return t, &tierParse{id: "input.name.tier_letter", data: map[string]any{"Input": t.Name}}
	}
	return t, nil
}

// isVisitWord reports a visit count (visitCount).
func isVisitWord(s string) bool { _, ok := visitCount(s); return ok }

// visitCount reads "5회", "5번", "5회이상", "5visits", and ok reports one,
// 0 included: "단골 0회" made "0회" part of the tier's name (as "gold 0
// visits" did not), and the ladder then lost its other tiers.
//
// A count in Korean words reads as stamps' does ("오회", "십오회",
// "다섯 번"): "단골 오회 7%" made "단골 오회" the base tier, earning 7% for
// everyone.
func visitCount(s string) (n int, ok bool) {
	s = strings.TrimSuffix(s, "이상")
	for _, sfx := range []string{"회", "번", "visits", "visit", "times"} {
		if t, found := strings.CutSuffix(s, sfx); found && isBareNumber(t) {
			return atoi(t), true
		}
	}
	for _, sfx := range []string{"회", "번"} {
		if t, found := strings.CutSuffix(s, sfx); found && isKoreanCount(t) {
			n, _ := koreanNumeral(t, true, true)
			return n, true
		}
	}
	return 0, false
}

// isKoreanCount reports a count in Korean words before 회 or 번, native
// or Sino-Korean (koreanNumeral with a counter).
func isKoreanCount(s string) bool {
	_, ok := koreanNumeral(s, true, true)
	return ok && s != ""
}

// looksLikeFigure reports a word that starts with a figure and is not a
// name's number with a Korean word after it ("1등급", "2단계"): "3x",
// "3", "5회차", "3visit". Such a word is a threshold or a rate mistyped,
// never part of a tier's name.
func looksLikeFigure(s string) bool {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == ',' || s[i] == '.') {
		i++
	}
	if i == 0 {
		return false
	}
	rest := s[i:]
	r, _ := utf8.DecodeRuneInString(rest)
	if rest == "" || !unicode.Is(unicode.Hangul, r) {
		return true
	}
	for _, unit := range []string{"회", "번", "원", "만", "천", "개", "퍼", "프로"} {
		if strings.HasPrefix(rest, unit) {
			return true
		}
	}
	return false
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return min(n, 1_000_000)
}

// looksLikeMoney reports a token written as an amount of money: "50만원",
// "₩500,000", "500000won", "30만", "500k".
func looksLikeMoney(s string) bool {
	if s == "" || !(s[0] >= '0' && s[0] <= '9' || strings.HasPrefix(s, "₩")) {
		return false
	}
	return strings.HasSuffix(s, "원") || strings.HasPrefix(s, "₩") || strings.HasSuffix(s, "won") ||
		strings.HasSuffix(s, "만") || strings.HasSuffix(s, "천") || strings.HasSuffix(s, "k")
}

// stampArgs is /program stamps read: the goal, the reward and its days.
type stampArgs struct {
	rules      ledger.StampRules
	badGoal    string
	badReward  string
	badDays    string
	off, empty bool
}

// parseStampRules reads the stamp card: "10 아메리카노 1잔", "10개 10%",
// "10 stamps free americano 30 days", or an off word. The goal comes
// first; the reward's validity may follow it in days ("30일"), by default
// ledger.DefaultCouponDays.
func parseStampRules(s string) stampArgs {
	s = strings.TrimSpace(foldFullWidth(s))
	if s == "" {
		return stampArgs{empty: true}
	}
	if isOffWord(s) {
		return stampArgs{off: true}
	}
	goalTok, rest := firstField(s)
	g := strings.ToLower(goalTok)
	for _, sfx := range []string{"개", "stamps", "stamp", "잔"} {
		g = strings.TrimSuffix(g, sfx)
	}
	if !isBareNumber(g) || atoi(g) < 1 {
		return stampArgs{badGoal: goalTok}
	}
	if w, r := firstField(rest); strings.EqualFold(w, "stamps") || w == "개" {
		rest = r
	}
	out := stampArgs{rules: ledger.StampRules{Goal: atoi(g)}}
	toks := strings.Fields(rest)
	if len(toks) == 0 {
		out.badReward = ""
		return out
	}
	if rest, d, ok := trailingDays(toks); ok {
		out.rules.RewardDays, toks = d, rest
	}
	b, ok := ParseBenefit(strings.Join(toks, " "))
	if !ok {
		out.badReward = strings.Join(toks, " ")
		return out
	}
	out.rules.Reward = b
	return out
}

// birthdayArgs is /program birthday read.
type birthdayArgs struct {
	benefit               ledger.BirthdayBenefit
	off                   bool
	badPoints, badCoupon  string
	badValidity, badWords string
}

// couponWords introduce the birthday coupon: "쿠폰 10% 30일".
var couponWords = []string{"쿠폰", "coupon"}

// parseBirthdayBenefit reads the birthday benefit: points ("2,000P",
// "2000 포인트"), a coupon ("쿠폰 10% 30일", "coupon 5,000원"), both
// ("2,000P + 쿠폰 10%") or an off word.
func parseBirthdayBenefit(s string) birthdayArgs {
	s = strings.TrimSpace(foldFullWidth(s))
	if isOffWord(s) {
		return birthdayArgs{off: true}
	}
	toks := strings.Fields(strings.ReplaceAll(s, "+", " "))
	var out birthdayArgs
	ci := -1
	for i, tok := range toks {
		if containsFold(couponWords, tok) {
			ci = i
			break
		}
	}
	pointToks := toks
	if ci >= 0 {
		pointToks = toks[:ci]
	}
	if len(pointToks) > 0 {
		p, ok := parsePoints(strings.Join(pointToks, ""))
		if !ok {
			out.badPoints = strings.Join(pointToks, " ")
			return out
		}
		out.benefit.Points = p
	}
	if ci >= 0 {
		rest := toks[ci+1:]
		if len(rest) == 0 {
			out.badCoupon = toks[ci]
			return out
		}
		if before, d, ok := trailingDays(rest); ok {
			out.benefit.CouponDays, rest = d, before
		}
		b, ok := ParseBenefit(strings.Join(rest, " "))
		if !ok {
			out.badCoupon = strings.Join(rest, " ")
			return out
		}
		out.benefit.Coupon = &b
	}
	if out.benefit.Points == 0 && out.benefit.Coupon == nil {
		out.badWords = s
	}
	return out
}

// trailingDays reads a coupon's validity ("30일", "30 days") from the last
// one or two of toks, leaving at least one word for the benefit before it,
// and returns those words with the days; ok is false when toks end in none.
func trailingDays(toks []string) (rest []string, days int, ok bool) {
	for k := min(2, len(toks)-1); k >= 1; k-- {
		if d, ok := parseDays(strings.Join(toks[len(toks)-k:], " ")); ok {
			return toks[:len(toks)-k], d, true
		}
	}
	return toks, 0, false
}
