package ledger

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestScansReturnExactRange stores one record of each kind per hour over
// three days and checks that every scan returns exactly [from, to), in order.
func TestScansReturnExactRange(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	const hours = 72
	for i := range hours {
		at := t0.Add(time.Duration(i) * time.Hour)
		mustUpdate(t, s, func(tx *Tx) error {
			n := Note{CustomerID: c.ID, StaffID: "slack:U1", StaffName: "지수", At: at, Text: "상담", Tags: []string{"커트"}, Amount: 1000}
			if err := tx.AddNote(&n); err != nil {
				return err
			}
			f := Feedback{CustomerID: c.ID, At: at, Rating: 1 + i%5, NPS: i % 11, Comment: "좋아요"}
			if err := tx.AddFeedback(&f); err != nil {
				return err
			}
			p := PointsEntry{CustomerID: c.ID, At: at, Kind: PointsEarn, Points: 10, ActorID: "slack:U1"}
			if err := tx.AddPoints(&p); err != nil {
				return err
			}
			return tx.Audit(AuditEntry{At: at, ActorID: "slack:U1", Action: "read", CustomerID: c.ID})
		})
	}
	tests := []struct {
		name     string
		from, to time.Time
		want     int
	}{
		{"Day2", t0.Add(24 * time.Hour), t0.Add(48 * time.Hour), 24},
		{"Everything", time.Time{}, t0.Add(1000 * time.Hour), hours},
		{"ToExclusive", t0, t0.Add(time.Hour), 1},
		{"FromInclusiveNanosecond", t0.Add(time.Hour - 1), t0.Add(time.Hour + 1), 1},
		{"Empty", t0.Add(-time.Hour), t0, 0},
		{"Reversed", t0.Add(5 * time.Hour), t0, 0},
	}
	type scanner func(tx *Tx, from, to time.Time, fn func(time.Time) error) error
	scans := map[string]scanner{
		"notes": func(tx *Tx, from, to time.Time, fn func(time.Time) error) error {
			return tx.ScanNotes(from, to, func(n Note) error { return fn(n.At) })
		},
		"feedback": func(tx *Tx, from, to time.Time, fn func(time.Time) error) error {
			return tx.ScanFeedback(from, to, func(f Feedback) error { return fn(f.At) })
		},
		"points": func(tx *Tx, from, to time.Time, fn func(time.Time) error) error {
			return tx.ScanPoints(from, to, func(p PointsEntry) error { return fn(p.At) })
		},
		"audit": func(tx *Tx, from, to time.Time, fn func(time.Time) error) error {
			return tx.ScanAudit(from, to, func(a AuditEntry) error { return fn(a.At) })
		},
	}
	for kind, scan := range scans {
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				var got []time.Time
				mustView(t, s, func(tx *Tx) error {
					return scan(tx, tt.from, tt.to, func(at time.Time) error { got = append(got, at); return nil })
				})
				if len(got) != tt.want {
					t.Fatalf("got %d records, want %d", len(got), tt.want)
				}
				for i, at := range got {
					if at.Before(tt.from) || !at.Before(tt.to) {
						t.Errorf("record at %s outside [%s, %s)", at, tt.from, tt.to)
					}
					if i > 0 && !got[i-1].Before(at) {
						t.Errorf("out of order at %d", i)
					}
				}
			})
		}
	}
	t.Run("StopsOnError", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := s.View(t.Context(), func(tx *Tx) error {
			return tx.ScanNotes(time.Time{}, t0.Add(1000*time.Hour), func(Note) error { calls++; return stop })
		})
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("err %v after %d calls", err, calls)
		}
	})
}

