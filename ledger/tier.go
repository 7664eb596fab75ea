package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Tiers. A customer's tier is computed from the programme in force (its
// TierRules) and what they did in the rules' window: visits (at most one a
// day, as RecordVisit counts them) and recorded spend (the purchase amounts
// of their earns). The ledger stores each customer's current tier and since
// when; an upgrade is applied at a visit or purchase (UpdateTier) or by the
// daily run, a downgrade only by the daily run and only after a notice 30
// days ahead, and a manager's pin (PinTier) overrides both. A starting
// tier (StartTier: a customer brought over from another list) is where the
// rules begin for a new customer, not a pin; under rules with a window it
// is held one window (no downgrade before), as the list's visits are not
// dated.

// ErrUnknownTier is returned by PinTier and StartTier when the tier is not in the
// programme in force.
var ErrUnknownTier = errors.New("ledger: no such tier in the programme")

// TierDownNoticeDays is how long before a downgrade the customer is told.
const TierDownNoticeDays = 30

// TierRules are the programme's tier levels, from the base tier up.
type TierRules struct {
	// WindowMonths is how far back visits and spend count; 0: all time
	// (today's behaviour; DefaultTierWindow is what a manager's new rules
	// get when they name none).
	WindowMonths int `json:"window_months,omitempty"`
	// Levels[0] is the base tier everyone starts in (no threshold); each
	// level after it needs a threshold at least the one before it had.
	Levels []Tier `json:"levels"`
}

// Tier is one level of the tier rules.
type Tier struct {
	// ID is the tier's stable identity (a customer's record names it):
	// TierNew, TierRegular, TierVIP for the built-in tiers, otherwise
	// derived from Name by Normalize.
	ID string `json:"id"`
	// Name is the shop's name for the tier ("골드"); empty for the
	// built-in tiers, which the chat names in the reader's language.
	Name string `json:"name,omitempty"`
	// MinVisits and MinSpend (won) are the thresholds in the window; 0: not
	// by that measure. One met is enough, unless Both.
	MinVisits int   `json:"min_visits,omitempty"`
	MinSpend  int64 `json:"min_spend,omitempty"`
	Both      bool  `json:"both,omitempty"`
	// EarnRateBP is the tier's earn rate in basis points; 0: the base rate.
	EarnRateBP int `json:"earn_rate_bp,omitempty"`
	// Benefit is the shop's benefit line shown to the customer
	// ("10% 적립, 생일 쿠폰 20%"); not personal, stored in the clear.
	Benefit string `json:"benefit,omitempty"`
}

// MaxTierSpend bounds a spend threshold (won).
const MaxTierSpend = 10_000_000_000

// Met reports whether visits and spend reach t's thresholds. The base tier
// (no threshold) is always met.
func (t *Tier) Met(visits int, spend int64) bool {
	byVisits, bySpend := t.MinVisits > 0, t.MinSpend > 0
	v, s := visits >= t.MinVisits, spend >= t.MinSpend
	switch {
	case !byVisits && !bySpend:
		return true
	case byVisits && bySpend && t.Both:
		return v && s
	case byVisits && bySpend:
		return v || s
	case byVisits:
		return v
	}
	return s
}

// Normalize trims names and benefit lines and derives missing ids from the
// names (NFC, spaces collapsed, lower case), so "VIP" and "vip" are one
// tier.
func (r *TierRules) Normalize() {
	r.Levels = append([]Tier(nil), r.Levels...)
	for i := range r.Levels {
		t := &r.Levels[i]
		t.Name = strings.Join(strings.Fields(t.Name), " ")
		t.Benefit = strings.TrimSpace(t.Benefit)
		t.ID = strings.TrimSpace(t.ID)
		if t.ID == "" {
			t.ID = nameKey(t.Name)
		}
	}
}

// Validate reports whether the rules can be stored: 1 to MaxTierLevels
// levels with distinct ids, the first without a threshold and every other
// with one no lower than the level before it (by each measure both name),
// rates and thresholds in range, names and benefits one line within their
// limits, a window of 0 to MaxTierWindow months. The error is a
// *RuleError naming the level.
func (r *TierRules) Validate() error {
	if r.WindowMonths < 0 || r.WindowMonths > MaxTierWindow {
		return rangeErr(PartTiers, "window", 0, MaxTierWindow)
	}
	if len(r.Levels) == 0 || len(r.Levels) > MaxTierLevels {
		return rangeErr(PartTiers, "level", 1, MaxTierLevels)
	}
	at := func(i int, field string, p Problem) *RuleError {
		return &RuleError{Part: PartTiers, Field: field, Level: i, Problem: p}
	}
	seen := map[string]bool{}
	for i, t := range r.Levels {
		switch {
		case t.ID == "":
			return at(i, "name", ProblemMissing)
		case seen[t.ID]:
			return at(i, "name", ProblemDuplicate)
		case t.MinVisits < 0 || t.MinVisits > 100000:
			e := at(i, "visits", ProblemRange)
			e.Max = 100000
			return e
		case t.MinSpend < 0 || t.MinSpend > MaxTierSpend:
			e := at(i, "spend", ProblemRange)
			e.Max = MaxTierSpend
			return e
		case t.EarnRateBP < 0 || t.EarnRateBP > MaxEarnRateBP:
			e := at(i, "rate", ProblemRange)
			e.Max = MaxEarnRateBP
			return e
		case i == 0 && (t.MinVisits > 0 || t.MinSpend > 0):
			return at(i, "visits", ProblemBase)
		case i > 0 && t.MinVisits == 0 && t.MinSpend == 0:
			return at(i, "visits", ProblemBase)
		}
		seen[t.ID] = true
		for _, f := range []struct {
			field, s string
			max      int
		}{{"id", t.ID, maxTierNameRunes}, {"name", t.Name, maxTierNameRunes}, {"benefit", t.Benefit, maxBenefitRunes}} {
			if err := checkShopText(PartTiers, f.field, i, f.s, f.max); err != nil {
				return err
			}
		}
		if i > 1 {
			p := r.Levels[i-1]
			if (t.MinVisits > 0 && p.MinVisits > 0 && t.MinVisits < p.MinVisits) || (t.MinSpend > 0 && p.MinSpend > 0 && t.MinSpend < p.MinSpend) {
				return at(i, "visits", ProblemOrder)
			}
		}
	}
	return nil
}

// bySpend reports whether any level has a spend threshold.
func (r *TierRules) bySpend() bool {
	for _, t := range r.Levels {
		if t.MinSpend > 0 {
			return true
		}
	}
	return false
}

// Level returns the level with id.
func (r *TierRules) Level(id string) (Tier, bool) {
	if i := r.Rank(id); i >= 0 {
		return r.Levels[i], true
	}
	return Tier{}, false
}

