package dialog

// The loyalty programme in chat: /program shows it to staff, and a manager
// changes one part at a time, /program tiers|stamps|expire|rate|birthday
// <value>, or from the answer's buttons: a form on clients that show one
// (Slack), a question elsewhere. The programme lives in the ledger
// (ledger.Programme); every change is audited there and takes effect from
// that moment. DANGOL_POINTS_RATE only seeds it (Engine.seedProgramme).
// A change that moves customers asks first (flow_program_confirm.go).

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/looplab/fsm"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// flowProgram is the manager's programme flow: the answer's buttons, then
// the value of the part chosen.
const flowProgram = "program"

// Program flow states.
const (
	progMenu    = "menu"    // the programme was shown with a button per part
	progValue   = "value"   // the new value of Draft["part"] is asked for
	progConfirm = "confirm" // Draft["value"] for Draft["part"] waits for [바꾸기] (flow_program_confirm.go)
)

// formProgramPrefix starts the form id of a part's form: "program:tiers".
const formProgramPrefix = "program:"

// programParts are the parts a manager changes, in the order shown.
var programParts = []ledger.ProgrammePart{ledger.PartTiers, ledger.PartStamps, ledger.PartExpiry, ledger.PartRate, ledger.PartBirthday, ledger.PartWinBack}

// partWords are the words typed for each part.
var partWords = map[string]ledger.ProgrammePart{
	"tiers": ledger.PartTiers, "tier": ledger.PartTiers, "등급": ledger.PartTiers,
	"stamps": ledger.PartStamps, "stamp": ledger.PartStamps, "스탬프": ledger.PartStamps, "도장": ledger.PartStamps,
	"expire": ledger.PartExpiry, "expiry": ledger.PartExpiry, "소멸": ledger.PartExpiry, "유효기간": ledger.PartExpiry,
	"rate": ledger.PartRate, "적립률": ledger.PartRate, "적립": ledger.PartRate,
	"birthday": ledger.PartBirthday, "생일": ledger.PartBirthday,
	"winback": ledger.PartWinBack, "win-back": ledger.PartWinBack, "안부": ledger.PartWinBack, "윈백": ledger.PartWinBack, // flow_winback.go
}

// programFlow is the state machine of flowProgram.
func programFlow() *flowDef {
	return &flowDef{
		title:   "core.flow.program",
		initial: progMenu,
		roles:   []ledger.Role{ledger.RoleManager},
		events: fsm.Events{
			{Name: "ask", Src: []string{progMenu, progValue, progConfirm}, Dst: progValue},
			{Name: "confirm", Src: []string{progMenu, progValue, progConfirm}, Dst: progConfirm},
			{Name: "done", Src: []string{progMenu, progValue, progConfirm}, Dst: stateDone},
		},
		step:   (*turn).programStep,
		browse: []string{progMenu},
	}
}

func init() {
	staffCommands["program"] = command{run: (*turn).cmdProgram}
	koreanCommands["프로그램"] = "program"
	addHelp(&helpStaff, "loyalty.help.program")
	// /customer <who> 등급 VIP pins a tier; any other /customer goes on
	// as before (flow_customer.go).
	customer := staffCommands["customer"]
	staffCommands["customer"] = command{run: func(t *turn, args string) error {
		if who, value, ok := splitTierPin(args); ok {
			return t.cmdTierPin(who, value)
		}
		return customer.run(t, args)
	}, manager: customer.manager, keep: customer.keep}
}

// tierWords name the tier in /customer <who> 등급 <tier>.
var tierWords = []string{"등급", "tier"}

// unpinWords let the rules decide again: /customer 김민지 등급 해제.
var unpinWords = []string{"해제", "자동", "unpin", "auto", "off", "풀기"}

// splitTierPin finds a tier pin in /customer's arguments: the customer,
// then 등급 or tier, then the tier (or an unpin word).
func splitTierPin(args string) (who, value string, ok bool) {
	toks := strings.Fields(args)
	for i := 1; i < len(toks); i++ {
		if containsFold(tierWords, toks[i]) {
			return strings.Join(toks[:i], " "), dropFields(args, i+1), true
		}
	}
	return "", "", false
}

// cmdTierPin: a manager's /customer <who> 등급 <tier|해제>.
func (t *turn) cmdTierPin(who, value string) error {
	if t.role != ledger.RoleManager {
		t.say("loyalty.tier.pin_manager_only", nil)
		return nil
	}
	if strings.TrimSpace(value) == "" {
		t.say("loyalty.tier.pin_usage", nil)
		return nil
	}
	cs, phone, err := t.findWho(who)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return t.notFound(who, phone)
	}
	return t.onMatches("tier.pin", cs, who, phone, value)
}

