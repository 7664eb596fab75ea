package feedback

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// The benchmark ledger: a busy shop's two years, 2025-01-06 to 2026-12-28
// in Seoul, and the summary of its last full week.
const (
	benchCustomers = 100_000
	benchNotes     = 1_000_000
	benchFeedback  = 1_000_000
	benchPoints    = 200_000 // earns, plus a redeem for about one in five
	benchChunk     = 5_000   // records per Update: blind index keys are random, and bbolt grows one node per transaction
)

var (
	benchStart = time.Date(2025, 1, 6, 0, 0, 0, 0, kst)
	benchEnd   = time.Date(2026, 12, 28, 0, 0, 0, 0, kst)
	benchWeek  = Week{2026, 52}
	benchNow   = benchEnd.Add(9 * time.Hour)
)

// benchLedger is generated once per test binary run, on first use by a
// benchmark, and removed by TestMain. Plain `go test` never builds it.
var benchLedger struct {
	once  sync.Once
	dir   string
	store *ledger.Store
	err   error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchLedger.store != nil {
		benchLedger.store.Close()
	}
	if benchLedger.dir != "" {
		os.RemoveAll(benchLedger.dir)
	}
	os.Exit(code)
}

// benchKeepEnv names a file to keep the benchmark ledger in, for profiling
// without two minutes of generation per run: the first run generates it
// there, later runs reuse it as it is. Remove the file whenever the
// ledger's encoding or the generator changes. Unset, the ledger lives in a
// temporary folder removed at the end.
const benchKeepEnv = "DANGOL_BENCH_LEDGER"

func openBenchLedger(b *testing.B) *ledger.Store {
	benchLedger.once.Do(func() {
		start := time.Now()
		path := os.Getenv(benchKeepEnv)
		_, statErr := os.Stat(path)
		reuse := path != "" && statErr == nil
		if path == "" {
			benchLedger.dir, benchLedger.err = os.MkdirTemp("", "dangol-feedback-bench-")
			if benchLedger.err != nil {
				return
			}
			path = filepath.Join(benchLedger.dir, "bench.db")
		}
		var s *ledger.Store
		s, benchLedger.err = ledger.Open(path, &ledger.Options{NoSync: true, Key: testKey})
		if benchLedger.err != nil {
			return
		}
		benchLedger.store = s
		if reuse {
			b.Logf("reusing the ledger in %s (%s)", path, benchKeepEnv)
			return
		}
		benchLedger.err = generateBenchLedger(context.Background(), s)
		if fi, err := os.Stat(s.Path()); err == nil {
			b.Logf("generated %d customers, %d notes, %d feedback, ~%d points entries in %v (%d MB file)",
				benchCustomers, benchNotes, benchFeedback, benchPoints, time.Since(start).Round(time.Second), fi.Size()>>20)
		}
	})
	if benchLedger.err != nil {
		b.Fatal(benchLedger.err)
	}
	return benchLedger.store
}

