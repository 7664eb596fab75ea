package ledger

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The loyalty programme: what a shop gives its regulars. It lives in the
// ledger, is changed one part at a time by a manager (every change audited)
// and is kept as a history of versions, so "the rules at that moment" can
// always be evaluated: a version applies from its Since until the next.

// ProgrammePart names one part of the programme, the unit a manager changes.
type ProgrammePart string

// The parts of a Programme.
const (
	PartRate     ProgrammePart = "rate"     // the base earn rate
	PartTiers    ProgrammePart = "tiers"    // tier levels and their window
	PartStamps   ProgrammePart = "stamps"   // the stamp card
	PartExpiry   ProgrammePart = "expiry"   // when points expire
	PartBirthday ProgrammePart = "birthday" // the birthday benefit
	PartWinBack  ProgrammePart = "winback"  // the win-back benefit and the automatic win-back (winback.go)
	PartCoupon   ProgrammePart = "coupon"   // not a part: a coupon being issued (RuleError only)
)

// Programme is one version of the loyalty programme. The zero value is not
// valid; DefaultProgramme is today's behaviour.
type Programme struct {
	// Since is when this version took effect; zero for the built-in
	// default and a seed (SeedProgramme), which apply since always.
	Since time.Time `json:"since"`
	// Changed is the part this version changed from the one before it;
	// empty for the default and a seed.
	Changed ProgrammePart `json:"changed,omitempty"`
	// EarnRateBP is the base earn rate in basis points of a purchase
	// (1/100 of a percent): 500 is 5%, 750 is 7.5%, 0 earns nothing. A tier
	// may earn at its own rate instead (Tier.EarnRateBP).
	EarnRateBP int             `json:"earn_rate_bp"`
	Tiers      TierRules       `json:"tiers"`
	Stamps     StampRules      `json:"stamps"`
	Expiry     ExpiryRules     `json:"expiry"`
	Birthday   BirthdayBenefit `json:"birthday"`
	// WinBack is what a regular at risk is offered, and whether dangol
	// sends it by itself (winback.go); absent from versions stored before
	// it existed, which read as off.
	WinBack WinBackRules `json:"winback,omitzero"`
}

// WinBackRules are the win-back offer: the benefit a lapsed regular gets
// with a win-back message (points, a coupon, both or neither) and whether
// the daily job sends it by itself (Auto). A staff member's [안부 메시지]
// gives the same benefit, automatic or not.
type WinBackRules struct {
	// Auto turns on the automatic win-back: each at-risk regular with
	// advertising consent gets it once per lapse.
	Auto   bool  `json:"auto,omitempty"`
	Points int64 `json:"points,omitempty"`
	// Coupon is the coupon's benefit; nil: no coupon.
	Coupon *CouponBenefit `json:"coupon,omitempty"`
	// CouponDays is the coupon's validity in days; 0: DefaultCouponDays.
	CouponDays int `json:"coupon_days,omitempty"`
}

// HasBenefit reports whether the offer gives anything.
func (r WinBackRules) HasBenefit() bool { return r.Points > 0 || r.Coupon != nil }

// Validate reports whether the win-back offer is in range, as the
// birthday benefit's: points from 0 to MaxBirthdayPoints, a valid coupon
// benefit, a validity from 0 (the default) to MaxCouponDays. The error is
// a *RuleError.
func (r *WinBackRules) Validate() error {
	return validateOffer(PartWinBack, r.Points, r.Coupon, r.CouponDays)
}

// ExpiryRules say when earned points expire.
type ExpiryRules struct {
	// Months an earn's points stay usable, counted as the Civil Act
	// counts months (lotEnds): an earn of 2026-01-15 with 12 is usable
	// through 2027-01-15, one of 2026-01-31 with 1 through 2026-02-28;
	// 0: points never expire. The months of the version in force when
	// points are earned stay with them (a later change never shortens or
	// lengthens what was already earned).
	Months int `json:"months,omitempty"`
}