// actTierPin pins c's tier to the one value names, or unpins it; the
// ledger audits either.
func (t *turn) actTierPin(c ledger.Customer, value string) error {
	p, err := t.programme()
	if err != nil {
		return err
	}
	id := ""
	if !containsFold(unpinWords, strings.TrimSpace(value)) {
		l, ok := t.e.tierByWord(p, value)
		if !ok {
			var names []string
			for _, l := range p.Tiers.Levels {
				names = append(names, t.tierName(l))
			}
			return refuse("loyalty.tier.unknown", map[string]any{"Value": strings.TrimSpace(value), "Tiers": strings.Join(names, ", ")})
		}
		id = l.ID
	}
	ch, err := t.tx.PinTier(c.ID, id, t.actor.ID(), t.now, t.e.loc)
	if err != nil {
		return fmt.Errorf("dialog: pin tier: %w", err)
	}
	to := t.tierNameOf(p, ch.To)
	d := map[string]any{"Name": c.Name, "From": t.tierNameOf(p, ch.From), "To": to}
	if id == "" {
		t.say("loyalty.tier.unpinned", d)
		return nil
	}
	t.say("loyalty.tier.pinned", d)
	return nil
}

// addHelp puts help line id before the language line of a role's help, so
// /lang and /cancel stay last.
func addHelp(lines *[]string, id string) {
	i := slices.Index(*lines, "core.help.lang")
	if i < 0 {
		i = len(*lines)
	}
	*lines = slices.Insert(*lines, i, id)
}

// --- the programme in force ---

// seedBP is the base earn rate DANGOL_POINTS_RATE seeds the programme
// with, in basis points: 0 for a shop that does not earn.
func (e *Engine) seedBP() int {
	if e.noEarn {
		return 0
	}
	return int(e.rate * 100)
}

// seedProgramme stores the default programme with the configured rate
// unless one is stored: the configuration seeds the programme once, and
// a manager's changes win from then on. A change of a part and the daily
// run seed first, so the ledger's own reads (ProgrammeAt) agree with the
// chat's.
func (e *Engine) seedProgramme(tx *ledger.Tx) error {
	if _, err := tx.SeedProgramme(e.seedBP()); err != nil {
		return fmt.Errorf("dialog: seed programme: %w", err)
	}
	return nil
}

// programme returns the programme in force now. It only reads: while
// none is stored it is the default with the configured rate, what
// seedProgramme would store (a read-only turn stays read-only).
func (t *turn) programme() (ledger.Programme, error) {
	if !t.tx.ProgrammeStored() {
		return ledger.DefaultProgramme(t.e.seedBP()), nil
	}
	p, err := t.tx.ProgrammeAt(t.now)
	if err != nil {
		return ledger.Programme{}, fmt.Errorf("dialog: read programme: %w", err)
	}
	return p, nil
}

// builtinTiers are the catalog ids of the built-in tiers, by id.
var builtinTiers = map[string]string{
	ledger.TierNew:     "core.tier.new",
	ledger.TierRegular: "core.tier.regular",
	ledger.TierVIP:     "core.tier.vip",
}

// tierName is a tier as the reader calls it: the shop's name, or the
// built-in tier's word in the reader's language.
func (t *turn) tierName(l ledger.Tier) string {
	return TierName(t.e.cat, t.lang, l)
}

// TierName is tier l as a reader of lang calls it: the shop's name for it,
// the built-in tier's word in lang ("일반", "Member"), or the id of a tier
// the programme no longer has. The CLI's export names tiers by it too, so
// a spreadsheet says what the chat says.
func TierName(cat *locales.Catalog, lang string, l ledger.Tier) string {
	if l.Name != "" {
		return l.Name
	}
	if id, ok := builtinTiers[l.ID]; ok {
		return cat.Text(lang, id, nil)
	}
	return l.ID
}

// tierNameOf names tier id of p (an id no longer in p by itself).
func (t *turn) tierNameOf(p ledger.Programme, id string) string {
	l, ok := p.Tiers.Level(id)
	if !ok {
		l = ledger.Tier{ID: id}
	}
	return t.tierName(l)
}

// builtinTier returns the built-in tier a name means in any language
// ("단골", "regular", "VIP"), or "".
func (e *Engine) builtinTier(name string) string { return BuiltinTier(e.cat, name) }

// BuiltinTier returns the id of the built-in tier a word names in any of
// the catalog's languages ("단골", "regular", "VIP"), or "": what the
// chat and the CLI's import read a tier's word by.
func BuiltinTier(cat *locales.Catalog, name string) string {
	name = strings.TrimSpace(name)
	for id, msg := range builtinTiers {
		for _, l := range locales.Languages {
			if strings.EqualFold(name, cat.Text(l, msg, nil)) {
				return id
			}
		}
	}
	return ""
}

