package ledger

import (
	"encoding/json"
	"fmt"
	"time"
)

// Decoders of schema 1, where every value was in the clear. Only the
// migration (migrate.go) reads them; a sealed file refuses these versions.

const legacyVersion = 1

func decodeNoteV1(k, v []byte) (Note, error) {
	d := newDecoder(v)
	d.version(legacyVersion)
	n := Note{ID: idOf(k), At: keyTime(k)}
	n.CustomerID = d.string()
	n.StaffID = d.string()
	n.StaffName = d.string()
	n.Text = d.string()
	n.Tags = d.strings()
	n.Amount = d.varint()
	flags := d.byte()
	if flags&noteHasFollowUp != 0 {
		n.FollowUp = time.Unix(0, d.varint())
	}
	n.FollowUpDone = flags&noteFollowUpDone != 0
	if d.err != nil {
		return Note{}, fmt.Errorf("note %s: %w", n.ID, d.err)
	}
	return n, nil
}

func decodeFeedbackV1(k, v []byte) (Feedback, error) {
	d := newDecoder(v)
	d.version(legacyVersion)
	f := Feedback{ID: idOf(k), At: keyTime(k)}
	f.CustomerID = d.string()
	f.Rating = int(d.uvarint())
	f.NPS = int(d.varint())
	f.Comment = d.string()
	flags := d.byte()
	if flags&feedbackAnswered != 0 {
		f.AnsweredBy = d.string()
		f.AnsweredAt = time.Unix(0, d.varint())
	}
	if flags&feedbackSender != 0 {
		f.SenderID = d.string()
	}
	if d.err != nil {
		return Feedback{}, fmt.Errorf("feedback %s: %w", f.ID, d.err)
	}
	return f, nil
}

func decodePointsV1(k, v []byte) (PointsEntry, error) {
	d := newDecoder(v)
	d.version(legacyVersion)
	p := PointsEntry{ID: idOf(k), At: keyTime(k)}
	p.CustomerID = d.string()
	if code := d.byte(); int(code) < len(pointsKindCodes) && code > 0 {
		p.Kind = pointsKindCodes[code]
	} else if d.err == nil {
		d.fail("points kind")
	}
	p.Points = d.varint()
	p.Amount = d.varint()
	p.ActorID = d.string()
	p.Reason = d.string()
	if d.err != nil {
		return PointsEntry{}, fmt.Errorf("points entry %s: %w", p.ID, d.err)
	}
	return p, nil
}

func decodeAuditV1(k, v []byte) (AuditEntry, error) {
	d := newDecoder(v)
	d.version(legacyVersion)
	a := AuditEntry{At: keyTime(k)}
	a.ActorID = d.string()
	a.Action = d.string()
	a.CustomerID = d.string()
	a.Detail = d.string()
	if d.err != nil {
		return AuditEntry{}, fmt.Errorf("audit entry %s: %w", idOf(k), d.err)
	}
	return a, nil
}

// decodeCustomerV1 reads a customer of schema 1: the Customer as JSON.
func decodeCustomerV1(k, v []byte) (Customer, error) {
	var c Customer
	if err := json.Unmarshal(v, &c); err != nil {
		return Customer{}, fmt.Errorf("%w: customer %s: %v", ErrCorrupt, custIDOfKey(k), err)
	}
	c.ID = custIDOfKey(k)
	return c, nil
}