// BirthdayBenefit is what a customer gets on their birthday: points, a
// coupon, both or neither (the zero value). dangol stores it here; the care
// messages send it.
type BirthdayBenefit struct {
	Points int64 `json:"points,omitempty"`
	// Coupon is the coupon's benefit; nil: no coupon.
	Coupon *CouponBenefit `json:"coupon,omitempty"`
	// CouponDays is the coupon's validity in days; 0: DefaultCouponDays.
	CouponDays int `json:"coupon_days,omitempty"`
}

// Limits of the programme.
const (
	MaxEarnRateBP     = 10000 // 100% of a purchase
	MaxTierLevels     = 10
	MaxTierWindow     = 120 // months
	MaxExpiryMonths   = 120
	MaxStampGoal      = 100
	MaxBirthdayPoints = 1_000_000
	maxTierNameRunes  = 30
	maxBenefitRunes   = 200
)

// Defaults of the programme.
const (
	// DefaultTierWindow is the window, in months, of a manager's new tier
	// rules that name none (the built-in default counts all time).
	DefaultTierWindow = 12
	// DefaultEarnRateBP is the base rate when nothing is stored or seeded:
	// 5%, dialog's rate before the programme was stored.
	DefaultEarnRateBP  = 500
	defaultRegularSeen = 5
	defaultVIPSeen     = 15
)

// The built-in tiers' ids. They have no names: the chat names them in the
// reader's language.
const (
	TierNew     = "new"
	TierRegular = "regular"
	TierVIP     = "vip"
)

// DefaultProgramme returns today's behaviour with the given base earn rate
// (the shop's DANGOL_POINTS_RATE, in basis points): three tiers by visits
// ever counted (TierNew; TierRegular from 5 visits; TierVIP from 15), each
// earning the base rate and naming no benefit, no stamp card, points that
// never expire, no birthday benefit. Its tiers have built-in ids and no
// names: the chat shows them in the reader's language.
func DefaultProgramme(earnRateBP int) Programme {
	return Programme{
		EarnRateBP: earnRateBP,
		Tiers: TierRules{Levels: []Tier{
			{ID: TierNew},
			{ID: TierRegular, MinVisits: defaultRegularSeen},
			{ID: TierVIP, MinVisits: defaultVIPSeen},
		}},
	}
}

// Problem says what is wrong in a RuleError.
type Problem string

// Problems a RuleError reports.
const (
	ProblemRange     Problem = "range"     // a number outside [Min, Max]
	ProblemMissing   Problem = "missing"   // a value that is required
	ProblemDuplicate Problem = "duplicate" // a tier id or name given twice
	ProblemOrder     Problem = "order"     // a tier's threshold below the one before it
	ProblemBase      Problem = "base"      // the first tier has a threshold, or a higher one has none
	ProblemTooLong   Problem = "too_long"  // a text longer than Max characters
	ProblemChars     Problem = "chars"     // a control character or a line break in a one-line text
	ProblemPast      Problem = "past"      // a last day before today
	ProblemConflict  Problem = "conflict"  // two values that exclude each other (days and a date)
)

// RuleError is returned (wrapped) when a programme part or a coupon fails
// validation. It says which part, which field (and which tier level, when
// one), and what is wrong, so the chat can tell the manager in their
// language. errors.Is(err, ErrInvalid) holds for it.
type RuleError struct {
	Part    ProgrammePart
	Field   string // "rate", "window", "level", "id", "name", "visits", "spend", "benefit", "goal", "reward", "reward_days", "months", "points", "coupon", "coupon_days", "kind", "percent", "won", "item", "days", "last_day", "note"
	Level   int    // the tier level (0 is the base tier); -1 when not about one tier
	Problem Problem
	Min     int64 // for ProblemRange and ProblemTooLong (Max only)
	Max     int64
}

// Error says what is wrong where.
func (e *RuleError) Error() string {
	at := string(e.Part) + " " + e.Field
	if e.Level >= 0 {
		at = fmt.Sprintf("%s tier %d %s", e.Part, e.Level, e.Field)
	}
	msg := "ledger: invalid record: " + at + ": " + string(e.Problem)
	if e.Problem == ProblemRange || e.Problem == ProblemTooLong {
		msg += fmt.Sprintf(" (%d to %d)", e.Min, e.Max)
	}
	return msg
}

// Is makes a RuleError match ErrInvalid.
func (e *RuleError) Is(target error) bool { return target == ErrInvalid }