func TestNotes(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, seoul) }
	in := []Note{
		{CustomerID: c.ID, StaffID: "slack:U1", StaffName: "지수", At: t0, Text: "펌 상담", Tags: []string{"펌", "재방문"}, Amount: 80000, FollowUp: day(9)},
		{CustomerID: c.ID, StaffID: "slack:U2", At: t0.Add(time.Hour), Text: "염색", FollowUp: day(16)},
		{CustomerID: c.ID, StaffID: "slack:U1", At: t0.Add(2 * time.Hour), Text: "커트"},
	}
	for i := range in {
		mustUpdate(t, s, func(tx *Tx) error { return tx.AddNote(&in[i]) })
	}
	t.Run("RoundTrip", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			got, err := tx.Note(in[0].ID)
			if err != nil {
				return err
			}
			w := in[0]
			if got.ID != w.ID || got.CustomerID != w.CustomerID || got.StaffID != w.StaffID || got.StaffName != w.StaffName ||
				!got.At.Equal(w.At) || got.Text != w.Text || !slices.Equal(got.Tags, w.Tags) || got.Amount != w.Amount ||
				!got.FollowUp.Equal(w.FollowUp) || got.FollowUpDone {
				t.Errorf("got %+v\nwant %+v", got, w)
			}
			return nil
		})
	})
	t.Run("IDsSortByTime", func(t *testing.T) {
		if !(in[0].ID < in[1].ID && in[1].ID < in[2].ID) {
			t.Errorf("ids %s %s %s", in[0].ID, in[1].ID, in[2].ID)
		}
	})
	t.Run("NotesOfNewestFirst", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			got, err := tx.NotesOf(c.ID, 2)
			if err != nil {
				return err
			}
			if len(got) != 2 || got[0].ID != in[2].ID || got[1].ID != in[1].ID {
				t.Errorf("NotesOf: %v", got)
			}
			return nil
		})
	})
	t.Run("OneVisitPerDay", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			if cu, _ := tx.Customer(c.ID); cu.Visits != 1 || !cu.LastVisit.Equal(t0) {
				t.Errorf("visits %d last %s", cu.Visits, cu.LastVisit)
			}
			return nil
		})
	})
	t.Run("FollowUps", func(t *testing.T) {
		scan := func() (ids []string, done []bool) {
			mustView(t, s, func(tx *Tx) error {
				return tx.ScanFollowUps(day(9), day(16), func(n Note) error {
					ids, done = append(ids, n.ID), append(done, n.FollowUpDone)
					return nil
				})
			})
			return ids, done
		}
		if got, done := scan(); !slices.Equal(got, []string{in[0].ID}) || done[0] {
			t.Fatalf("follow-ups %v done %v", got, done)
		}
		mustUpdate(t, s, func(tx *Tx) error { return tx.SetFollowUpDone(in[0].ID) })
		if got, done := scan(); !slices.Equal(got, []string{in[0].ID}) || !done[0] {
			t.Errorf("after done: %v %v", got, done)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		bad := []Note{
			{StaffID: "s", At: t0, Text: "x"},
			{CustomerID: c.ID, At: t0, Text: "x"},
			{CustomerID: c.ID, StaffID: "s", Text: "x"},
			{CustomerID: c.ID, StaffID: "s", At: t0, Text: "  "},
			{CustomerID: c.ID, StaffID: "s", At: t0, Text: "x", Amount: -1},
		}
		for i, n := range bad {
			err := s.Update(t.Context(), func(tx *Tx) error { return tx.AddNote(&n) })
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("bad note %d: got %v", i, err)
			}
		}
		err := s.Update(t.Context(), func(tx *Tx) error {
			return tx.AddNote(&Note{CustomerID: "C42", StaffID: "s", At: t0, Text: "x"})
		})
		if !errors.Is(err, ErrCustomerNotFound) {
			t.Errorf("unknown customer: %v", err)
		}
		mustView(t, s, func(tx *Tx) error {
			for _, id := range []string{"", "nope", in[0].ID[:25] + "Z"} {
				if _, err := tx.Note(id); !errors.Is(err, ErrNotFound) {
					t.Errorf("Note(%q): %v", id, err)
				}
			}
			return nil
		})
	})
}

