package feedback

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Section is a titled block of lines of a rendered summary.
type Section struct {
	Title string
	Lines []string
}

// Render returns the summary's one-line headline and its sections in lang, for audience.
//
// Sections come most important first: activity, satisfaction, who needs
// care, points, topics. Each figure is shown with the week before and the
// average of the TrendWeeks weeks before, and an arrow with the change from
// the week before (▲ up, ▼ down, = unchanged as displayed). ForPublic
// readers get counts only: no customer or staff names, no comments.
func (s *Summary) Render(t Translator, lang string, audience Audience) (headline string, sections []Section) {
	p := printer{t: t, lang: lang, public: audience != ForStaff, current: s.Current(), avgWeeks: cmp.Or(s.AvgWeeks(), TrendWeeks), week: s.Days[0].Date}
	headline = p.text("summary.headline", map[string]any{
		"Week": s.Week.String(), "From": p.date(s.Days[0].Date), "To": p.date(s.Days[6].Date),
	})
	sections = []Section{
		{Title: p.text("summary.section.activity", nil), Lines: s.activityLines(p)},
		{Title: p.text("summary.section.satisfaction", nil), Lines: s.satisfactionLines(p)},
		{Title: p.text("summary.section.care", nil), Lines: append(s.careLines(p), s.outreachLines(p)...)}, // response.go
		{Title: p.text("summary.section.points", nil), Lines: s.pointsLines(p)},
		{Title: p.text("summary.section.topics", nil), Lines: s.topicLines(p)},
	}
	if sec, ok := s.loyaltySection(p); ok { // loyalty.go: after points
		sections = slices.Insert(sections, 4, sec)
	}
	return headline, sections
}

// Text renders the headline and sections as one plain message, for
// adapters that show text only.
func (s *Summary) Text(t Translator, lang string, audience Audience) string {
	headline, sections := s.Render(t, lang, audience)
	var b strings.Builder
	b.WriteString(headline)
	for _, sec := range sections {
		b.WriteString("\n\n")
		b.WriteString(sec.Title)
		for _, l := range sec.Lines {
			b.WriteString("\n")
			b.WriteString(l)
		}
	}
	return b.String()
}

// printer renders texts of one language for one audience.
type printer struct {
	t      Translator
	lang   string
	public bool
	// current: the week is the one now is in, "이번 주" and "지난주";
	// a past week is "이 주" and "전주".
	current bool
	// avgWeeks is how many weeks the averages cover (Summary.AvgWeeks),
	// TrendWeeks when none does (their averages then show "–").
	avgWeeks int
	// week is the summarised week's Monday, midnight in the shop's time
	// zone: the date its dates are shown near (dateText).
	week time.Time
}

func (p printer) text(id string, data any) string { return p.t.Text(p.lang, id, data) }

// date shows t, a time in the shop's time zone, as every line of the
// summary shows a date (dateText).
func (p printer) date(t time.Time) string { return dateText(p.t, p.lang, p.week, t) }

// yearlessMonths is how far from the summarised week a date may be and
// still be shown without its year: a reader takes "12/9" for the 9
// December nearest the week, so a date further away shows its year
// ("2025-12-09"). A regular's last visit a year back read as a day of the
// week summarised.
const yearlessMonths = 6

// dateText shows d in lang as a summary of the week starting at week
// shows it: "12/9" within yearlessMonths of the week, "2025-12-09" beyond.
func dateText(t Translator, lang string, week, d time.Time) string {
	if d.Before(week.AddDate(0, -yearlessMonths, 0)) || !d.Before(week.AddDate(0, yearlessMonths, 7)) {
		return t.Text(lang, "summary.date_year", map[string]any{
			"Year": d.Year(), "Month": fmt.Sprintf("%02d", int(d.Month())), "Day": fmt.Sprintf("%02d", d.Day()),
		})
	}
	return t.Text(lang, "summary.date", map[string]any{"Month": int(d.Month()), "Day": d.Day()})
}

// DateIn shows d (any time; it is read in loc) as the summary of week w
// shows its dates, for the parts of a summary made outside this package
// (dialog's questions and complaints): one rule for every date it prints.
func DateIn(t Translator, lang string, w Week, loc *time.Location, d time.Time) string {
	loc = zone(loc)
	return dateText(t, lang, w.Start(loc), d.In(loc))
}

