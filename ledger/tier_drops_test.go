package ledger

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestTierDrops: the preview of a ladder that leaves tiers out counts the
// holders of each, the pinned ones, and those the new rules will lower
// after their notice; storing the ladder and running the daily run then
// does just that: each holder carried to the tier at their level, and as
// many downgrade notices as the preview said.
func TestTierDrops(t *testing.T) {
	type drop struct {
		tier, to               string
		holders, pinned, lower int
	}
	tests := []struct {
		name  string
		rules TierRules
		want  []drop
	}{
		{"VIPLeftOut", TierRules{Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 3}}},
			[]drop{{TierVIP, TierRegular, 2, 1, 1}}},
		{"AllRenamed", TierRules{Levels: []Tier{{Name: "브론즈"}, {Name: "실버", MinVisits: 5}, {Name: "골드", MinVisits: 15}}},
			[]drop{{TierNew, "브론즈", 1, 0, 0}, {TierRegular, "실버", 1, 0, 0}, {TierVIP, "골드", 2, 1, 1}}},
		{"FewerAndStricter", TierRules{Levels: []Tier{{ID: TierNew}, {Name: "골드", MinVisits: 20}}},
			[]drop{{TierRegular, "골드", 1, 0, 1}, {TierVIP, "골드", 2, 1, 2}}},
		{"NoneLeftOut", TierRules{Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 3}, {ID: TierVIP, MinVisits: 10}}}, nil},
		// A tier kept with a threshold raised is listed for the holders it
		// lowers (the pinned one keeps it); one kept whose holders all
		// still qualify is not.
		{"KeptStricter", TierRules{Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 5}, {ID: TierVIP, MinVisits: 20}}},
			[]drop{{TierVIP, TierVIP, 2, 1, 1}}},
		{"KeptStricterBoth", TierRules{Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 7}, {ID: TierVIP, MinVisits: 20}}},
			[]drop{{TierRegular, TierRegular, 1, 0, 1}, {TierVIP, TierVIP, 2, 1, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			visits := func(c Customer, n int) {
				for d := range n {
					earnAt(t, s, c.ID, 1000, 50, t0.AddDate(0, 0, d))
				}
				mustUpdate(t, s, func(tx *Tx) error { _, err := tx.UpdateTier(c.ID, t0.AddDate(0, 0, n), seoul); return err })
			}
			vip := mustCustomer(t, s, "가", "01010000001")
			visits(vip, 15)
			pinned := mustCustomer(t, s, "나", "01010000002")
			visits(pinned, 2)
			regular := mustCustomer(t, s, "다", "01010000003")
			visits(regular, 6)
			mustCustomer(t, s, "라", "01010000004") // no visit, no tier record
			gone := mustCustomer(t, s, "마", "01010000005")
			mustUpdate(t, s, func(tx *Tx) error {
				for _, id := range []string{pinned.ID, gone.ID} {
					if _, err := tx.PinTier(id, TierVIP, "slack:M", t0.AddDate(0, 0, 16), seoul); err != nil {
						return err
					}
				}
				return tx.EraseCustomer(gone.ID, t0.AddDate(0, 0, 16))
			})
			at := t0.AddDate(0, 0, 20)
			var got []TierDrop
			mustView(t, s, func(tx *Tx) error {
				var err error
				got, err = tx.TierDrops(tt.rules, at, seoul)
				return err
			})
			var have []drop
			lower := 0
			for _, d := range got {
				have = append(have, drop{d.Tier.ID, d.To.ID, d.Holders, d.Pinned, d.Lower})
				lower += d.Lower
			}
			if fmt.Sprint(have) != fmt.Sprint(tt.want) {
				t.Fatalf("drops %v, want %v", have, tt.want)
			}
			before := map[string]string{}
			mustView(t, s, func(tx *Tx) error {
				for _, c := range []Customer{vip, pinned, regular} {
					st, err := tx.TierOf(c.ID, at, seoul)
					before[c.ID] = st.TierID
					if err != nil {
						return err
					}
				}
				return nil
			})
			// What the preview said is what happens.
			mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetTiers(tt.rules, "slack:M", at, nil); return err })
			res, err := s.RunDaily(context.Background(), at.Add(time.Hour), seoul)
			if err != nil {
				t.Fatal(err)
			}
			if res.DownNotices != lower {
				t.Errorf("the daily run gave %d downgrade notices, the preview said %d", res.DownNotices, lower)
			}
			mustView(t, s, func(tx *Tx) error {
				for _, c := range []Customer{vip, pinned, regular} {
					st, err := tx.TierOf(c.ID, at.Add(time.Hour), seoul)
					if err != nil {
						return err
					}
					for _, d := range tt.want {
						if d.tier == before[c.ID] && st.TierID != d.to {
							t.Errorf("%s held %s and now %s, want carried to %s", c.Name, d.tier, st.TierID, d.to)
						}
					}
					// A pin to a tier left out is let go; one kept stays.
					if st.Rank < 0 || st.Pinned != (c.ID == pinned.ID && tt.rules.Rank(TierVIP) >= 0) {
						t.Errorf("%s after the change: %+v, want a tier of the new rules, pinned only to one kept", c.Name, st)
					}
				}
				return nil
			})
		})
	}
	t.Run("ErrInvalid", func(t *testing.T) {
		s := MustOpen(t)
		mustView(t, s, func(tx *Tx) error {
			if _, err := tx.TierDrops(TierRules{Levels: []Tier{{ID: TierNew, MinVisits: 3}}}, t0, seoul); err == nil {
				t.Error("rules whose base tier has a threshold: no error")
			}
			return nil
		})
	})
}