// tierByWord returns the tier of p a word names: its name or the built-in
// tier's word in any language; ok is false when none. Ids are not
// matched: the base tier's is "new", a word /customers means otherwise.
func (e *Engine) tierByWord(p ledger.Programme, w string) (ledger.Tier, bool) {
	w = strings.Join(strings.Fields(w), " ")
	if w == "" {
		return ledger.Tier{}, false
	}
	b := e.builtinTier(w)
	for _, l := range p.Tiers.Levels {
		if (l.Name != "" && strings.EqualFold(l.Name, w)) || (b != "" && l.ID == b) {
			return l, true
		}
	}
	return ledger.Tier{}, false
}

// rate writes basis points as a percent: 7.5%.
func rate(bp int) string { return ledger.FormatRateBP(bp) + "%" }

// benefitText says what a coupon gives: "10% 할인", "5,000원 할인",
// "아메리카노 1잔".
func (t *turn) benefitText(b ledger.CouponBenefit) string {
	return BenefitText(t.e.cat, t.lang, b)
}

// BenefitText says what a coupon gives in lang: "10% 할인", "5,000원
// 할인", or the item. The CLI's export says it so too.
func BenefitText(cat *locales.Catalog, lang string, b ledger.CouponBenefit) string {
	switch b.Kind {
	case ledger.BenefitPercent:
		return cat.Text(lang, "loyalty.benefit.percent", map[string]any{"Percent": b.Percent})
	case ledger.BenefitWon:
		won := cat.Text(lang, "core.fmt.won", map[string]any{"N": groupDigits(b.Won)})
		return cat.Text(lang, "loyalty.benefit.won", map[string]any{"Amount": won})
	}
	return b.Item
}

// thresholdText is a tier's threshold: "방문 5회", "방문 15회 또는 500,000원".
func (t *turn) thresholdText(l ledger.Tier) string {
	var parts []string
	if l.MinVisits > 0 {
		parts = append(parts, t.text("loyalty.tier.visits", map[string]any{"N": l.MinVisits}))
	}
	if l.MinSpend > 0 {
		parts = append(parts, t.text("loyalty.tier.spend", map[string]any{"Amount": t.won(l.MinSpend)}))
	}
	sep := "loyalty.tier.or"
	if l.Both {
		sep = "loyalty.tier.and"
	}
	return strings.Join(parts, t.text(sep, nil))
}

// tierBenefit is the line a customer reads about their tier: its earn
// rate and the shop's benefit line ("10% 적립 · 생일 쿠폰 20%").
func (t *turn) tierBenefit(p ledger.Programme, l ledger.Tier) string {
	parts := []string{t.text("loyalty.tier.earns", map[string]any{"Rate": rate(p.EarnRateOf(l.ID))})}
	if l.Benefit != "" {
		parts = append(parts, l.Benefit)
	}
	return strings.Join(parts, " · ")
}

// --- /program ---

// cmdProgram: /program shows the programme (staff and managers);
// /program <part> [value] changes a part (managers).
func (t *turn) cmdProgram(args string) error {
	word, rest := firstField(args)
	if word == "" {
		return t.showProgramme()
	}
	part, ok := partWords[strings.ToLower(word)]
	if !ok {
		t.say("loyalty.program.usage", nil)
		return nil
	}
	if isViewWord(rest) {
		// Anyone may look; "/program tiers 보기" is a question, not a ladder.
		return t.showProgramme()
	}
	if t.role != ledger.RoleManager {
		t.say("loyalty.program.manager_only", nil)
		return nil
	}
	if rest == "" {
		return t.askPart(part)
	}
	if asked, err := t.askPartChange(part, rest); err != nil || asked {
		return err
	}
	res, id, data, err := t.setPart(part, rest)
	if err != nil {
		return err
	}
	if id != "" {
		return refuse(id, data)
	}
	return t.partDone(part, res)
}

// showProgramme answers /program: every part, and for a manager a button
// per part (the flow waits for one).
func (t *turn) showProgramme() error {
	p, err := t.programme()
	if err != nil {
		return err
	}
	r := t.programmeReply(p)
	if t.role == ledger.RoleManager {
		t.begin(flowProgram)
		for _, part := range programParts {
			r.Buttons = append(r.Buttons, t.btn(programButtons[part], "prog:"+string(part)))
		}
		r.Text += "\n" + t.text("loyalty.program.change_hint", nil)
	}
	r.Private = true
	t.add(r)
	return nil
}

