package dialog

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/looplab/fsm"

	"github.com/dangol/dangol/ledger"
)

// Corrections: notes their author (within NoteEditWindow) or a manager can
// edit or delete, points entries reversed by a correction (/points undo,
// /points void), and a confirmation before an earn that looks like a typo.
//
// Numbers: a customer's notes and points entries are numbered from 1, the
// oldest, as the card and /points show them. A points entry's number never
// changes (entries are only appended after the newest), so "/points void
// 김민지 3" names the same entry however many were added since it was
// read. The commands name the customer as well as the number: a number
// alone would depend on which card the speaker saw last, which a second
// window or a colleague's message can change unseen.

// Limits of corrections.
const (
	// NoteEditWindow is how long a note's author may edit or delete it;
	// managers may at any time.
	NoteEditWindow = 7 * 24 * time.Hour
	// UndoWindow is how far back /points undo reaches for the speaker's
	// last points entry.
	UndoWindow = 24 * time.Hour
	// RepeatEarnWindow: an earn of the same amount for the same customer
	// within it asks for a confirmation (a double entry, most likely).
	RepeatEarnWindow = 2 * time.Minute
	// DefaultPointsConfirmWon is the purchase from which an earn asks for
	// a confirmation first (Config.PointsConfirmWon).
	DefaultPointsConfirmWon = 1_000_000
)

// flowCorrect asks before a correction or a large earn: "menu" (edit or
// delete a note from its card button), "text" (the new text of a note),
// "ask" (yes or no).
const flowCorrect = "correct"

const (
	corrMenu = "menu"
	corrText = "text"
	corrAsk  = "ask"
)

// Draft keys of the correction flow.
const (
	dOp     = "op"     // opEarn, opNoteDelete or opPartial
	dNoteID = "nid"    // the note edited or deleted
	dReason = "reason" // an earn's reason
	dEntry  = "entry"  // the points entry corrected in part
	dRest   = "rest"   // the points a partial correction takes back, as asked
	// dVoid is what a note's delete question offered to take back of the
	// earn the note made (dEntry, dRest): voidFull or voidPart.
	dVoid = "void"
)

// What a note's delete question offers to take back of its earn.
const (
	voidFull = "full" // the whole earn: [삭제하고 적립도 취소]
	voidPart = "part" // what is left of it, part spent: [삭제하고 남은 포인트 정정]
)

// Operations the correction flow confirms.
const (
	opEarn       = "earn"
	opNoteDelete = "note.delete"
	opPartial    = "points.partial"
)

// confirmOp is an operation the correction flow's [yes] [cancel] step
// (corrAsk) carries out: its yes button's message id, what it does once
// pressed (the flow has ended by then; the draft is still there), and the
// catalog id naming it when a notice ends the flow ("포인트 적립").
type confirmOp struct {
	yes   string
	run   func(*turn) error
	title string
}

// confirmOps are the operations corrAsk confirms, by the draft's dOp. A
// feature that asks before it acts adds its own from its file's init, as
// commands are added.
var confirmOps = map[string]confirmOp{
	opEarn:       {yes: "corrections.btn.earn", run: (*turn).confirmedEarn, title: "core.flow.correct.earn"},
	opNoteDelete: {yes: "corrections.btn.delete", run: (*turn).confirmedNoteDelete, title: "core.flow.correct.note.delete"},
	opPartial:    {yes: "corrections.btn.partial", run: (*turn).confirmedPartial, title: "core.flow.correct.partial"},
}

// correctFlow is registered in flows (flows.go).
var correctFlow = &flowDef{
	title: "core.flow.correct",
	// An operation waiting for its [yes] is named by what it does.
	titleOf: func(s ledger.Session) string { return confirmOps[s.Draft[dOp]].title },
	initial: corrAsk,
	roles:   staffRoles,
	events: fsm.Events{
		{Name: "edit", Src: []string{corrMenu}, Dst: corrText},
		{Name: "delete", Src: []string{corrMenu}, Dst: corrAsk},
		{Name: "done", Src: []string{corrMenu, corrText, corrAsk}, Dst: stateDone},
	},
	step: (*turn).correctStep,
}

// pointsConfirmWon is the purchase from which an earn is confirmed first.
func (e *Engine) pointsConfirmWon() int64 {
	if e.confirmWon <= 0 {
		return DefaultPointsConfirmWon
	}
	return e.confirmWon
}

// --- points ---

// earnNeedsConfirm reports whether an earn of amount for c should be
// confirmed first: a large purchase, or the same amount earned for the
// same customer moments ago.
func (t *turn) earnNeedsConfirm(c ledger.Customer, amount int64) (bool, error) {
	if amount >= t.e.pointsConfirmWon() {
		return true, nil
	}
	es, err := t.tx.PointsOf(c.ID, recentEntries)
	if err != nil {
		return false, fmt.Errorf("dialog: read points: %w", err)
	}
	for _, e := range es {
		if t.now.Sub(e.At) >= RepeatEarnWindow {
			break
		}
		if e.Kind == ledger.PointsEarn && e.Amount == amount && e.ReversedBy == "" {
			return true, nil
		}
	}
	return false, nil
}