// name shows a customer: their name, or a neutral placeholder for an erased
// or unknown one.
func (p printer) name(c CustomerRef) string {
	switch {
	case c.Erased:
		return p.text("summary.customer.erased", nil)
	case c.Name == "":
		return p.text("summary.customer.unknown", nil)
	}
	return c.Name
}

// kind says how a figure is displayed.
type kind int

const (
	count   kind = iota // 1,234; averages 1,234.5
	rating              // 4.3
	percent             // 85%; changes in percentage points, ▼4%p
	score               // +40
	points              // 1,234, averages too: points are whole
)

// decimals is how many decimals a figure of kind k shows; avg is true for
// the 8-week average of a count, which is rarely whole.
func (k kind) decimals(avg bool) int {
	if k == rating || k == count && avg {
		return 1
	}
	return 0
}

// format shows v as kind k with thousands separators.
func (k kind) format(v float64, avg bool) string {
	d := k.decimals(avg)
	s := formatNumber(v, d)
	if k == count && avg {
		s = strings.TrimSuffix(s, ".0")
	}
	switch k {
	case percent:
		s += "%"
	case score:
		if round(v, 0) > 0 {
			s = "+" + s
		}
	}
	return s
}

// opt is a figure that may be missing (no ratings, too few NPS answers).
type opt struct {
	v  float64
	ok bool
}

func some(v float64) opt           { return opt{v, true} }
func maybe(v float64, ok bool) opt { return opt{v, ok} }
func ints[T int | int64](v T) opt  { return opt{float64(v), true} }

// avgOf is the weekly average of v, a sum over the n weeks the average
// covers (Summary.AvgWeeks); none when no week does.
func avgOf[T int | int64](v T, n int) opt {
	if n <= 0 {
		return opt{}
	}
	return opt{float64(v) / float64(n), true}
}

// AvgWeeks is how many of the TrendWeeks weeks before the summarised one
// its averages cover: those since the first week with any figure, so a
// shop that started 3 weeks ago averages over 3 weeks, not 8 of which 5
// were before it had any data; 0 when none of them has any and the shop
// had no customer before them. A shop that had customers before averages
// over all TrendWeeks, quiet ones included: eight quiet weeks average 0,
// as seven quiet weeks after a busy one average near it, never "–".
func (s *Summary) AvgWeeks() int {
	if s.Earlier {
		return TrendWeeks
	}
	for i, f := range s.Past {
		if f != (Figures{}) {
			return TrendWeeks - i
		}
	}
	return 0
}
func (o opt) show(p printer, k kind, avg bool) string {
	if !o.ok {
		return p.text("summary.none", nil)
	}
	return k.format(o.v, avg)
}

// metric renders "방문 42 (지난주 38, 8주 평균 35.1) ▲4".
func (p printer) metric(label string, k kind, cur, prev, avg opt) string {
	return p.text("summary.metric", map[string]any{
		"Label": p.text(label, nil),
		"Value": cur.show(p, k, false),
		"Prev":  prev.show(p, k, false),
		"Avg":   avg.show(p, k, k == count),
		"Delta": p.delta(k, cur, prev),
		"This":  p.current,
		"Weeks": p.avgWeeks,
	})
}

// delta is the arrow and size of the change from prev to cur, compared as
// displayed so "4.3 (지난주 4.3)" never gets an arrow.
// A share's change is in percentage points, and says so (▼42%p): "▼42"
// beside "35%" read as 42 of something else.
func (p printer) delta(k kind, cur, prev opt) string {
	if !cur.ok || !prev.ok {
		return ""
	}
	d := k.decimals(false)
	diff := round(cur.v, d) - round(prev.v, d)
	unit := ""
	if k == percent {
		unit = p.text("summary.unit.pp", nil)
	}
	switch {
	case diff > 0:
		return " ▲" + formatNumber(diff, d) + unit
	case diff < 0:
		return " ▼" + formatNumber(-diff, d) + unit
	}
	return " ="
}

