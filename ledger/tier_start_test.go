package ledger

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// tierTrail is a customer's tier record, their tier moves and the details
// of their "tier" audit entries, oldest first.
func tierTrail(t *testing.T, s *Store, id string) (TierStatus, []TierMove, []string) {
	t.Helper()
	var st TierStatus
	var moves []TierMove
	var audits []string
	mustView(t, s, func(tx *Tx) error {
		var err error
		if st, err = tx.TierOf(id, t0.AddDate(0, 0, 1), seoul); err != nil {
			return err
		}
		err = tx.ScanTierMoves(time.Time{}, t0.AddDate(1, 0, 0), func(m TierMove) error {
			if m.CustomerID == id {
				moves = append(moves, m)
			}
			return nil
		})
		if err != nil {
			return err
		}
		es, err := tx.AuditOf(id, 0)
		for _, e := range slices.Backward(es) {
			if e.Action == "tier" {
				audits = append(audits, e.Detail)
			}
		}
		return err
	})
	return st, moves, audits
}

// TestStartTier: a new customer starts at the tier they held elsewhere,
// or at the rules' when those give more, unpinned, in a first record of
// its own (CauseStart, no notice, no move in the figures) and an audit
// entry; a tier the programme lacks is refused with nothing written; a
// customer with a record (pinned by a manager, or started already) keeps
// it and nothing is written, so an import run again changes nothing.
func TestStartTier(t *testing.T) {
	tests := []struct {
		name   string
		visits int
		before func(tx *Tx, id string) error // what the customer has first
		start  string
		err    error
		want   string // the tier after
		pinned bool
		moves  []TierMove // From, To, Cause
		audits []string
		ups    int // customers LoyaltyFigures sees move up (a pin is a move, a start is not)
	}{
		{name: "AboveTheRules", visits: 2, start: TierVIP, want: TierVIP,
			moves: []TierMove{{To: TierVIP, Cause: CauseStart}}, audits: []string{"start new → vip"}},
		{name: "RulesGiveMore", visits: 20, start: TierRegular, want: TierVIP,
			moves: []TierMove{{To: TierVIP, Cause: CauseStart}}, audits: []string{"start vip → vip"}},
		{name: "BaseTier", start: TierNew, want: TierNew,
			moves: []TierMove{{To: TierNew, Cause: CauseStart}}, audits: []string{"start new → new"}},
		{name: "ErrUnknownTier", visits: 2, start: "gold", err: ErrUnknownTier, want: TierNew},
		{name: "PinnedKept", visits: 2, start: TierRegular, want: TierVIP, pinned: true,
			before: func(tx *Tx, id string) error { _, err := tx.PinTier(id, TierVIP, "slack:UM", t0, seoul); return err },
			moves:  []TierMove{{From: TierNew, To: TierVIP, Cause: CausePin}}, audits: []string{"pin new → vip"}, ups: 1},
		{name: "StartedAlready", visits: 2, start: TierRegular, want: TierVIP,
			before: func(tx *Tx, id string) error { _, err := tx.StartTier(id, TierVIP, "import", t0, seoul); return err },
			moves:  []TierMove{{To: TierVIP, Cause: CauseStart}}, audits: []string{"start new → vip"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			c := mustCustomer(t, s, "김하늘", "01012345678")
			mustUpdate(t, s, func(tx *Tx) error {
				if tt.visits > 0 {
					if err := tx.ImportVisits(c.ID, tt.visits, t0.AddDate(-1, 0, 0), t0.AddDate(0, 0, -1)); err != nil {
						return err
					}
				}
				if tt.before != nil {
					return tt.before(tx, c.ID)
				}
				return nil
			})
			before := rawState(t, s)
			err := s.Update(context.Background(), func(tx *Tx) error {
				_, err := tx.StartTier(c.ID, tt.start, "import", t0.Add(time.Minute), seoul)
				return err
			})
			if !errors.Is(err, tt.err) {
				t.Fatalf("StartTier = %v, want %v", err, tt.err)
			}
			if tt.err != nil || tt.before != nil {
				assertUnchanged(t, s, before)
			}
			st, moves, audits := tierTrail(t, s, c.ID)
			if st.TierID != tt.want || st.Pinned != tt.pinned {
				t.Errorf("tier %s pinned %v, want %s pinned %v", st.TierID, st.Pinned, tt.want, tt.pinned)
			}
			for i := range moves {
				moves[i].CustomerID, moves[i].At = "", time.Time{}
			}
			if !slices.Equal(moves, tt.moves) || !slices.Equal(audits, tt.audits) {
				t.Errorf("moves %+v, audits %q; want %+v, %q", moves, audits, tt.moves, tt.audits)
			}
			mustView(t, s, func(tx *Tx) error {
				f, err := tx.LoyaltyFigures(t0.AddDate(0, 0, -1), t0.AddDate(0, 0, 1))
				if f.TierUps != tt.ups || f.TierDowns != 0 || len(f.Moves) != tt.ups {
					t.Errorf("figures %+v, want %d up", f, tt.ups)
				}
				p, _ := tx.PendingNotices(0)
				if len(p) != 0 {
					t.Errorf("a start left notices: %+v", p)
				}
				return err
			})
		})
	}
}