// generateBenchLedger writes the ledger in time order, as a shop would:
// customers join evenly over the two years, and each note, feedback or
// earn goes to a customer who already exists, regulars more often.
func generateBenchLedger(ctx context.Context, s *ledger.Store) error {
	rng := rand.New(rand.NewPCG(1, 2))
	span := benchEnd.Sub(benchStart)
	comments := []string{
		"직원분이 정말 친절해요", "머리가 마음에 들어요", "대기 시간이 너무 길었어요", "가격이 조금 비싸요",
		"서비스는 최고예요", "예약이 편리해요", "매장이 깨끗해요", "다음에 또 올게요", "The staff were friendly",
		"Waited too long", "", "", "", "주차가 불편했어요", "커트가 깔끔해요",
	}
	tags := []string{"커트", "염색", "펌", "클리닉", "두피", "재방문", "VIP", "예약", "상담", "이벤트"}
	staffs := []staff{jimin, sehoon, {"slack:U3", "김하나"}, {"slack:U4", "박지성"}}

	type event struct {
		at   time.Time
		kind byte // 'c' customer, 'n' note, 'f' feedback, 'p' points
	}
	// Customers join at even steps; everything else at random times.
	events := make([]event, 0, benchCustomers+benchNotes+benchFeedback+benchPoints)
	for i := range benchCustomers {
		events = append(events, event{benchStart.Add(span * time.Duration(i) / benchCustomers), 'c'})
	}
	for range benchNotes {
		events = append(events, event{benchStart.Add(time.Duration(rng.Int64N(int64(span)))), 'n'})
	}
	for range benchFeedback {
		events = append(events, event{benchStart.Add(time.Duration(rng.Int64N(int64(span)))), 'f'})
	}
	for range benchPoints {
		events = append(events, event{benchStart.Add(time.Duration(rng.Int64N(int64(span)))), 'p'})
	}
	rank := func(k byte) int {
		if k == 'c' {
			return 0
		}
		return 1
	}
	// In time order; at equal times customers first, so notes find them.
	slices.SortFunc(events, func(a, b event) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(rank(a.kind), rank(b.kind))
	})

	var ids []string
	balance := map[string]int64{}
	pick := func() string {
		// Half the visits come from the oldest fifth of the customers known
		// so far: the regulars.
		n := len(ids)
		if rng.IntN(2) == 0 && n >= 5 {
			return ids[rng.IntN(n/5)]
		}
		return ids[rng.IntN(n)]
	}
	for lo := 0; lo < len(events); lo += benchChunk {
		hi := min(lo+benchChunk, len(events))
		err := s.Update(ctx, func(tx *ledger.Tx) error {
			for _, ev := range events[lo:hi] {
				at := ev.at.In(kst)
				if ev.kind != 'c' && len(ids) == 0 {
					continue
				}
				switch ev.kind {
				case 'c':
					c := &ledger.Customer{Name: fmt.Sprintf("고객%06d", len(ids)), CreatedAt: at}
					if rng.IntN(3) == 0 {
						c.Birthday = time.Date(1970+rng.IntN(40), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, kst)
						c.Consent = ledger.Consent{Given: true, At: at, Purpose: "loyalty+feedback"}
					}
					if err := tx.CreateCustomer(c); err != nil {
						return err
					}
					ids = append(ids, c.ID)
				case 'n':
					st := staffs[rng.IntN(len(staffs))]
					n := &ledger.Note{CustomerID: pick(), StaffID: st.id, StaffName: st.name, At: at,
						Text: "두피 상태 확인, 다음 방문 때 클리닉 권유", Tags: []string{tags[rng.IntN(len(tags))]}}
					if rng.IntN(20) == 0 {
						y, m, d := at.AddDate(0, 0, 7+rng.IntN(21)).Date()
						n.FollowUp = time.Date(y, m, d, 0, 0, 0, 0, kst)
						n.FollowUpDone = n.FollowUp.Before(benchNow) && rng.IntN(5) > 0
					}
					if err := tx.AddNote(n); err != nil {
						return err
					}
				case 'f':
					f := &ledger.Feedback{CustomerID: pick(), At: at, Rating: 1 + rng.IntN(5), NPS: ledger.NoNPS,
						Comment: comments[rng.IntN(len(comments))]}
					if rng.IntN(2) == 0 {
						f.NPS = rng.IntN(11)
					}
					if f.Rating <= 2 && rng.IntN(2) == 0 {
						f.AnsweredBy, f.AnsweredAt = jimin.id, at.Add(time.Hour)
					}
					if err := tx.AddFeedback(f); err != nil {
						return err
					}
				case 'p':
					c := pick()
					e := &ledger.PointsEntry{CustomerID: c, At: at, Kind: ledger.PointsEarn, Points: int64(100 * (1 + rng.IntN(20))), ActorID: jimin.id}
					if b := balance[c]; b >= 500 && rng.IntN(2) == 0 {
						e.Kind, e.Points = ledger.PointsRedeem, -500
					}
					if err := tx.AddPoints(e); err != nil {
						return err
					}
					balance[c] += e.Points
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("generate records %d–%d: %w", lo, hi, err)
		}
	}
	return nil
}

// BenchmarkWeekly measures one week's summary of a ledger of 100,000
// customers, 1,000,000 notes and 1,000,000 feedback entries over two years
// (the target: under 300 ms and 100 MB). Besides ns/op, B/op and allocs/op
// it reports peak-heap-MB: the most the live heap grew above its level before
// the call, sampled while one more summary runs after the timed ones.
//
//	go test -run '^$' -bench Weekly -benchmem -benchtime 10x ./feedback/
func BenchmarkWeekly(b *testing.B) {
	s := openBenchLedger(b)
	ctx := context.Background()
	opts := Options{Loc: kst, Now: benchNow}
	var sum *Summary
	// A collection first, so the garbage of generating or opening the
	// ledger (Open reads the whole file to check its pages) does not pace
	// the timed runs: without it the heap goal stays near a gigabyte, no
	// collection runs, and each run pays page faults on fresh memory.
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var err error
		if sum, err = Weekly(ctx, s, benchWeek, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peakHeapGrowth(func() {
		if _, err := Weekly(ctx, s, benchWeek, opts); err != nil {
			b.Fatal(err)
		}
	}))/(1<<20), "peak-heap-MB")
	b.Logf("%s: %d notes, %d visits, %d feedback, %d at risk, %d follow-ups",
		sum.Week, sum.This.Notes, sum.This.Visits, sum.This.Feedback, sum.AtRiskCount, sum.FollowUpCount)
}

// peakHeapGrowth runs fn while sampling the heap's live objects, and
// returns the largest growth over the level before it.
func peakHeapGrowth(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var max uint64
		tick := time.NewTicker(200 * time.Microsecond)
		defer tick.Stop()
		for {
			if v := read(); v > max {
				max = v
			}
			select {
			case <-done:
				peak <- max
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	max := <-peak
	if max < base {
		return 0
	}
	return max - base
}