func (s *Summary) activityLines(p printer) []string {
	cur, prev, tot, n := s.This, s.Prev(), s.Total(), s.AvgWeeks()
	lines := []string{
		p.metric("summary.visits", count, ints(cur.Visits), ints(prev.Visits), avgOf(tot.Visits, n)),
		p.metric("summary.notes", count, ints(cur.Notes), ints(prev.Notes), avgOf(tot.Notes, n)),
		p.metric("summary.new_customers", count, ints(cur.NewCustomers), ints(prev.NewCustomers), avgOf(tot.NewCustomers, n)),
		p.metric("summary.returning", count, ints(cur.Returning), ints(prev.Returning), avgOf(tot.Returning, n)),
	}
	switch {
	case len(s.Staff) == 0:
	case p.public:
		lines = append(lines, p.text("summary.staff_count", map[string]any{"Count": formatInt(int64(len(s.Staff)))}))
	default:
		parts := make([]string, len(s.Staff))
		for i, sc := range s.Staff {
			parts[i] = p.text("summary.staff_item", map[string]any{"Name": sc.Name, "Count": formatInt(int64(sc.Notes))})
		}
		lines = append(lines, p.text("summary.staff", map[string]any{"List": strings.Join(parts, " · ")}))
	}
	return lines
}

func (s *Summary) satisfactionLines(p printer) []string {
	cur, prev, tot, n := s.This, s.Prev(), s.Total(), s.AvgWeeks()
	if cur.Feedback == 0 {
		return []string{p.text("summary.no_feedback", map[string]any{
			"Prev": formatInt(int64(prev.Feedback)), "Avg": avgOf(tot.Feedback, n).show(p, count, true), "HasAvg": n > 0, "This": p.current, "Weeks": p.avgWeeks,
		})}
	}
	lines := []string{
		p.metric("summary.rating", rating, maybe(cur.AvgRating()), maybe(prev.AvgRating()), maybe(tot.AvgRating())),
		p.metric("summary.feedback", count, ints(cur.Feedback), ints(prev.Feedback), avgOf(tot.Feedback, n)),
		p.metric("summary.csat", percent, maybe(cur.CSAT()), maybe(prev.CSAT()), maybe(tot.CSAT())),
	}
	if nps, ok := cur.NPS(); ok {
		lines = append(lines, p.metric("summary.nps", score, some(nps), maybe(prev.NPS()), maybe(tot.NPS()))+
			p.text("summary.nps_answers", map[string]any{"Count": formatInt(int64(cur.NPSAnswers))}))
	} else {
		lines = append(lines, p.text("summary.nps_few", map[string]any{
			"Count": formatInt(int64(cur.NPSAnswers)), "Min": MinNPSAnswers,
		}))
	}
	if cur.LowRatings == 0 {
		return append(lines, p.text("summary.low_none", nil))
	}
	lines = append(lines, p.text("summary.low", map[string]any{
		"Count": formatInt(int64(cur.LowRatings)), "Unanswered": formatInt(int64(cur.LowUnanswered)),
	}))
	if p.public {
		return lines
	}
	for _, l := range s.LowRatings {
		id := "summary.low_open"
		switch {
		case l.Erased:
			id = "summary.low_erased"
		case l.Reopened:
			id = "summary.low_reopened"
		case l.Answered() && l.Unreachable:
			id = "summary.low_seen" // anonymous: nobody to contact, only seen
		case l.Answered():
			id = "summary.low_answered"
		case l.ClaimedBy != "":
			id = "summary.low_claimed"
		}
		lines = append(lines, p.text(id, map[string]any{
			"Rating": l.Rating, "Name": p.name(l.Customer), "Date": p.date(l.At.In(s.Loc)),
			"Comment": clip(oneLine(l.Comment), 40),
		}))
	}
	return append(lines, p.more(cur.LowRatings, len(s.LowRatings))...)
}

// more returns the "and 3 more" line when a list was cut.
func (p printer) more(total, shown int) []string {
	if total <= shown {
		return nil
	}
	return []string{p.text("summary.more", map[string]any{"Count": formatInt(int64(total - shown))})}
}

