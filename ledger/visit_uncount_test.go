package ledger

import (
	"testing"
	"time"
)

// TestUncountVisit: a deleted note or a reversed earn takes its day's visit
// back unless another record is on that day, and the first and last visits
// move to the records left. Days are t0's (2026-03-02) and after, in Seoul.
func TestUncountVisit(t *testing.T) {
	day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
	type rec struct {
		note   bool // a note, else an earn
		day    int
		remove bool
	}
	for _, tt := range []struct {
		name        string
		imported    bool // 3 visits 2025-01-10 .. 2025-03-10 first
		recs        []rec
		visits      int
		first, last int // days of t0; -1: none (no stats)
		lastAt      time.Time
	}{
		{name: "OnlyNote", recs: []rec{{note: true, day: 0, remove: true}}, visits: 0, first: -1},
		{name: "OnlyEarn", recs: []rec{{day: 0, remove: true}}, visits: 0, first: -1},
		{name: "LastNote", recs: []rec{{note: true, day: 0}, {note: true, day: 3, remove: true}}, visits: 1, first: 0, last: 0},
		{name: "FirstNote", recs: []rec{{note: true, day: 0, remove: true}, {note: true, day: 3}}, visits: 1, first: 3, last: 3},
		{name: "MiddleEarn", recs: []rec{{note: true, day: 0}, {day: 2, remove: true}, {note: true, day: 5}}, visits: 2, first: 0, last: 5},
		{name: "SameDayEarnStays", recs: []rec{{day: 1}, {note: true, day: 1, remove: true}}, visits: 1, first: 1, last: 1},
		{name: "SameDayNoteStays", recs: []rec{{note: true, day: 1}, {day: 1, remove: true}}, visits: 1, first: 1, last: 1},
		{name: "ImportedKept", imported: true, recs: []rec{{note: true, day: 0, remove: true}}, visits: 3, lastAt: t0},
		{name: "ImportedThenRecord", imported: true, recs: []rec{{note: true, day: 0}, {note: true, day: 4, remove: true}}, visits: 4, lastAt: day(0)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			c := mustCustomer(t, s, "김민지", "01012345678")
			if tt.imported {
				mustUpdate(t, s, func(tx *Tx) error {
					return tx.ImportVisits(c.ID, 3, time.Date(2025, 1, 10, 0, 0, 0, 0, seoul), time.Date(2025, 3, 10, 0, 0, 0, 0, seoul))
				})
			}
			var gone []func(tx *Tx) error
			for _, r := range tt.recs {
				at := day(r.day)
				mustUpdate(t, s, func(tx *Tx) error {
					if r.note {
						n := Note{CustomerID: c.ID, StaffID: "slack:U1", At: at, Text: "상담"}
						if err := tx.AddNote(&n); err != nil {
							return err
						}
						if r.remove {
							gone = append(gone, func(tx *Tx) error {
								if _, err := tx.DeleteNote(n.ID); err != nil {
									return err
								}
								return tx.UncountVisit(c.ID, at)
							})
						}
						return nil
					}
					e := PointsEntry{CustomerID: c.ID, At: at, Kind: PointsEarn, Points: 100, Amount: 2000, ActorID: "slack:U1"}
					if err := tx.AddPoints(&e); err != nil {
						return err
					}
					if r.remove {
						gone = append(gone, func(tx *Tx) error {
							return tx.AddPoints(&PointsEntry{CustomerID: c.ID, At: day(6), Kind: PointsAdjust, Points: -100, ActorID: "slack:U1", Reverses: e.ID})
						})
					}
					return nil
				})
			}
			for _, fn := range gone {
				mustUpdate(t, s, fn)
			}
			mustView(t, s, func(tx *Tx) error {
				v, err := tx.VisitStatsOf(c.ID)
				if err != nil {
					return err
				}
				if v.Visits != tt.visits {
					t.Errorf("visits = %d, want %d", v.Visits, tt.visits)
				}
				switch {
				case tt.first < 0:
					if !v.First.IsZero() || !v.Last.IsZero() {
						t.Errorf("first, last = %v, %v, want none", v.First, v.Last)
					}
				case !tt.lastAt.IsZero():
					if !v.Last.Equal(tt.lastAt) {
						t.Errorf("last = %v, want %v", v.Last, tt.lastAt)
					}
				default:
					if !v.First.Equal(day(tt.first)) || !v.Last.Equal(day(tt.last)) {
						t.Errorf("first, last = %v, %v, want days %d, %d", v.First.In(seoul), v.Last.In(seoul), tt.first, tt.last)
					}
				}
				return nil
			})
		})
	}
}
