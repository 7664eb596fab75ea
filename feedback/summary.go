package feedback

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"time"

	"github.com/dangol/dangol/ledger"
)

// Reader is the part of the ledger feedback needs.
type Reader interface {
	View(ctx context.Context, fn func(*ledger.Tx) error) error
}

// Translator renders a localised message (a *locales.Catalog satisfies it).
type Translator interface {
	Text(lang, id string, data any) string
}

// Audience says who will read a summary: staff see names, anyone else counts only.
type Audience int

// Audiences.
const (
	ForStaff Audience = iota
	ForPublic
)

const (
	// MinNPSAnswers is the fewest NPS answers a week needs before its NPS is
	// shown: below it one answer swings the score by 20 points or more.
	MinNPSAnswers = 5
	// TrendWeeks is how many weeks before the summarised one its averages cover.
	TrendWeeks = 8
	// TopicCount is how many tags and words a summary keeps.
	TopicCount = 5
	// DefaultLimit is how many customers each list names when Options.Limit is 0.
	DefaultLimit = 10
	// OverdueWindow is how far back before today the current week's care
	// list looks for follow-ups overdue and not done: as far as /followups
	// and the morning DMs look (dialog's followUpWindow is this).
	OverdueWindow = 30 * 24 * time.Hour
)

// Options configure Weekly.
type Options struct {
	Loc *time.Location // the shop's time zone; nil means UTC
	// Now is "today", for follow-ups due and, in the current week, regulars
	// at risk (a past week judges them at its end: Summary.AtRiskAt); zero
	// means the end of the week.
	Now time.Time
	// Limit caps how many entries each list of a summary holds (low ratings,
	// follow-ups, birthdays, regulars at risk); the counts are always whole.
	// 0 means DefaultLimit.
	Limit int
}

// Figures are one week's countable numbers. Rates are derived by methods, so
// figures of several weeks can be added up and the rates of the sum are the
// pooled rates of those weeks.
type Figures struct {
	Notes          int   // consultation notes (consults)
	NewCustomers   int   // customers created in the week
	Returning      int   // distinct customers with a visit (a note, an earn or stamps), created before the week
	Visits         int   // distinct customer-days with a note, an earn or stamps (ledger.RecordVisit's visit)
	PointsEarned   int64 // sum of earn entries
	PointsRedeemed int64 // sum of redeem entries, as a positive number
	// PointsGiven is the sum of the positive adjustments that correct
	// nothing: what the shop gave outside a purchase (a campaign's, a
	// birthday's, a win-back's, a complaint's, a manager's, an import's
	// balances). Without it the points lines could not be squared with
	// the balances.
	PointsGiven int64
	Redeemers   int // distinct customers who redeemed
	Feedback    int // feedback entries
	Ratings     int // feedback entries with a 1–5 rating
	RatingSum   int
	Satisfied   int // ratings of 4 or 5
	NPSAnswers  int
	Promoters   int // NPS 9–10
	Detractors  int // NPS 0–6
	LowRatings  int // ratings of 1 or 2
	// LowUnanswered is the low ratings not resolved: nobody answered yet,
	// or their complaint was reopened by the customer writing again.
	LowUnanswered int
}

// AvgRating returns the average rating; ok is false when there was none.
func (f Figures) AvgRating() (avg float64, ok bool) {
	if f.Ratings == 0 {
		return 0, false
	}
	return float64(f.RatingSum) / float64(f.Ratings), true
}

// CSAT returns the share of ratings of 4 or 5, in percent; ok is false when
// there was no rating.
func (f Figures) CSAT() (pct float64, ok bool) {
	if f.Ratings == 0 {
		return 0, false
	}
	return 100 * float64(f.Satisfied) / float64(f.Ratings), true
}

// NPS returns promoters minus detractors as a percentage of NPS answers, from
// -100 to 100; ok is false below MinNPSAnswers answers.
func (f Figures) NPS() (score float64, ok bool) {
	if f.NPSAnswers < MinNPSAnswers {
		return 0, false
	}
	return 100 * float64(f.Promoters-f.Detractors) / float64(f.NPSAnswers), true
}

// add returns the field-by-field sum of f and g.
func (f Figures) add(g Figures) Figures {
	return Figures{
		Notes: f.Notes + g.Notes, NewCustomers: f.NewCustomers + g.NewCustomers,
		Returning: f.Returning + g.Returning, Visits: f.Visits + g.Visits,
		PointsEarned: f.PointsEarned + g.PointsEarned, PointsRedeemed: f.PointsRedeemed + g.PointsRedeemed,
		PointsGiven: f.PointsGiven + g.PointsGiven,
		Redeemers:   f.Redeemers + g.Redeemers, Feedback: f.Feedback + g.Feedback,
		Ratings: f.Ratings + g.Ratings, RatingSum: f.RatingSum + g.RatingSum,
		Satisfied: f.Satisfied + g.Satisfied, NPSAnswers: f.NPSAnswers + g.NPSAnswers,
		Promoters: f.Promoters + g.Promoters, Detractors: f.Detractors + g.Detractors,
		LowRatings: f.LowRatings + g.LowRatings, LowUnanswered: f.LowUnanswered + g.LowUnanswered,
	}
}

