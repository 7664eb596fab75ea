package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkAddNote measures a durable (fsynced) note with its event id, the
// path every staff message takes, from 1, 8 and 64 writers whose commits
// the store coalesces (BenchmarkRawPut is its yardstick). commits/op is the
// fsyncs a note cost.
func BenchmarkAddNote(b *testing.B) {
	for _, writers := range benchWriters {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			s := MustOpen(b)
			c := mustCustomer(b, s, "김민지", "010-1234-5678")
			var seq atomic.Int64
			commits := s.Commits()
			runWriters(b, writers, func() error {
				i := seq.Add(1)
				ev := "ev" + strconv.FormatInt(i, 10)
				return s.Update(context.Background(), func(tx *Tx) error {
					if seen, err := tx.SeenEvent(ev); err != nil || seen {
						return err
					}
					n := Note{CustomerID: c.ID, StaffID: "slack:U1", StaffName: "지수", At: t0.Add(time.Duration(i) * time.Second),
						Text: "펌 상담, 다음 달 재방문 예정", Tags: []string{"펌"}, Amount: 80000}
					if err := tx.AddNote(&n); err != nil {
						return err
					}
					return tx.MarkEvent(ev, n.At)
				})
			})
			b.ReportMetric(float64(s.Commits()-commits)/float64(b.N), "commits/op")
		})
	}
}

// BenchmarkScan measures reading 100,000 notes (or feedback) by time range,
// what the weekly summary does for about nine weeks of a busy shop.
func BenchmarkScan(b *testing.B) {
	const records = 100_000
	s, err := Open(filepath.Join(b.TempDir(), "scan.db"), &Options{NoSync: true, Key: testKey})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	loadRecords(b, s, records, 500)
	from, to := t0, t0.Add(records*time.Minute)
	b.Run("notes", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if err := s.View(context.Background(), func(tx *Tx) error {
				return tx.ScanNotes(from, to, func(Note) error { n++; return nil })
			}); err != nil || n != records {
				b.Fatalf("scanned %d, err %v", n, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/records, "ns/note")
	})
	b.Run("feedback", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if err := s.View(context.Background(), func(tx *Tx) error {
				return tx.ScanFeedback(from, to, func(Feedback) error { n++; return nil })
			}); err != nil || n != records {
				b.Fatalf("scanned %d, err %v", n, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/records, "ns/feedback")
	})
}

// loadRecords stores n notes and n feedback, one a minute from t0, spread
// over customers, in transactions of 10,000.
func loadRecords(tb testing.TB, s *Store, n, customers int) {
	tb.Helper()
	ids := make([]string, customers)
	mustUpdate(tb, s, func(tx *Tx) error {
		for i := range ids {
			c := Customer{Name: "손님" + strconv.Itoa(i), CreatedAt: t0}
			if err := tx.CreateCustomer(&c); err != nil {
				return err
			}
			ids[i] = c.ID
		}
		return nil
	})
	const chunk = 10_000
	for start := 0; start < n; start += chunk {
		mustUpdate(tb, s, func(tx *Tx) error {
			for i := start; i < min(start+chunk, n); i++ {
				at := t0.Add(time.Duration(i) * time.Minute)
				cid := ids[i%customers]
				note := Note{CustomerID: cid, StaffID: "slack:U" + strconv.Itoa(i%7), StaffName: "직원", At: at,
					Text: "두피 케어 상담, 다음 방문 때 염색 예정", Tags: []string{"케어", "염색"}, Amount: int64(i%10) * 10000}
				if err := tx.AddNote(&note); err != nil {
					return err
				}
				f := Feedback{CustomerID: cid, At: at, Rating: 1 + i%5, NPS: i % 11, Comment: "친절했어요"}
				if err := tx.AddFeedback(&f); err != nil {
					return err
				}
			}
			return nil
		})
	}
}