func ruleErr(part ProgrammePart, field string, p Problem) *RuleError {
	return &RuleError{Part: part, Field: field, Level: -1, Problem: p}
}

func rangeErr(part ProgrammePart, field string, min, max int64) *RuleError {
	return &RuleError{Part: part, Field: field, Level: -1, Problem: ProblemRange, Min: min, Max: max}
}

// checkShopText checks a one-line text of the shop (a tier name, a benefit
// line, a reward item): not personal, stored in the clear.
func checkShopText(part ProgrammePart, field string, level int, s string, max int) error {
	if utf8.RuneCountInString(s) > max {
		return &RuleError{Part: part, Field: field, Level: level, Problem: ProblemTooLong, Max: int64(max)}
	}
	if checkLine(string(part), field, s) != nil {
		return &RuleError{Part: part, Field: field, Level: level, Problem: ProblemChars}
	}
	return nil
}

// Validate reports whether p can be stored: each part as its own Validate
// says. The error is a *RuleError.
func (p *Programme) Validate() error {
	if p.EarnRateBP < 0 || p.EarnRateBP > MaxEarnRateBP {
		return rangeErr(PartRate, "rate", 0, MaxEarnRateBP)
	}
	for _, err := range []error{p.Tiers.Validate(), p.Stamps.Validate(), p.Expiry.Validate(), p.Birthday.Validate(), p.WinBack.Validate()} {
		if err != nil {
			return err
		}
	}
	return nil
}

// Validate reports whether the expiry rule is in range: 0 (off) to
// MaxExpiryMonths. The error is a *RuleError.
func (r *ExpiryRules) Validate() error {
	if r.Months < 0 || r.Months > MaxExpiryMonths {
		return rangeErr(PartExpiry, "months", 0, MaxExpiryMonths)
	}
	return nil
}

// Validate reports whether the birthday benefit is in range: points from 0
// to MaxBirthdayPoints, a valid coupon benefit, a validity from 0 (the
// default) to MaxCouponDays. The error is a *RuleError.
func (b *BirthdayBenefit) Validate() error {
	return validateOffer(PartBirthday, b.Points, b.Coupon, b.CouponDays)
}

// validateOffer checks a benefit given with a message (the birthday's,
// the win-back's) for the programme's part: points from 0 to
// MaxBirthdayPoints, a validity from 0 to MaxCouponDays, a valid coupon.
func validateOffer(part ProgrammePart, points int64, coupon *CouponBenefit, days int) error {
	if points < 0 || points > MaxBirthdayPoints {
		return rangeErr(part, "points", 0, MaxBirthdayPoints)
	}
	if days < 0 || days > MaxCouponDays {
		// Said from 1: 0 stands for the default, and "0일" typed is
		// refused, so "0에서 3,650 사이" named a value nobody can give.
		return rangeErr(part, "coupon_days", 1, MaxCouponDays)
	}
	if coupon != nil {
		return coupon.validate(part)
	}
	return nil
}

// EarnRateOf returns the earn rate in basis points of a customer in tier
// id: the tier's own rate, or the base rate when the tier names none or is
// not in the programme.
func (p *Programme) EarnRateOf(tierID string) int {
	if t, ok := p.Tiers.Level(tierID); ok && t.EarnRateBP > 0 {
		return t.EarnRateBP
	}
	return p.EarnRateBP
}

// PointsFor returns the points a purchase of amount won earns at rateBP
// basis points, rounded down; ok is false when amount is not positive or
// the product would overflow.
func PointsFor(amount int64, rateBP int) (points int64, ok bool) {
	if amount <= 0 || rateBP < 0 || amount > (1<<63-1)/int64(max(rateBP, 1)) {
		return 0, false
	}
	return amount * int64(rateBP) / 10000, true
}

// FormatRateBP writes a rate in basis points as a percent with no trailing
// zeros: 500 → "5", 750 → "7.5", 1234 → "12.34".
func FormatRateBP(bp int) string {
	s := strconv.Itoa(bp / 100)
	if frac := bp % 100; frac != 0 {
		f := fmt.Sprintf("%02d", frac)
		s += "." + strings.TrimRight(f, "0")
	}
	return s
}

