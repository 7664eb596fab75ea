package feedback

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestAtRiskOfPastWeek: a past week names the regulars at risk at its end,
// whenever it is asked, so the Monday post and a later /summary of the
// same week agree; the current week judges them now. In 2026-W05 (1/26 to
// 2/2): 다온 came every 7 days up to 1/26 (not at risk at the week's end,
// at risk by 2/12); 보람 (notes), 새봄 (earns), 하람 (last seen in
// October, before the window) and 우진 (who came back on Monday 08:00,
// before the post) were at risk at its end and came back after it.
func TestAtRiskOfPastWeek(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	none := time.Time{}
	d := func(m time.Month, dd int) time.Time { return day(m, dd, 10, 0) }
	write(t, s, func(f fixture) {
		daon := f.customer("다온", time.Date(2025, 9, 1, 9, 0, 0, 0, kst), none, true)
		boram := f.customer("보람", time.Date(2025, 9, 1, 9, 0, 0, 0, kst), none, true)
		saebom := f.customer("새봄", time.Date(2025, 9, 1, 9, 0, 0, 0, kst), none, true)
		haram := f.customer("하람", time.Date(2025, 9, 1, 9, 0, 0, 0, kst), none, true)
		ujin := f.customer("우진", time.Date(2025, 9, 1, 9, 0, 0, 0, kst), none, true)
		for _, dd := range []int{1, 3, 5} {
			f.note(haram, jimin, time.Date(2025, 10, dd, 10, 0, 0, 0, kst), none)
		}
		for _, dd := range []int{2, 4, 6} {
			f.note(boram, jimin, d(1, dd), none)
			f.points(saebom, ledger.PointsEarn, 100, d(1, dd))
			f.note(ujin, jimin, d(1, dd), none)
		}
		for _, dd := range []int{12, 19, 26} {
			f.note(daon, jimin, d(1, dd), none)
		}
		f.note(ujin, jimin, day(2, 2, 8, 0), none)
		f.note(boram, jimin, d(2, 4), none)
		f.note(haram, jimin, d(2, 4), none)
		f.points(saebom, ledger.PointsEarn, 100, d(2, 5))
	})
	w05 := Week{2026, 5}
	atWeekEnd := []string{"보람 3 1/6", "새봄 3 1/6", "우진 3 1/6", "하람 3 10/5"}
	for _, c := range []struct {
		name string
		week Week
		now  time.Time
		want []string
	}{
		{"post", w05, time.Time{}, atWeekEnd},
		{"post sent at 09:00", w05, day(2, 2, 9, 0), atWeekEnd},
		{"asked on 2/12", w05, day(2, 12, 10, 0), atWeekEnd},
		{"current week on 2/12", Week{2026, 7}, day(2, 12, 10, 0), []string{"다온 3 1/26"}},
		{"W06 asked on 2/12", Week{2026, 6}, day(2, 12, 10, 0), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			sum, err := Weekly(ctx, s, c.week, Options{Loc: kst, Now: c.now})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range sum.AtRisk {
				l := a.Last.In(kst)
				got = append(got, fmt.Sprintf("%s %d %d/%d", a.Customer.Name, a.Visits, l.Month(), l.Day()))
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) || sum.AtRiskCount != len(c.want) {
				t.Errorf("at risk %d %q, want %q", sum.AtRiskCount, got, c.want)
			}
		})
	}
}
