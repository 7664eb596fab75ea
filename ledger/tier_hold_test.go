package ledger

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// holdTiers are the default levels, counted in a window of months.
func holdTiers(months int) TierRules {
	return TierRules{WindowMonths: months, Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 5}, {ID: TierVIP, MinVisits: 15}}}
}

// holdDay is 09:00 on a day in Seoul, when the daily run goes.
func holdDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, seoul) }

// TestStartTierHold: a tier started from a list (2 undated visits, at
// t0, 2026-03-02) under rules with a 12-month window is held through
// 2027-03-02: the daily runs until then neither tell of a downgrade nor
// make one; from the day after the rules apply as for anyone (the notice,
// and 30 days later the lower tier, the one the visits recorded since give).
// Visits in the hold raise the tier at once, or at the daily run. All-time
// rules count the visits brought over, so nothing is held; nor is the
// base tier.
func TestStartTierHold(t *testing.T) {
	tests := []struct {
		name   string
		window int // months; 0: all time
		start  string
		earns  int  // visits on the days after the start
		quiet  bool // the visits' tier is left to the daily run
		runs   []time.Time
		held   string // the hold's last day; "" none
		want   string // the tier after the runs
		downTo string // the pending downgrade after the runs
		downOn string
		kinds  []NoticeKind // every notice recorded, in order
	}{
		{name: "WindowNextDay", window: 12, start: TierVIP, runs: []time.Time{holdDay(2026, 3, 3)},
			held: "2027-03-02", want: TierVIP},
		{name: "WindowLastHeldDay", window: 12, start: TierVIP, runs: []time.Time{holdDay(2026, 3, 3), holdDay(2026, 9, 1), holdDay(2027, 3, 2)},
			held: "2027-03-02", want: TierVIP},
		{name: "WindowAfterTheHold", window: 12, start: TierVIP, runs: []time.Time{holdDay(2027, 3, 2), holdDay(2027, 3, 3)},
			held: "2027-03-02", want: TierVIP, downTo: TierNew, downOn: "2027-04-02", kinds: []NoticeKind{NoticeTierDownSoon}},
		{name: "WindowLoweredAfterTheNotice", window: 12, start: TierVIP, runs: []time.Time{holdDay(2027, 3, 3), holdDay(2027, 4, 2)},
			held: "2027-03-02", want: TierNew, kinds: []NoticeKind{NoticeTierDownSoon, NoticeTierDown}},
		{name: "WindowToWhatTheVisitsGive", window: 12, start: TierVIP, earns: 6, runs: []time.Time{holdDay(2027, 3, 3)},
			held: "2027-03-02", want: TierVIP, downTo: TierRegular, downOn: "2027-04-02", kinds: []NoticeKind{NoticeTierDownSoon}},
		{name: "ShortWindow", window: 3, start: TierRegular, runs: []time.Time{holdDay(2026, 6, 2), holdDay(2026, 6, 3)},
			held: "2026-06-02", want: TierRegular, downTo: TierNew, downOn: "2026-07-03", kinds: []NoticeKind{NoticeTierDownSoon}},
		{name: "VisitRaisesInTheHold", window: 12, start: TierRegular, earns: 15, runs: []time.Time{holdDay(2026, 4, 1)},
			held: "2027-03-02", want: TierVIP, kinds: []NoticeKind{NoticeTierUp}},
		{name: "DailyRaisesInTheHold", window: 12, start: TierRegular, earns: 15, quiet: true, runs: []time.Time{holdDay(2026, 4, 1)},
			held: "2027-03-02", want: TierVIP, kinds: []NoticeKind{NoticeTierUp}},
		{name: "AllTime", start: TierVIP, runs: []time.Time{holdDay(2026, 3, 3)},
			want: TierVIP, downTo: TierNew, downOn: "2026-04-02", kinds: []NoticeKind{NoticeTierDownSoon}},
		{name: "BaseTier", window: 12, start: TierNew, runs: []time.Time{holdDay(2026, 3, 3)}, want: TierNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			c := mustCustomer(t, s, "김하늘", "01012345678")
			var ch TierChange
			mustUpdate(t, s, func(tx *Tx) error {
				if _, err := tx.SetTiers(holdTiers(tt.window), "slack:UM", t0.AddDate(0, 0, -1), nil); err != nil {
					return err
				}
				if err := tx.ImportVisits(c.ID, 2, t0.AddDate(-1, 0, 0), t0.AddDate(0, 0, -1)); err != nil {
					return err
				}
				var err error
				ch, err = tx.StartTier(c.ID, tt.start, "import", t0, seoul)
				return err
			})
			if got := dateOf(ch.HeldUntil); got != tt.held {
				t.Errorf("the start's hold %q, want %q", got, tt.held)
			}
			var kinds []NoticeKind // every notice recorded, told or not
			for d := range tt.earns {
				at := t0.AddDate(0, 0, 1+d)
				earnAt(t, s, c.ID, 10000, 100, at)
				if !tt.quiet {
					mustUpdate(t, s, func(tx *Tx) error {
						ch, err := tx.UpdateTier(c.ID, at, seoul)
						if ch.NoticeID != "" {
							n, err := tx.Notice(ch.NoticeID)
							kinds = append(kinds, n.Kind)
							return err
						}
						return err
					})
				}
			}
			for _, at := range tt.runs {
				res, err := s.RunDaily(context.Background(), at, seoul)
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range res.Notices {
					kinds = append(kinds, n.Kind)
				}
			}
			last := tt.runs[len(tt.runs)-1]
			mustView(t, s, func(tx *Tx) error {
				st, err := tx.TierOf(c.ID, last, seoul)
				if err != nil {
					return err
				}
				if st.TierID != tt.want || st.Pinned || st.DownTo != tt.downTo || dateOf(st.DownOn) != tt.downOn || dateOf(st.HeldUntil) != tt.held {
					t.Errorf("after the runs %s (down to %q on %q, held to %q), want %s (down to %q on %q, held to %q)",
						st.TierID, st.DownTo, dateOf(st.DownOn), dateOf(st.HeldUntil), tt.want, tt.downTo, tt.downOn, tt.held)
				}
				return nil
			})
			if !slices.Equal(kinds, tt.kinds) {
				t.Errorf("notices %v, want %v", kinds, tt.kinds)
			}
		})
	}
}