// checkAppliedDrops previews rules at at for the customers cs (the
// ledger's, erased ones aside), stores the rules, runs the daily run an
// hour later and checks that for each tier held before (TierIDOf) the
// preview's counts are what happened: Holders who held it, Lower told of
// a downgrade by the run, Held not told because a hold keeps their tier
// (TierHold). A tier the preview leaves out had nobody lowered or held.
// It returns the preview.
func checkAppliedDrops(t *testing.T, s *Store, rules TierRules, at time.Time, cs []Customer) []TierDrop {
	t.Helper()
	var preview []TierDrop
	before := map[string]string{}
	var levels []Tier
	mustView(t, s, func(tx *Tx) error {
		var err error
		if preview, err = tx.TierDrops(rules, at, seoul); err != nil {
			return err
		}
		p, err := tx.ProgrammeAt(at)
		levels = p.Tiers.Levels
		for _, c := range cs {
			if before[c.ID], err = tx.TierIDOf(c.ID, at, seoul); err != nil {
				return err
			}
		}
		return err
	})
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetTiers(rules, "slack:M", at, seoul); return err })
	run := at.Add(time.Hour)
	res, err := s.RunDaily(context.Background(), run, seoul)
	if err != nil {
		t.Fatal(err)
	}
	told := map[string]bool{}
	for _, n := range res.Notices {
		if n.Kind == NoticeTierDownSoon {
			told[n.CustomerID] = true
		}
	}
	applied := map[string]*TierDrop{}
	for _, c := range cs {
		d := applied[before[c.ID]]
		if d == nil {
			d = &TierDrop{}
			applied[before[c.ID]] = d
		}
		d.Holders++
		mustView(t, s, func(tx *Tx) error {
			_, held, err := tx.TierHold(c.ID, run, seoul)
			switch {
			case told[c.ID]:
				d.Lower++
			case held:
				d.Held++
			}
			return err
		})
	}
	counts := func(d TierDrop) string {
		return fmt.Sprintf("%d holders, %d lower, %d held", d.Holders, d.Lower, d.Held)
	}
	mustView(t, s, func(tx *Tx) error {
		next, err := tx.ProgrammeAt(run)
		for _, c := range cs {
			i := slices.IndexFunc(preview, func(p TierDrop) bool { return p.Tier.ID == before[c.ID] })
			if i < 0 || err != nil {
				continue
			}
			st, err := tx.TierOf(c.ID, run, seoul)
			if err != nil {
				return err
			}
			if st.Rank < next.Tiers.Rank(preview[i].To.ID) {
				t.Errorf("%s held %s and now %s, below %s at once, untold", c.Name, before[c.ID], st.TierID, preview[i].To.ID)
			}
		}
		return err
	})
	for _, l := range levels {
		d := applied[l.ID]
		if d == nil {
			d = &TierDrop{}
		}
		i := slices.IndexFunc(preview, func(p TierDrop) bool { return p.Tier.ID == l.ID })
		switch {
		case i < 0 && d.Lower+d.Held > 0:
			t.Errorf("%s: the preview lists nothing; storing the rules: %s", l.ID, counts(*d))
		case i >= 0 && counts(preview[i]) != counts(*d):
			t.Errorf("%s: the preview said %s; storing the rules: %s", l.ID, counts(preview[i]), counts(*d))
		}
	}
	return preview
}

