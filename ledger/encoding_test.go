package ledger

import (
	"slices"
	"testing"
	"time"
)

func TestEncodingRoundTrip(t *testing.T) {
	s := MustOpen(t)
	for range 5 {
		mustCustomer(t, s, "고객", "")
	}
	k := timeKey(t0, 7)
	notes := []Note{
		{CustomerID: "C1", StaffID: "slack:U1", StaffName: "지수", Text: "펌 상담", Tags: []string{"펌", "재방문"}, Amount: 80000, FollowUp: t0.AddDate(0, 0, 7), FollowUpDone: true},
		{CustomerID: "C123456789", StaffID: "console:me"},
		{CustomerID: "C2", StaffID: "x", Text: string(make([]byte, 300)), Amount: 1 << 40},
	}
	feedback := []Feedback{
		{CustomerID: "C1", Rating: 1, NPS: NoNPS, Comment: "늦었어요", AnsweredBy: "slack:U9", AnsweredAt: t0.Add(time.Hour)},
		{Rating: 5, NPS: 0},
		{Rating: 3, NPS: 10, SenderID: "telegram:9", Comment: "익명"},
		{Rating: 3, NPS: 10, Comment: "아무도 아님"},
	}
	mustUpdate(t, s, func(tx *Tx) error {
		for i, n := range notes {
			if err := tx.putNote(k, &n); err != nil {
				t.Fatalf("note %d: %v", i, err)
			}
			got, err := tx.note(k)
			if err != nil {
				t.Fatalf("note %d: %v", i, err)
			}
			if got.CustomerID != n.CustomerID || got.StaffID != n.StaffID || got.StaffName != n.StaffName || got.Text != n.Text ||
				!slices.Equal(got.Tags, n.Tags) || got.Amount != n.Amount || !got.FollowUp.Equal(n.FollowUp) ||
				got.FollowUpDone != n.FollowUpDone || !got.At.Equal(t0) || got.ID != idOf(k) {
				t.Errorf("note %d: got %+v, want %+v", i, got, n)
			}
		}
		for i, f := range feedback {
			if err := tx.putFeedback(k, &f); err != nil {
				t.Fatalf("feedback %d: %v", i, err)
			}
			got, err := tx.feedback(k)
			if err != nil {
				t.Fatalf("feedback %d: %v", i, err)
			}
			f.ID, f.At = idOf(k), got.At
			if got.AnsweredAt.Equal(f.AnsweredAt) {
				f.AnsweredAt = got.AnsweredAt
			}
			if got != f {
				t.Errorf("feedback %d: got %+v, want %+v", i, got, f)
			}
		}
		for _, kind := range []PointsKind{PointsEarn, PointsRedeem, PointsAdjust, PointsExpire} {
			p := PointsEntry{CustomerID: "C5", Kind: kind, Points: -12345, Amount: 99000, ActorID: "slack:U1", Reason: "생일"}
			if err := tx.putPoints(k, &p); err != nil {
				t.Fatal(err)
			}
			got, err := tx.pointsEntry(k)
			if err != nil {
				t.Fatal(err)
			}
			p.ID, p.At = got.ID, got.At
			if got != p {
				t.Errorf("points: got %+v, want %+v", got, p)
			}
		}
		return nil
	})
}

func TestTimeKeysSortByTime(t *testing.T) {
	times := []time.Time{
		{}, // clamps to the earliest key
		time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, -1),
		time.Unix(0, 0),
		t0,
		t0.Add(time.Nanosecond),
		time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), // clamps to the latest
	}
	var prev string
	for i, tt := range times {
		id := idOf(timeKey(tt, 1))
		if i > 0 && id <= prev {
			t.Errorf("id of %s (%s) does not sort after %s", tt, id, prev)
		}
		prev = id
		if k, ok := keyOfID(id); !ok || idOf(k) != id {
			t.Errorf("id %s does not parse back", id)
		}
	}
	if !keyTime(timeKey(t0, 1)).Equal(t0) {
		t.Error("key time differs")
	}
}

// FuzzDecode feeds arbitrary bytes to every decoder of a record's clear
// part: a corrupt value must give an error, never a panic. (FuzzUnseal does
// the same for sealed parts.)
func FuzzDecode(f *testing.F) {
	k := timeKey(t0, 1)
	f.Add(encodeNote(&Note{CustomerID: "C1", StaffID: "s", Tags: []string{"a"}, FollowUp: t0}, []byte("sealed")))
	f.Add(encodeFeedback(&Feedback{Rating: 3, NPS: 5, AnsweredBy: "b", AnsweredAt: t0}, []byte("0123456789abcdef"), []byte("s")))
	f.Add(encodePoints(&PointsEntry{CustomerID: "C1", Kind: PointsEarn, Points: 5}, nil, nil))
	f.Add(encodeAudit(&AuditEntry{Action: "read"}, auditShopKey, []byte("s"), nil))
	f.Add(encodeAudit(&AuditEntry{Action: "read", CustomerID: "C1"}, auditCustomerKey, []byte("s"), []byte("a")))
	f.Add(encodeVisits(VisitStats{Visits: 3, First: t0, Last: t0}))
	f.Add([]byte{2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, v []byte) {
		decodeNote(k, v)
		decodeFeedback(k, v)
		decodePoints(k, v)
		decodeAudit(k, v)
		decodeVisits(k[:8], v)
		decodeNoteV1(k, v)
		decodeFeedbackV1(k, v)
		decodePointsV1(k, v)
		decodeAuditV1(k, v)
	})
}