// Rank returns the index of tier id in the levels (0 is the base tier), or
// -1 when the rules have no such tier.
func (r *TierRules) Rank(id string) int {
	for i, t := range r.Levels {
		if t.ID == id {
			return i
		}
	}
	return -1
}

// Compute returns the index of the highest level visits and spend meet
// (0 when only the base tier).
func (r *TierRules) Compute(visits int, spend int64) int {
	for i := len(r.Levels) - 1; i > 0; i-- {
		if r.Levels[i].Met(visits, spend) {
			return i
		}
	}
	return 0
}

// String is the audit trail's compact form of the rules:
// "12mo: new; regular 5v 7%; vip 15v|500000w 10% (benefit)".
func (r *TierRules) String() string {
	var b strings.Builder
	if r.WindowMonths > 0 {
		fmt.Fprintf(&b, "%dmo: ", r.WindowMonths)
	} else {
		b.WriteString("all time: ")
	}
	for i, t := range r.Levels {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(t.ID)
		var th []string
		if t.MinVisits > 0 {
			th = append(th, strconv.Itoa(t.MinVisits)+"v")
		}
		if t.MinSpend > 0 {
			th = append(th, strconv.FormatInt(t.MinSpend, 10)+"w")
		}
		if len(th) > 0 {
			sep := "|"
			if t.Both {
				sep = "&"
			}
			b.WriteString(" " + strings.Join(th, sep))
		}
		if t.EarnRateBP > 0 {
			b.WriteString(" " + FormatRateBP(t.EarnRateBP) + "%")
		}
		if t.Benefit != "" {
			b.WriteString(" (" + t.Benefit + ")")
		}
	}
	return b.String()
}

// TierCause is why a customer's tier changed.
type TierCause int

// Causes of a tier change.
const (
	CauseFirst     TierCause = 1 // the customer's first tier record (no move)
	CauseVisit     TierCause = 2 // an upgrade at a visit or purchase (UpdateTier)
	CauseDaily     TierCause = 3 // an upgrade by the daily run
	CauseDowngrade TierCause = 4 // a downgrade by the daily run, after its notice
	CausePin       TierCause = 5 // a manager pinned the tier
	CauseUnpin     TierCause = 6 // a manager unpinned it; the rules apply again
	CauseRules     TierCause = 7 // the tier is no longer in the programme
	// CauseCorrected takes back an upgrade whose record a correction
	// removed (TierAfterCorrection): a mistake, not a lapse, so no notice.
	CauseCorrected TierCause = 8
	// CauseStart is a new customer's first record at a starting tier
	// (StartTier): the tier they held elsewhere, not a move, no notice.
	CauseStart TierCause = 9
)

// CustomerTier is a customer's stored tier.
type CustomerTier struct {
	CustomerID string    `json:"-"`
	TierID     string    `json:"tier"`
	Since      time.Time `json:"since"`
	// Pinned is set while a manager's pin holds the tier.
	Pinned bool `json:"pinned,omitempty"`
	// DownTo and DownOn are a pending downgrade: the tier the rules gave
	// when its notice went out, and the start of the day it happens.
	DownTo string    `json:"down_to,omitempty"`
	DownOn time.Time `json:"down_on,omitzero"`
	// DownNotice is the id of the notice that announced it.
	DownNotice string `json:"down_notice,omitempty"`
	// HeldUntil is the last day (its start, in the shop's zone) of the
	// hold a starting tier got under rules with a window (StartTier,
	// TierRules.StartHold): the visits brought over are not dated, so none
	// is in the window, and until the hold ends the daily run neither
	// tells of a downgrade nor makes one; a move up goes on as for anyone.
	// A manager's pin or unpin ends it.
	HeldUntil time.Time `json:"held_until,omitzero"`
	// Start is set while the tier above the base is the starting one
	// StartTier gave, not moved since (a move, a pin or an unpin clears
	// it): a shop that imports under all-time rules and gives the tiers a
	// window later (SetTiers) no longer counts the list's undated visits,
	// so the change holds those tiers one window from its day, as
	// StartTier would have.
	Start bool `json:"start,omitempty"`
}

// HeldOn reports whether the starting tier's hold (HeldUntil) is in force
// at at, days in loc (nil: at's location).
func (r *CustomerTier) HeldOn(at time.Time, loc *time.Location) bool {
	if r.HeldUntil.IsZero() {
		return false
	}
	loc = locOr(loc, at)
	return dayNumber(at, loc) <= dayNumber(r.HeldUntil, loc)
}

// StartHold returns the last day (its start in loc; nil: at's location)
// a starting tier given at at is held under r: one full window from at's
// day, by when every visit and purchase the window counts is one recorded
// here. The zero time with no window: all-time rules count the visits
// brought over (ImportVisits), so there is nothing to wait for.
func (r *TierRules) StartHold(at time.Time, loc *time.Location) time.Time {
	if r.WindowMonths <= 0 {
		return time.Time{}
	}
	return startOfDay(at, locOr(loc, at)).AddDate(0, r.WindowMonths, 0)
}

// TierStatus is a customer's tier as the chat shows it.
type TierStatus struct {
	CustomerTier
	// Level is the current tier's level in the programme (only its ID
	// when the programme no longer has it).
	Level Tier
	// Rank is Level's index (0 the base tier; -1 not in the programme).
	Rank int
	// Computed is the tier id the rules give at the time asked.
	Computed string
	// Next is the level above the current one, if any.
	Next *Tier
	// Visits and Spend are what counted, in the window of WindowMonths
	// (0: all time). With no window and no spend threshold Spend is not
	// added up (0): nothing counts it.
	Visits       int
	Spend        int64
	WindowMonths int
	// Stored is false when the customer has no tier record yet; the
	// status is then the computed tier.
	Stored bool
}

// TierChange is what a recomputation or a pin did to a customer's tier.
type TierChange struct {
	CustomerID string
	At         time.Time
	From, To   string // equal when the tier stayed
	Cause      TierCause
	// Up and Down say the tier rose or fell in rank; both are false for
	// a first record, a pin to the same tier or no change.
	Up, Down bool
	// DownCancelled is set when a pending downgrade was cancelled (the
	// customer requalified, or a manager pinned).
	DownCancelled bool
	// NoticeID is the notice recorded for the customer, if any.
	NoticeID string
	// Told is set on a CauseCorrected move when the customer had already
	// been told of the upgrade it takes back.
	Told bool
	// HeldUntil is, on a start (CauseStart), the last day of the hold it
	// gave (CustomerTier.HeldUntil); zero when none.
	HeldUntil time.Time
}

// TierMove is one change of a customer's tier in the loyalty log.
type TierMove struct {
	CustomerID string
	At         time.Time
	From, To   string // From "" for a first record
	Cause      TierCause
}