// CustomerRef names a customer in a list. Name is empty when the customer
// was erased (Erased is then true) or is unknown: an erased customer is
// counted but never named.
type CustomerRef struct {
	ID     string
	Name   string
	Erased bool
}

// StaffCount is how many notes one staff member recorded in the week.
type StaffCount struct {
	ID    string // Actor.ID() of the author
	Name  string // the name on their latest note of the week
	Notes int
}

// Day is one day of the summarised week.
type Day struct {
	Date      time.Time // midnight, in the shop's time zone
	Visits    int
	Ratings   int
	RatingSum int
}

// AvgRating returns the day's average rating; ok is false when there was none.
func (d Day) AvgRating() (avg float64, ok bool) {
	if d.Ratings == 0 {
		return 0, false
	}
	return float64(d.RatingSum) / float64(d.Ratings), true
}

// LowRating is a feedback rated 1 or 2.
type LowRating struct {
	FeedbackID string
	Customer   CustomerRef
	At         time.Time
	Rating     int
	Comment    string
	AnsweredBy string // Actor.ID() of who took care of it; empty if nobody yet
	AnsweredAt time.Time
	// ClaimedBy is who said they would contact the customer about its
	// complaint, still open (Actor.ID()); empty when nobody did, or when
	// it is answered.
	ClaimedBy string
	// Reopened is a resolved rating whose complaint the customer opened
	// again with a new message: resolved once, being handled again.
	Reopened bool
	// Unreachable is a rating nobody can be answered about: no customer,
	// no complaint thread (its sender declined consent). Taking it on only
	// means it was seen.
	Unreachable bool
	// Erased is a rating whose complaint closed with the customer's
	// erasure (ledger.ThreadClosedByErasure) before anyone answered it:
	// nobody is left to answer, so it waits on no one, neither 미해결 nor
	// 해결.
	Erased bool
}

// Current reports whether the summary's week is the one Now falls in.
func (s *Summary) Current() bool {
	return !s.Now.Before(s.From) && s.Now.Before(s.To)
}

// Answered reports whether someone took care of the low rating.
func (l LowRating) Answered() bool { return l.AnsweredBy != "" }

// Unresolved reports whether the low rating still waits on the shop:
// nobody answered it, or the customer reopened its complaint since. The
// figures' LowUnanswered counts these.
func (l LowRating) Unresolved() bool { return !l.Erased && (!l.Answered() || l.Reopened) }

// FollowUp is a note whose follow-up falls due in the week and is not done.
type FollowUp struct {
	NoteID    string
	Customer  CustomerRef
	Due       time.Time
	StaffID   string
	StaffName string
}

// Birthday is a consenting customer whose birthday falls in the week.
type Birthday struct {
	Customer CustomerRef
	Date     time.Time // this year's birthday, midnight in the shop's time zone
}

// AtRisk is a regular who has stayed away for more than twice their usual
// interval between visits.
type AtRisk struct {
	Customer CustomerRef
	Visits   int
	First    time.Time
	Last     time.Time
	Interval time.Duration // average time between two visits
	Away     time.Duration // Now minus Last
}

// Topic is a note tag or a feedback word and how often it came up.
type Topic struct {
	Word  string
	Count int
}

// Summary is one week in numbers, with the week before and the 8-week average.
type Summary struct {
	Week Week
	Loc  *time.Location
	From time.Time // Monday 00:00
	To   time.Time // the next Monday 00:00
	Now  time.Time // the moment follow-ups are judged at; regulars at risk at AtRiskAt

	This Figures
	// Past holds the TrendWeeks weeks before Week, oldest first: Past[7] is
	// the week before.
	Past [TrendWeeks]Figures
	// Earlier says the shop had customers before the Past weeks: its
	// averages cover all of them, quiet or not (AvgWeeks).
	Earlier bool

	Staff []StaffCount // notes per staff member, most first
	Days  [7]Day       // Monday first

	// LowRatings lists ratings of 1–2, unanswered first, then the lowest,
	// then the oldest; at most Options.Limit. This.LowRatings counts them all.
	LowRatings []LowRating

	Tags  []Topic // most frequent note tags, at most TopicCount
	Words []Topic // most frequent words of feedback comments, at most TopicCount

	FollowUps     []FollowUp // not done, due in the week, earliest first; at most Options.Limit
	FollowUpCount int
	// Overdue lists, in the current week only, the follow-ups due before
	// it (back to OverdueWindow before today) and still not done, earliest
	// first; at most Options.Limit. Without it one missed in its own week
	// left every later summary: the morning DM nags, the Monday post said 0.
	Overdue       []FollowUp
	OverdueCount  int
	Birthdays     []Birthday // in date order; at most Options.Limit
	BirthdayCount int
	// AtRisk lists regulars at risk, the most visits first; at most
	// Options.Limit. AtRiskCount counts them all. Neither holds an erased
	// customer: nobody is left to win back (as with follow-ups).
	AtRisk      []AtRisk
	AtRiskCount int

	// Loyalty is the week's loyalty programme in numbers (loyalty.go).
	Loyalty LoyaltyWeek

	// Outreach is what came back from the messages the shop started in
	// the week, care messages and campaigns (response.go).
	Outreach ledger.ResponseFigures
}