// programmeReply is the programme as sections: the base rate and expiry,
// the tiers, the stamp card and the birthday benefit.
func (t *turn) programmeReply(p ledger.Programme) Reply {
	head := t.text("loyalty.program.head", nil)
	if !p.Since.IsZero() {
		head = t.text("loyalty.program.head_since", map[string]any{"Since": t.day(p.Since)})
	}
	basics := []string{
		t.text("loyalty.program.rate", map[string]any{"Rate": rate(p.EarnRateBP)}),
		t.expiryLine(p),
		t.stampsLine(p),
		t.birthdayLine(p),
		t.winBackLine(p), // flow_winback.go
	}
	tierTitle := t.text("loyalty.program.tiers_all_time", nil)
	if w := p.Tiers.WindowMonths; w > 0 {
		tierTitle = t.text("loyalty.program.tiers_window", map[string]any{"Months": w})
	}
	var tiers []string
	for i, l := range p.Tiers.Levels {
		d := map[string]any{"Name": t.tierName(l), "Benefit": t.tierBenefit(p, l)}
		if i == 0 {
			tiers = append(tiers, t.text("loyalty.program.tier_base", d))
			continue
		}
		d["Threshold"] = t.thresholdText(l)
		tiers = append(tiers, t.text("loyalty.program.tier", d))
	}
	return t.mkSections(head, []Section{
		{Title: t.text("loyalty.program.basics_title", nil), Lines: basics},
		{Title: tierTitle, Lines: tiers},
	})
}

func (t *turn) expiryLine(p ledger.Programme) string {
	if p.Expiry.Months == 0 {
		return t.text("loyalty.program.expiry_off", nil)
	}
	return t.text("loyalty.program.expiry", map[string]any{"Months": p.Expiry.Months})
}

func (t *turn) stampsLine(p ledger.Programme) string {
	if p.Stamps.Goal == 0 {
		return t.text("loyalty.program.stamps_off", nil)
	}
	return t.text("loyalty.program.stamps", map[string]any{
		"Goal": p.Stamps.Goal, "Reward": t.benefitText(p.Stamps.Reward), "Days": daysOr(p.Stamps.RewardDays),
	})
}

func (t *turn) birthdayLine(p ledger.Programme) string {
	b := p.Birthday
	var parts []string
	if b.Points > 0 {
		parts = append(parts, t.pts(b.Points))
	}
	if b.Coupon != nil {
		parts = append(parts, t.text("loyalty.program.birthday_coupon", map[string]any{
			"Benefit": t.benefitText(*b.Coupon), "Days": daysOr(b.CouponDays),
		}))
	}
	if len(parts) == 0 {
		return t.text("loyalty.program.birthday_off", nil)
	}
	return t.text("loyalty.program.birthday", map[string]any{"Benefit": strings.Join(parts, " + ")})
}

// daysOr is a validity in days, the default when 0.
func daysOr(days int) int {
	if days <= 0 {
		return ledger.DefaultCouponDays
	}
	return days
}

// partLine is the one line saying what a part is now.
func (t *turn) partLine(part ledger.ProgrammePart, p ledger.Programme) string {
	switch part {
	case ledger.PartRate:
		return t.text("loyalty.program.rate", map[string]any{"Rate": rate(p.EarnRateBP)})
	case ledger.PartExpiry:
		return t.expiryLine(p)
	case ledger.PartStamps:
		return t.stampsLine(p)
	case ledger.PartBirthday:
		return t.birthdayLine(p)
	case ledger.PartWinBack:
		return t.winBackLine(p)
	}
	// The tiers with their title, which says the window the visits count
	// in: a manager's new rules name one (ledger.DefaultTierWindow unless
	// written), where the built-in ones counted all time.
	r := t.programmeReply(p)
	return strings.Join(append([]string{r.Sections[1].Title}, r.Sections[1].Lines...), "\n")
}

// partChanged is the answer to a change: what the part is now, in force
// from now on, and what it leaves as it was: points already earned, or,
// for the stamp card, the stamps already on each card; more are lines of
// what the change did besides (partDone).
func (t *turn) partChanged(part ledger.ProgrammePart, p ledger.Programme, more ...string) Reply {
	name := t.text(programPartNames[part], nil)
	id := "loyalty.program.changed"
	if part == ledger.PartStamps {
		id = "loyalty.program.changed.stamps"
	}
	text := t.text(id, map[string]any{
		"Part": name, "Now": t.partLine(part, p),
	})
	if part == ledger.PartTiers {
		if note := t.tiersRemoved(p); note != "" {
			text += "\n" + note
		}
		// A tier's benefit line is what customers are shown, not what
		// dangol gives: "생일 쿠폰 20%" typed there was promised and never
		// issued, since only /program birthday gives a birthday benefit.
		if slices.ContainsFunc(p.Tiers.Levels, func(l ledger.Tier) bool { return l.Benefit != "" }) {
			text += "\n" + t.text("loyalty.program.tier_benefit_note", nil)
		}
	}
	for _, l := range more {
		text += "\n" + l
	}
	r := t.mk(text)
	r.Private = true
	return r
}