// String is the audit trail's compact form of a part's value.
func (p *Programme) partString(part ProgrammePart) string {
	switch part {
	case PartRate:
		return FormatRateBP(p.EarnRateBP) + "%"
	case PartTiers:
		return p.Tiers.String()
	case PartStamps:
		if p.Stamps.Goal == 0 {
			return "off"
		}
		days := p.Stamps.RewardDays
		if days == 0 {
			days = DefaultCouponDays // what 0 means: "/0d" read as a reward valid no day
		}
		return fmt.Sprintf("%d=%s/%dd", p.Stamps.Goal, p.Stamps.Reward.String(), days)
	case PartExpiry:
		if p.Expiry.Months == 0 {
			return "off"
		}
		return fmt.Sprintf("%dmo", p.Expiry.Months)
	case PartBirthday:
		b := p.Birthday
		var parts []string
		if b.Points > 0 {
			parts = append(parts, fmt.Sprintf("%dP", b.Points))
		}
		if b.Coupon != nil {
			parts = append(parts, fmt.Sprintf("%s/%dd", b.Coupon.String(), b.CouponDays))
		}
		if len(parts) == 0 {
			return "off"
		}
		return strings.Join(parts, "+")
	case PartWinBack:
		w := p.WinBack
		parts := []string{"manual"}
		if w.Auto {
			parts[0] = "auto"
		}
		if w.Points > 0 {
			parts = append(parts, fmt.Sprintf("%dP", w.Points))
		}
		if w.Coupon != nil {
			parts = append(parts, fmt.Sprintf("%s/%dd", w.Coupon.String(), w.CouponDays))
		}
		if !w.Auto && !w.HasBenefit() {
			return "off"
		}
		return strings.Join(parts, "+")
	}
	return ""
}

// Versions are stored in the programme bucket under time keys of their
// Since: a format byte, the expiry months as a uvarint (what AddPoints
// needs of every version, read without decoding the rest), then the
// version as JSON. A handful of small records; the built-in default and a
// seed go at the smallest key.
const programmeFormat = 1

func encodeProgramme(p *Programme) ([]byte, error) {
	j, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	e := encoder{b: make([]byte, 0, 4+len(j))}
	e.byte(programmeFormat)
	e.uvarint(uint64(p.Expiry.Months))
	e.b = append(e.b, j...)
	return e.b, nil
}

func decodeProgramme(k, v []byte) (Programme, error) {
	d := newDecoder(v)
	d.version(programmeFormat)
	d.uvarint()
	if d.err != nil {
		return Programme{}, fmt.Errorf("programme %s: %w", idOf(k), d.err)
	}
	var p Programme
	if err := json.Unmarshal(v[d.off:], &p); err != nil {
		return Programme{}, fmt.Errorf("%w: programme %s: %v", ErrCorrupt, idOf(k), err)
	}
	if len(p.Tiers.Levels) == 0 {
		return Programme{}, fmt.Errorf("%w: programme %s has no tier", ErrCorrupt, idOf(k))
	}
	return p, nil
}

// versionAt returns the key and value of the version in force at at; nil
// when none is stored.
func (tx *Tx) versionAt(at time.Time) (k, v []byte) {
	c := tx.cursor(bucketProgramme)
	k, v = c.Seek(timePrefix(at.Add(time.Nanosecond)))
	if k == nil {
		return c.Last()
	}
	return c.Prev()
}

// expiryMonthsAt returns the expiry months of the version in force at at,
// from the value's prefix alone.
func (tx *Tx) expiryMonthsAt(at time.Time) (int, error) {
	k, v := tx.versionAt(at)
	if k == nil {
		return 0, nil
	}
	var m uint64
	n := 0
	if len(v) > 1 && v[0] == programmeFormat {
		m, n = binary.Uvarint(v[1:])
	}
	if n <= 0 || m > MaxExpiryMonths {
		return 0, fmt.Errorf("%w: programme %s: expiry", ErrCorrupt, idOf(k))
	}
	return int(m), nil
}