// TestTierDropsUnrecorded: customers without a tier record (visits the
// daily run has not reached yet) count as holders of the tier the rules
// in force give them, as the chat shows them, and the preview counts
// those the new rules place lower among Lower: storing the rules records
// their tier, so they are carried over and told, as a customer with a
// record is, where they had shown the lower tier at once, untold, while
// the preview counted them among nobody.
func TestTierDropsUnrecorded(t *testing.T) {
	s := MustOpen(t)
	visits := func(c Customer, n int, record bool) { tierVisits(t, s, c, n, record) }
	vip := mustCustomer(t, s, "가", "01010000001")
	visits(vip, 15, true)
	unrecorded := mustCustomer(t, s, "나", "01010000002")
	visits(unrecorded, 15, false)
	regular := mustCustomer(t, s, "다", "01010000003")
	visits(regular, 6, false)
	none := mustCustomer(t, s, "라", "01010000004")
	cs := []Customer{vip, unrecorded, regular, none}
	at := t0.AddDate(0, 0, 20)
	mustView(t, s, func(tx *Tx) error {
		for _, c := range cs[1:] {
			if st, err := tx.TierOf(c.ID, at, seoul); err != nil || st.Stored {
				t.Fatalf("%s's tier %+v, %v: want no record", c.Name, st, err)
			}
		}
		return nil
	})
	got := checkAppliedDrops(t, s, TierRules{Levels: []Tier{{ID: TierNew}, {Name: "골드", MinVisits: 20}}}, at, cs)
	var have []string
	for _, d := range got {
		have = append(have, fmt.Sprintf("%s→%s %d/%d", d.Tier.ID, d.To.ID, d.Holders, d.Lower))
	}
	if want := "[regular→골드 1/1 vip→골드 2/2]"; fmt.Sprint(have) != want {
		t.Errorf("drops %v, want %s", have, want)
	}
}

// TestTierWindowHoldsStart: a shop that imports under all-time rules and
// then gives the tiers a window holds the imported tiers (StartTier) one
// window from the change's day, as an import under the window does: the
// list's undated visits no longer count. The preview counts them as held,
// and the daily run tells only the customer whose tier was earned here,
// and the imported ones after the hold. A starting tier that moved since,
// or that a manager pinned, gets no hold.
func TestTierWindowHoldsStart(t *testing.T) {
	s := MustOpen(t)
	imported := mustCustomer(t, s, "김하늘", "01012345678")
	few := mustCustomer(t, s, "이서준", "01012340000")
	lapsed := mustCustomer(t, s, "박지훈", "01022223333")
	pinned := mustCustomer(t, s, "최유나", "01044445555")
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.SetTiers(holdTiers(0), "slack:UM", t0.AddDate(-2, 0, 0), seoul)
		return err
	})
	lapsedVIP(t, s, lapsed.ID)
	mustUpdate(t, s, func(tx *Tx) error {
		for c, n := range map[string]int{imported.ID: 20, few.ID: 2, pinned.ID: 20} {
			if err := tx.ImportVisits(c, n, t0.AddDate(-1, 0, 0), t0.AddDate(0, 0, -1)); err != nil {
				return err
			}
			if ch, err := tx.StartTier(c, TierVIP, "import", t0, seoul); err != nil || !ch.HeldUntil.IsZero() {
				return fmt.Errorf("the start under all-time rules: %+v, %v; want no hold", ch, err)
			}
		}
		_, err := tx.PinTier(pinned.ID, TierVIP, "slack:UM", t0, seoul)
		return err
	})
	at := t0.Add(2 * time.Hour) // the same day, before any daily run
	got := checkAppliedDrops(t, s, holdTiers(12), at, []Customer{imported, few, lapsed, pinned})
	if len(got) != 1 || got[0].Tier.ID != TierVIP || got[0].Holders != 4 || got[0].Pinned != 1 || got[0].Lower != 1 || got[0].Held != 2 ||
		dateOf(got[0].HeldUntil) != "2027-03-02" {
		t.Errorf("drops %+v, want VIP's: 4 holders, 1 pinned, 1 lower, 2 held to 2027-03-02", got)
	}
	for _, c := range []Customer{imported, few} {
		if st, _, _ := tierTrail(t, s, c.ID); st.TierID != TierVIP || dateOf(st.HeldUntil) != "2027-03-02" || st.DownTo != "" {
			t.Errorf("%s after the change: %+v, want VIP held to 2027-03-02", c.Name, st)
		}
	}
	if st, _, _ := tierTrail(t, s, pinned.ID); !st.HeldUntil.IsZero() || !st.Pinned {
		t.Errorf("the pinned one after the change: %+v, want pinned, no hold", st)
	}
	res, err := s.RunDaily(context.Background(), holdDay(2027, 3, 3), seoul)
	if err != nil || res.DownNotices != 2 {
		t.Errorf("the daily run after the hold: %+v, %v; want the two imported ones told", res, err)
	}
}

