package ledger

import (
	"errors"
	"maps"
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

// A correction writes its key into the entry it reverses (version 4), so
// reading that entry asks no index; an entry of version 3, which says
// nothing of it, is still read as reversed, from the index.
func TestReversedByInEntry(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	var orig, fix, other PointsEntry
	mustUpdate(t, s, func(tx *Tx) error {
		orig = PointsEntry{CustomerID: c.ID, At: t0, Kind: PointsEarn, Points: 500, ActorID: "slack:U1", Reason: "커트"}
		if err := tx.AddPoints(&orig); err != nil {
			return err
		}
		other = PointsEntry{CustomerID: c.ID, At: t0.Add(time.Second), Kind: PointsEarn, Points: 300, ActorID: "slack:U1"}
		if err := tx.AddPoints(&other); err != nil {
			return err
		}
		var err error
		if fix, err = ReversalOf(orig, "slack:U2", "잘못 적립", t0.Add(time.Minute)); err != nil {
			return err
		}
		return tx.AddPoints(&fix)
	})
	origKey, _ := keyOfID(orig.ID)
	reversedBy := func(tx *Tx) map[string]string {
		got := map[string]string{}
		err := tx.ScanPointsClear(t0, t0.Add(time.Hour), func(p PointsEntry) error {
			got[p.ID] = p.ReversedBy
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	want := map[string]string{orig.ID: fix.ID, other.ID: "", fix.ID: ""}
	mustView(t, s, func(tx *Tx) error {
		v := tx.bucket(bucketPoints).Get(origKey)
		if p, _, err := decodePoints(origKey, v); err != nil || !reversedKnown(v) || p.ReversedBy != fix.ID {
			t.Errorf("stored entry: version %d, reversed by %q (%v), want version 4 naming %s", v[0], p.ReversedBy, err, fix.ID)
		}
		if got := reversedBy(tx); !maps.Equal(got, want) {
			t.Errorf("scan: reversed by %v, want %v", got, want)
		}
		p, err := tx.PointsEntry(orig.ID)
		if err != nil || p.ReversedBy != fix.ID || p.Reason != "커트" {
			t.Errorf("entry = %+v, %v; want its reason and reversed by %s", p, err, fix.ID)
		}
		return nil
	})

	// The same entry as version 3 wrote it: its sealed part as it is, no
	// word of the correction.
	mustUpdate(t, s, func(tx *Tx) error {
		b := tx.bucket(bucketPoints)
		_, sealed, err := decodePoints(origKey, b.Get(origKey))
		if err != nil {
			return err
		}
		e := encoder{}
		e.byte(3)
		e.string(c.ID)
		e.byte(pointsKindCode(PointsEarn))
		e.varint(500)
		e.varint(0)
		e.string(string(sealed))
		e.string("")
		return b.Put(origKey, e.b)
	})
	mustView(t, s, func(tx *Tx) error {
		if v := tx.bucket(bucketPoints).Get(origKey); reversedKnown(v) {
			t.Fatalf("entry is version %d, want 3", v[0])
		}
		if got := reversedBy(tx); !maps.Equal(got, want) {
			t.Errorf("scan of version 3: reversed by %v, want %v", got, want)
		}
		p, err := tx.PointsEntry(orig.ID)
		if err != nil || p.ReversedBy != fix.ID || p.Reason != "커트" {
			t.Errorf("version 3 entry = %+v, %v; want its reason and reversed by %s", p, err, fix.ID)
		}
		return nil
	})
}

// TestPointsNoteID: an earn names the note it was made for (a note's
// [적립] in dialog), read back as written; only an earn names one, a valid
// note id, and an entry naming none is stored as before (version 4).
func TestPointsNoteID(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	var noteID string
	mustUpdate(t, s, func(tx *Tx) error {
		n := Note{CustomerID: c.ID, At: t0, Text: "클리닉", Amount: 600000, StaffID: "slack:U1"}
		err := tx.AddNote(&n)
		noteID = n.ID
		return err
	})
	tests := []struct {
		name    string
		e       PointsEntry
		wantErr error
		version byte
	}{
		// Version 4, the note's key after its fields, so an older build
		// still reads the entry.
		{"EarnForNote", PointsEntry{Kind: PointsEarn, Points: 30000, Amount: 600000, NoteID: noteID}, nil, 4},
		{"EarnNoNote", PointsEntry{Kind: PointsEarn, Points: 100, Amount: 2000}, nil, 4},
		{"RedeemNamingNote", PointsEntry{Kind: PointsRedeem, Points: -10, NoteID: noteID}, ErrInvalid, 0},
		{"BadNoteID", PointsEntry{Kind: PointsEarn, Points: 10, NoteID: "N1"}, ErrInvalid, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.e
			e.CustomerID, e.At, e.ActorID = c.ID, t0, "slack:U1"
			err := s.Update(t.Context(), func(tx *Tx) error { return tx.AddPoints(&e) })
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			mustView(t, s, func(tx *Tx) error {
				k, _ := keyOfID(e.ID)
				if v := tx.get(bucketPoints, k); len(v) == 0 || v[0] != tt.version {
					t.Errorf("stored version %v, want %d", v[:1], tt.version)
				}
				es, err := tx.PointsOf(c.ID, 1)
				if err != nil {
					return err
				}
				if len(es) != 1 || es[0].ID != e.ID || es[0].NoteID != tt.e.NoteID || es[0].Amount != tt.e.Amount {
					t.Errorf("read back %+v, want note %q", es, tt.e.NoteID)
				}
				return nil
			})
		})
	}
}