// TestStartTierRules: from a starting tier the rules go on as for anyone.
// VIP started on 2 visits stays VIP at the next visit, is told by the daily
// run that it ends in TierDownNoticeDays and is lowered then; 단골
// started on 4 visits is told so too, requalifies at the 5th (the
// lowering cancelled) and the visit that makes 15 takes them up to VIP,
// told.
func TestStartTierRules(t *testing.T) {
	s := MustOpen(t)
	vip := mustCustomer(t, s, "김하늘", "01012345678")
	reg := mustCustomer(t, s, "박지훈", "01022223333")
	mustUpdate(t, s, func(tx *Tx) error {
		for _, c := range []struct {
			id, tier string
			visits   int
		}{{vip.ID, TierVIP, 2}, {reg.ID, TierRegular, 4}} {
			if err := tx.ImportVisits(c.id, c.visits, t0.AddDate(-1, 0, 0), t0.AddDate(0, 0, -1)); err != nil {
				return err
			}
			if _, err := tx.StartTier(c.id, c.tier, "import", t0, seoul); err != nil {
				return err
			}
		}
		return nil
	})
	visit := func(id string, at time.Time) TierChange {
		t.Helper()
		var ch TierChange
		mustUpdate(t, s, func(tx *Tx) error {
			if err := tx.RecordVisit(id, at); err != nil {
				return err
			}
			var err error
			ch, err = tx.UpdateTier(id, at, seoul)
			return err
		})
		return ch
	}
	if ch := visit(vip.ID, t0.Add(time.Hour)); ch.To != TierVIP || ch.Down {
		t.Errorf("VIP at a visit: %+v", ch)
	}
	res, err := s.RunDaily(context.Background(), t0.AddDate(0, 0, 1), seoul)
	if err != nil || res.DownNotices != 2 || res.TierDowns != 0 {
		t.Fatalf("first daily run: %+v, %v", res, err)
	}
	for i, want := range []Notice{{CustomerID: vip.ID, FromTier: TierVIP}, {CustomerID: reg.ID, FromTier: TierRegular}} {
		if n := res.Notices[i]; n.CustomerID != want.CustomerID || n.Kind != NoticeTierDownSoon || n.FromTier != want.FromTier || n.Tier != TierNew || n.On != "2026-04-02" {
			t.Errorf("notice %+v", n)
		}
	}
	var ch TierChange
	for d := range defaultVIPSeen - 4 {
		ch = visit(reg.ID, t0.AddDate(0, 0, 2+d))
	}
	if !ch.Up || ch.From != TierRegular || ch.To != TierVIP || ch.NoticeID == "" {
		t.Errorf("the 15th visit: %+v", ch)
	}
	if res, err = s.RunDaily(context.Background(), t0.AddDate(0, 0, 31), seoul); err != nil || res.TierDowns != 1 {
		t.Fatalf("daily run on the day: %+v, %v", res, err)
	}
	for id, want := range map[string]string{vip.ID: TierNew, reg.ID: TierVIP} {
		if st, _, _ := tierTrail(t, s, id); st.TierID != want || st.Pinned {
			t.Errorf("%s after the notice's day: %+v, want %s", id, st, want)
		}
	}
}