// Prev returns the figures of the week before.
func (s *Summary) Prev() Figures { return s.Past[TrendWeeks-1] }

// Total returns the figures of the TrendWeeks weeks before, added up; its
// rates are the pooled rates of those weeks.
func (s *Summary) Total() Figures {
	var t Figures
	for _, f := range s.Past {
		t = t.add(f)
	}
	return t
}

// Weekly computes the summary of week w with range scans over the ledger:
// notes, points, feedback and new customers from the start of the eighth week
// before w to the end of w, follow-ups and birthdays of w, and every
// customer's compact visit stats. All reads happen in one transaction.
func Weekly(ctx context.Context, r Reader, w Week, opts Options) (*Summary, error) {
	if !w.Valid() {
		return nil, fmt.Errorf("feedback: weekly %s: %w", w, ErrBadWeek)
	}
	loc := zone(opts.Loc)
	s := &Summary{Week: w, Loc: loc, From: w.Start(loc), To: w.End(loc), Now: opts.Now}
	if s.Now.IsZero() {
		s.Now = s.To
	}
	limit := opts.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	err := r.View(ctx, func(tx *ledger.Tx) error {
		b := newBuilder(ctx, s, limit)
		steps := []func(*ledger.Tx) error{
			b.scanNotes, b.scanPoints, b.scanStamps, b.scanFeedback, b.scanNewCustomers, b.scanEarlier,
			b.scanFollowUps, b.scanBirthdays, b.scanVisitStats, b.scanLoyalty, b.scanOutreach, b.finish,
		}
		for _, step := range steps {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := step(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("feedback: weekly %s: %w", w, err)
	}
	return s, nil
}

// FollowUps returns the notes whose follow-up date is in [from, to) and not
// done, for staffID ("" for everyone), earliest first. It is what a staff
// member's morning DM of follow-ups due is made of.
func FollowUps(ctx context.Context, r Reader, staffID string, from, to time.Time) ([]ledger.Note, error) {
	var out []ledger.Note
	err := r.View(ctx, func(tx *ledger.Tx) error {
		return tx.ScanFollowUps(from, to, func(n ledger.Note) error {
			if !n.FollowUpDone && (staffID == "" || n.StaffID == staffID) {
				out = append(out, n)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("feedback: follow-ups: %w", err)
	}
	slices.SortStableFunc(out, func(a, b ledger.Note) int {
		return cmp.Or(a.FollowUp.Compare(b.FollowUp), a.At.Compare(b.At))
	})
	return out, nil
}

// windowDays is how many days the scans cover: the summarised week and the
// TrendWeeks weeks before it.
const windowDays = 7 * (TrendWeeks + 1)

// The window's days must fit the bits of a uint64 (builder.visits).
var _ [64 - windowDays]struct{}

// weekKey is a customer (custKey) in a week of the window.
type weekKey struct {
	cust uint64
	week int32
}

// builder accumulates a summary while the scans run.
type builder struct {
	ctx   context.Context
	s     *Summary
	limit int
	// bounds[i] is the unix nanos of local midnight starting day i of the
	// window; bounds[windowDays] ends it. Found by binary search, they make
	// "which day" cheap and right across daylight saving changes.
	bounds [windowDays + 1]int64
	weeks  [TrendWeeks + 1]Figures

	// visits has a bit per day of the window for each customer who came:
	// 63 days fit in a uint64, and one map entry per customer is far cheaper
	// than one per customer-day. Customers are keyed by custKey, a number:
	// cheaper to hash than their ids, for every note and earn of 9 weeks.
	visits    map[uint64]uint64
	redeemers map[weekKey]struct{}
	created   map[uint64]int32  // customer -> week of the window they were created in
	others    map[string]uint64 // custKey of ids not of the form C<n>
	staff     map[string]*StaffCount
	tags      map[string]*tagCount // by normalizeTag's key
	words     map[string]int

	low      topN[LowRating]
	followUp topN[FollowUp]
	overdue  topN[FollowUp]
	birthday topN[Birthday]
	atRisk   topN[AtRisk]
	n        int // records seen, to check ctx now and then
}

func newBuilder(ctx context.Context, s *Summary, limit int) *builder {
	b := &builder{
		ctx: ctx, s: s, limit: limit,
		visits:    map[uint64]uint64{},
		redeemers: map[weekKey]struct{}{},
		created:   map[uint64]int32{},
		others:    map[string]uint64{},
		staff:     map[string]*StaffCount{},
		tags:      map[string]*tagCount{},
		words:     map[string]int{},
	}
	first := s.Week.Add(-TrendWeeks)
	y, m, d := first.monday()
	for i := range b.bounds {
		b.bounds[i] = time.Date(y, m, d+i, 0, 0, 0, 0, s.Loc).UnixNano()
	}
	for i := range s.Days {
		s.Days[i].Date = time.Date(y, m, d+TrendWeeks*7+i, 0, 0, 0, 0, s.Loc)
	}
	b.low = topN[LowRating]{n: limit, less: func(a, c LowRating) bool {
		if a.Unresolved() != c.Unresolved() {
			return a.Unresolved()
		}
		if a.Rating != c.Rating {
			return a.Rating < c.Rating
		}
		return a.At.Before(c.At)
	}}
	b.followUp = topN[FollowUp]{n: limit, less: func(a, c FollowUp) bool {
		return a.Due.Before(c.Due)
	}}
	b.overdue = topN[FollowUp]{n: limit, less: b.followUp.less}
	b.birthday = topN[Birthday]{n: limit, less: func(a, c Birthday) bool {
		if !a.Date.Equal(c.Date) {
			return a.Date.Before(c.Date)
		}
		return a.Customer.Name < c.Customer.Name
	}}
	b.atRisk = topN[AtRisk]{n: limit, less: func(a, c AtRisk) bool {
		if a.Visits != c.Visits {
			return a.Visits > c.Visits
		}
		return a.Last.Before(c.Last)
	}}
	return b
}

func (b *builder) windowStart() time.Time { return time.Unix(0, b.bounds[0]) }
func (b *builder) windowEnd() time.Time   { return time.Unix(0, b.bounds[windowDays]) }

// day returns the window's day index of t, or -1 outside the window.
func (b *builder) day(t time.Time) int {
	n := t.UnixNano()
	if n < b.bounds[0] || n >= b.bounds[windowDays] {
		return -1
	}
	return sort.Search(windowDays, func(i int) bool { return b.bounds[i+1] > n })
}

// tick checks the context every few thousand records, so a cancelled
// request stops a long scan.
func (b *builder) tick() error {
	b.n++
	if b.n&4095 == 0 {
		return b.ctx.Err()
	}
	return nil
}

const thisWeek = TrendWeeks // index of the summarised week in builder.weeks

func (b *builder) scanNotes(tx *ledger.Tx) error {
	// Counts only: the notes' sealed text is never opened.
	return tx.ScanNotesClear(b.windowStart(), b.windowEnd(), func(n ledger.Note) error {
		d := b.day(n.At)
		if d < 0 {
			return b.tick()
		}
		wk := d / 7
		b.weeks[wk].Notes++
		b.visit(n.CustomerID, d)
		if wk == thisWeek {
			sc := b.staff[n.StaffID]
			if sc == nil {
				sc = &StaffCount{ID: n.StaffID}
				b.staff[n.StaffID] = sc
			}
			sc.Notes++
			if n.StaffName != "" {
				sc.Name = n.StaffName
			}
			for _, t := range n.Tags {
				if k := ledger.NormalizeTag(t); k != "" { // the ledger's one rule of a tag's key
					tc := b.tags[k]
					if tc == nil {
						tc = &tagCount{}
						b.tags[k] = tc
					}
					tc.n++
					tc.spelt = t // notes come in time order: the latest spelling
				}
			}
		}
		return b.tick()
	})
}

// tagCount is how many of the week's notes carry a tag, and the spelling
// the latest of them gave it ("VIP" where older notes have "vip"), which
// the summary shows: each note keeps the spelling it was written with, and
// the latest is the shop's current choice.
type tagCount struct {
	n     int
	spelt string
}

// topTags is top of the tags' counts, each named by its spelling.
func topTags(tags map[string]*tagCount, n int) []Topic {
	counts := make(map[string]int, len(tags))
	for _, tc := range tags {
		counts[tc.spelt] = tc.n // one key, one spelling: no two collide
	}
	return top(counts, n)
}

// visit records that customer id came on day d of the window.
func (b *builder) visit(id string, d int) {
	if id == "" {
		return
	}
	b.visits[b.custKey(id)] |= 1 << d
}

// custKey is the number of customer id in the builder's maps: n for "Cn",
// the ledger's form of every id; any other id gets a number of its own,
// above those.
func (b *builder) custKey(id string) uint64 {
	if n, ok := custNumber(id); ok {
		return n
	}
	n, ok := b.others[id]
	if !ok {
		n = 1<<63 | uint64(len(b.others))
		b.others[id] = n
	}
	return n
}

// custNumber reads a customer id of the form "C" and a number without
// leading zeros, below 1<<63.
func custNumber(id string) (uint64, bool) {
	if len(id) < 2 || len(id) > 20 || id[0] != 'C' || id[1] == '0' {
		return 0, false
	}
	var n uint64
	for i := 1; i < len(id); i++ {
		c := id[i]
		if c < '0' || c > '9' || n > (1<<63-1-uint64(c-'0'))/10 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// scanStamps counts stamps as visits, as ledger.RecordVisit does for the
// tier, the card and /mydata: a customer who only got a stamp came in, and
// the week's 방문 left them out while the tier counted them. A stamp taken
// back counts as never given, as a reversed earn does; stamps carried over
// by an import were no visit that day.
func (b *builder) scanStamps(tx *ledger.Tx) error {
	return tx.ScanStamps(b.windowStart(), b.windowEnd(), func(e ledger.StampEntry) error {
		if d := b.day(e.At); d >= 0 && e.N > 0 && e.ReversedBy == "" && !e.Imported {
			b.visit(e.CustomerID, d)
		}
		return b.tick()
	})
}

func (b *builder) scanPoints(tx *ledger.Tx) error {
	// Counts only: who gave the points and why stay sealed.
	return tx.ScanPointsClear(b.windowStart(), b.windowEnd(), func(e ledger.PointsEntry) error {
		d := b.day(e.At)
		if d < 0 {
			return b.tick()
		}
		if e.ReversedBy != "" {
			// A reversed entry counts as if it had never been made, and
			// its correction (an adjust) is neither earning nor
			// redemption; of an earn corrected in part, what was spent
			// before the correction stays earned (and a visit).
			taken, partial, err := tx.PartialCorrection(e)
			if err != nil {
				return err
			}
			if !partial {
				return b.tick()
			}
			e.Points -= taken
		}
		wk := d / 7
		switch e.Kind {
		case ledger.PointsEarn:
			b.weeks[wk].PointsEarned += e.Points
			b.visit(e.CustomerID, d)
		case ledger.PointsRedeem:
			b.weeks[wk].PointsRedeemed -= e.Points
			if e.CustomerID != "" {
				b.redeemers[weekKey{b.custKey(e.CustomerID), int32(wk)}] = struct{}{}
			}
		case ledger.PointsAdjust:
			if e.Reverses == "" && e.Points > 0 {
				b.weeks[wk].PointsGiven += e.Points
			}
		}
		return b.tick()
	})
}

// ReplaceWindow is how soon a customer's next rating takes the place of
// their last one in the figures: a customer who rated 5, 2, 4 and 3 within
// a minute changed their mind three times, and all four were averaged.
// Two ratings hours apart (a complaint, then another after its answer)
// both count.
const ReplaceWindow = time.Hour

func (b *builder) scanFeedback(tx *ledger.Tx) error {
	// As a review site keeps a customer's review, edited, rather than a
	// second one, a rating within ReplaceWindow of the same customer's
	// last replaces it in every figure, the low ratings and the topics
	// (the customer is told so when they rate: dialog's saveFeedback). A
	// first pass over the clear part finds the replaced ones; an anonymous
	// or unlinked sender's ratings, with no customer to match, all count.
	type rated struct {
		id string
		at int64 // Unix nanoseconds: a whole Feedback per customer was most of the summary's heap
	}
	replaced := map[string]bool{}
	last := map[string]rated{}
	err := tx.ScanFeedbackClear(b.windowStart(), b.windowEnd(), func(f ledger.Feedback) error {
		if f.CustomerID == "" {
			return b.tick()
		}
		at := f.At.UnixNano()
		if g, ok := last[f.CustomerID]; ok && time.Duration(at-g.at) < ReplaceWindow { // in time order
			replaced[g.id] = true
		}
		last[f.CustomerID] = rated{f.ID, at}
		return b.tick()
	})
	if err != nil {
		return err
	}
	// Comments (sealed) are read for this week only, where topics and low
	// ratings quote them; the weeks before are counted from the clear part.
	thisWeekStart := time.Unix(0, b.bounds[thisWeek*7])
	count := func(f ledger.Feedback) error {
		if replaced[f.ID] {
			return b.tick() // the customer rated again soon after
		}
		return b.countFeedback(tx, f)
	}
	if err := tx.ScanFeedbackClear(b.windowStart(), thisWeekStart, count); err != nil {
		return err
	}
	return tx.ScanFeedback(thisWeekStart, b.windowEnd(), count)
}

// complaintOf reads what became of the low rating f's complaint: again,
// when f was answered and its complaint is open again (the customer wrote
// after it was resolved, so it counts as 미해결 until closed again, as
// /inbox lists it); erased, when f was not answered and its complaint
// closed with the customer's erasure (LowRating.Erased).
func complaintOf(tx *ledger.Tx, f ledger.Feedback) (again, erased bool, err error) {
	th, ok, err := tx.ThreadOfFeedback(f.ID)
	if err != nil || !ok {
		return false, false, err
	}
	if f.AnsweredBy != "" {
		return th.State != ledger.ThreadClosed, false, nil
	}
	return false, th.State == ledger.ThreadClosed && th.ClosedBy == ledger.ThreadClosedByErasure, nil
}

// countFeedback adds one feedback to the figures.
func (b *builder) countFeedback(tx *ledger.Tx, f ledger.Feedback) error {
	d := b.day(f.At)
	if d < 0 {
		return b.tick()
	}
	wk := d / 7
	fig := &b.weeks[wk]
	fig.Feedback++
	if f.Rating >= 1 && f.Rating <= 5 {
		fig.Ratings++
		fig.RatingSum += f.Rating
		if f.Rating >= 4 {
			fig.Satisfied++
		}
		if f.Rating <= 2 {
			fig.LowRatings++
			again, erased, err := complaintOf(tx, f)
			if err != nil {
				return fmt.Errorf("complaint of a low rating: %w", err)
			}
			l := LowRating{
				FeedbackID: f.ID, Customer: CustomerRef{ID: f.CustomerID}, At: f.At,
				Rating: f.Rating, Comment: f.Comment, AnsweredBy: f.AnsweredBy, AnsweredAt: f.AnsweredAt,
				Reopened: again, Erased: erased,
			}
			if l.Unresolved() {
				fig.LowUnanswered++
			}
			if wk == thisWeek {
				b.low.push(l)
			}
		}
	}
	if f.NPS >= 0 && f.NPS <= 10 {
		fig.NPSAnswers++
		switch {
		case f.NPS >= 9:
			fig.Promoters++
		case f.NPS <= 6:
			fig.Detractors++
		}
	}
	if wk == thisWeek {
		if f.Rating >= 1 && f.Rating <= 5 {
			day := &b.s.Days[d%7]
			day.Ratings++
			day.RatingSum += f.Rating
		}
		for _, w := range Words(f.Comment) {
			b.words[w]++
		}
	}
	return b.tick()
}

func (b *builder) scanNewCustomers(tx *ledger.Tx) error {
	// Counts only: names and phones stay sealed.
	return tx.ScanNewCustomersClear(b.windowStart(), b.windowEnd(), func(c ledger.Customer) error {
		if d := b.day(c.CreatedAt); d >= 0 {
			b.weeks[d/7].NewCustomers++
			b.created[b.custKey(c.ID)] = int32(d / 7)
		}
		return b.tick()
	})
}

// errFound stops a scan at its first record.
var errFound = errors.New("found")

// scanEarlier sets Summary.Earlier: whether any customer was created
// before the trend weeks began, so the shop ran through all of them.
func (b *builder) scanEarlier(tx *ledger.Tx) error {
	err := tx.ScanNewCustomersClear(time.Unix(0, 0), b.windowStart(), func(ledger.Customer) error { return errFound })
	switch {
	case errors.Is(err, errFound):
		b.s.Earlier = true
	case err != nil:
		return fmt.Errorf("customers before the trend weeks: %w", err)
	}
	return nil
}

// scanFollowUps lists the week's follow-ups not done, but none of an
// erased customer: nobody is left to call back, and /followups and the
// morning DMs leave them out too (the care list is a to-do list, not a
// count that past summaries must keep). In the current week it lists the
// overdue ones too, due before the week back to OverdueWindow before today.
func (b *builder) scanFollowUps(tx *ledger.Tx) error {
	erased := map[string]bool{}
	scan := func(from, to time.Time, count *int, list *topN[FollowUp]) error {
		return tx.ScanFollowUps(from, to, func(n ledger.Note) error {
			if n.FollowUpDone {
				return nil
			}
			gone, seen := erased[n.CustomerID]
			if !seen {
				c, err := tx.Customer(n.CustomerID)
				switch {
				case errors.Is(err, ledger.ErrCustomerNotFound):
					gone = true
				case err != nil:
					return fmt.Errorf("look up customer %s: %w", n.CustomerID, err)
				default:
					gone = c.Erased
				}
				erased[n.CustomerID] = gone
			}
			if gone {
				return b.tick()
			}
			*count++
			list.push(FollowUp{
				NoteID: n.ID, Customer: CustomerRef{ID: n.CustomerID}, Due: n.FollowUp,
				StaffID: n.StaffID, StaffName: n.StaffName,
			})
			return b.tick()
		})
	}
	if err := scan(b.s.From, b.s.To, &b.s.FollowUpCount, &b.followUp); err != nil {
		return err
	}
	if !b.s.Current() {
		return nil
	}
	y, m, d := b.s.Now.In(b.s.Loc).Date()
	since := time.Date(y, m, d, 0, 0, 0, 0, b.s.Loc).Add(-OverdueWindow)
	if !since.Before(b.s.From) {
		return nil
	}
	return scan(since, b.s.From, &b.s.OverdueCount, &b.overdue)
}

func (b *builder) scanBirthdays(tx *ledger.Tx) error {
	add := func(c ledger.Customer) error {
		if c.Erased {
			return nil
		}
		b.s.BirthdayCount++
		b.birthday.push(Birthday{
			Customer: CustomerRef{ID: c.ID, Name: c.Name},
			Date:     b.birthdayIn(c.Birthday),
		})
		return nil
	}
	// Birthdays ignore the year, so a week spanning New Year is asked as two
	// ranges that each stay within one calendar year.
	from, to := b.s.From, b.s.To
	if newYear := time.Date(to.Year(), time.January, 1, 0, 0, 0, 0, b.s.Loc); newYear.After(from) && newYear.Before(to) {
		if err := tx.ScanBirthdays(from, newYear, add); err != nil {
			return err
		}
		from = newYear
	}
	return tx.ScanBirthdays(from, to, add)
}

// birthdayIn returns the day of the summarised week matching birthday's
// month and day (a 29 February birthday falls on 1 March in other years).
func (b *builder) birthdayIn(birthday time.Time) time.Time {
	for _, y := range []int{b.s.From.Year(), b.s.To.Year()} {
		d := time.Date(y, birthday.Month(), birthday.Day(), 0, 0, 0, 0, b.s.Loc)
		if !d.Before(b.s.From) && d.Before(b.s.To) {
			return d
		}
	}
	return b.s.From
}

// AtRiskAt is the moment the summary judges its regulars at risk at: Now
// in the current week, the week's end for a past one, so the Monday post
// and a /summary of the same week asked later name the same customers.
func (s *Summary) AtRiskAt() time.Time {
	if s.Now.After(s.To) {
		return s.To
	}
	return s.Now
}

// scanVisitStats counts the regulars at risk at AtRiskAt. The visit stats
// are today's: a customer who came after a past week's end has them
// rebuilt as of its end (visitsBefore), so her return does not take her
// off that week's list, nor a visit since put her on it. Erased customers
// are left out, as /customers leaves them out of its 뜸한 단골: the list
// is of people to win back, and their figures keep their visits.
func (b *builder) scanVisitStats(tx *ledger.Tx) error {
	at := b.s.AtRiskAt()
	var later map[string]ledger.VisitStats
	judge := func(v ledger.VisitStats) {
		if atRisk(v, at) {
			b.s.AtRiskCount++
			span := v.Last.Sub(v.First)
			b.atRisk.push(AtRisk{
				Customer: CustomerRef{ID: v.CustomerID}, Visits: v.Visits, First: v.First, Last: v.Last,
				Interval: span / time.Duration(v.Visits-1), Away: at.Sub(v.Last),
			})
		}
	}
	err := tx.ScanLiveVisitStats(func(v ledger.VisitStats) error {
		switch {
		case !v.First.Before(at):
			// Not a customer yet at the week's end.
		case !v.Last.Before(at):
			// Came since (the Monday post's visit before it is sent, too).
			if later == nil {
				later = map[string]ledger.VisitStats{}
			}
			later[v.CustomerID] = v
		default:
			judge(v)
		}
		return b.tick()
	})
	if err != nil || len(later) == 0 {
		return err
	}
	rebuilt, err := b.visitsBefore(tx, later, at)
	if err != nil {
		return err
	}
	for _, v := range rebuilt {
		judge(v)
	}
	return nil
}

// visitHistory is what visitsBefore learns of one customer's visits.
type visitHistory struct {
	last    time.Time        // the first record of the latest day before the moment
	lastDay int              // that day, as dayNumber
	after   map[int]struct{} // days with a visit at or after the moment
}

// dayNumber is t's calendar day in loc as one comparable number.
func dayNumber(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return y*10000 + int(m)*100 + d
}

// visitsBefore rebuilds the visit stats of the customers in stats (today's)
// as they were just before at: the visits counted since (a note, an earn
// or stamps, one a day, as ledger.RecordVisit counts them) taken off, and
// the last visit the first record of the latest day before at. It scans the
// clear records from the start of the window to the latest visit, and, for a customer
// with no visit in the window before at, from their first visit to the
// window's start. A customer whose visits before at were all imported
// (no record to date them) keeps only their first visit, so is not judged.
func (b *builder) visitsBefore(tx *ledger.Tx, stats map[string]ledger.VisitStats, at time.Time) ([]ledger.VisitStats, error) {
	hist := make(map[string]*visitHistory, len(stats))
	for id := range stats {
		hist[id] = &visitHistory{after: map[int]struct{}{}}
	}
	seen := func(id string, t time.Time) {
		h := hist[id]
		if h == nil {
			return
		}
		day := dayNumber(t, b.s.Loc)
		switch {
		case !t.Before(at):
			h.after[day] = struct{}{}
		case h.last.IsZero() || day > h.lastDay:
			h.last, h.lastDay = t, day
		case day == h.lastDay && t.Before(h.last):
			h.last = t
		}
	}
	scan := func(from, to time.Time) error {
		if err := tx.ScanNotesClear(from, to, func(n ledger.Note) error {
			seen(n.CustomerID, n.At)
			return b.tick()
		}); err != nil {
			return err
		}
		if err := tx.ScanPointsClear(from, to, func(e ledger.PointsEntry) error {
			if e.Kind == ledger.PointsEarn && e.ReversedBy == "" {
				seen(e.CustomerID, e.At)
			}
			return b.tick()
		}); err != nil {
			return err
		}
		return tx.ScanStamps(from, to, func(e ledger.StampEntry) error {
			if e.N > 0 && e.ReversedBy == "" {
				seen(e.CustomerID, e.At)
			}
			return b.tick()
		})
	}
	start, end := b.windowStart(), at
	for _, v := range stats {
		if v.Last.After(end) {
			end = v.Last
		}
	}
	// To the day after the latest visit the stats count: they are all in.
	if err := scan(start, end.AddDate(0, 0, 1)); err != nil {
		return nil, fmt.Errorf("visits before %s: %w", at.Format(time.DateOnly), err)
	}
	var earliest time.Time
	for id, h := range hist {
		if f := stats[id].First; h.last.IsZero() && f.Before(start) && (earliest.IsZero() || f.Before(earliest)) {
			earliest = f
		}
	}
	if !earliest.IsZero() {
		if err := scan(earliest, start); err != nil {
			return nil, fmt.Errorf("visits before %s: %w", at.Format(time.DateOnly), err)
		}
	}
	out := make([]ledger.VisitStats, 0, len(stats))
	for id, v := range stats {
		h := hist[id]
		v.Visits -= len(h.after)
		v.Last = h.last
		if v.Last.IsZero() {
			v.Last = v.First
		}
		out = append(out, v)
	}
	// In id order, as ScanLiveVisitStats gives the others: ties on the list
	// fall the same way every time.
	slices.SortFunc(out, func(a, c ledger.VisitStats) int { return cmp.Compare(a.CustomerID, c.CustomerID) })
	return out, nil
}

// atRisk is the regulars-at-risk rule: at least 3 visits, and the time since
// the last one is more than twice the average interval between visits,
// (now − last) > 2 × (last − first) / (visits − 1). It is compared as
// (now − last) × (visits − 1) > 2 × (last − first) in 128 bits, so the
// boundary is exact and nothing overflows.
func atRisk(v ledger.VisitStats, now time.Time) bool {
	if v.Visits < 3 || !v.Last.After(v.First) || !now.After(v.Last) {
		return false
	}
	away := uint64(now.Sub(v.Last))
	span := uint64(v.Last.Sub(v.First))
	hi, lo := bits.Mul64(away, uint64(v.Visits-1))
	shi, slo := bits.Mul64(span, 2)
	return hi > shi || (hi == shi && lo > slo)
}

// finish turns the scans' sets into counts, sorts the lists and looks up the
// names of the customers they show.
func (b *builder) finish(tx *ledger.Tx) error {
	s := b.s
	for cust, days := range b.visits {
		created, isNew := b.created[cust]
		for wk := range b.weeks {
			week := days >> (7 * wk) & 0x7f
			if week == 0 {
				continue
			}
			b.weeks[wk].Visits += bits.OnesCount64(week)
			if !isNew || created < int32(wk) {
				b.weeks[wk].Returning++
			}
		}
		for d := range s.Days {
			if days&(1<<(7*thisWeek+d)) != 0 {
				s.Days[d].Visits++
			}
		}
	}
	for k := range b.redeemers {
		b.weeks[k.week].Redeemers++
	}
	copy(s.Past[:], b.weeks[:TrendWeeks])
	s.This = b.weeks[thisWeek]

	for _, sc := range b.staff {
		if sc.Name == "" {
			sc.Name = sc.ID
		}
		s.Staff = append(s.Staff, *sc)
	}
	slices.SortFunc(s.Staff, func(a, c StaffCount) int {
		return cmp.Or(c.Notes-a.Notes, cmp.Compare(a.Name, c.Name), cmp.Compare(a.ID, c.ID))
	})
	s.Tags = topTags(b.tags, TopicCount)
	s.Words = top(b.words, TopicCount)

	s.LowRatings = b.low.items
	for i := range s.LowRatings {
		l := &s.LowRatings[i]
		th, ok, err := tx.ThreadOfFeedback(l.FeedbackID)
		if err != nil {
			return fmt.Errorf("complaint of a low rating: %w", err)
		}
		l.Unreachable = !ok && l.Customer.ID == ""
		// Taken on but not closed yet: 연락 예정, neither 미해결 nor 해결.
		if ok && !l.Answered() && th.State != ledger.ThreadClosed {
			l.ClaimedBy = th.ClaimedBy
		}
	}
	s.FollowUps = b.followUp.items
	s.Overdue = b.overdue.items
	s.Birthdays = b.birthday.items
	s.AtRisk = b.atRisk.items
	names := map[string]CustomerRef{}
	refs := make([]*CustomerRef, 0, 4*b.limit)
	for i := range s.LowRatings {
		refs = append(refs, &s.LowRatings[i].Customer)
	}
	for i := range s.FollowUps {
		refs = append(refs, &s.FollowUps[i].Customer)
	}
	for i := range s.Overdue {
		refs = append(refs, &s.Overdue[i].Customer)
	}
	for i := range s.AtRisk {
		refs = append(refs, &s.AtRisk[i].Customer)
	}
	for _, ref := range refs {
		if ref.ID == "" {
			continue
		}
		if known, ok := names[ref.ID]; ok {
			*ref = known
			continue
		}
		c, err := tx.Customer(ref.ID)
		switch {
		case errors.Is(err, ledger.ErrCustomerNotFound):
		case err != nil:
			return fmt.Errorf("look up customer %s: %w", ref.ID, err)
		case c.Erased:
			ref.Erased = true
		default:
			ref.Name = c.Name
		}
		names[ref.ID] = *ref
	}
	// The ledger clears an erased customer's comments; this makes sure
	// that none shows even if an erasure raced the write of a feedback.
	for i := range s.LowRatings {
		if s.LowRatings[i].Customer.Erased {
			s.LowRatings[i].Comment = ""
		}
	}
	return nil
}

// topN keeps the n smallest items by less, in order, as they are pushed.
type topN[T any] struct {
	n     int
	less  func(a, b T) bool
	items []T
}

func (t *topN[T]) push(v T) {
	if t.n <= 0 {
		return
	}
	if len(t.items) == t.n && !t.less(v, t.items[len(t.items)-1]) {
		return
	}
	i := sort.Search(len(t.items), func(i int) bool { return t.less(v, t.items[i]) })
	if len(t.items) < t.n {
		t.items = append(t.items, v)
	}
	copy(t.items[i+1:], t.items[i:len(t.items)-1])
	t.items[i] = v
}

// top returns the n most frequent keys of counts, ties in alphabetical order.
func top(counts map[string]int, n int) []Topic {
	out := make([]Topic, 0, len(counts))
	for w, c := range counts {
		out = append(out, Topic{Word: w, Count: c})
	}
	slices.SortFunc(out, func(a, b Topic) int {
		return cmp.Or(b.Count-a.Count, cmp.Compare(a.Word, b.Word))
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
