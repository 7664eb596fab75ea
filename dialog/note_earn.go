package dialog

import (
	"errors"
	"fmt"
	"time"

	"github.com/dangol/dangol/ledger"
)

// A note's purchase amount earns nothing by itself: a note may record a
// consult whose sale is not settled, and staff who already ran /points add
// must not earn twice. Staff who wrote the amount in the note took the sale
// for recorded all the same, so the note's reply says plainly that no
// points were earned and offers [30,000P 적립] ("ne:<note id>"), which
// earns exactly as /points add <customer> <amount> would (its confirmation
// of a large or repeated amount, audit, visit, tier and reply), the entry
// naming the note (ledger.PointsEntry.NoteID) so one note is earned for
// once. When the customer already earned for that amount within
// NoteEarnWindow, the reply says it seems earned and offers no button.

// noteEarnAction is the verb of a note's [적립] button.
const noteEarnAction = "ne"

// NoteEarnWindow is how far back an earn of the note's amount for its
// customer counts as the note's sale already earned (a /points add typed
// before the guided note, which takes a few minutes to write).
const NoteEarnWindow = 15 * time.Minute

func init() {
	actionHandlers[noteEarnAction] = (*turn).onNoteEarn
}

// noteEarnOffer is what the reply of saved note n says of its amount: the
// line ("\n…") and the [적립] button, or nothing for a note without one.
func (t *turn) noteEarnOffer(n ledger.Note) (string, []Button, error) {
	if n.Amount <= 0 || t.e.noEarn {
		return "", nil, nil
	}
	c, err := t.tx.Customer(n.CustomerID)
	if err != nil {
		return "", nil, fmt.Errorf("dialog: read customer: %w", err)
	}
	data := map[string]any{"Amount": t.won(n.Amount), "Minutes": int(NoteEarnWindow / time.Minute)}
	es, err := t.tx.PointsOf(c.ID, recentEntries)
	if err != nil {
		return "", nil, fmt.Errorf("dialog: read points: %w", err)
	}
	for _, e := range es {
		if t.now.Sub(e.At) >= NoteEarnWindow {
			break
		}
		if e.Kind == ledger.PointsEarn && e.Amount == n.Amount && e.ReversedBy == "" {
			return "\n" + t.text("core.note.earn.seems_done", data), nil, nil
		}
	}
	bp, err := t.earnRate(c)
	if err != nil {
		return "", nil, err
	}
	pts := pointsFor(n.Amount, bp)
	if bp == 0 || n.Amount > MaxPurchaseWon || n.Amount > maxEarnAmount(bp) || pts <= 0 || pts > ledger.MaxEntryPoints {
		// Nothing a press could earn: /points add says why.
		return "\n" + t.text("core.note.earn.not_earned", data), nil, nil
	}
	data["Points"] = t.pts(pts)
	return "\n" + t.text("core.note.earn.offer", data),
		[]Button{{Label: t.text("core.note.earn.button", data), Payload: noteEarnAction + ":" + n.ID}}, nil
}

// onNoteEarn is a note's [적립]: the note's purchase earned as /points add
// earns it, once.
func (t *turn) onNoteEarn(id string) error {
	if !t.staffish() {
		t.say("core.refused", nil)
		return nil
	}
	if t.e.noEarn {
		t.say("core.points.earn_off", nil)
		return nil
	}
	n, ok, err := t.noteToEarn(id)
	if err != nil || !ok {
		return err
	}
	c, err := t.tx.Customer(n.CustomerID)
	if err != nil {
		return fmt.Errorf("dialog: read customer: %w", err)
	}
	reason := t.text("core.note.earn.reason", nil)
	return t.earnPurchase(c, t.won(n.Amount), n.Amount, true, reason, n.ID)
}

// noteToEarn reads the note a [적립] names and says why nothing is earned
// for it when ok is false: deleted, its customer erased, no amount, or
// earned for already (by an earn not corrected since).
func (t *turn) noteToEarn(id string) (ledger.Note, bool, error) {
	n, err := t.tx.Note(id)
	if errors.Is(err, ledger.ErrNotFound) {
		t.say("core.note.earn.gone", nil)
		return n, false, nil
	}
	if err != nil {
		return n, false, fmt.Errorf("dialog: read note: %w", err)
	}
	if n.Amount <= 0 {
		t.sayStale()
		return n, false, nil
	}
	c, err := t.tx.Customer(n.CustomerID)
	if errors.Is(err, ledger.ErrCustomerNotFound) || err == nil && c.Erased {
		t.say("core.note.earn.erased", nil)
		return n, false, nil
	}
	if err != nil {
		return n, false, fmt.Errorf("dialog: read customer: %w", err)
	}
	es, err := t.tx.PointsOf(c.ID, 0)
	if err != nil {
		return n, false, fmt.Errorf("dialog: read points: %w", err)
	}
	for _, e := range es {
		if e.NoteID == n.ID && e.Kind == ledger.PointsEarn && e.ReversedBy == "" {
			t.say("core.note.earn.already", map[string]any{"Name": c.Name, "Points": t.pts(e.Points), "Amount": t.won(e.Amount), "Date": t.day(e.At)})
			return n, false, nil
		}
	}
	return n, true, nil
}
