package ledger

import (
	"slices"
	"testing"
	"time"
)

// TestScanLiveVisitStats: the erased customers' visit stats stay (past
// summaries count them) but a scan for people to care for passes them
// over, whether they are the first, a middle or the last in id order, or
// erased without any visit.
func TestScanLiveVisitStats(t *testing.T) {
	s := MustOpen(t)
	var ids []string
	mustUpdate(t, s, func(tx *Tx) error {
		for i, name := range []string{"가", "나", "다", "라", "마", "바"} {
			c := Customer{Name: name, CreatedAt: t0}
			if err := tx.CreateCustomer(&c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
			if i == 4 {
				continue // 마 never came
			}
			if err := tx.RecordVisit(c.ID, t0.Add(time.Duration(i)*time.Hour)); err != nil {
				return err
			}
		}
		for _, i := range []int{0, 2, 4, 5} {
			if err := tx.EraseCustomer(ids[i], t0.Add(time.Hour)); err != nil {
				return err
			}
		}
		return nil
	})
	mustView(t, s, func(tx *Tx) error {
		var all, live []string
		if err := tx.ScanVisitStats(func(v VisitStats) error { all = append(all, v.CustomerID); return nil }); err != nil {
			return err
		}
		if err := tx.ScanLiveVisitStats(func(v VisitStats) error {
			if v.Visits != 1 {
				t.Errorf("live stats %+v", v)
			}
			live = append(live, v.CustomerID)
			return nil
		}); err != nil {
			return err
		}
		if want := []string{ids[0], ids[1], ids[2], ids[3], ids[5]}; !slices.Equal(all, want) {
			t.Errorf("all visit stats %v, want %v", all, want)
		}
		if want := []string{ids[1], ids[3]}; !slices.Equal(live, want) {
			t.Errorf("live visit stats %v, want %v", live, want)
		}
		return nil
	})
}