// ProgrammeAt returns the version of the programme in force at at: the
// newest stored version whose Since is not after at, or
// DefaultProgramme(DefaultEarnRateBP) when none is stored (see
// SeedProgramme).
func (tx *Tx) ProgrammeAt(at time.Time) (Programme, error) {
	k, v := tx.versionAt(at)
	if k == nil {
		return DefaultProgramme(DefaultEarnRateBP), nil
	}
	if o := tx.programme; o != nil && o.from(v) {
		return o.p.clone(), nil
	}
	p, err := decodeProgramme(k, v)
	if err != nil {
		return Programme{}, fmt.Errorf("ledger: programme at %s: %w", at.Format(time.RFC3339), err)
	}
	if tx.programme == nil {
		tx.programme = &openedProgramme{}
	}
	*tx.programme = openedProgramme{raw: v, p: p.clone()}
	return p, nil
}

// openedProgramme is a programme version as decoded from raw, its stored
// bytes: a note reads the version in force two or three times (its tier,
// the card's tier name), a JSON decode each.
type openedProgramme struct {
	raw []byte
	p   Programme
}

// from reports whether v is the very value o was decoded from, as
// openedCustomer.from does.
func (o *openedProgramme) from(v []byte) bool {
	return len(v) == len(o.raw) && len(v) > 0 && &v[0] == &o.raw[0]
}

// clone returns a copy of p that shares nothing with it: the tier levels
// and the coupons of the birthday and win-back benefits are its own. A
// field that refers to memory, added to Programme, must be copied here.
func (p Programme) clone() Programme {
	p.Tiers.Levels = slices.Clone(p.Tiers.Levels)
	if c := p.Birthday.Coupon; c != nil {
		cc := *c
		p.Birthday.Coupon = &cc
	}
	if c := p.WinBack.Coupon; c != nil {
		cc := *c
		p.WinBack.Coupon = &cc
	}
	return p
}