func (tx *Tx) tierRecord(ck []byte) (CustomerTier, bool, error) {
	v := tx.get(bucketTiers, ck)
	if v == nil {
		return CustomerTier{CustomerID: custIDOfKey(ck)}, false, nil
	}
	id, memo := [custKeyLen]byte{}, len(ck) == custKeyLen
	if memo {
		id = [custKeyLen]byte(ck)
		if o, ok := tx.tiers[id]; ok && o.from(v) {
			return o.r, true, nil // a plain value: the caller's own copy
		}
	}
	var r CustomerTier
	if err := json.Unmarshal(v, &r); err != nil {
		return CustomerTier{}, false, fmt.Errorf("%w: tier of %s: %v", ErrCorrupt, custIDOfKey(ck), err)
	}
	r.CustomerID = custIDOfKey(ck)
	if memo {
		if tx.tiers == nil {
			tx.tiers = map[[custKeyLen]byte]openedTier{}
		}
		tx.tiers[id] = openedTier{raw: v, r: r}
	}
	return r, true, nil
}

// openedTier is a tier record as decoded from raw, its stored bytes.
type openedTier struct {
	raw []byte
	r   CustomerTier
}

// from reports whether v is the very value o was decoded from, as
// openedCustomer.from does.
func (o openedTier) from(v []byte) bool {
	return len(v) == len(o.raw) && len(v) > 0 && &v[0] == &o.raw[0]
}

func (tx *Tx) putTierRecord(ck []byte, r *CustomerTier) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.bucket(bucketTiers).Put(ck, v)
}

// dayNumber is a calendar day in loc as one comparable number.
func dayNumber(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return y*10000 + int(m)*100 + d
}

// startOfDay returns the start of t's calendar day in loc.
func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

func locOr(loc *time.Location, at time.Time) *time.Location {
	if loc == nil {
		return at.Location()
	}
	return loc
}

// windowStart returns the start of a window of months ending at at; the
// zero time for 0 (all time).
func windowStart(months int, at time.Time) time.Time {
	if months <= 0 {
		return time.Time{}
	}
	return at.AddDate(0, -months, 0)
}

// tierFigures returns the visits and spend of the customer at ck that
// count at at under a window of months: with no window, the visits ever
// counted (VisitStats, imported ones included); with one, the calendar
// days in loc with a note or an earn no correction reversed in (at -
// months, at]. Spend is the sum of the purchase amounts of those earns.
// With skipToday neither at's day (in loc) nor its earns count: what the
// customer had before today's visit (firstFrom).
func (tx *Tx) tierFigures(ck []byte, months int, at time.Time, loc *time.Location, needSpend, skipToday bool) (visits int, spend int64, err error) {
	today := dayNumber(at, loc)
	lessToday := func(s VisitStats) int {
		if skipToday && s.Visits > 0 && dayNumber(s.Last, loc) == today {
			return s.Visits - 1
		}
		return s.Visits
	}
	if months <= 0 && !needSpend {
		// The visits ever counted are all the rules ask (the default
		// programme): no entry needs reading, and the stats are read in
		// place (every note and earn asks).
		v := tx.get(bucketVisits, ck)
		if v == nil {
			return 0, 0, nil
		}
		s, err := decodeVisitCounts(ck, v)
		if err != nil {
			return 0, 0, fmt.Errorf("ledger: %w", err)
		}
		return lessToday(s), 0, nil
	}
	from := windowStart(months, at)
	lo := concat(ck, timePrefix(from))
	hi := concat(ck, timePrefix(at.Add(time.Nanosecond)))
	days := map[int]bool{}
	// A reversed earn is neither spend nor a visit: it was a mistake (the
	// wrong customer, a typo), as UncountVisit reads it.
	err = tx.earnsOf(ck, lo, hi, func(p PointsEntry, reversed bool) bool {
		if d := dayNumber(p.At, loc); !reversed && (!skipToday || d != today) {
			days[d] = true
			spend += p.Amount
		}
		return true
	})
	if err != nil {
		return 0, 0, err
	}
	if months <= 0 {
		s, err := tx.VisitStatsOf(custIDOfKey(ck))
		if err != nil {
			return 0, 0, err
		}
		return lessToday(s), spend, nil
	}
	nc := tx.bucket(bucketCustNotes).Cursor()
	for k, _ := nc.Seek(lo); k != nil && bytes.Compare(k, hi) < 0; k, _ = nc.Next() {
		if d := dayNumber(keyTime(k[len(ck):]), loc); !skipToday || d != today {
			days[d] = true
		}
	}
	return len(days), spend, nil
}

// computeTier returns the rank the rules of p give the customer at ck at at.
func (tx *Tx) computeTier(ck []byte, p *Programme, at time.Time, loc *time.Location) (rank, visits int, spend int64, err error) {
	visits, spend, err = tx.tierFigures(ck, p.Tiers.WindowMonths, at, loc, p.Tiers.bySpend(), false)
	if err != nil {
		return 0, 0, 0, err
	}
	return p.Tiers.Compute(visits, spend), visits, spend, nil
}

// firstFrom returns the tier the customer at ck, who has no tier record
// yet, showed under p before today's visit at at (days in loc): the tier
// the rules give them without that day, which their card and /customers
// showed (TierIDOf computes it). A first record made by a visit moves
// them from there, not from the base tier: a customer imported with 12
// visits already showed 단골, so the first earn after the import is no
// promotion, neither told nor counted as a move.
func (tx *Tx) firstFrom(ck []byte, p *Programme, at time.Time, loc *time.Location) (string, error) {
	visits, spend, err := tx.tierFigures(ck, p.Tiers.WindowMonths, at, loc, p.Tiers.bySpend(), true)
	if err != nil {
		return "", err
	}
	return p.Tiers.Levels[p.Tiers.Compute(visits, spend)].ID, nil
}

// TierOf returns the customer's tier at at (a time not before their newest
// change, normally now), with what counted toward it under the rules in
// force; days are calendar days in loc (nil: at's location). A customer
// with no tier record gets the computed tier.
func (tx *Tx) TierOf(customerID string, at time.Time, loc *time.Location) (TierStatus, error) {
	loc = locOr(loc, at)
	ck, ok := custKeyOf(customerID)
	if !ok || tx.get(bucketCustomers, ck) == nil {
		return TierStatus{}, fmt.Errorf("ledger: tier of %q: %w", customerID, ErrCustomerNotFound)
	}
	p, err := tx.ProgrammeAt(at)
	if err != nil {
		return TierStatus{}, fmt.Errorf("ledger: tier of %s: %w", customerID, err)
	}
	rec, stored, err := tx.tierRecord(ck)
	if err != nil {
		return TierStatus{}, fmt.Errorf("ledger: tier of %s: %w", customerID, err)
	}
	rank, visits, spend, err := tx.computeTier(ck, &p, at, loc)
	if err != nil {
		return TierStatus{}, fmt.Errorf("ledger: tier of %s: %w", customerID, err)
	}
	st := TierStatus{CustomerTier: rec, Computed: p.Tiers.Levels[rank].ID, Visits: visits, Spend: spend,
		WindowMonths: p.Tiers.WindowMonths, Stored: stored}
	if !stored {
		st.TierID = st.Computed
	}
	st.Rank = p.Tiers.Rank(st.TierID)
	if st.Rank >= 0 {
		st.Level = p.Tiers.Levels[st.Rank]
		if st.Rank+1 < len(p.Tiers.Levels) {
			next := p.Tiers.Levels[st.Rank+1]
			st.Next = &next
		}
	} else {
		st.Level = Tier{ID: st.TierID}
	}
	return st, nil
}

