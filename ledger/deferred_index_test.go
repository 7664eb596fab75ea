package ledger

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestDeferredIndex: a customer's feedback and threads, newest first and
// cut at any limit, are the same whether their index entries are still in
// the log or merged, across merges inside one transaction and across
// commits, with times written out of order; the log never holds more than
// indexMergeAt entries.
func TestDeferredIndex(t *testing.T) {
	for _, mergeAt := range []int{1, 5, 4096} {
		t.Run(fmt.Sprint("mergeAt=", mergeAt), func(t *testing.T) {
			defer func(v int) { indexMergeAt = v }(indexMergeAt)
			indexMergeAt = mergeAt
			s := MustOpen(t)
			custs := []Customer{
				mustCustomer(t, s, "김하늘", "01011112222"),
				mustCustomer(t, s, "이서준", "01033334444"),
				mustCustomer(t, s, "박유나", "01055556666"),
			}
			t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			rng := rand.New(rand.NewPCG(1, 2))
			wantFB := map[string][]string{}  // customer -> comments, newest first
			wantTh := map[string][]int64{}   // customer -> thread numbers, newest first
			fbAt := map[string][]time.Time{} // customer -> the feedback times, in wantFB's order
			check := func(tx *Tx, when string) {
				t.Helper()
				for _, c := range custs {
					for _, limit := range []int{0, 1, 3} {
						fs, err := tx.FeedbackOf(c.ID, limit)
						sameNewest(t, fmt.Sprintf("%s: FeedbackOf(%s, %d)", when, c.ID, limit), fs, err,
							func(f Feedback) string { return f.Comment }, cut(wantFB[c.ID], limit))
						ths, err := tx.ThreadsOf(c.ID, limit)
						sameNewest(t, fmt.Sprintf("%s: ThreadsOf(%s, %d)", when, c.ID, limit), ths, err,
							func(th Thread) int64 { return th.Number }, cut(wantTh[c.ID], limit))
					}
				}
				for _, d := range []deferredIndex{feedbackByCustomer, threadsByCustomer} {
					if n := tx.bucket(d.log).Sequence(); n >= uint64(max(mergeAt, 1)) {
						t.Fatalf("%s: %s holds %d entries, merge at %d", when, d.log, n, mergeAt)
					}
				}
			}
			add := func(tx *Tx, i int) error {
				c := custs[rng.IntN(len(custs))]
				// Mostly later, sometimes earlier than what is there.
				at := t0.Add(time.Duration(i*10-rng.IntN(40)) * time.Minute)
				comment := fmt.Sprint("fb", i)
				if err := tx.AddFeedback(&Feedback{CustomerID: c.ID, At: at, Rating: 4, NPS: NoNPS, Comment: comment}); err != nil {
					return err
				}
				// Before any of the same time: the later write (larger
				// sequence) is the newer.
				pos, _ := slices.BinarySearchFunc(fbAt[c.ID], at, func(e, t time.Time) int { return t.Compare(e) })
				fbAt[c.ID] = slices.Insert(fbAt[c.ID], pos, at)
				wantFB[c.ID] = slices.Insert(wantFB[c.ID], pos, comment)
				th := Thread{Kind: ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:1", Lang: "ko", OpenedAt: at}
				if err := tx.OpenThread(&th, "질문"); err != nil {
					return err
				}
				wantTh[c.ID] = slices.Insert(wantTh[c.ID], 0, th.Number)
				return nil
			}
			i := 0
			// Many in one transaction (merges inside it), then one a commit.
			mustUpdate(t, s, func(tx *Tx) error {
				for ; i < 23; i++ {
					if err := add(tx, i); err != nil {
						return err
					}
					check(tx, fmt.Sprint("in one transaction, after ", i+1))
				}
				return nil
			})
			for ; i < 40; i++ {
				mustUpdate(t, s, func(tx *Tx) error { return add(tx, i) })
				if err := s.View(t.Context(), func(tx *Tx) error { check(tx, fmt.Sprint("committed, after ", i+1)); return nil }); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// sameNewest fails the test unless the records read (by what names
// them) are want, in order.
func sameNewest[R any, K comparable](t *testing.T, what string, recs []R, err error, name func(R) K, want []K) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var got []K
	for _, r := range recs {
		got = append(got, name(r))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

func cut[T any](s []T, limit int) []T {
	if limit > 0 && len(s) > limit {
		return s[:limit]
	}
	return s
}

// TestDeferredIndexRollback: a write that fails takes its log entry with it,
// and a merge it made.
func TestDeferredIndexRollback(t *testing.T) {
	defer func(v int) { indexMergeAt = v }(indexMergeAt)
	indexMergeAt = 3
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "01011112222")
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	mustUpdate(t, s, func(tx *Tx) error {
		return tx.AddFeedback(&Feedback{CustomerID: c.ID, At: at, Rating: 5, NPS: NoNPS, Comment: "첫"})
	})
	boom := errors.New("boom")
	err := s.Update(t.Context(), func(tx *Tx) error {
		for i := range 4 {
			if err := tx.AddFeedback(&Feedback{CustomerID: c.ID, At: at.Add(time.Duration(i+1) * time.Hour), Rating: 1, NPS: NoNPS, Comment: "버려짐"}); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	if err := s.View(t.Context(), func(tx *Tx) error {
		fs, err := tx.FeedbackOf(c.ID, 0)
		if err != nil {
			return err
		}
		if len(fs) != 1 || fs[0].Comment != "첫" {
			t.Errorf("after a failed write FeedbackOf = %+v, want only 첫", fs)
		}
		if n := tx.bucket(bucketCustFeedbackLog).Sequence(); n != 1 {
			t.Errorf("log holds %d entries, want 1", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkFeedbackOfFullLog is the reader's side of the deferral: one
// customer's newest feedback while the log holds its most entries (4095,
// over 1,000 customers), against the same read with the log merged.
func BenchmarkFeedbackOfFullLog(b *testing.B) {
	for _, merged := range []bool{false, true} {
		b.Run(fmt.Sprint("merged=", merged), func(b *testing.B) {
			s := MustOpen(b)
			ids := seedCustomers(b, s, 1000)
			at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			mustUpdate(b, s, func(tx *Tx) error {
				for i := range indexMergeAt - 1 {
					f := Feedback{CustomerID: ids[i%len(ids)], At: at.Add(time.Duration(i) * time.Second), Rating: 5, NPS: NoNPS}
					if err := tx.AddFeedback(&f); err != nil {
						return err
					}
				}
				if merged {
					return feedbackByCustomer.merge(tx, nil)
				}
				return nil
			})
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if err := s.View(b.Context(), func(tx *Tx) error {
					fs, err := tx.FeedbackOf(ids[i%len(ids)], 3)
					if err == nil && len(fs) != 3 {
						err = fmt.Errorf("%d feedback, want 3", len(fs))
					}
					return err
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAddFeedbackGroup is what a commit of line feedbacks at 64 chats
// does to the deferred index: 64 customers' feedback in one transaction,
// each appended to the log's last chunk.
func BenchmarkAddFeedbackGroup(b *testing.B) {
	s := MustOpen(b)
	ids := seedCustomers(b, s, 1000)
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		mustUpdate(b, s, func(tx *Tx) error {
			for range 64 {
				n++
				f := Feedback{CustomerID: ids[n%len(ids)], At: at.Add(time.Duration(n) * time.Second), Rating: 5, NPS: NoNPS}
				if err := tx.AddFeedback(&f); err != nil {
					return err
				}
			}
			return nil
		})
	}
}

// BenchmarkFeedbackMerge is the commit that fills the log and moves it into
// the index (4096 entries, 10,000 customers, 40,960 entries in the index
// already), against an ordinary one-feedback commit: the spike a customer
// meets once every 4096 feedbacks.
func BenchmarkFeedbackMerge(b *testing.B) {
	s := MustOpen(b)
	ids := seedCustomers(b, s, 10000)
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	n := 0
	add := func(count int) {
		mustUpdate(b, s, func(tx *Tx) error {
			for range count {
				n++
				f := Feedback{CustomerID: ids[(n*7919)%len(ids)], At: at.Add(time.Duration(n) * time.Second), Rating: 5, NPS: NoNPS}
				if err := tx.AddFeedback(&f); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for range 10 {
		add(indexMergeAt) // ten merges: an index a few weeks old
	}
	for _, merge := range []bool{false, true} {
		b.Run(fmt.Sprint("merge=", merge), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				if merge {
					var held int
					mustView(b, s, func(tx *Tx) error {
						held = int(tx.bucket(bucketCustFeedbackLog).Sequence())
						return nil
					})
					add(indexMergeAt - 1 - held) // the log one short of full
				}
				b.StartTimer()
				add(1)
			}
		})
	}
}

// seedCustomers registers n customers in one commit and returns their ids.
func seedCustomers(tb testing.TB, s *Store, n int) []string {
	tb.Helper()
	ids := make([]string, 0, n)
	mustUpdate(tb, s, func(tx *Tx) error {
		ids = ids[:0] // Update may run this more than once
		for i := range n {
			c := Customer{Name: fmt.Sprint("고객", i), Phone: fmt.Sprintf("010%08d", i), CreatedAt: t0}
			if err := tx.CreateCustomer(&c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		return nil
	})
	return ids
}

// BenchmarkFeedbackCount is /mydata's count of a regular's feedback: 300
// of theirs in the index among 1,000 customers' 4,096, and the log half
// full (2,048 entries, two of theirs).
func BenchmarkFeedbackCount(b *testing.B) {
	s := MustOpen(b)
	ids := seedCustomers(b, s, 1000)
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	add := func(n int, who func(i int) string) {
		mustUpdate(b, s, func(tx *Tx) error {
			for i := range n {
				f := Feedback{CustomerID: who(i), At: at.Add(time.Duration(i) * time.Second), Rating: 5, NPS: NoNPS}
				if err := tx.AddFeedback(&f); err != nil {
					return err
				}
			}
			return nil
		})
	}
	add(indexMergeAt, func(i int) string { // merged at the last
		if i%13 == 0 && i < 13*300 {
			return ids[0]
		}
		return ids[1+i%(len(ids)-1)]
	})
	add(indexMergeAt/2, func(i int) string { return ids[i%len(ids)] }) // ids[0] at 0 and 1000, 2000
	for b.Loop() {
		mustView(b, s, func(tx *Tx) error {
			n, err := tx.FeedbackCount(ids[0])
			if err == nil && n != 303 {
				err = fmt.Errorf("%d feedback, want 303", n)
			}
			return err
		})
	}
}