// tiersRemoved says which tiers the new rules p left out of the version
// before them, and how to have them back: /program tiers takes the whole
// ladder, so "단골 3회" alone drops VIP, which a manager who meant to move
// one threshold would not see otherwise. "" when none was left out.
func (t *turn) tiersRemoved(p ledger.Programme) string {
	ps, err := t.tx.Programmes()
	if err != nil || len(ps) < 2 {
		return ""
	}
	before := ps[len(ps)-2]
	kept := map[string]bool{}
	for _, l := range p.Tiers.Levels {
		kept[l.ID] = true
	}
	var gone []string
	for _, l := range before.Tiers.Levels {
		if !kept[l.ID] {
			gone = append(gone, t.tierName(l))
		}
	}
	if len(gone) == 0 {
		return ""
	}
	return t.text("loyalty.program.tiers_removed", map[string]any{
		"Names": strings.Join(gone, ", "), "Before": t.partInput(ledger.PartTiers, before),
	})
}

// askPart asks for a part's new value: a form where the client shows one,
// otherwise a question the flow waits on.
func (t *turn) askPart(part ledger.ProgrammePart) error {
	p, err := t.programme()
	if err != nil {
		return err
	}
	if t.m.CanForm {
		t.add(t.partForm(part, p))
		return nil
	}
	if t.sess.Flow != flowProgram {
		t.begin(flowProgram)
	}
	if err := t.fire("ask"); err != nil {
		return err
	}
	t.sess.Draft["part"] = string(part)
	t.add(t.partQuestion(part, p, ""))
	return nil
}

// partQuestion asks for part's value, showing what it is now and an
// example; why, if any, says what was wrong with the last answer.
func (t *turn) partQuestion(part ledger.ProgrammePart, p ledger.Programme, why string) Reply {
	name := t.text(programPartNames[part], nil)
	id := "loyalty.program.ask"
	if part == ledger.PartWinBack {
		// Its name reads as something else to type: "새 안부 메시지를 적어
		// 주세요" asked for a message, and the benefit it wants was refused.
		id = "loyalty.program.ask.winback"
	}
	text := t.text(id, map[string]any{
		"Part": name, "Now": t.partLine(part, p),
		"Example": t.text(programExamples[part], nil),
	})
	if why != "" {
		text = why + "\n" + text
	}
	r := t.mk(text, t.btn("core.btn.cancel", "cancel"))
	r.Private = true
	return r
}

// partForm is a part as a form with one field, filled with the part as it
// is now, written as /program takes it.
func (t *turn) partForm(part ledger.ProgrammePart, p ledger.Programme) Reply {
	name := t.text(programPartNames[part], nil)
	f := &Form{
		ID:     formProgramPrefix + string(part),
		Title:  t.text("loyalty.program.form.title", map[string]any{"Part": name}),
		Submit: t.text("loyalty.program.form.submit", nil),
		Fields: []Field{{
			Name: "value", Label: name, Hint: t.text(programExamples[part], nil),
			Multiline: part == ledger.PartTiers, Value: t.partInput(part, p),
		}},
	}
	r := t.mk(t.text("loyalty.program.form.opening", map[string]any{"Part": name}))
	r.Form = f
	r.Private = true
	return r
}

// programStep reads the flow's buttons and the value asked for.
func (t *turn) programStep(in input) error {
	if part, ok := strings.CutPrefix(in.payload, "prog:"); ok {
		if _, known := partWords[part]; known {
			return t.askPart(partWords[part])
		}
	}
	if t.sess.State == progConfirm {
		return t.partConfirmStep(in) // flow_program_confirm.go
	}
	if t.sess.State != progValue {
		t.end()
		t.say("loyalty.program.menu_hint", nil)
		return nil
	}
	part := ledger.ProgrammePart(t.sess.Draft["part"])
	if in.text == "" {
		p, err := t.programme()
		if err != nil {
			return err
		}
		t.add(t.partQuestion(part, p, ""))
		return nil
	}
	if asked, err := t.askPartChange(part, in.text); err != nil || asked {
		return err
	}
	res, id, data, err := t.setPart(part, in.text)
	if err != nil {
		return err
	}
	if id != "" {
		// Ask again in the flow, saying what was wrong; nothing changed.
		cur, err := t.programme()
		if err != nil {
			return err
		}
		t.add(t.partQuestion(part, cur, t.text(id, data)))
		return nil
	}
	if err := t.fire("done"); err != nil {
		return err
	}
	t.end()
	return t.partDone(part, res)
}