func TestFeedback(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	f := Feedback{CustomerID: c.ID, At: t0, Rating: 2, NPS: NoNPS, Comment: " 기다림이 길었어요 "}
	anon := Feedback{At: t0.Add(time.Minute), Rating: 5, NPS: 10}
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.AddFeedback(&f); err != nil {
			return err
		}
		return tx.AddFeedback(&anon)
	})
	mustUpdate(t, s, func(tx *Tx) error { return tx.AnswerFeedback(f.ID, "slack:U9", t0.Add(time.Hour)) })
	mustView(t, s, func(tx *Tx) error {
		got, err := tx.Feedback(f.ID)
		if err != nil {
			return err
		}
		if got.Rating != 2 || got.NPS != NoNPS || got.Comment != "기다림이 길었어요" || got.AnsweredBy != "slack:U9" || !got.AnsweredAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("got %+v", got)
		}
		of, _ := tx.FeedbackOf(c.ID, 0)
		if len(of) != 1 || of[0].ID != f.ID {
			t.Errorf("FeedbackOf: %+v", of)
		}
		return nil
	})
	for _, bad := range []Feedback{
		{At: t0, Rating: 0, NPS: NoNPS},
		{At: t0, Rating: 6, NPS: NoNPS},
		{At: t0, Rating: 3, NPS: 11},
		{At: t0, Rating: 3, NPS: -2},
		{Rating: 3, NPS: NoNPS},
	} {
		err := s.Update(t.Context(), func(tx *Tx) error { return tx.AddFeedback(&bad) })
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: got %v", bad, err)
		}
	}
}

