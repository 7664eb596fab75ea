package ledger

import (
	"errors"
	"testing"
	"time"
)

func TestAddPoints(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	entry := func(kind PointsKind, pts int64) PointsEntry {
		return PointsEntry{CustomerID: c.ID, At: t0, Kind: kind, Points: pts, ActorID: "slack:U1"}
	}
	tests := []struct {
		name        string
		e           PointsEntry
		wantErr     error
		wantBalance int64
	}{
		{"EarnOK", entry(PointsEarn, 1000), nil, 1000},
		{"RedeemOK", entry(PointsRedeem, -300), nil, 700},
		{"ErrInsufficientPoints", entry(PointsRedeem, -701), ErrInsufficientPoints, 700},
		{"ExpireOK", entry(PointsExpire, -200), nil, 500},
		{"AdjustDownTooFar", entry(PointsAdjust, -501), ErrInsufficientPoints, 500},
		{"AdjustUpOK", entry(PointsAdjust, 50), nil, 550},
		{"ErrEarnNegative", entry(PointsEarn, -5), ErrInvalid, 550},
		{"ErrEarnZero", entry(PointsEarn, 0), ErrInvalid, 550},
		{"ErrRedeemPositive", entry(PointsRedeem, 5), ErrInvalid, 550},
		{"ErrAdjustZero", entry(PointsAdjust, 0), ErrInvalid, 550},
		{"ErrUnknownKind", entry("gift", 5), ErrInvalid, 550},
		{"ErrNoActor", PointsEntry{CustomerID: c.ID, At: t0, Kind: PointsEarn, Points: 1}, ErrInvalid, 550},
		{"ErrNegativeAmount", PointsEntry{CustomerID: c.ID, At: t0, Kind: PointsEarn, Points: 1, Amount: -1, ActorID: "a"}, ErrInvalid, 550},
		{"ErrCustomerNotFound", PointsEntry{CustomerID: "C9", At: t0, Kind: PointsEarn, Points: 1, ActorID: "a"}, ErrCustomerNotFound, 550},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.e
			err := s.Update(t.Context(), func(tx *Tx) error { return tx.AddPoints(&e) })
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if err == nil && e.ID == "" {
				t.Error("no id assigned")
			}
			mustView(t, s, func(tx *Tx) error {
				bal, err := tx.Balance(c.ID)
				if err != nil {
					return err
				}
				if bal != tt.wantBalance {
					t.Errorf("balance %d, want %d", bal, tt.wantBalance)
				}
				return nil
			})
		})
	}
	t.Run("BalanceEqualsSumOfEntries", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			entries, err := tx.PointsOf(c.ID, 0)
			if err != nil {
				return err
			}
			var sum int64
			for _, e := range entries {
				sum += e.Points
			}
			bal, _ := tx.Balance(c.ID)
			if len(entries) != 4 || sum != bal {
				t.Errorf("%d entries sum %d, balance %d", len(entries), sum, bal)
			}
			return nil
		})
	})
	t.Run("EarnIsAVisit", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			if cu, _ := tx.Customer(c.ID); cu.Visits != 1 {
				t.Errorf("visits %d", cu.Visits)
			}
			return nil
		})
	})
}

func TestPointsOfNewestFirst(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김민지", "010-1234-5678")
	b := mustCustomer(t, s, "이서연", "010-2222-3333")
	for i := range 5 {
		for _, c := range []Customer{a, b} {
			e := PointsEntry{CustomerID: c.ID, At: t0.Add(time.Duration(i) * time.Hour), Kind: PointsEarn, Points: int64(i + 1), ActorID: "x"}
			mustUpdate(t, s, func(tx *Tx) error { return tx.AddPoints(&e) })
		}
	}
	mustView(t, s, func(tx *Tx) error {
		got, err := tx.PointsOf(a.ID, 3)
		if err != nil {
			return err
		}
		if len(got) != 3 || got[0].Points != 5 || got[1].Points != 4 || got[2].Points != 3 {
			t.Errorf("PointsOf: %+v", got)
		}
		for _, e := range got {
			if e.CustomerID != a.ID {
				t.Errorf("entry of %s", e.CustomerID)
			}
		}
		return nil
	})
}