// Programmes returns every stored version, oldest first (empty when only
// the built-in default applies). The export writes them.
func (tx *Tx) Programmes() ([]Programme, error) {
	var out []Programme
	c := tx.bucket(bucketProgramme).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		p, err := decodeProgramme(k, v)
		if err != nil {
			return nil, fmt.Errorf("ledger: programmes: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// SeedProgramme stores DefaultProgramme(earnRateBP) as the version in
// force since always, unless a version is already stored; it reports
// whether it stored one. dangol calls it at start with DANGOL_POINTS_RATE,
// which therefore only seeds the programme: once anything is stored, the
// variable changes nothing. It is not audited (no one changed anything).
func (tx *Tx) SeedProgramme(earnRateBP int) (bool, error) {
	b := tx.bucket(bucketProgramme)
	if k, _ := b.Cursor().First(); k != nil {
		return false, nil
	}
	p := DefaultProgramme(earnRateBP)
	if err := p.Validate(); err != nil {
		return false, fmt.Errorf("ledger: seed programme: %w", err)
	}
	v, err := encodeProgramme(&p)
	if err != nil {
		return false, fmt.Errorf("ledger: seed programme: %w", err)
	}
	seq, err := b.NextSequence()
	if err != nil {
		return false, fmt.Errorf("ledger: seed programme: %w", err)
	}
	if err := b.Put(timeKey(time.Time{}, seq), v); err != nil {
		return false, fmt.Errorf("ledger: seed programme: %w", err)
	}
	return true, nil
}

// SetEarnRate changes the base earn rate (basis points, 0 to
// MaxEarnRateBP) from at on. See setPart for what every change does.
func (tx *Tx) SetEarnRate(bp int, actorID string, at time.Time) (Programme, error) {
	return tx.setPart(PartRate, actorID, at, func(p *Programme) { p.EarnRateBP = bp })
}

// SetTiers changes the tier levels and their window from at on (days in
// loc; nil: at's location). Ids left empty are derived from the names
// (TierRules.Normalize). A customer the new rules place higher is raised
// at once, told as the daily run tells a raise (holdTierChange); a lower
// tier waits for the daily run, and then a 30-day notice: one without a
// tier record yet, whom the new rules place lower, is given a record of
// the tier the old ones gave, which they would otherwise lose at once,
// untold. A window given to all-time
// rules holds each starting tier (StartTier, not moved since) one window
// from at, as StartTier gives under a window: the list's undated visits
// counted until then, and count no more. TierDrops tells of both first.
func (tx *Tx) SetTiers(r TierRules, actorID string, at time.Time, loc *time.Location) (Programme, error) {
	r.Normalize()
	at = tx.versionTime(at)
	old, err := tx.ProgrammeAt(at)
	if err != nil {
		return Programme{}, fmt.Errorf("ledger: set programme %s: %w", PartTiers, err)
	}
	p, err := tx.setPart(PartTiers, actorID, at, func(p *Programme) { p.Tiers = r })
	if err != nil {
		return Programme{}, err
	}
	if err := tx.holdTierChange(&old, &p, at, locOr(loc, at)); err != nil {
		return Programme{}, fmt.Errorf("ledger: set programme %s: %w", PartTiers, err)
	}
	return p, nil
}

// SetStamps changes the stamp card from at on (Goal 0 turns it off; the
// stamps on customers' cards stay, and a card at or over a lowered goal
// is full: FillStampCards gives its reward).
func (tx *Tx) SetStamps(r StampRules, actorID string, at time.Time) (Programme, error) {
	return tx.setPart(PartStamps, actorID, at, func(p *Programme) { p.Stamps = r })
}

// SetExpiry changes when points earned from at on expire (Months 0: never).
// Points earned before keep the rule they were earned under.
func (tx *Tx) SetExpiry(r ExpiryRules, actorID string, at time.Time) (Programme, error) {
	return tx.setPart(PartExpiry, actorID, at, func(p *Programme) { p.Expiry = r })
}

// SetBirthday changes the birthday benefit from at on.
func (tx *Tx) SetBirthday(b BirthdayBenefit, actorID string, at time.Time) (Programme, error) {
	return tx.setPart(PartBirthday, actorID, at, func(p *Programme) { p.Birthday = b })
}

// SetWinBack changes the win-back offer and the automatic win-back from
// at on.
func (tx *Tx) SetWinBack(r WinBackRules, actorID string, at time.Time) (Programme, error) {
	return tx.setPart(PartWinBack, actorID, at, func(p *Programme) { p.WinBack = r })
}

// versionTime is when a version written at at takes effect: at, or the
// newest version's time when that is later (its writer read the clock,
// then waited), as setPart puts it.
func (tx *Tx) versionTime(at time.Time) time.Time {
	if k, _ := tx.bucket(bucketProgramme).Cursor().Last(); k != nil && keyTime(k).After(at) {
		return keyTime(k).In(at.Location())
	}
	return at
}

// setPart stores a new version: the one in force at at with change applied,
// Since at and Changed part, and audits it (action "programme", the
// manager's actorID, detail "part: old → new"). A version is never put
// before the newest one (its writer read the clock, then waited): at then
// becomes that version's time, as points entries do. An invalid part
// returns a *RuleError and changes nothing; so does an actorID left empty.
func (tx *Tx) setPart(part ProgrammePart, actorID string, at time.Time, change func(*Programme)) (Programme, error) {
	fail := func(err error) (Programme, error) {
		return Programme{}, fmt.Errorf("ledger: set programme %s: %w", part, err)
	}
	if actorID == "" || at.IsZero() {
		return fail(invalid("programme", "an actor and a time are required"))
	}
	b := tx.bucket(bucketProgramme)
	at = tx.versionTime(at)
	old, err := tx.ProgrammeAt(at)
	if err != nil {
		return fail(err)
	}
	p := old
	p.Tiers.Levels = append([]Tier(nil), old.Tiers.Levels...)
	change(&p)
	p.Since, p.Changed = at, part
	if err := p.Validate(); err != nil {
		return fail(err)
	}
	v, err := encodeProgramme(&p)
	if err != nil {
		return fail(err)
	}
	seq, err := b.NextSequence()
	if err != nil {
		return fail(err)
	}
	if err := b.Put(timeKey(at, seq), v); err != nil {
		return fail(err)
	}
	detail := string(part) + ": " + old.partString(part) + " → " + p.partString(part)
	if err := tx.Audit(AuditEntry{At: at, ActorID: actorID, Action: "programme", Detail: detail}); err != nil {
		return fail(err)
	}
	return p, nil
}