func (s *Summary) careLines(p printer) []string {
	lines := []string{p.text("summary.followups", map[string]any{"Count": formatInt(int64(s.FollowUpCount)), "This": p.current})}
	if !p.public {
		for _, f := range s.FollowUps {
			lines = append(lines, p.text("summary.followup_item", map[string]any{
				"Date": p.date(f.Due.In(s.Loc)), "Name": p.name(f.Customer), "Staff": f.StaffName,
			}))
		}
		lines = append(lines, p.more(s.FollowUpCount, len(s.FollowUps))...)
	}
	if s.OverdueCount > 0 {
		lines = append(lines, p.text("summary.followups_overdue", map[string]any{"Count": formatInt(int64(s.OverdueCount))}))
		if !p.public {
			for _, f := range s.Overdue {
				lines = append(lines, p.text("summary.followup_item", map[string]any{
					"Date": p.date(f.Due.In(s.Loc)), "Name": p.name(f.Customer), "Staff": f.StaffName,
				}))
			}
			lines = append(lines, p.more(s.OverdueCount, len(s.Overdue))...)
		}
	}
	lines = append(lines, p.text("summary.birthdays", map[string]any{"Count": formatInt(int64(s.BirthdayCount)), "This": p.current}))
	if !p.public {
		for _, b := range s.Birthdays {
			lines = append(lines, p.text("summary.birthday_item", map[string]any{
				"Date": p.date(b.Date), "Name": p.name(b.Customer),
			}))
		}
		lines = append(lines, p.more(s.BirthdayCount, len(s.Birthdays))...)
	}
	lines = append(lines, p.text("summary.at_risk", map[string]any{"Count": formatInt(int64(s.AtRiskCount))}))
	if !p.public {
		for _, a := range s.AtRisk {
			lines = append(lines, p.text("summary.at_risk_item", map[string]any{
				"Name": p.name(a.Customer), "Visits": formatInt(int64(a.Visits)), "Last": p.date(a.Last.In(s.Loc)),
				"Every": formatInt(int64(math.Round(a.Interval.Hours() / 24))),
			}))
		}
		lines = append(lines, p.more(s.AtRiskCount, len(s.AtRisk))...)
	}
	return lines
}

func (s *Summary) pointsLines(p printer) []string {
	cur, prev, tot, n := s.This, s.Prev(), s.Total(), s.AvgWeeks()
	lines := []string{
		p.metric("summary.points_earned", points, ints(cur.PointsEarned), ints(prev.PointsEarned), avgOf(tot.PointsEarned, n)),
	}
	if cur.PointsGiven > 0 || tot.PointsGiven > 0 {
		// Only for a shop that gave points outside purchases in the
		// window: the others' summary stays as short as it was.
		lines = append(lines, p.metric("summary.points_given", points, ints(cur.PointsGiven), ints(prev.PointsGiven), avgOf(tot.PointsGiven, n)))
	}
	return append(lines,
		p.metric("summary.points_redeemed", points, ints(cur.PointsRedeemed), ints(prev.PointsRedeemed), avgOf(tot.PointsRedeemed, n)),
		p.metric("summary.redeemers", count, ints(cur.Redeemers), ints(prev.Redeemers), avgOf(tot.Redeemers, n)),
	)
}

func (s *Summary) topicLines(p printer) []string {
	list := func(ts []Topic) string {
		if len(ts) == 0 {
			return p.text("summary.none", nil)
		}
		parts := make([]string, len(ts))
		for i, t := range ts {
			parts[i] = t.Word + " " + formatInt(int64(t.Count))
		}
		return strings.Join(parts, " · ")
	}
	return []string{
		p.text("summary.tags", map[string]any{"List": list(s.Tags)}),
		p.text("summary.words", map[string]any{"List": list(s.Words)}),
	}
}

// round rounds v to d decimals, halves away from zero.
func round(v float64, d int) float64 {
	m := math.Pow10(d)
	return math.Round(v*m) / m
}

// formatNumber shows v with d decimals and a comma every three digits.
func formatNumber(v float64, d int) string {
	v = round(v, d)
	if v == 0 {
		v = 0 // no "-0"
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', d, 64)
	whole, frac, _ := strings.Cut(s, ".")
	out := groupThousands(whole)
	if frac != "" {
		out += "." + frac
	}
	if v < 0 {
		out = "-" + out
	}
	return out
}

// formatInt shows n with a comma every three digits.
func formatInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + groupThousands(s[1:])
	}
	return groupThousands(s)
}

func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// oneLine folds a comment's line breaks and runs of spaces into one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip cuts s to at most n runes, marking a cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