// dateOf is t's day in Seoul, "" for the zero time.
func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(seoul).Format(time.DateOnly)
}

// TestStartTierHoldRecord: the hold is in the tier record, so it outlives
// a restart, and in the start's audit entry ("start new → vip until
// 2027-03-02"); TierHold names it while it is what keeps the tier. A
// second start (the import run again a month later) writes nothing and
// extends nothing. A manager's pin ends it: unpinned, the rules apply at
// once, as for any unpinned customer.
func TestStartTierHoldRecord(t *testing.T) {
	s := MustOpen(t)
	path := s.Path()
	c := mustCustomer(t, s, "김하늘", "01012345678")
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.SetTiers(holdTiers(12), "slack:UM", t0.AddDate(0, 0, -1), nil); err != nil {
			return err
		}
		_, err := tx.StartTier(c.ID, TierVIP, "import", t0, seoul)
		return err
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, &Options{Timeout: 100 * time.Millisecond, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	hold := func(at time.Time) string {
		t.Helper()
		var got string
		mustView(t, s, func(tx *Tx) error {
			until, held, err := tx.TierHold(c.ID, at, seoul)
			got = fmt.Sprint(held, " ", dateOf(until))
			return err
		})
		return got
	}
	if got := hold(holdDay(2027, 3, 2)); got != "true 2027-03-02" {
		t.Errorf("TierHold on its last day: %s", got)
	}
	if got := hold(holdDay(2027, 3, 3)); got != "false " {
		t.Errorf("TierHold the day after: %s", got)
	}
	if _, _, audits := tierTrail(t, s, c.ID); !slices.Equal(audits, []string{"start new → vip until 2027-03-02"}) {
		t.Errorf("audits %q", audits)
	}
	before := rawState(t, s)
	mustUpdate(t, s, func(tx *Tx) error {
		ch, err := tx.StartTier(c.ID, TierRegular, "import", t0.AddDate(0, 1, 0), seoul)
		if ch.From != TierVIP || ch.To != TierVIP || !ch.HeldUntil.IsZero() {
			t.Errorf("a second start: %+v", ch)
		}
		return err
	})
	assertUnchanged(t, s, before)

	// A visit's earn: the rules now give 일반 still, and the hold keeps VIP.
	earnAt(t, s, c.ID, 10000, 100, t0.AddDate(0, 0, 1))
	if got := hold(t0.AddDate(0, 0, 2)); got != "true 2027-03-02" {
		t.Errorf("TierHold after a visit: %s", got)
	}
	at := t0.AddDate(0, 0, 2)
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.PinTier(c.ID, TierVIP, "slack:UM", at, seoul); err != nil {
			return err
		}
		ch, err := tx.PinTier(c.ID, "", "slack:UM", at.Add(time.Minute), seoul)
		if ch.To != TierNew || !ch.Down {
			t.Errorf("unpinned in the hold: %+v, want the rules' 일반 at once", ch)
		}
		return err
	})
	if got := hold(at.Add(time.Hour)); got != "false " {
		t.Errorf("TierHold after a pin and unpin: %s", got)
	}
	mustView(t, s, func(tx *Tx) error {
		st, err := tx.TierOf(c.ID, at.Add(time.Hour), seoul)
		if !st.HeldUntil.IsZero() {
			t.Errorf("the hold outlived the manager's pin: %+v", st)
		}
		return err
	})
}

