package ledger

import (
	"errors"
	"testing"
	"time"
)

func TestReversePoints(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	other := mustCustomer(t, s, "박지훈", "010-2222-3333")
	add := func(e PointsEntry) (PointsEntry, error) {
		err := s.Update(t.Context(), func(tx *Tx) error { return tx.AddPoints(&e) })
		return e, err
	}
	earn, err := add(PointsEntry{CustomerID: c.ID, At: t0, Kind: PointsEarn, Points: 275000, Amount: 5500000, ActorID: "slack:U1"})
	if err != nil {
		t.Fatal(err)
	}
	spend, err := add(PointsEntry{CustomerID: c.ID, At: t0.Add(time.Minute), Kind: PointsRedeem, Points: -200000, ActorID: "slack:U1"})
	if err != nil {
		t.Fatal(err)
	}
	rev := func(e PointsEntry) PointsEntry {
		r, err := ReversalOf(e, "slack:UM", "typo", t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	t.Run("ErrInsufficientPoints", func(t *testing.T) {
		// 75,000P left: taking the 275,000P earn back would go negative.
		if _, err := add(rev(earn)); !errors.Is(err, ErrInsufficientPoints) {
			t.Fatalf("got %v, want ErrInsufficientPoints", err)
		}
	})
	t.Run("ErrOtherCustomersEntry", func(t *testing.T) {
		r := rev(spend)
		r.CustomerID = other.ID
		if _, err := add(r); !errors.Is(err, ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("ErrWrongPoints", func(t *testing.T) {
		r := rev(spend)
		r.Points = 1
		if _, err := add(r); !errors.Is(err, ErrInvalid) {
			t.Fatalf("got %v, want ErrInvalid", err)
		}
	})
	t.Run("ErrNotAdjust", func(t *testing.T) {
		r := rev(spend)
		r.Kind = PointsEarn
		if _, err := add(r); !errors.Is(err, ErrInvalid) {
			t.Fatalf("got %v, want ErrInvalid", err)
		}
	})
	var fix PointsEntry
	t.Run("OK", func(t *testing.T) {
		var err error
		if fix, err = add(rev(spend)); err != nil {
			t.Fatal(err)
		}
		mustView(t, s, func(tx *Tx) error {
			got, err := tx.PointsEntry(spend.ID)
			if err != nil {
				return err
			}
			if got.ReversedBy != fix.ID {
				t.Errorf("reversed entry's ReversedBy = %q, want %q", got.ReversedBy, fix.ID)
			}
			f, err := tx.PointsEntry(fix.ID)
			if err != nil {
				return err
			}
			if f.Reverses != spend.ID || f.Kind != PointsAdjust || f.Points != 200000 || f.ActorID != "slack:UM" || f.Reason != "typo" {
				t.Errorf("correction = %+v", f)
			}
			if bal, _ := tx.Balance(c.ID); bal != 275000 {
				t.Errorf("balance %d, want 275000", bal)
			}
			var scanned []PointsEntry
			if err := tx.ScanPoints(t0.Add(-time.Hour), t0.Add(2*time.Hour), func(p PointsEntry) error {
				scanned = append(scanned, p)
				return nil
			}); err != nil {
				return err
			}
			if len(scanned) != 3 || scanned[1].ReversedBy != fix.ID || scanned[2].Reverses != spend.ID {
				t.Errorf("scan = %+v", scanned)
			}
			return nil
		})
	})
	t.Run("ErrAlreadyReversed", func(t *testing.T) {
		// Built by hand: ReversalOf would refuse a read entry that says so.
		r := PointsEntry{CustomerID: c.ID, At: t0.Add(time.Hour), Kind: PointsAdjust, Points: 200000, ActorID: "a", Reverses: spend.ID}
		if _, err := add(r); !errors.Is(err, ErrAlreadyReversed) {
			t.Fatalf("got %v, want ErrAlreadyReversed", err)
		}
		mustView(t, s, func(tx *Tx) error {
			p, err := tx.PointsEntry(spend.ID)
			if err != nil {
				return err
			}
			if _, err := ReversalOf(p, "a", "", t0); !errors.Is(err, ErrAlreadyReversed) {
				t.Errorf("ReversalOf a reversed entry: %v", err)
			}
			return nil
		})
	})
	t.Run("ErrIsCorrection", func(t *testing.T) {
		r := PointsEntry{CustomerID: c.ID, At: t0.Add(time.Hour), Kind: PointsAdjust, Points: -200000, ActorID: "a", Reverses: fix.ID}
		if _, err := add(r); !errors.Is(err, ErrIsCorrection) {
			t.Fatalf("got %v, want ErrIsCorrection", err)
		}
	})
	t.Run("Numbered", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			n, err := tx.PointsCount(c.ID)
			if err != nil || n != 3 {
				t.Fatalf("count %d, %v; want 3", n, err)
			}
			for i, want := range []string{earn.ID, spend.ID, fix.ID} {
				p, err := tx.PointsAt(c.ID, i+1)
				if err != nil || p.ID != want {
					t.Errorf("entry %d = %s, %v; want %s", i+1, p.ID, err, want)
				}
			}
			for _, n := range []int{0, 4, -1} {
				if _, err := tx.PointsAt(c.ID, n); !errors.Is(err, ErrNotFound) {
					t.Errorf("entry %d: %v, want ErrNotFound", n, err)
				}
			}
			return nil
		})
	})
}

// A version-2 entry (before corrections) still decodes, with no reference.
func TestDecodePointsVersion2(t *testing.T) {
	k := timeKey(t0, 1)
	e := encoder{}
	e.byte(2)
	e.string("C1")
	e.byte(pointsKindCode(PointsEarn))
	e.varint(100)
	e.varint(2000)
	e.string("")
	p, _, err := decodePoints(k, e.b)
	if err != nil || p.CustomerID != "C1" || p.Points != 100 || p.Amount != 2000 || p.Reverses != "" {
		t.Fatalf("decode v2 = %+v, %v", p, err)
	}
	// And a v3 with a reference round-trips.
	q := PointsEntry{CustomerID: "C1", Kind: PointsAdjust, Points: -100, Reverses: idOf(k)}
	got, _, err := decodePoints(timeKey(t0, 2), encodePoints(&q, nil, nil))
	if err != nil || got.Reverses != q.Reverses {
		t.Fatalf("decode v3 = %+v, %v", got, err)
	}
}

func TestEditDeleteNote(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	var a, b Note
	mustUpdate(t, s, func(tx *Tx) error {
		a = Note{CustomerID: c.ID, StaffID: "slack:U1", At: t0, Text: "첫 상담", Tags: []string{"펌"}, FollowUp: t0.AddDate(0, 0, 7)}
		if err := tx.AddNote(&a); err != nil {
			return err
		}
		b = Note{CustomerID: c.ID, StaffID: "slack:U1", At: t0.Add(time.Hour), Text: "둘째 상담"}
		return tx.AddNote(&b)
	})
	t.Run("Edit", func(t *testing.T) {
		mustUpdate(t, s, func(tx *Tx) error {
			n, err := tx.EditNote(a.ID, "  고친 상담  ", nil)
			if err != nil {
				return err
			}
			if n.Text != "고친 상담" || len(n.Tags) != 1 || !n.At.Equal(t0) {
				t.Errorf("edited = %+v", n)
			}
			return nil
		})
		mustView(t, s, func(tx *Tx) error {
			n, err := tx.Note(a.ID)
			if err != nil || n.Text != "고친 상담" || n.FollowUp.IsZero() {
				t.Errorf("stored = %+v, %v", n, err)
			}
			return nil
		})
	})
	t.Run("ErrEditEmpty", func(t *testing.T) {
		b2 := b
		err := s.Update(t.Context(), func(tx *Tx) error { _, err := tx.EditNote(b2.ID, " ", nil); return err })
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("got %v, want ErrInvalid", err)
		}
	})
	t.Run("Numbered", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			if n, _ := tx.NotesCount(c.ID); n != 2 {
				t.Errorf("count %d, want 2", n)
			}
			if n, err := tx.NoteAt(c.ID, 2); err != nil || n.ID != b.ID {
				t.Errorf("note 2 = %s, %v", n.ID, err)
			}
			return nil
		})
	})
	t.Run("Delete", func(t *testing.T) {
		mustUpdate(t, s, func(tx *Tx) error { _, err := tx.DeleteNote(a.ID); return err })
		mustView(t, s, func(tx *Tx) error {
			if _, err := tx.Note(a.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("deleted note: %v", err)
			}
			ns, err := tx.NotesOf(c.ID, 0)
			if err != nil || len(ns) != 1 || ns[0].ID != b.ID {
				t.Errorf("notes of = %+v, %v", ns, err)
			}
			seen := 0
			_ = tx.ScanNotes(t0.Add(-time.Hour), t0.Add(2*time.Hour), func(Note) error { seen++; return nil })
			_ = tx.ScanFollowUps(t0, t0.AddDate(0, 1, 0), func(Note) error { seen += 10; return nil })
			if seen != 1 {
				t.Errorf("scans see %d (want the one note left, no follow-up)", seen)
			}
			return nil
		})
		err := s.Update(t.Context(), func(tx *Tx) error { _, err := tx.DeleteNote(a.ID); return err })
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("second delete: %v, want ErrNotFound", err)
		}
	})
}
