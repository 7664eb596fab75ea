package ledger

import (
	"fmt"
	"testing"
	"time"
)

// TestLatestFeedback: the newest feedback of a customer, or of an unlinked
// sender, if it was left since the given time; none before it, and none of
// someone else.
func TestLatestFeedback(t *testing.T) {
	// With the index's log merged every 2 entries too: the newest is then
	// in the index, or the log, or a merge moved it.
	for _, mergeAt := range []int{indexMergeAt, 2, 3} {
		t.Run(fmt.Sprint("MergeAt", mergeAt), func(t *testing.T) {
			defer func(v int) { indexMergeAt = v }(indexMergeAt)
			indexMergeAt = mergeAt
			testLatestFeedback(t)
		})
	}
}

func testLatestFeedback(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "가나다", "01012340001")
	other := mustCustomer(t, s, "라마바", "01012340002")
	mustUpdate(t, s, func(tx *Tx) error {
		for i, f := range []Feedback{
			{Rating: 2, NPS: NoNPS, Comment: "예전", CustomerID: c.ID},
			{Rating: 4, NPS: NoNPS, Comment: "보낸이", SenderID: "telegram:1"},
			{Rating: 5, NPS: 9, Comment: "최근", CustomerID: c.ID},
			{Rating: 1, NPS: NoNPS, Comment: "다른 손님", CustomerID: other.ID},
			{Rating: 3, NPS: NoNPS, Comment: "다른 보낸이", SenderID: "telegram:2"},
		} {
			f.At = t0.Add(time.Duration(i) * time.Minute)
			if err := tx.AddFeedback(&f); err != nil {
				return err
			}
		}
		return nil
	})
	tests := []struct {
		name             string
		customer, sender string
		since            time.Time
		want             string // "" for none
	}{
		{"CustomerNewest", c.ID, "", t0, "최근"},
		{"CustomerSinceTheNewest", c.ID, "", t0.Add(2 * time.Minute), "최근"},
		{"CustomerNoneSince", c.ID, "", t0.Add(3 * time.Minute), ""},
		{"Sender", "", "telegram:1", t0, "보낸이"},
		{"SenderNoneSince", "", "telegram:1", t0.Add(2 * time.Minute), ""},
		{"UnknownSender", "", "telegram:9", t0, ""},
		{"Nobody", "", "", t0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustView(t, s, func(tx *Tx) error {
				f, ok, err := tx.LatestFeedback(tt.customer, tt.sender, tt.since)
				if err != nil {
					return err
				}
				if got := map[bool]string{true: f.Comment}[ok]; got != tt.want {
					t.Errorf("LatestFeedback = %q, %v; want %q", f.Comment, ok, tt.want)
				}
				return nil
			})
		})
	}
}

// TestFeedbackCount: a customer's feedbacks are counted whether their
// index entries were merged or still wait in the log, and someone else's
// are not.
func TestFeedbackCount(t *testing.T) {
	for _, mergeAt := range []int{3, 4096} {
		t.Run(map[bool]string{true: "Merged", false: "Logged"}[mergeAt == 3], func(t *testing.T) {
			defer func(v int) { indexMergeAt = v }(indexMergeAt)
			indexMergeAt = mergeAt
			s := MustOpen(t)
			c := mustCustomer(t, s, "가나다", "01012340001")
			other := mustCustomer(t, s, "라마바", "01012340002")
			none := mustCustomer(t, s, "사아자", "01012340003")
			mustUpdate(t, s, func(tx *Tx) error {
				for i, id := range []string{c.ID, other.ID, c.ID, c.ID, "", c.ID, other.ID, c.ID} {
					f := Feedback{Rating: 4, NPS: NoNPS, CustomerID: id, At: t0.Add(time.Duration(i) * time.Minute)}
					if id == "" {
						f.SenderID = "telegram:1"
					}
					if err := tx.AddFeedback(&f); err != nil {
						return err
					}
				}
				return nil
			})
			mustView(t, s, func(tx *Tx) error {
				for id, want := range map[string]int{c.ID: 5, other.ID: 2, none.ID: 0} {
					if n, err := tx.FeedbackCount(id); err != nil || n != want {
						t.Errorf("FeedbackCount(%s) = %d, %v; want %d", id, n, err, want)
					}
				}
				return nil
			})
		})
	}
}