// onProgramForm saves a submitted part form, or returns it with the error
// inline and nothing saved.
func (t *turn) onProgramForm(name string) error {
	part, ok := partWords[name]
	if !ok {
		t.sayStale()
		return nil
	}
	if t.role != ledger.RoleManager {
		t.say("loyalty.program.manager_only", nil)
		return nil
	}
	// A change that moves customers asks first, in the conversation: the
	// form closes, its value waiting in the flow for [바꾸기].
	if asked, err := t.askPartChange(part, t.m.Form["value"]); err != nil || asked {
		return err
	}
	res, id, data, err := t.setPart(part, t.m.Form["value"])
	if err != nil {
		return err
	}
	if id != "" {
		r := t.mk(t.text(id, data))
		r.FormErrors = map[string]string{"value": t.text(id, data)}
		r.Private = true
		t.add(r)
		return nil
	}
	return t.partDone(part, res)
}

// programPartNames are the catalog ids of each part's name.
var programPartNames = map[ledger.ProgrammePart]string{
	ledger.PartTiers:    "loyalty.program.part.tiers",
	ledger.PartStamps:   "loyalty.program.part.stamps",
	ledger.PartExpiry:   "loyalty.program.part.expiry",
	ledger.PartRate:     "loyalty.program.part.rate",
	ledger.PartBirthday: "loyalty.program.part.birthday",
	ledger.PartWinBack:  "loyalty.program.part.winback",
}

// programExamples are the catalog ids of each part's example value.
var programExamples = map[ledger.ProgrammePart]string{
	ledger.PartTiers:    "loyalty.program.example.tiers",
	ledger.PartStamps:   "loyalty.program.example.stamps",
	ledger.PartExpiry:   "loyalty.program.example.expiry",
	ledger.PartRate:     "loyalty.program.example.rate",
	ledger.PartBirthday: "loyalty.program.example.birthday",
	ledger.PartWinBack:  "loyalty.program.example.winback",
}

// programButtons are the catalog ids of each part's button under
// /program ("등급 바꾸기").
var programButtons = map[ledger.ProgrammePart]string{
	ledger.PartTiers:    "loyalty.program.btn.tiers",
	ledger.PartStamps:   "loyalty.program.btn.stamps",
	ledger.PartExpiry:   "loyalty.program.btn.expiry",
	ledger.PartRate:     "loyalty.program.btn.rate",
	ledger.PartBirthday: "loyalty.program.btn.birthday",
	ledger.PartWinBack:  "loyalty.program.btn.winback",
}

// setPart reads value for part and stores it as the programme from now on
// (the ledger audits it); a change of the stamp card also gives the
// rewards of the cards it leaves full (setStamps). A value that cannot be
// read or breaks a rule returns the catalog id and data saying why, and
// nothing is stored.
func (t *turn) setPart(part ledger.ProgrammePart, value string) (partSet, string, map[string]any, error) {
	// A change applies to the programme as the configuration seeds it.
	if err := t.e.seedProgramme(t.tx); err != nil {
		return partSet{}, "", nil, err
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return partSet{}, "loyalty.program.empty", map[string]any{"Example": t.text(programExamples[part], nil)}, nil
	}
	actor := t.actor.ID()
	var (
		p   ledger.Programme
		res partSet
		err error
	)
	switch part {
	case ledger.PartRate:
		bp, ok := parseRateBP(value)
		if !ok {
			return res, "loyalty.program.bad_rate", map[string]any{"Value": value}, nil
		}
		p, err = t.tx.SetEarnRate(bp, actor, t.now)
	case ledger.PartExpiry:
		months := 0
		if !isOffWord(value) && !zeroPeriod(value) { // "0개월", the range's 0: no expiry, as off
			m, ok := parseMonths(value)
			if !ok {
				return res, "loyalty.program.bad_months", map[string]any{"Value": value}, nil
			}
			months = m
		}
		p, err = t.tx.SetExpiry(ledger.ExpiryRules{Months: months}, actor, t.now)
	case ledger.PartStamps:
		a := parseStampRules(value)
		switch {
		case a.badGoal != "":
			return res, "loyalty.program.bad_goal", map[string]any{"Value": a.badGoal}, nil
		case a.badReward != "" || (!a.off && a.rules.Reward.Kind == ""):
			return res, "loyalty.program.bad_reward", map[string]any{"Value": a.badReward}, nil
		}
		if err = a.rules.Validate(); err != nil {
			break // said below, before anything is written
		}
		res, err = t.setStamps(a.rules, actor) // flow_program_confirm.go
		p = res.p
	case ledger.PartBirthday:
		a := parseBirthdayBenefit(value)
		switch {
		case a.badPoints != "":
			return res, "loyalty.program.bad_birthday_points", map[string]any{"Value": a.badPoints}, nil
		case a.badCoupon != "":
			return res, "loyalty.err.bad_benefit", map[string]any{"Value": a.badCoupon}, nil
		case a.badWords != "":
			return res, "loyalty.program.bad_birthday", map[string]any{"Value": a.badWords}, nil
		}
		p, err = t.tx.SetBirthday(a.benefit, actor, t.now)
	case ledger.PartWinBack:
		r, id, data := parseWinBack(value) // flow_winback.go
		if id != "" {
			return res, id, data, nil
		}
		if id := t.e.noSenderID(); r.Auto && id != "" {
			// Check-in messages are advertising and must name the shop
			// and its contact: switched on without them, nothing could
			// go, and the manager was told so every morning.
			return res, id, nil, nil
		}
		p, err = t.tx.SetWinBack(r, actor, t.now)
	case ledger.PartTiers:
		// Not := : an err of the case's own hid SetTiers' refusal of the
		// whole rules (a window of 200 months answered "changed").
		cur, cerr := t.programme()
		if cerr != nil {
			return res, "", nil, cerr
		}
		// The window stays what it was unless the clause names one:
		// "/program tiers 단골 5회" turned an all-time window into 12
		// months unasked.
		r, bad := parseTierRules(value, t.e.builtinTier, cur.Tiers.WindowMonths)
		if bad != nil {
			return res, bad.id, bad.data, nil
		}
		p, err = t.tx.SetTiers(r, actor, t.now, t.e.loc)
		if err != nil {
			var re *ledger.RuleError
			if errors.As(err, &re) && re.Level >= 0 && re.Level < len(r.Levels) {
				id, data := t.ruleMessage(re, t.tierName(r.Levels[re.Level]))
				return res, id, data, nil
			}
		}
	}
	var re *ledger.RuleError
	if errors.As(err, &re) {
		id, data := t.ruleMessage(re, "")
		return res, id, data, nil
	}
	if err != nil {
		return res, "", nil, fmt.Errorf("dialog: set programme %s: %w", part, err)
	}
	res.p = p
	return res, "", nil, nil
}