// TestTierRises: new tier rules that place customers higher count them by
// the tier they rise to, recorded or not (a pin the rules keep stays, an
// erased customer is not counted), and what the preview said is what
// storing the rules shows on the cards at once.
func TestTierRises(t *testing.T) {
	tests := []struct {
		name  string
		rules TierRules
		want  string // "tier:n" in the new rules' order
	}{
		{"Looser", TierRules{Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 2}, {ID: TierVIP, MinVisits: 3}}}, "[regular:1 vip:1]"},
		{"RegularLooser", TierRules{Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 2}, {ID: TierVIP, MinVisits: 15}}}, "[regular:1]"},
		{"AllRenamed", TierRules{Levels: []Tier{{Name: "브론즈"}, {Name: "실버", MinVisits: 5}, {Name: "골드", MinVisits: 15}}}, "[]"},
		{"Stricter", TierRules{Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 7}, {ID: TierVIP, MinVisits: 20}}}, "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			visits := func(c Customer, n int, record bool) { tierVisits(t, s, c, n, record) }
			vip := mustCustomer(t, s, "가", "01010000001")
			visits(vip, 15, true)
			pinned := mustCustomer(t, s, "나", "01010000002")
			visits(pinned, 1, true)
			regular := mustCustomer(t, s, "다", "01010000003")
			visits(regular, 6, true)
			unrecorded := mustCustomer(t, s, "라", "01010000004")
			visits(unrecorded, 2, false)
			gone := mustCustomer(t, s, "마", "01010000005")
			visits(gone, 6, true)
			mustUpdate(t, s, func(tx *Tx) error {
				if _, err := tx.PinTier(pinned.ID, TierNew, "slack:M", t0.AddDate(0, 0, 16), seoul); err != nil {
					return err
				}
				return tx.EraseCustomer(gone.ID, t0.AddDate(0, 0, 16))
			})
			at := t0.AddDate(0, 0, 20)
			var got []TierRise
			mustView(t, s, func(tx *Tx) error {
				var err error
				got, err = tx.TierRises(tt.rules, at, seoul)
				return err
			})
			have := []string{}
			for _, r := range got {
				have = append(have, fmt.Sprintf("%s:%d", r.To.ID, r.N))
			}
			if fmt.Sprint(have) != tt.want {
				t.Fatalf("rises %v, want %s", have, tt.want)
			}
			cs := []Customer{vip, pinned, regular, unrecorded}
			before := map[string]int{}
			def := DefaultProgramme(0)
			mustView(t, s, func(tx *Tx) error {
				for _, c := range cs {
					st, err := tx.TierOf(c.ID, at, seoul)
					if err != nil {
						return err
					}
					before[c.ID] = carriedRank(&def.Tiers, &tt.rules, st.Rank)
				}
				return nil
			})
			mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetTiers(tt.rules, "slack:M", at, nil); return err })
			rose := map[string]int{}
			mustView(t, s, func(tx *Tx) error {
				for _, c := range cs {
					st, err := tx.TierOf(c.ID, at.Add(time.Minute), seoul)
					if err != nil {
						return err
					}
					if st.Rank > before[c.ID] {
						rose[st.TierID]++
					}
				}
				return nil
			})
			for _, r := range got {
				if rose[r.To.ID] != r.N {
					t.Errorf("storing the rules raised %v, the preview said %v", rose, have)
				}
			}
			if len(rose) != len(got) {
				t.Errorf("storing the rules raised %v, the preview said %v", rose, have)
			}
		})
	}
}

// tierVisits gives c n visits (an earn a day from t0) and, when record is
// true, the tier record the daily run would make after them.
func tierVisits(t *testing.T, s *Store, c Customer, n int, record bool) {
	t.Helper()
	for d := range n {
		earnAt(t, s, c.ID, 1000, 50, t0.AddDate(0, 0, d))
	}
	if record {
		mustUpdate(t, s, func(tx *Tx) error { _, err := tx.UpdateTier(c.ID, t0.AddDate(0, 0, n), seoul); return err })
	}
}