// TierIDOf returns the id of the customer's tier at at, as TierOf's
// TierID: the stored tier, else the computed one (days in loc; nil: at's
// location). A card names the tier and nothing else of its status, so a
// stored tier is read without the programme or the visits and spend.
func (tx *Tx) TierIDOf(customerID string, at time.Time, loc *time.Location) (string, error) {
	ck, ok := custKeyOf(customerID)
	if !ok || tx.get(bucketCustomers, ck) == nil {
		return "", fmt.Errorf("ledger: tier of %q: %w", customerID, ErrCustomerNotFound)
	}
	rec, stored, err := tx.tierRecord(ck)
	if err != nil {
		return "", fmt.Errorf("ledger: tier of %s: %w", customerID, err)
	}
	if stored {
		return rec.TierID, nil
	}
	p, err := tx.ProgrammeAt(at)
	if err != nil {
		return "", fmt.Errorf("ledger: tier of %s: %w", customerID, err)
	}
	rank, _, _, err := tx.computeTier(ck, &p, at, locOr(loc, at))
	if err != nil {
		return "", fmt.Errorf("ledger: tier of %s: %w", customerID, err)
	}
	return p.Tiers.Levels[rank].ID, nil
}

// TierHold returns the last day of the customer's starting tier's hold
// (CustomerTier.HeldUntil) when at at (days in loc; nil: at's location)
// it is in force and is what keeps the tier: the rules in force give
// less. held is false otherwise, and for a customer without a hold the
// tier record alone is read.
func (tx *Tx) TierHold(customerID string, at time.Time, loc *time.Location) (until time.Time, held bool, err error) {
	fail := func(err error) (time.Time, bool, error) {
		return time.Time{}, false, fmt.Errorf("ledger: tier hold of %s: %w", customerID, err)
	}
	ck, ok := custKeyOf(customerID)
	if !ok || tx.get(bucketCustomers, ck) == nil {
		return fail(ErrCustomerNotFound)
	}
	loc = locOr(loc, at)
	rec, stored, err := tx.tierRecord(ck)
	if err != nil {
		return fail(err)
	}
	if !stored || rec.Pinned || !rec.HeldOn(at, loc) {
		return time.Time{}, false, nil
	}
	p, err := tx.ProgrammeAt(at)
	if err != nil {
		return fail(err)
	}
	rank, _, _, err := tx.computeTier(ck, &p, at, loc)
	if err != nil {
		return fail(err)
	}
	if p.Tiers.Rank(rec.TierID) <= rank {
		return time.Time{}, false, nil
	}
	return rec.HeldUntil, true, nil
}

// setTier moves the record to tier to for cause, logs the move and, for
// an up or down move the customer should hear of, records a notice.
func (tx *Tx) setTier(ck []byte, rec *CustomerTier, p *Programme, to string, cause TierCause, at time.Time, ch *TierChange) error {
	from := rec.TierID
	if from == "" && cause == CauseVisit && len(p.Tiers.Levels) > 0 && p.Tiers.Rank(to) > 0 {
		// A customer's first record, made by a visit above the base
		// tier (VIP on a first big purchase), moved them up from the
		// base tier they counted in: told, and counted as a move. A
		// first record of the daily run (tiers just set up) stays
		// silent, as it only names what customers already were.
		from = p.Tiers.Levels[0].ID
	}
	fromRank, toRank := p.Tiers.Rank(from), p.Tiers.Rank(to)
	if cause != CauseStart && to != rec.TierID {
		rec.Start = false // the tier is no longer the list's
	}
	rec.TierID, rec.Since = to, at
	if err := tx.cancelDown(rec, at, ch); err != nil {
		return err
	}
	ch.From, ch.To, ch.Cause = from, to, cause
	if from == to {
		return tx.putTierRecord(ck, rec)
	}
	ch.Up = from != "" && fromRank >= 0 && toRank > fromRank
	ch.Down = from != "" && fromRank >= 0 && toRank < fromRank
	if err := tx.putTierRecord(ck, rec); err != nil {
		return err
	}
	id := custIDOfKey(ck)
	if err := tx.logLoyalty(logEvent{at: at, kind: logTierMove, customer: id, n: int64(cause), a: from, b: to}); err != nil {
		return err
	}
	var kind NoticeKind
	switch {
	case ch.Up && (cause == CauseVisit || cause == CauseDaily):
		kind = NoticeTierUp
	case ch.Down && cause == CauseDowngrade:
		kind = NoticeTierDown
	default:
		return nil
	}
	n := Notice{CustomerID: id, Kind: kind, Tier: to, FromTier: from}
	if err := tx.addNotice(&n, at); err != nil {
		return err
	}
	ch.NoticeID = n.ID
	return nil
}