// ruleFields are the catalog ids naming each field a *ledger.RuleError can
// be about, in the shop's words ("적립률").
var ruleFields = map[string]string{
	"rate":        "loyalty.field.rate",
	"window":      "loyalty.field.window",
	"level":       "loyalty.field.level",
	"id":          "loyalty.field.id",
	"name":        "loyalty.field.name",
	"visits":      "loyalty.field.visits",
	"spend":       "loyalty.field.spend",
	"benefit":     "loyalty.field.benefit",
	"goal":        "loyalty.field.goal",
	"reward":      "loyalty.field.reward",
	"reward_days": "loyalty.field.reward_days",
	"months":      "loyalty.field.months",
	"points":      "loyalty.field.points",
	"coupon":      "loyalty.field.coupon",
	"coupon_days": "loyalty.field.coupon_days",
	"kind":        "loyalty.field.kind",
	"percent":     "loyalty.field.percent",
	"won":         "loyalty.field.won",
	"item":        "loyalty.field.item",
	"days":        "loyalty.field.days",
	"last_day":    "loyalty.field.last_day",
	"note":        "loyalty.field.note",
	"stamps":      "loyalty.field.stamps",
}

// ruleMessage says in the shop's words what a *ledger.RuleError found
// wrong; tier names the tier level it is about, if any.
func (t *turn) ruleMessage(re *ledger.RuleError, tier string) (string, map[string]any) {
	fieldID, ok := ruleFields[re.Field]
	if !ok {
		fieldID = "loyalty.field.other" // a field the ledger checks and this version does not name
	}
	what := t.text(fieldID, nil)
	data := map[string]any{
		"What": what,
		"Tier": tier, "Min": groupDigits(re.Min), "Max": groupDigits(re.Max),
	}
	switch re.Problem {
	case ledger.ProblemRange:
		if re.Field == "percent" || re.Field == "rate" {
			data["Min"], data["Max"] = rate(int(re.Min)), rate(int(re.Max))
			if re.Field == "percent" {
				data["Min"], data["Max"] = fmt.Sprintf("%d%%", re.Min), fmt.Sprintf("%d%%", re.Max)
			}
		}
		if re.Field == "won" || re.Field == "spend" {
			data["Min"], data["Max"] = t.won(re.Min), t.won(re.Max)
		}
		return "loyalty.err.range", data
	case ledger.ProblemTooLong:
		return "loyalty.err.too_long", data
	case ledger.ProblemChars:
		return "loyalty.err.chars", data
	case ledger.ProblemDuplicate:
		return "loyalty.err.duplicate", data
	case ledger.ProblemOrder:
		return "loyalty.err.order", data
	case ledger.ProblemBase:
		return "loyalty.err.base", data
	case ledger.ProblemPast:
		return "loyalty.err.past", data
	}
	return "loyalty.err.missing", data
}