// TestTierDropsHeld: new rules that leave the held tier out count its
// held holders apart (Held, with the hold's day), not among those the
// daily run lowers; stored, the customer carries over to the new tier of
// the level, still held, and the daily run tells nobody until the hold
// has ended.
func TestTierDropsHeld(t *testing.T) {
	s := MustOpen(t)
	held := mustCustomer(t, s, "김하늘", "01012345678")
	lapsed := mustCustomer(t, s, "박지훈", "01022223333")
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.SetTiers(holdTiers(12), "slack:UM", t0.AddDate(-2, 0, 0), nil)
		return err
	})
	lapsedVIP(t, s, lapsed.ID)
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.StartTier(held.ID, TierVIP, "import", t0, seoul)
		return err
	})
	rules := TierRules{WindowMonths: 12, Levels: []Tier{{ID: TierNew}, {Name: "골드", MinVisits: 10}}}
	at := t0.AddDate(0, 0, 1)
	mustView(t, s, func(tx *Tx) error {
		ds, err := tx.TierDrops(rules, at, seoul)
		if err != nil {
			return err
		}
		if len(ds) != 1 {
			t.Fatalf("drops %+v, want VIP's", ds)
		}
		d := ds[0]
		if d.Tier.ID != TierVIP || d.To.ID != "골드" || d.Holders != 2 || d.Lower != 1 || d.Held != 1 || dateOf(d.HeldUntil) != "2027-03-02" {
			t.Errorf("drop %+v, want 2 VIPs to 골드, 1 lowered, 1 held to 2027-03-02", d)
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetTiers(rules, "slack:UM", at, nil); return err })
	res, err := s.RunDaily(context.Background(), at.Add(time.Hour), seoul)
	if err != nil || res.DownNotices != 1 || res.Notices[0].CustomerID != lapsed.ID {
		t.Fatalf("the daily run after the change: %+v, %v; want one notice, to %s", res, err, lapsed.ID)
	}
	if st, _, _ := tierTrail(t, s, held.ID); st.TierID != "골드" || dateOf(st.HeldUntil) != "2027-03-02" || st.DownTo != "" {
		t.Errorf("the held customer after the change: %+v", st)
	}
	if res, err = s.RunDaily(context.Background(), holdDay(2027, 3, 3), seoul); err != nil || res.DownNotices != 1 || res.Notices[0].CustomerID != held.ID {
		t.Errorf("the daily run after the hold: %+v, %v; want the held one told", res, err)
	}
}

// lapsedVIP makes customer id VIP by 15 visits 14 months before t0, which
// a 12-month window no longer counts.
func lapsedVIP(t *testing.T, s *Store, id string) {
	t.Helper()
	for d := range 15 {
		earnAt(t, s, id, 10000, 100, t0.AddDate(0, -14, d))
	}
	mustUpdate(t, s, func(tx *Tx) error {
		if ch, err := tx.UpdateTier(id, t0.AddDate(0, -14, 14), seoul); err != nil || ch.To != TierVIP {
			return fmt.Errorf("the lapsed customer's VIP: %+v, %v", ch, err)
		}
		return nil
	})
}