// cancelDown drops a pending downgrade of rec, cancelling its notice if it
// was not told yet.
func (tx *Tx) cancelDown(rec *CustomerTier, at time.Time, ch *TierChange) error {
	if rec.DownTo == "" {
		return nil
	}
	if rec.DownNotice != "" {
		if err := tx.finishNotice(rec.DownNotice, NoticeCancelled, at); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	rec.DownTo, rec.DownOn, rec.DownNotice = "", time.Time{}, ""
	ch.DownCancelled = true
	return nil
}

// UpdateTier recomputes the customer's tier at at, after a visit or a
// purchase, under the programme in force (days in loc; nil: at's
// location). A higher tier is applied at once, with a NoticeTierUp for the
// customer; a pending downgrade is cancelled if the customer requalified;
// a lower tier waits for the daily run. A pinned tier stays. A customer's
// first record takes the computed tier without a notice. The change says
// what happened so the caller can tell staff in its reply. After AddPoints
// or AddNote pass the entry's At as they stored it (they may move it a
// little later), so the visit counts.
func (tx *Tx) UpdateTier(customerID string, at time.Time, loc *time.Location) (TierChange, error) {
	ch, err := tx.recomputeTier(customerID, at, loc, false)
	if err != nil {
		return TierChange{}, fmt.Errorf("ledger: update tier: %w", err)
	}
	return ch, nil
}

// recomputeTier is UpdateTier, and with daily the daily run's step:
// upgrades are CauseDaily, a lower tier starts (or completes) a downgrade,
// and a customer with no record and the base tier gets none.
func (tx *Tx) recomputeTier(customerID string, at time.Time, loc *time.Location, daily bool) (TierChange, error) {
	loc = locOr(loc, at)
	ck, err := tx.liveCustomer(customerID)
	if err != nil {
		return TierChange{}, err
	}
	ch := TierChange{CustomerID: customerID, At: at}
	p, err := tx.ProgrammeAt(at)
	if err != nil {
		return TierChange{}, err
	}
	rec, stored, err := tx.tierRecord(ck)
	if err != nil {
		return TierChange{}, err
	}
	rank, _, _, err := tx.computeTier(ck, &p, at, loc)
	if err != nil {
		return TierChange{}, err
	}
	computed := p.Tiers.Levels[rank].ID
	cur := p.Tiers.Rank(rec.TierID)
	if stored && rec.Pinned && cur < 0 {
		// A pin to a tier the programme no longer names cannot be kept
		// (the card would show a tier the shop no longer has): it is let
		// go, and the customer carries over as an unpinned one would.
		rec.Pinned = false
	}
	if stored && !rec.Pinned && cur < 0 {
		// The programme no longer names the customer's tier (the manager
		// renamed the levels): it carries over by its level in the
		// version it was given under, and the usual rules go on from
		// there (a lower tier still only after its notice).
		if cur, err = tx.carryTier(ck, &rec, &p, at, &ch); err != nil {
			return TierChange{}, err
		}
	}
	ch.From, ch.To = rec.TierID, rec.TierID
	switch {
	case !stored:
		if daily && rank == 0 {
			ch.From, ch.To = "", ""
			return ch, nil
		}
		rec.TierID = ""
		cause := CauseFirst
		if !daily && rank > 0 {
			// An upgrade from the tier they showed before today's visit
			// (setTier takes "" for the base tier), if any.
			from, err := tx.firstFrom(ck, &p, at, loc)
			if err != nil {
				return TierChange{}, err
			}
			if from != computed {
				cause = CauseVisit
				if p.Tiers.Rank(from) > 0 {
					rec.TierID = from
				}
			}
		}
		return ch, tx.setTier(ck, &rec, &p, computed, cause, at, &ch)
	case rec.Pinned:
		return ch, nil
	case cur < 0:
		return ch, tx.setTier(ck, &rec, &p, computed, CauseRules, at, &ch)
	case rank > cur:
		cause := CauseVisit
		if daily {
			cause = CauseDaily
		}
		return ch, tx.setTier(ck, &rec, &p, computed, cause, at, &ch)
	case rank == cur:
		if rec.DownTo == "" {
			return ch, nil
		}
		if err := tx.cancelDown(&rec, at, &ch); err != nil {
			return TierChange{}, err
		}
		return ch, tx.putTierRecord(ck, &rec)
	case !daily:
		return ch, nil
	case rec.HeldOn(at, loc):
		// A starting tier in its hold: the rules count no visit of the
		// list it came from yet, so a lower tier is no lapse.
		return ch, nil
	}
	// The rules give a lower tier, in the daily run.
	switch {
	case rec.DownTo != "" && !at.Before(rec.DownOn):
		return ch, tx.setTier(ck, &rec, &p, computed, CauseDowngrade, at, &ch)
	case rec.DownTo != "":
		if rec.DownTo != computed {
			rec.DownTo = computed
			return ch, tx.putTierRecord(ck, &rec)
		}
		return ch, nil
	}
	on := startOfDay(at, loc).AddDate(0, 0, TierDownNoticeDays)
	n := Notice{CustomerID: customerID, Kind: NoticeTierDownSoon, Tier: computed, FromTier: rec.TierID, On: on.Format(time.DateOnly)}
	if err := tx.addNotice(&n, at); err != nil {
		return TierChange{}, err
	}
	rec.DownTo, rec.DownOn, rec.DownNotice = computed, on, n.ID
	ch.NoticeID = n.ID
	return ch, tx.putTierRecord(ck, &rec)
}

// carryTier gives the customer at ck the tier of p at the level their
// stored tier had in the newest version before at that names it (the
// built-in default when none stored does), logged as a CauseRules move
// without a notice, and returns that level; -1, changing nothing, when no
// version names it.
func (tx *Tx) carryTier(ck []byte, rec *CustomerTier, p *Programme, at time.Time, ch *TierChange) (int, error) {
	r := -1
	c := tx.bucket(bucketProgramme).Cursor()
	k, v := tx.versionAt(at)
	if k != nil {
		c.Seek(k)
	}
	for ; k != nil && r < 0; k, v = c.Prev() {
		then, err := decodeProgramme(k, v)
		if err != nil {
			return -1, err
		}
		r = then.Tiers.Rank(rec.TierID)
	}
	if r < 0 {
		def := DefaultProgramme(0)
		if r = def.Tiers.Rank(rec.TierID); r < 0 {
			return -1, nil
		}
	}
	r = min(r, len(p.Tiers.Levels)-1)
	from, to := rec.TierID, p.Tiers.Levels[r].ID
	rec.TierID = to // Since stays: the customer holds the same level
	if err := tx.putTierRecord(ck, rec); err != nil {
		return -1, err
	}
	ch.Cause = CauseRules
	return r, tx.logLoyalty(logEvent{at: at, kind: logTierMove, customer: custIDOfKey(ck), n: int64(CauseRules), a: from, b: to})
}

// TierDrop is a tier of the programme in force that new tier rules leave
// out, or keep with rules that place some of its holders lower (Kept), and
// what storing them (SetTiers) would do to those who hold it.
type TierDrop struct {
	// Kept: the new rules keep the tier (by id), To is that tier, and it is
	// listed only for the holders they place lower (Lower or Held): "VIP
	// 15회" raised to "VIP 30회" told every VIP under 30 visits of their
	// downgrade the next morning, unasked. A pinned holder of a kept tier
	// keeps it, and is never among Lower.
	Kept bool
	// Tier is the level left out; To is the level of the new rules its
	// holders carry over to at their next recompute: the one at its rank,
	// or the top one when the new rules have fewer levels (carryTier).
	Tier, To Tier
	// Holders counts the customers not erased who hold it as the chat
	// shows them (TierIDOf): by their record, or without one yet, by the
	// rules in force.
	Holders int
	// Pinned counts the holders pinned to it: the pin is let go.
	Pinned int
	// Lower counts the holders to whom the new rules, counted at the time
	// asked, give a tier below To: the daily run tells them
	// TierDownNoticeDays ahead and lowers them then, unless they requalify
	// meanwhile. A holder without a record is among them as one with a
	// record is: storing the rules records the tier they hold (SetTiers).
	// One whose starting tier is held (CustomerTier.HeldOn at the time
	// asked, or the hold the rules' window gives it: switchHold) is not:
	// they are counted in Held.
	Lower int
	// Held counts the holders the new rules would place below To whose
	// starting tier is in its hold: the hold goes over to To, and the daily
	// run tells them only after it, on the day after HeldUntil at the
	// latest (the last of their holds' days).
	Held      int
	HeldUntil time.Time
}

// TierDrops returns what storing rules r at at would do to the holders of
// each tier of the programme in force that r leaves out (by id, as
// SetTiers stores r), and of each tier r keeps with rules that place some
// of its holders lower (TierDrop.Kept), in that programme's order; tiers
// nobody holds, and kept tiers that lower nobody, are not listed, so a
// ladder that moves nobody returns none. Days are calendar days in loc.
// It only reads, but walks every customer when a tier is left out or any
// rule changed; rules that do not validate return their *RuleError. A
// customer without a tier record counts as a holder of the tier the rules
// in force give them, as SetTiers then records it for one the new rules
// place lower; a starting tier that r's window would no longer count
// counts as held from at (switchHold), as SetTiers then holds it.
func (tx *Tx) TierDrops(r TierRules, at time.Time, loc *time.Location) ([]TierDrop, error) {
	fail := func(err error) ([]TierDrop, error) { return nil, fmt.Errorf("ledger: tier drops: %w", err) }
	p, next, loc, err := tx.tierChange(&r, at, loc)
	if err != nil {
		return fail(err)
	}
	if next == nil {
		return nil, nil
	}
	drops := make([]TierDrop, len(p.Tiers.Levels))
	for i, l := range p.Tiers.Levels {
		j := r.Rank(l.ID)
		drops[i] = TierDrop{Tier: l, To: r.Levels[carriedRank(&p.Tiers, &r, i)], Kept: j >= 0}
	}
	err = tx.tierHolders(&p, &r, at, loc, func(h *tierHolder) error {
		if h.rank < 0 {
			return nil // one an older version named
		}
		d := &drops[h.rank]
		d.Holders++
		if h.rec.Pinned {
			d.Pinned++
			if d.Kept {
				return nil // the pin stays
			}
		}
		got, _, _, err := tx.computeTier(h.ck, next, at, loc)
		if err != nil {
			return err
		}
		switch {
		case got >= carriedRank(&p.Tiers, &r, h.rank):
		case h.rec.HeldOn(at, loc):
			d.Held++
			if h.rec.HeldUntil.After(d.HeldUntil) {
				d.HeldUntil = h.rec.HeldUntil
			}
		default:
			d.Lower++
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	var out []TierDrop
	for _, d := range drops {
		if d.Holders > 0 && (!d.Kept || d.Lower+d.Held > 0) {
			out = append(out, d)
		}
	}
	return out, nil
}

// TierRise is a tier of new tier rules and how many customers storing
// them (SetTiers) raises to it.
type TierRise struct {
	To Tier
	N  int
}

// TierRises returns, for each tier of rules r (in r's order) that storing
// r at at would raise customers to, how many: those not erased whom r's
// rules place above the tier they carry over to (carriedRank), whom
// SetTiers raises at once (one with a tier record) or whose card shows
// the higher tier at once (one without), as TierDrops counts those placed
// lower; a pin r keeps stays, and is not counted. Days are calendar days
// in loc; rules that do not validate return their *RuleError, and rules
// that move nobody none.
func (tx *Tx) TierRises(r TierRules, at time.Time, loc *time.Location) ([]TierRise, error) {
	fail := func(err error) ([]TierRise, error) { return nil, fmt.Errorf("ledger: tier rises: %w", err) }
	p, next, loc, err := tx.tierChange(&r, at, loc)
	if err != nil {
		return fail(err)
	}
	if next == nil {
		return nil, nil
	}
	n := make([]int, len(r.Levels))
	err = tx.tierHolders(&p, &r, at, loc, func(h *tierHolder) error {
		if h.rank < 0 || (h.rec.Pinned && r.Rank(h.rec.TierID) >= 0) {
			return nil // an older version's tier, or a pin that stays
		}
		got, _, _, err := tx.computeTier(h.ck, next, at, loc)
		if err != nil {
			return err
		}
		if got > carriedRank(&p.Tiers, &r, h.rank) {
			n[got]++
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	var out []TierRise
	for i, c := range n {
		if c > 0 {
			out = append(out, TierRise{To: r.Levels[i], N: c})
		}
	}
	return out, nil
}

// tierChange is what TierDrops and TierRises start from: r normalised and
// validated (its *RuleError), the programme in force at at, and the one r
// would make; next is nil, with no error, when r moves nobody p does not
// (tiersChanged).
func (tx *Tx) tierChange(r *TierRules, at time.Time, loc *time.Location) (p Programme, next *Programme, _ *time.Location, err error) {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return p, nil, loc, err
	}
	loc = locOr(loc, at)
	if p, err = tx.ProgrammeAt(at); err != nil || !tiersChanged(&p.Tiers, r) {
		return p, nil, loc, err
	}
	n := p.clone()
	n.Tiers = *r
	return p, &n, loc, nil
}

// tiersChanged reports whether rules r can move anyone that old do not:
// another window, another number of levels, or a level whose id, rank or
// thresholds differ (a tier left out among them).
func tiersChanged(old, r *TierRules) bool {
	if r.WindowMonths != old.WindowMonths || len(r.Levels) != len(old.Levels) {
		return true
	}
	for i, l := range old.Levels {
		nl := r.Levels[i]
		if nl.ID != l.ID || nl.MinVisits != l.MinVisits || nl.MinSpend != l.MinSpend || nl.Both != l.Both {
			return true
		}
	}
	return false
}

// carriedRank is the rank in r of the tier at rank in old, where its
// holders go when r replaces old: the same tier when r keeps it (by id),
// otherwise the one at its level, or r's top one (carryTier).
func carriedRank(old, r *TierRules, rank int) int {
	if j := r.Rank(old.Levels[rank].ID); j >= 0 {
		return j
	}
	return min(rank, len(r.Levels)-1)
}

// switchHold returns the hold rules r give a starting tier (rec.Start)
// when they replace old at at, days in loc: one window from at's day, as
// StartTier gives under rules with a window, when r count a window and old
// counted all time, the undated visits of the list among them. ok is
// false when rec gets none: no starting tier, pinned, a downgrade already
// pending (the list's visits counted, and did not give it), or a hold
// already as long.
func switchHold(rec *CustomerTier, old, r *TierRules, at time.Time, loc *time.Location) (until time.Time, ok bool) {
	if !rec.Start || rec.Pinned || rec.DownTo != "" || old.WindowMonths > 0 || r.WindowMonths <= 0 {
		return time.Time{}, false
	}
	until = r.StartHold(at, loc)
	return until, until.After(rec.HeldUntil)
}

// tierHolder is a customer not erased as a change of the tier rules finds
// them (tierHolders).
type tierHolder struct {
	ck []byte
	// rec is their tier record; without one (stored false), a record at
	// the tier the rules in force give them (TierIDOf).
	rec    CustomerTier
	stored bool
	// rank is rec's tier in the programme in force; -1 for a tier only an
	// older version named.
	rank int
	// held says the change gives rec a hold (switchHold), which
	// rec.HeldUntil already has.
	held bool
}

// tierHolders calls fn for every customer not erased as rules r, stored at
// at in place of p's (the programme in force then), find them; days in
// loc. TierDrops counts them, SetTiers writes what they need.
func (tx *Tx) tierHolders(p *Programme, r *TierRules, at time.Time, loc *time.Location, fn func(h *tierHolder) error) error {
	c := tx.bucket(bucketCustomers).Cursor()
	for ck, _ := c.First(); ck != nil; ck, _ = c.Next() {
		if tx.get(bucketErased, ck) != nil {
			continue
		}
		h := tierHolder{ck: ck}
		var err error
		if h.rec, h.stored, err = tx.tierRecord(ck); err != nil {
			return err
		}
		h.rank = p.Tiers.Rank(h.rec.TierID)
		if !h.stored {
			if h.rank, _, _, err = tx.computeTier(ck, p, at, loc); err != nil {
				return err
			}
			h.rec.TierID = p.Tiers.Levels[h.rank].ID
		}
		if until, ok := switchHold(&h.rec, &p.Tiers, r, at, loc); ok {
			h.rec.HeldUntil, h.held = until, true
		}
		if err := fn(&h); err != nil {
			return err
		}
	}
	return nil
}

// holdTierChange writes what storing the new programme p at at, in place
// of old, needs before the daily run recomputes anyone under it (days in
// loc): a customer with a tier record whom p's rules place higher than
// the tier they carry over to is raised at once, as the daily run raises
// them (CauseDaily, with its NoticeTierUp, which the next run's message
// tells), so their card and their next earn's rate follow the rules the
// manager just stored instead of the old ones for up to a day (one
// without a record already shows the tier p's rules give); a customer
// without a tier record whom p's rules place below the tier old's gave
// them gets a record of that tier (CauseFirst, as the daily run would
// have given it), so they keep it until the run tells them and lowers
// them after its notice, as a customer with a record does, instead of
// showing the lower tier at once, untold; and a starting tier that p's
// window no longer counts gets its hold (switchHold). A manager's pin to
// a tier p keeps stays.
func (tx *Tx) holdTierChange(old, p *Programme, at time.Time, loc *time.Location) error {
	if !tiersChanged(&old.Tiers, &p.Tiers) {
		return nil
	}
	return tx.tierHolders(old, &p.Tiers, at, loc, func(h *tierHolder) error {
		if h.held {
			if err := tx.putTierRecord(h.ck, &h.rec); err != nil {
				return err
			}
		}
		if h.rank < 0 || (h.rec.Pinned && p.Tiers.Rank(h.rec.TierID) >= 0) {
			return nil // an older version's tier, or a pin that stays
		}
		got, _, _, err := tx.computeTier(h.ck, p, at, loc)
		carried := carriedRank(&old.Tiers, &p.Tiers, h.rank)
		switch {
		case err != nil:
			return err
		case h.stored && got > carried:
			_, err := tx.recomputeTier(custIDOfKey(h.ck), at, loc, true)
			return err
		case h.stored || h.rank <= 0 || got >= carried:
			return nil
		}
		rec := CustomerTier{CustomerID: h.rec.CustomerID}
		var ch TierChange
		return tx.setTier(h.ck, &rec, old, h.rec.TierID, CauseFirst, at, &ch)
	})
}

// PinTier pins the customer's tier to tierID (a level of the programme in
// force at at; otherwise ErrUnknownTier), so neither visits nor the daily
// run change it, cancelling a pending downgrade; tierID "" unpins, and the
// tier the rules give at at applies at once (days in loc). Both are
// audited (action "tier", the manager's actorID, "pin old → new" or
// "unpin old → new").
func (tx *Tx) PinTier(customerID, tierID, actorID string, at time.Time, loc *time.Location) (TierChange, error) {
	fail := func(err error) (TierChange, error) { return TierChange{}, fmt.Errorf("ledger: pin tier: %w", err) }
	ts, err := tx.tierSettingOf(customerID, actorID, at, loc)
	if err != nil {
		return fail(err)
	}
	ck, p, rec, stored, rank := ts.ck, ts.p, ts.rec, ts.stored, ts.rank
	if !stored {
		rec.TierID = p.Tiers.Levels[rank].ID
	}
	ch := TierChange{CustomerID: customerID, At: at}
	action := "pin"
	to := tierID
	rec.HeldUntil, rec.Start = time.Time{}, false // the manager's word from now on
	if tierID == "" {
		action, to = "unpin", p.Tiers.Levels[rank].ID
		rec.Pinned = false
		err = tx.setTier(ck, &rec, &p, to, CauseUnpin, at, &ch)
	} else {
		if p.Tiers.Rank(tierID) < 0 {
			return fail(fmt.Errorf("%w: %q", ErrUnknownTier, tierID))
		}
		rec.Pinned = true
		err = tx.setTier(ck, &rec, &p, to, CausePin, at, &ch)
	}
	if err != nil {
		return fail(err)
	}
	if err := tx.auditTier(at, actorID, customerID, action, ch.From, ch.To); err != nil {
		return fail(err)
	}
	return ch, nil
}

// tierSetting is what a manager's pin and a starting tier read before
// they write: the customer's key, the programme in force, their tier
// record (stored: they have one) and the rank the rules give them.
type tierSetting struct {
	ck     []byte
	p      Programme
	rec    CustomerTier
	stored bool
	rank   int
}

// tierSettingOf reads the tierSetting of a change of customerID's tier by
// actorID (required) at at, days in loc (nil: at's location).
func (tx *Tx) tierSettingOf(customerID, actorID string, at time.Time, loc *time.Location) (tierSetting, error) {
	var ts tierSetting
	if actorID == "" {
		return ts, invalid("tier", "actor is required")
	}
	var err error
	if ts.ck, err = tx.liveCustomer(customerID); err != nil {
		return ts, err
	}
	if ts.p, err = tx.ProgrammeAt(at); err != nil {
		return ts, err
	}
	if ts.rec, ts.stored, err = tx.tierRecord(ts.ck); err != nil {
		return ts, err
	}
	ts.rank, _, _, err = tx.computeTier(ts.ck, &ts.p, at, locOr(loc, at))
	return ts, err
}

// auditTier records a tier change of a manager's or the import's,
// "action from → to" with the tiers' ids (dialog's tierDetail words it).
func (tx *Tx) auditTier(at time.Time, actorID, customerID, action, from, to string) error {
	return tx.Audit(AuditEntry{At: at, ActorID: actorID, Action: "tier", CustomerID: customerID, Detail: action + " " + from + " → " + to})
}

// heldSuffix ends the audit detail of a start that holds its tier, before
// the hold's last day: "start new → vip until 2027-12-01".
const heldSuffix = " until "

// StartTier gives a customer with no tier record yet their first one at
// tierID (a level of the programme in force at at; otherwise
// ErrUnknownTier), or at the tier the rules give at at when that is
// higher (days in loc): the tier they held in the list they were brought
// over from (a spreadsheet import), which their carried visits and spend
// may not give. It is not a pin: from there the rules apply as to anyone,
// a visit that qualifies for more moves them up, and the daily run lowers
// a tier the rules no longer give only after its notice
// (TierDownNoticeDays), as when a shop raises its thresholds. Under rules
// with a window a tier above the base is first held (HeldUntil, one
// window: TierRules.StartHold), since none of the visits brought over is
// dated in it: until that day ends the daily run neither tells of a
// downgrade nor makes one. The record is logged as a first record
// (CauseStart, no notice, not a move in LoyaltyFigures) and audited
// (action "tier", actorID, "start computed → new", with " until
// 2027-12-01" for a hold); the change's From is the tier the rules gave
// (computed), To the one started at, HeldUntil the hold's last day. A
// customer who has a tier record already keeps it, and nothing is
// written: so a second start (an import run again) changes nothing, a
// hold included, and the change then says the tier they have (From ==
// To).
func (tx *Tx) StartTier(customerID, tierID, actorID string, at time.Time, loc *time.Location) (TierChange, error) {
	fail := func(err error) (TierChange, error) { return TierChange{}, fmt.Errorf("ledger: start tier: %w", err) }
	ts, err := tx.tierSettingOf(customerID, actorID, at, loc)
	if err != nil {
		return fail(err)
	}
	start := ts.p.Tiers.Rank(tierID)
	if start < 0 {
		return fail(fmt.Errorf("%w: %q", ErrUnknownTier, tierID))
	}
	ch := TierChange{CustomerID: customerID, At: at}
	if ts.stored {
		ch.From, ch.To = ts.rec.TierID, ts.rec.TierID
		return ch, nil
	}
	computed, to := ts.p.Tiers.Levels[ts.rank].ID, ts.p.Tiers.Levels[max(ts.rank, start)].ID
	loc = locOr(loc, at)
	if start > 0 {
		ts.rec.HeldUntil, ts.rec.Start = ts.p.Tiers.StartHold(at, loc), true
	}
	if err := tx.setTier(ts.ck, &ts.rec, &ts.p, to, CauseStart, at, &ch); err != nil {
		return fail(err)
	}
	ch.From, ch.HeldUntil = computed, ts.rec.HeldUntil
	detail := to
	if !ts.rec.HeldUntil.IsZero() {
		detail += heldSuffix + ts.rec.HeldUntil.In(loc).Format(time.DateOnly)
	}
	if err := tx.auditTier(at, actorID, customerID, "start", computed, detail); err != nil {
		return fail(err)
	}
	return ch, nil
}

// ScanTierMoves calls fn for every tier move with from <= At < to, in time
// order (first records included, with From "").
func (tx *Tx) ScanTierMoves(from, to time.Time, fn func(TierMove) error) error {
	return tx.scanLog(from, to, func(e logEvent) error {
		if e.kind != logTierMove {
			return nil
		}
		return fn(TierMove{CustomerID: e.customer, At: e.at, From: e.a, To: e.b, Cause: TierCause(e.n)})
	})
}

// tiersAt counts customers created before at and not erased by then by
// the tier they held at at: today's records rewound by the moves logged
// since at.
func (tx *Tx) tiersAt(at time.Time) (map[string]int, error) {
	p, err := tx.ProgrammeAt(at)
	if err != nil {
		return nil, err
	}
	then := map[string]string{} // customer -> tier at at, from the first move after it
	err = tx.scanLog(at, maxNanoTime, func(e logEvent) error {
		if e.kind == logTierMove {
			if _, ok := then[e.customer]; !ok {
				then[e.customer] = e.a
				if e.a == "" && TierCause(e.n) == CauseFirst {
					// A first record names the tier the customer
					// already showed (recomputeTier, firstFrom).
					then[e.customer] = e.b
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The customers of then: created before at (the created index is in
	// time order, so this is its first part), by key.
	var keys [][]byte
	end := timePrefix(at)
	c := tx.bucket(bucketCreated).Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k[:8], end) < 0; k, _ = c.Next() {
		keys = append(keys, k[8:])
	}
	slices.SortFunc(keys, bytes.Compare)
	out := map[string]int{}
	tc := tx.bucket(bucketTiers).Cursor()
	rk, rv := tc.First()
	for _, ck := range keys {
		for rk != nil && bytes.Compare(rk, ck) < 0 {
			rk, rv = tc.Next()
		}
		if tx.get(bucketErased, ck) != nil {
			// Erased by then, nobody holds the tier any more; erased
			// later, they still count in the past ranges they were in.
			c, err := tx.customer(ck)
			if err != nil {
				return nil, err
			}
			if !c.ErasedAt.After(at) {
				continue
			}
		}
		id := custIDOfKey(ck)
		tier, moved := then[id]
		if !moved && rk != nil && bytes.Equal(rk, ck) {
			if tier, err = recordTierID(ck, rv); err != nil {
				return nil, err
			}
		}
		if tier == "" {
			// No record yet (an imported customer before their first
			// visit here, or the daily run): the tier their card shows,
			// as TierIDOf computes it.
			rank, _, _, err := tx.computeTier(ck, &p, at, at.Location())
			if err != nil {
				return nil, err
			}
			tier = p.Tiers.Levels[rank].ID
		}
		out[tier]++
	}
	return out, nil
}

// recordTierID reads the tier id of a stored tier record: json.Marshal
// writes it first, so a plain id is read off the front; anything else (an
// escaped character) is decoded.
func recordTierID(ck, v []byte) (string, error) {
	const head = `{"tier":"`
	if rest, ok := bytes.CutPrefix(v, []byte(head)); ok {
		if i := bytes.IndexByte(rest, '"'); i >= 0 && bytes.IndexByte(rest[:i], '\\') < 0 {
			return string(rest[:i]), nil
		}
	}
	var r struct {
		TierID string `json:"tier"`
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return "", fmt.Errorf("%w: tier of %s: %v", ErrCorrupt, custIDOfKey(ck), err)
	}
	return r.TierID, nil
}