// partInput writes a part as /program takes it, in the reader's language,
// to fill a form with.
func (t *turn) partInput(part ledger.ProgrammePart, p ledger.Programme) string {
	off := t.text("loyalty.input.off", nil)
	switch part {
	case ledger.PartRate:
		return rate(p.EarnRateBP)
	case ledger.PartExpiry:
		if p.Expiry.Months == 0 {
			return off
		}
		return t.text("loyalty.input.months", map[string]any{"N": p.Expiry.Months})
	case ledger.PartStamps:
		if p.Stamps.Goal == 0 {
			return off
		}
		s := fmt.Sprintf("%d %s", p.Stamps.Goal, t.benefitInput(p.Stamps.Reward))
		if p.Stamps.RewardDays > 0 {
			s += " " + t.text("loyalty.input.days", map[string]any{"N": p.Stamps.RewardDays})
		}
		return s
	case ledger.PartBirthday:
		b := p.Birthday
		if s := t.offerInput(b.Points, b.Coupon, b.CouponDays); s != "" {
			return s
		}
		return off
	case ledger.PartWinBack:
		return t.winBackInput(p.WinBack) // flow_winback.go
	}
	var clauses []string
	for i, l := range p.Tiers.Levels {
		if i == 0 && l.ID == ledger.TierNew && l.EarnRateBP == 0 && l.Benefit == "" {
			continue
		}
		words := []string{t.tierName(l)}
		if l.MinVisits > 0 {
			words = append(words, t.text("loyalty.input.visits", map[string]any{"N": l.MinVisits}))
		}
		if l.MinSpend > 0 {
			if l.MinVisits > 0 {
				join := "loyalty.input.or"
				if l.Both {
					join = "loyalty.input.and"
				}
				words = append(words, t.text(join, nil))
			}
			words = append(words, t.won(l.MinSpend))
		}
		if l.EarnRateBP > 0 {
			words = append(words, rate(l.EarnRateBP))
		}
		if l.Benefit != "" {
			words = append(words, "("+l.Benefit+")")
		}
		clauses = append(clauses, strings.Join(words, " "))
	}
	window := t.text("loyalty.input.window_all", nil)
	if p.Tiers.WindowMonths > 0 {
		window = t.text("loyalty.input.window", map[string]any{"N": p.Tiers.WindowMonths})
	}
	return strings.Join(append(clauses, window), ", ")
}

// offerText says what a benefit given with a message (the birthday's, the
// win-back's) gives, in the turn's language: "2,000P", "쿠폰 10% 할인 (30일
// 동안 사용)", or both joined by " + "; "" for none.
func (t *turn) offerText(points int64, coupon *ledger.CouponBenefit, days int) string {
	var gifts []string
	if points > 0 {
		gifts = append(gifts, t.pts(points))
	}
	if coupon != nil {
		gifts = append(gifts, t.text("loyalty.program.birthday_coupon", map[string]any{
			"Benefit": t.benefitText(*coupon), "Days": daysOr(days),
		}))
	}
	return strings.Join(gifts, " + ")
}

// giftLines tell a customer of the points and the coupon a message gives
// them, in the turn's language: pointsID's line says the points were put on
// their account and names /points, couponID's that the coupon is theirs, to
// use next time, and names /coupon, each the command that shows it. Both
// are given when the message goes (in its transaction), so neither says
// they will be; "" for neither.
func (t *turn) giftLines(pointsID, couponID string, points int64, coupon *ledger.CouponBenefit, days int) string {
	var lines []string
	if points > 0 {
		lines = append(lines, t.text(pointsID, map[string]any{"Points": t.pts(points)}))
	}
	if coupon != nil {
		lines = append(lines, t.text(couponID, map[string]any{"Benefit": t.benefitText(*coupon), "Days": daysOr(days)}))
	}
	return strings.Join(lines, "\n")
}

// offerInput writes a benefit given with a message (the birthday's, the
// win-back's) as /program takes it: "2,000P + 쿠폰 10% 30일"; "" for none.
func (t *turn) offerInput(points int64, coupon *ledger.CouponBenefit, days int) string {
	var parts []string
	if points > 0 {
		parts = append(parts, groupDigits(points)+"P")
	}
	if coupon != nil {
		s := t.text("loyalty.input.coupon", nil) + " " + t.benefitInput(*coupon)
		if days > 0 {
			s += " " + t.text("loyalty.input.days", map[string]any{"N": days})
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " + ")
}

// benefitInput writes a benefit as it is typed: "10%", "5,000원", the item.
func (t *turn) benefitInput(b ledger.CouponBenefit) string {
	switch b.Kind {
	case ledger.BenefitPercent:
		return fmt.Sprintf("%d%%", b.Percent)
	case ledger.BenefitWon:
		return t.won(b.Won)
	}
	return b.Item
}