// askEarn asks [적립] [취소] before earning, keeping the earn in the draft.
// noteID is the note a note's [적립] earns for (note_earn.go), if any.
func (t *turn) askEarn(c ledger.Customer, amount, pts int64, reason, noteID string) {
	t.begin(flowCorrect)
	d := t.sess.Draft
	d[dOp], d[dCustomer], d[dAmount], d[dReason] = opEarn, c.ID, strconv.FormatInt(amount, 10), reason
	if noteID != "" {
		d[dNoteID] = noteID
	}
	id := "corrections.earn.confirm_large"
	if amount < t.e.pointsConfirmWon() {
		id = "corrections.earn.confirm_repeat"
	}
	t.say(id, map[string]any{"Name": c.Name, "Amount": t.won(amount), "Spoken": koreanUnits(amount), "Points": t.pts(pts), "Minutes": int(RepeatEarnWindow / time.Minute)},
		t.btn("corrections.btn.earn", "yes"), t.btn("core.btn.cancel", "no"))
}

// cmdPointsUndo reverses the speaker's last points entry of the last
// UndoWindow. Only that entry: a second undo says it is already reversed
// rather than reaching further back, so a repeated command never takes
// back an entry nobody meant.
func (t *turn) cmdPointsUndo() error {
	var last *ledger.PointsEntry
	me := t.actor.ID()
	err := t.tx.ScanPoints(t.now.Add(-UndoWindow), t.now.Add(UndoWindow), func(e ledger.PointsEntry) error {
		if e.ActorID == me && !e.At.After(t.now.Add(time.Minute)) {
			last = &e
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dialog: scan points: %w", err)
	}
	if last == nil {
		t.say("corrections.undo.nothing", map[string]any{"Hours": int(UndoWindow / time.Hour)})
		return nil
	}
	c, err := t.tx.Customer(last.CustomerID)
	if err != nil {
		return fmt.Errorf("dialog: read customer: %w", err)
	}
	if last.Kind == ledger.PointsAdjust && last.Reverses != "" {
		// The speaker's last entry is their own undo: speak of the entry
		// it took back ("already corrected"), not of the correction.
		orig, found, err := t.pointsEntry(c.ID, last.Reverses)
		if err != nil {
			return err
		}
		if found {
			last = &orig
		}
	}
	n, err := t.entryNumber(*last)
	if err != nil {
		return err
	}
	return t.reverse(c, *last, n)
}

// actPointsVoid is a manager's /points void <customer> <n>.
func (t *turn) actPointsVoid(c ledger.Customer, rest string) error {
	tok, _ := firstField(rest)
	n, ok := listNumber(tok)
	if !ok {
		t.say("corrections.void.bad_number", map[string]any{"Input": tok, "Name": c.Name})
		return nil
	}
	e, err := t.tx.PointsAt(c.ID, n)
	if errors.Is(err, ledger.ErrNotFound) {
		total, cerr := t.tx.PointsCount(c.ID)
		if cerr != nil {
			return fmt.Errorf("dialog: count points: %w", cerr)
		}
		t.say("corrections.void.no_entry", map[string]any{"N": n, "Name": c.Name, "Count": total})
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: read points entry: %w", err)
	}
	return t.reverse(c, e, n)
}

// pointsEntry finds the entry with id in customerID's history.
func (t *turn) pointsEntry(customerID, id string) (ledger.PointsEntry, bool, error) {
	es, err := t.tx.PointsOf(customerID, 0)
	if err != nil {
		return ledger.PointsEntry{}, false, fmt.Errorf("dialog: read points: %w", err)
	}
	for _, e := range es {
		if e.ID == id {
			return e, true, nil
		}
	}
	return ledger.PointsEntry{}, false, nil
}

// entryNumber is e's number in its customer's history.
func (t *turn) entryNumber(e ledger.PointsEntry) (int, error) {
	total, err := t.tx.PointsCount(e.CustomerID)
	if err != nil {
		return 0, fmt.Errorf("dialog: count points: %w", err)
	}
	es, err := t.tx.PointsOf(e.CustomerID, 0)
	if err != nil {
		return 0, fmt.Errorf("dialog: read points: %w", err)
	}
	for i, x := range es {
		if x.ID == e.ID {
			return total - i, nil
		}
	}
	return 0, fmt.Errorf("dialog: points entry %s not in its customer's history", e.ID)
}

// reverse appends the correction of entry number n of c, refusing with the
// reason when it may not be reversed or the balance would go negative.
func (t *turn) reverse(c ledger.Customer, e ledger.PointsEntry, n int) error {
	data := map[string]any{"Name": c.Name, "N": n, "Points": t.signedPts(e.Points), "Kind": t.text(entryKindID(e), nil), "Date": t.day(e.At)}
	if c.Erased {
		t.say("corrections.points.erased", nil)
		return nil
	}
	r, err := ledger.ReversalOf(e, t.actor.ID(), "", t.now)
	switch {
	case errors.Is(err, ledger.ErrIsCorrection):
		t.say("corrections.points.is_correction", data)
		return nil
	case errors.Is(err, ledger.ErrAlreadyReversed):
		t.say("corrections.points.already", data)
		return nil
	case err != nil:
		return fmt.Errorf("dialog: reverse points: %w", err)
	}
	bal, err := t.tx.Balance(c.ID)
	if err != nil {
		return fmt.Errorf("dialog: read balance: %w", err)
	}
	data["Balance"] = t.pts(bal)
	if bal+r.Points < 0 {
		rest, err := t.unspentOf(c, e, bal)
		if err != nil {
			return err
		}
		if rest > 0 {
			t.askPartial(c, e, rest, data)
			return nil
		}
		t.say("corrections.points.negative", data)
		return nil
	}
	if err := t.tx.AddPoints(&r); err != nil {
		switch {
		case errors.Is(err, ledger.ErrInsufficientPoints):
			return refuse("corrections.points.negative", data)
		case errors.Is(err, ledger.ErrAlreadyReversed):
			return refuse("corrections.points.already", data)
		}
		return fmt.Errorf("dialog: reverse points: %w", err)
	}
	if err := t.audit("points", c.ID, "reverse "+e.ID); err != nil {
		return err
	}
	data["After"] = t.pts(bal + r.Points)
	data["Change"] = t.signedPts(r.Points)
	text := t.text("corrections.points.reversed", data)
	if e.Kind == ledger.PointsEarn {
		line, err := t.tierAfterCorrection(c, e.At)
		if err != nil {
			return err
		}
		text += line
	}
	t.add(t.mk(text))
	return nil
}

// unspentOf is what is left of the earn e in the customer's balance bal:
// its lot's remaining points (spending takes the oldest lots first), never
// more than bal. A partial correction takes back this and nothing else:
// bal alone would take back points of later, rightful earns.
func (t *turn) unspentOf(c ledger.Customer, e ledger.PointsEntry, bal int64) (int64, error) {
	if e.Kind != ledger.PointsEarn || bal <= 0 {
		return 0, nil
	}
	lots, err := t.tx.LotsOf(c.ID)
	if err != nil {
		return 0, fmt.Errorf("dialog: read lots: %w", err)
	}
	for _, l := range lots {
		if l.EntryID == e.ID {
			return min(l.Remaining, bal), nil
		}
	}
	return 0, nil
}

// askPartial offers, for an earn partly spent before its mistake was seen
// (a 1,000,000원 typed for 100,000원), to take back what is left of it
// (unspentOf), the spent part staying spent.
// Refusing outright left the shop no way to correct it but a redeem that
// never happened, which the summary would count as points used. The
// answer names what was used and what would be taken back; nothing
// changes until [남은 포인트 정정].
func (t *turn) askPartial(c ledger.Customer, e ledger.PointsEntry, rest int64, data map[string]any) {
	t.begin(flowCorrect)
	d := t.sess.Draft
	d[dOp], d[dCustomer], d[dEntry], d[dRest] = opPartial, c.ID, e.ID, strconv.FormatInt(rest, 10)
	data["Used"], data["Rest"] = t.pts(e.Points-rest), t.pts(rest)
	t.say("corrections.points.negative_partial", data, t.btn("corrections.btn.partial", "yes"), t.btn("core.btn.cancel", "no"))
}

// confirmedPartial takes back what is left of the draft's earn
// (ledger.PartialReversalOf), audited as "reverse-part <id> <points>". If
// the balance moved while the question waited, or the earn was corrected
// since, it is answered as the command would be now (asked again with the
// new figures, or corrected in full, or refused), never with the old ones.
func (t *turn) confirmedPartial() error {
	d := t.sess.Draft
	c, err := t.confirmedCustomer()
	if err != nil {
		return err
	}
	e, found, err := t.pointsEntry(c.ID, d[dEntry])
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("dialog: partial correction: entry %s not in %s's history", d[dEntry], c.ID)
	}
	n, err := t.entryNumber(e)
	if err != nil {
		return err
	}
	asked, err := strconv.ParseInt(d[dRest], 10, 64)
	if err != nil {
		return fmt.Errorf("dialog: partial correction draft: %w", err)
	}
	bal, err := t.tx.Balance(c.ID)
	if err != nil {
		return fmt.Errorf("dialog: read balance: %w", err)
	}
	rest, err := t.unspentOf(c, e, bal)
	if err != nil {
		return err
	}
	if rest != asked || e.ReversedBy != "" {
		return t.reverse(c, e, n)
	}
	r, err := ledger.PartialReversalOf(e, rest, t.actor.ID(), "", t.now)
	if err != nil {
		return t.reverse(c, e, n) // no longer partial: say why as the command would
	}
	if err := t.tx.AddPoints(&r); err != nil {
		return fmt.Errorf("dialog: reverse points in part: %w", err)
	}
	if err := t.audit("points", c.ID, "reverse-part "+e.ID+" "+strconv.FormatInt(rest, 10)); err != nil {
		return err
	}
	t.say("corrections.points.partial_done", map[string]any{
		"Name": c.Name, "N": n, "Date": t.day(e.At), "Kind": t.text(entryKindID(e), nil), "Points": t.signedPts(e.Points),
		"Rest": t.pts(rest), "Used": t.pts(e.Points - rest), "Change": t.signedPts(r.Points), "Balance": t.pts(bal), "After": t.pts(bal - rest),
	})
	return nil
}

// tierAfterCorrection takes back an upgrade the removed record of c at
// recordAt had made (ledger.TierAfterCorrection) and returns the line
// telling staff ("\n…"); "" when the tier stayed.
func (t *turn) tierAfterCorrection(c ledger.Customer, recordAt time.Time) (string, error) {
	ch, err := t.tx.TierAfterCorrection(c.ID, recordAt, t.now, t.e.loc)
	if err != nil {
		return "", fmt.Errorf("dialog: tier after correction: %w", err)
	}
	if ch.Cause != ledger.CauseCorrected {
		return "", nil
	}
	p, err := t.programme()
	if err != nil {
		return "", err
	}
	id := "loyalty.tier.corrected_staff"
	if ch.Told {
		id = "loyalty.tier.corrected_staff_told"
	}
	return "\n" + t.text(id, map[string]any{"Name": c.Name, "From": t.tierNameOf(p, ch.From), "To": t.tierNameOf(p, ch.To)}), nil
}

// entryKindID names an entry's kind; a correction is 정정.
func entryKindID(e ledger.PointsEntry) string {
	if e.Reverses != "" {
		return "corrections.kind.reversal"
	}
	return kindID(e.Kind)
}

// systemReasons are the reasons the ledger's own adjustments record
// (dangol import, ledger campaign.go, marketing.go, winback.go), by the
// words /points shows for them.
var systemReasons = map[string]string{
	"import":   "corrections.entry.imported",
	"campaign": "corrections.entry.campaign",
	"birthday": "corrections.entry.birthday",
	"winback":  "corrections.entry.winback",
}

// entryReason shows the reason of an adjustment. Points the shop's own
// features gave (an import's balance, a campaign's, a birthday's, a
// check-in's, a complaint's) record a code, shown as words; a complaint's
// reads "불만 #2 보상" to staff, and to the customer what it was for,
// without the shop's inside word for their message.
func (t *turn) entryReason(reason string) string {
	if id, ok := systemReasons[reason]; ok {
		return t.text(id, nil)
	}
	if words, ok := t.complaintEntryReason(reason); ok {
		return words // flow_resolve.go
	}
	return reason
}

// entryLines are a customer's newest entries, numbered as /points void
// takes them: a correction says which entry it reverses, a reversed entry
// that it was. total is how many entries the customer has, counted once
// for the numbers, for a caller that also says how many are not listed.
func (t *turn) entryLines(customerID string, es []ledger.PointsEntry) (lines []string, total int, err error) {
	total, err = t.tx.PointsCount(customerID)
	if err != nil {
		return nil, 0, fmt.Errorf("dialog: count points: %w", err)
	}
	// One data map for every line's entry and one for its number: the
	// catalog reads them and keeps nothing, and a /points lists several.
	lines = make([]string, 0, len(es))
	d, nd := make(map[string]any, 4), make(map[string]any, 2)
	for i, e := range es {
		d["Date"], d["Points"], d["Kind"], d["Reason"] = t.day(e.At), t.signedPts(e.Points), t.text(entryKindID(e), nil), e.Reason
		if e.Kind == ledger.PointsAdjust && e.Reverses == "" {
			d["Reason"] = t.entryReason(e.Reason)
		}
		id := "core.points.entry"
		if e.Reason != "" {
			id = "core.points.entry_reason"
		}
		nd["N"], nd["Line"] = total-i, t.text(id, d)
		line := t.text("corrections.numbered", nd)
		if e.Reverses != "" {
			ref, partial := "?", false
			if j := slices.IndexFunc(es, func(x ledger.PointsEntry) bool { return x.ID == e.Reverses }); j >= 0 {
				ref = strconv.Itoa(total - j)
				if _, partial, err = t.tx.PartialCorrection(es[j]); err != nil {
					return nil, 0, fmt.Errorf("dialog: read correction of %s: %w", es[j].ID, err)
				}
			} else if orig, err := t.tx.PointsEntry(e.Reverses); err == nil {
				if n, err := t.entryNumber(orig); err == nil {
					ref = strconv.Itoa(n)
				}
				if _, partial, err = t.tx.PartialCorrection(orig); err != nil {
					return nil, 0, fmt.Errorf("dialog: read correction of %s: %w", orig.ID, err)
				}
			}
			id := "corrections.entry.reverses"
			if partial {
				id = "corrections.entry.reverses_part"
			}
			line += " " + t.text(id, map[string]any{"N": ref})
		}
		if e.ReversedBy != "" {
			id := "corrections.entry.reversed"
			// A correction that cannot be read is not shown as a full one:
			// the damage is told (core.err.damaged) instead.
			taken, partial, err := t.tx.PartialCorrection(e)
			if err != nil {
				return nil, 0, fmt.Errorf("dialog: read correction of %s: %w", e.ID, err)
			}
			if partial {
				id = "corrections.entry.reversed_part"
				line += " " + t.text(id, map[string]any{"Used": t.pts(e.Points - taken)})
			} else {
				line += " " + t.text(id, nil)
			}
		}
		lines = append(lines, line)
	}
	return lines, total, nil
}

// --- notes ---

// cmdNoteEdit is /note edit <customer> <n> <text>.
func (t *turn) actNoteEdit(c ledger.Customer, rest string) error {
	n, text, ok, err := t.noteByNumber(c, rest)
	if err != nil || !ok {
		return err
	}
	if strings.TrimSpace(text) == "" {
		t.say("corrections.note.edit_usage", nil)
		return nil
	}
	if !t.mayChangeNote(n) {
		return nil
	}
	return t.editNote(n, text)
}

// actNoteDelete is /note delete <customer> <n>: it asks first.
func (t *turn) actNoteDelete(c ledger.Customer, rest string) error {
	n, _, ok, err := t.noteByNumber(c, rest)
	if err != nil || !ok {
		return err
	}
	if !t.mayChangeNote(n) {
		return nil
	}
	return t.askNoteDelete(n)
}

// noteByNumber reads "<n> [text]" and returns note n of c; ok is false
// when it answered why not.
func (t *turn) noteByNumber(c ledger.Customer, rest string) (n ledger.Note, text string, ok bool, err error) {
	tok, text := firstField(rest)
	num, numOK := listNumber(tok)
	if !numOK {
		t.say("corrections.note.bad_number", map[string]any{"Input": tok, "Name": c.Name})
		return n, "", false, nil
	}
	n, err = t.tx.NoteAt(c.ID, num)
	if errors.Is(err, ledger.ErrNotFound) {
		total, cerr := t.tx.NotesCount(c.ID)
		if cerr != nil {
			return n, "", false, fmt.Errorf("dialog: count notes: %w", cerr)
		}
		t.say("corrections.note.no_note", map[string]any{"N": num, "Name": c.Name, "Count": total})
		return n, "", false, nil
	}
	if err != nil {
		return n, "", false, fmt.Errorf("dialog: read note: %w", err)
	}
	return n, text, true, nil
}

// canChangeNote reports whether the speaker may edit or delete n: its
// author within NoteEditWindow, or a manager.
func (t *turn) canChangeNote(n ledger.Note) bool {
	return t.role == ledger.RoleManager || (n.StaffID == t.actor.ID() && t.now.Sub(n.At) <= NoteEditWindow)
}

// mayChangeNote is canChangeNote, saying why not when not.
func (t *turn) mayChangeNote(n ledger.Note) bool {
	if t.canChangeNote(n) {
		return true
	}
	if n.StaffID != t.actor.ID() {
		t.say("corrections.note.not_author", nil)
	} else {
		t.say("corrections.note.too_old", map[string]any{"Days": int(NoteEditWindow / (24 * time.Hour))})
	}
	return false
}

// editNote replaces n's text and shows before → after.
func (t *turn) editNote(n ledger.Note, text string) error {
	text = strings.TrimSpace(text)
	if len([]rune(text)) > maxNoteLen {
		t.say("core.note.too_long", nil)
		return nil
	}
	// #tags in the new text are the note's tags, as in a new note (they
	// were kept as words, and the old tags stayed); without any, its
	// tags stay.
	clean, tags := splitTags(text)
	if !noteHasContent(clean, tags) { // input_errors.go: "#" or "😀" replaced the text
		return refuse("input.note.empty", map[string]any{"Input": text})
	}
	after, err := t.tx.EditNote(n.ID, clean, tags)
	if err != nil {
		return fmt.Errorf("dialog: edit note: %w", err)
	}
	if err := t.audit("note.edit", n.CustomerID, n.ID); err != nil {
		return err
	}
	t.end()
	t.say("corrections.note.edited", map[string]any{"Before": noteWithTags(n), "After": noteWithTags(after)})
	return nil
}

// noteWithTags is a note's text with its tags after it, as it was typed.
func noteWithTags(n ledger.Note) string {
	s := n.Text
	for _, tg := range n.Tags {
		s += " #" + tg
	}
	return strings.TrimSpace(s)
}

// askNoteDelete asks before deleting n, naming it. A note whose purchase
// was earned for ([적립], note_earn.go) keeps those points when deleted:
// the question says so and, when the speaker may take them back as /points
// undo or /points void would (a manager, or the earn's own author within
// UndoWindow), offers [삭제하고 적립도 취소], or [삭제하고 남은 포인트 정정]
// for an earn partly spent since; points all spent cannot be taken back,
// and it says that instead. A tester deleted such a note and found its
// 2,250P still on the customer, with no word of it.
func (t *turn) askNoteDelete(n ledger.Note) error {
	v, err := t.noteEarnVoid(n)
	if err != nil {
		return err
	}
	t.begin(flowCorrect)
	d := t.sess.Draft
	d[dOp], d[dNoteID] = opNoteDelete, n.ID
	text := t.text("corrections.note.confirm_delete", map[string]any{"Date": t.day(n.At), "Text": n.Text})
	if v.found {
		text += "\n" + t.text(v.lineID(), v.data)
		if v.offer() != "" {
			d[dEntry], d[dRest], d[dVoid] = v.entry.ID, strconv.FormatInt(v.rest, 10), v.offer()
		}
	}
	t.add(t.mk(text, t.noteDeleteButtons()...))
	return nil
}

// noteDeleteButtons are the delete question's buttons, by its draft.
func (t *turn) noteDeleteButtons() []Button {
	bs := []Button{t.btn("corrections.btn.delete", "yes")}
	switch t.sess.Draft[dVoid] {
	case voidFull:
		bs = append(bs, t.btn("corrections.btn.delete_void", "void"))
	case voidPart:
		bs = append(bs, t.btn("corrections.btn.delete_void_rest", "void"))
	}
	return append(bs, t.btn("core.btn.cancel", "no"))
}

// earnVoid is what deleting a note may do to the earn its purchase made.
type earnVoid struct {
	found bool               // the note has an earn not corrected
	entry ledger.PointsEntry // that earn
	rest  int64              // what of it is left to take back (unspentOf)
	may   bool               // the speaker may take it back
	data  map[string]any     // the figures the messages name
}

// offer is what the delete question offers to take back: voidFull,
// voidPart, or "" (nothing left, or not the speaker's to take back).
func (v earnVoid) offer() string {
	switch {
	case !v.may || v.rest <= 0:
		return ""
	case v.rest == v.entry.Points:
		return voidFull
	}
	return voidPart
}

// lineID is the delete question's line about the earn.
func (v earnVoid) lineID() string {
	switch {
	case v.rest <= 0:
		return "corrections.note.delete_earned_spent"
	case !v.may:
		return "corrections.note.delete_earned_manager"
	case v.rest < v.entry.Points:
		return "corrections.note.delete_earned_part"
	}
	return "corrections.note.delete_earned"
}

// noteEarnVoid finds the earn note n's purchase made, not corrected since,
// and what of it a delete could take back; none for an erased customer.
func (t *turn) noteEarnVoid(n ledger.Note) (earnVoid, error) {
	var v earnVoid
	c, err := t.tx.Customer(n.CustomerID)
	if errors.Is(err, ledger.ErrCustomerNotFound) || err == nil && c.Erased {
		return v, nil
	}
	if err != nil {
		return v, fmt.Errorf("dialog: read customer: %w", err)
	}
	es, err := t.tx.PointsOf(c.ID, 0)
	if err != nil {
		return v, fmt.Errorf("dialog: read points: %w", err)
	}
	i := slices.IndexFunc(es, func(e ledger.PointsEntry) bool {
		return e.NoteID == n.ID && e.Kind == ledger.PointsEarn && e.ReversedBy == ""
	})
	if i < 0 {
		return v, nil
	}
	v.found, v.entry = true, es[i]
	bal, err := t.tx.Balance(c.ID)
	if err != nil {
		return v, fmt.Errorf("dialog: read balance: %w", err)
	}
	if v.rest, err = t.unspentOf(c, v.entry, bal); err != nil {
		return v, err
	}
	v.may = t.role == ledger.RoleManager || v.entry.ActorID == t.actor.ID() && t.now.Sub(v.entry.At) <= UndoWindow
	num, err := t.entryNumber(v.entry)
	if err != nil {
		return v, err
	}
	v.data = map[string]any{
		"Name": c.Name, "N": num, "Points": t.pts(v.entry.Points), "Rest": t.pts(v.rest), "Used": t.pts(v.entry.Points - v.rest),
		"Balance": t.pts(bal), "After": t.pts(bal - v.rest), "Change": t.signedPts(-v.rest),
	}
	return v, nil
}

// noteButton answers a note's button on the card ("note:<id>"): it offers
// to edit or delete the note.
func (t *turn) noteButton(id string) error {
	if !t.staffish() {
		t.say("core.refused", nil)
		return nil
	}
	n, err := t.tx.Note(id)
	if errors.Is(err, ledger.ErrNotFound) {
		t.sayStale()
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: read note: %w", err)
	}
	if !t.mayChangeNote(n) {
		return nil
	}
	t.sess = ledger.Session{Key: t.key, Flow: flowCorrect, State: corrMenu, Draft: map[string]string{dNoteID: n.ID}}
	t.say("corrections.note.menu", map[string]any{"Date": t.day(n.At), "Text": n.Text},
		t.btn("corrections.btn.edit", "edit"), t.btn("corrections.btn.delete", "delete"), t.btn("core.btn.cancel", "cancel"))
	return nil
}

// cardNoteLines numbers the card's notes (newest first, numbered from the
// oldest) and gives a button for each the speaker may change.
func (t *turn) cardNoteLines(customerID string, notes []ledger.Note) ([]string, []Button, error) {
	total, err := t.tx.NotesCount(customerID)
	if err != nil {
		return nil, nil, fmt.Errorf("dialog: count notes: %w", err)
	}
	var lines []string
	var bs []Button
	for i, n := range notes {
		num := total - i
		lines = append(lines, t.text("corrections.numbered", map[string]any{"N": num, "Line": t.noteLine(n)}))
		if t.canChangeNote(n) {
			bs = append(bs, Button{Label: t.text("corrections.btn.note", map[string]any{"N": num}), Payload: "note:" + n.ID})
		}
	}
	return lines, bs, nil
}

// --- the flow ---

// correctStep reads the answer in the correction flow.
func (t *turn) correctStep(in input) error {
	d := t.sess.Draft
	switch t.sess.State {
	case corrMenu:
		switch {
		case t.isButton(in, "edit", "corrections.btn.edit"):
			return t.correctNoteNext("edit")
		case t.isButton(in, "delete", "corrections.btn.delete"):
			return t.correctNoteNext("delete")
		}
		t.say("corrections.note.bad_menu", nil, t.btn("corrections.btn.edit", "edit"), t.btn("corrections.btn.delete", "delete"), t.btn("core.btn.cancel", "cancel"))
		return nil
	case corrText:
		if in.payload != "" || in.text == "" {
			t.say("corrections.note.ask_text_again", nil, t.btn("core.btn.cancel", "cancel"))
			return nil
		}
		n, ok, err := t.draftNote()
		if err != nil || !ok {
			return err
		}
		if err := t.fire("done"); err != nil {
			return err
		}
		return t.editNote(n, in.text)
	case corrAsk:
		op, known := confirmOps[d[dOp]]
		if !known {
			// A draft of a version that asked for something this one
			// does not do.
			t.end()
			t.sayStale()
			return nil
		}
		yesID := op.yes
		if d[dOp] == opNoteDelete && d[dVoid] != "" &&
			(t.isButton(in, "void", "corrections.btn.delete_void") || t.isButton(in, "void", "corrections.btn.delete_void_rest")) {
			if err := t.fire("done"); err != nil {
				return err
			}
			return t.deleteNote(true)
		}
		answer := typedStep(in, nil, nil) // "네", "yes", "ok" to "Earn 2,750P once more?"
		if answer <= 0 && !t.isButton(in, "yes", yesID) {
			if answer < 0 || t.isButton(in, "no", "core.btn.cancel") {
				return t.cancel()
			}
			bs := []Button{t.btn(yesID, "yes"), t.btn("core.btn.cancel", "no")}
			if d[dOp] == opNoteDelete {
				bs = t.noteDeleteButtons()
			}
			t.say("corrections.bad_confirm", map[string]any{"Yes": t.text(yesID, nil)}, bs...)
			return nil
		}
		if err := t.fire("done"); err != nil {
			return err
		}
		return op.run(t)
	}
	return fmt.Errorf("dialog: correct flow: unknown state %q", t.sess.State)
}

// correctNoteNext moves from the note's menu to editing or deleting it.
func (t *turn) correctNoteNext(event string) error {
	n, ok, err := t.draftNote()
	if err != nil || !ok {
		return err
	}
	if event == "delete" {
		return t.askNoteDelete(n)
	}
	if err := t.fire(event); err != nil {
		return err
	}
	t.say("corrections.note.ask_text", map[string]any{"Text": n.Text}, t.btn("core.btn.cancel", "cancel"))
	return nil
}

// draftNote reads the flow's note again (it may have gone meanwhile) and
// checks the speaker may still change it.
func (t *turn) draftNote() (ledger.Note, bool, error) {
	n, err := t.tx.Note(t.sess.Draft[dNoteID])
	if errors.Is(err, ledger.ErrNotFound) {
		t.end()
		t.say("corrections.note.gone", nil)
		return n, false, nil
	}
	if err != nil {
		return n, false, fmt.Errorf("dialog: read note: %w", err)
	}
	if !t.mayChangeNote(n) {
		t.end()
		return n, false, nil
	}
	return n, true, nil
}

func (t *turn) confirmedNoteDelete() error { return t.deleteNote(false) }

// deleteNote deletes the draft's note and, with void, takes back its earn
// as the question offered (dVoid), in the one transaction of the turn: a
// correction refused rolls the deletion back too. Figures changed since
// the question (points spent, the earn corrected elsewhere) ask it again
// with the new ones rather than take back what was not shown.
func (t *turn) deleteNote(void bool) error {
	d := t.sess.Draft
	n, ok, err := t.draftNote()
	if err != nil || !ok {
		return err
	}
	v, err := t.noteEarnVoid(n)
	if err != nil {
		return err
	}
	if void && (v.offer() == "" || v.offer() != d[dVoid] || v.entry.ID != d[dEntry] || strconv.FormatInt(v.rest, 10) != d[dRest]) {
		t.say("corrections.note.delete_changed", nil)
		return t.askNoteDelete(n)
	}
	t.end()
	if _, err := t.tx.DeleteNote(n.ID); err != nil {
		return fmt.Errorf("dialog: delete note: %w", err)
	}
	if err := t.tx.UncountVisit(n.CustomerID, n.At.In(t.e.loc)); err != nil {
		return fmt.Errorf("dialog: delete note: %w", err)
	}
	if err := t.audit("note.delete", n.CustomerID, n.ID); err != nil {
		return err
	}
	text := t.text("corrections.note.deleted", map[string]any{"Date": t.day(n.At)})
	since := n.At
	switch {
	case void:
		if err := t.voidNoteEarn(v); err != nil {
			return err
		}
		id := "corrections.note.deleted_voided"
		if v.offer() == voidPart {
			id = "corrections.note.deleted_voided_part"
		}
		text += "\n" + t.text(id, v.data)
		if v.entry.At.Before(since) {
			since = v.entry.At
		}
	case v.found:
		text += "\n" + t.text("corrections.note.deleted_points_kept", v.data)
	}
	if c, err := t.tx.Customer(n.CustomerID); err != nil {
		return fmt.Errorf("dialog: read customer: %w", err)
	} else if !c.Erased {
		line, err := t.tierAfterCorrection(c, since)
		if err != nil {
			return err
		}
		text += line
	}
	t.add(t.mk(text))
	return nil
}

// voidNoteEarn appends the correction of v's earn (whole, or what is left
// of it), audited as /points void's and the partial correction's are.
func (t *turn) voidNoteEarn(v earnVoid) error {
	var r ledger.PointsEntry
	var err error
	detail := "reverse " + v.entry.ID
	if v.rest < v.entry.Points {
		r, err = ledger.PartialReversalOf(v.entry, v.rest, t.actor.ID(), "", t.now)
		detail = "reverse-part " + v.entry.ID + " " + strconv.FormatInt(v.rest, 10)
	} else {
		r, err = ledger.ReversalOf(v.entry, t.actor.ID(), "", t.now)
	}
	if err != nil {
		return fmt.Errorf("dialog: void note earn: %w", err)
	}
	if err := t.tx.AddPoints(&r); err != nil {
		switch {
		case errors.Is(err, ledger.ErrInsufficientPoints):
			return refuse("corrections.points.negative", v.data)
		case errors.Is(err, ledger.ErrAlreadyReversed):
			return refuse("corrections.points.already", v.data)
		}
		return fmt.Errorf("dialog: void note earn: %w", err)
	}
	return t.audit("points", v.entry.CustomerID, detail)
}

// confirmedCustomer ends the confirm step and returns the customer its
// draft named, refusing one erased while the question waited. The caller
// keeps the draft (t.sess.Draft) before: ending the flow drops it.
func (t *turn) confirmedCustomer() (ledger.Customer, error) {
	id := t.sess.Draft[dCustomer]
	t.end()
	c, err := t.tx.Customer(id)
	if err != nil {
		return ledger.Customer{}, fmt.Errorf("dialog: read customer: %w", err)
	}
	if c.Erased {
		return ledger.Customer{}, refuse("core.err.customer_not_found", nil)
	}
	return c, nil
}

func (t *turn) confirmedEarn() error {
	d := t.sess.Draft
	if id := d[dNoteID]; id != "" {
		// A note's [적립] (note_earn.go): the note may have been deleted,
		// its customer erased or the note earned for from another press
		// while the question waited.
		t.end()
		if _, ok, err := t.noteToEarn(id); err != nil || !ok {
			return err
		}
		t.sess.Draft = d
	}
	c, err := t.confirmedCustomer()
	if err != nil {
		return err
	}
	amount, err := strconv.ParseInt(d[dAmount], 10, 64)
	if err != nil {
		return fmt.Errorf("dialog: earn draft amount: %w", err)
	}
	return t.earn(c, amount, d[dReason], d[dNoteID])
}