// TestClearDecodeOwnsItsStrings: the clear part of a note, a feedback and
// a points entry is decoded from the stored bytes without copying the
// sealed part, yet what comes back stays the same when those bytes change
// afterwards (bbolt reuses them once the transaction ends), and the sealed
// part returned is the stored one.
func TestClearDecodeOwnsItsStrings(t *testing.T) {
	var k []byte // the record's key, set by each case
	sealed := []byte("sealed part, never copied")
	rev := timeKey(t0, 1)
	tests := []struct {
		name   string
		v      []byte
		decode func(v []byte) (any, []byte, error)
	}{
		{"Note", encodeNote(&Note{CustomerID: "C12", StaffID: "slack:U1", StaffName: "지수", Tags: []string{"펌", "재방문", "a", "b", "c", "d", "e", "f", "g"}, Amount: 5000, FollowUp: t0}, sealed),
			func(v []byte) (any, []byte, error) { n, s, err := decodeNote(k, v); return n, s, err }},
		{"Feedback", encodeFeedback(&Feedback{CustomerID: "C12", Rating: 2, NPS: 4, AnsweredBy: "slack:U9", AnsweredAt: t0}, []byte("0123456789abcdef"), sealed),
			func(v []byte) (any, []byte, error) { f, _, s, err := decodeFeedback(k, v); return f, s, err }},
		{"Points", encodePoints(&PointsEntry{CustomerID: "C12", Kind: PointsAdjust, Points: -100, Reverses: idOf(rev), ReversedBy: idOf(timeKey(t0, 9))}, sealed, nil),
			func(v []byte) (any, []byte, error) { p, s, err := decodePoints(k, v); return p, s, err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k = timeKey(t0, 3)
			got, gotSealed, err := tt.decode(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(gotSealed) != string(sealed) {
				t.Errorf("sealed part = %q, want %q", gotSealed, sealed)
			}
			before := fmt.Sprintf("%+v", got)
			for i := range tt.v {
				tt.v[i] = 'x'
			}
			for i := range k { // the key too: bbolt's, like the value
				k[i] = 'x'
			}
			if after := fmt.Sprintf("%+v", got); after != before {
				t.Errorf("decoded record changed with the stored bytes:\nbefore %s\nafter  %s", before, after)
			}
			if !strings.Contains(before, "C12") || !strings.Contains(before, idOf(timeKey(t0, 3))) {
				t.Errorf("decoded %s lacks its customer or its id", before)
			}
		})
	}
}

// TestScanFeedbackKeys: ScanFeedback opens each customer's key once, in
// key order, before the records; what it returns is what reading each
// feedback alone returns: comments of live customers, of an unlinked
// sender and of no one, and none of an erased customer.
func TestScanFeedbackKeys(t *testing.T) {
	s := MustOpen(t)
	var ids []string
	for i := range 40 {
		ids = append(ids, mustCustomer(t, s, fmt.Sprintf("고객%02d", i), "").ID)
	}
	erased := map[string]bool{}
	for _, id := range ids[:5] {
		erased[id] = true
	}
	want := map[string]string{} // feedback id -> comment a reader should see
	mustUpdate(t, s, func(tx *Tx) error {
		for i := range 200 {
			f := Feedback{At: t0.Add(time.Duration(i) * time.Minute), Rating: 1 + i%5, NPS: NoNPS, Comment: fmt.Sprintf("의견 %d", i)}
			switch i % 10 {
			case 8:
				f.SenderID = "telegram:" + fmt.Sprint(i%3)
			case 9: // no one: the shop key
			default:
				f.CustomerID = ids[(i*7)%len(ids)] // in no order
			}
			if i%13 == 0 {
				f.Comment = ""
			}
			if err := tx.AddFeedback(&f); err != nil {
				return err
			}
			if !erased[f.CustomerID] {
				want[f.ID] = f.Comment
			} else {
				want[f.ID] = ""
			}
		}
		for id := range erased {
			if err := tx.EraseCustomer(id, t0.Add(time.Hour)); err != nil {
				return err
			}
		}
		return nil
	})
	var scanned []Feedback
	mustView(t, s, func(tx *Tx) error {
		return tx.ScanFeedback(t0, t0.Add(4*time.Hour), func(f Feedback) error {
			scanned = append(scanned, f)
			return nil
		})
	})
	if len(scanned) != len(want) {
		t.Fatalf("scanned %d, want %d", len(scanned), len(want))
	}
	for _, got := range scanned {
		var alone Feedback
		mustView(t, s, func(tx *Tx) error { // a transaction of its own: nothing memoized
			var err error
			alone, err = tx.Feedback(got.ID)
			return err
		})
		if got != alone {
			t.Errorf("scan gave %+v, alone %+v", got, alone)
		}
		if got.Comment != want[got.ID] {
			t.Errorf("feedback %s of %q: comment %q, want %q", got.ID, got.CustomerID, got.Comment, want[got.ID])
		}
	}
}

// TestTagMemoAgrees: a scan's memo of tags in form says what tagsClean
// says, before and after it has remembered them, and a note read in a scan
// has the tags a note read alone has.
func TestTagMemoAgrees(t *testing.T) {
	lists := [][]string{
		nil,
		{"커트"},
		{"커트", "펌"},
		{"커트", "커트"},   // a repeat is not in form, even once remembered
		{"VIP"},        // upper case, a spelling kept
		{"VIP", "vip"}, // one tag twice, in two spellings
		{"vip", "#펌"},
		{"두피 케어"},
		{"두피  케어"},
		{"ＶＩＰ"},
		{"", "커트"},
		{"펌", "커트", "펌"},
	}
	memo := tagMemo{}
	for round := range 2 {
		for _, tags := range lists {
			if got, want := memo.clean(tags), tagsClean(tags); got != want {
				t.Errorf("round %d: memo says %v for %q, tagsClean %v", round, got, tags, want)
			}
		}
	}
	k := timeKey(t0, 1)
	for _, tags := range lists {
		v := encodeNote(&Note{CustomerID: "C1", StaffID: "s", Tags: tags}, nil)
		alone, _, err1 := decodeNote(k, v)
		scanned, _, err2 := decodeNoteMemo(k, v, memo)
		if err1 != nil || err2 != nil || !slices.Equal(alone.Tags, scanned.Tags) {
			t.Errorf("tags %q: alone %q (%v), in a scan %q (%v)", tags, alone.Tags, err1, scanned.Tags, err2)
		}
	}
}
