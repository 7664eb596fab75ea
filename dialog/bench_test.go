package dialog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// BenchmarkHandle measures whole messages through the engine over a durable
// ledger (fsync on every commit): a one-liner /note (a write) and a staff
// /points balance check (a read, still committed with its event id), from 1
// conversation, 8 and 64 at once. Each message has its own event id, and
// each goroutine its own conversation. Its yardstick is ledger's
// BenchmarkRawPut at the same concurrencies, printed by one command:
//
//	go test -run '^$' -bench 'BenchmarkRawPut|BenchmarkHandle/note' ./ledger ./dialog
//
// commits/op is the fsyncs a message cost (1/commits/op messages share one);
// pages/op the pages bbolt wrote for it, which at one conversation set the
// cost of its fsync (a note touches eight indexed buckets, about 23 pages).
func BenchmarkHandle(b *testing.B) {
	cases := []struct {
		name string
		text string
	}{
		{"note", "/note 010-1234-5678 뿌리 염색 상담, 다음엔 클리닉 #염색"},
		{"points", "/points 김민지"},
	}
	for _, c := range cases {
		for _, conc := range []int{1, 8, 64} {
			b.Run(c.name+"/conv="+strconv.Itoa(conc), func(b *testing.B) {
				eng := benchEngine(b)
				var seq atomic.Int64
				msg := func(conv string) Message {
					n := seq.Add(1)
					return Message{
						Channel: ChannelSlack, UserID: staffID, UserName: "지수",
						ConversationID: conv, EventID: "bench-" + strconv.FormatInt(n, 10), Text: c.text,
					}
				}
				ctx := context.Background()
				commits := eng.store.Commits()
				pages, _ := eng.store.WriteStats()
				defer func() {
					n := eng.store.Commits() - commits
					b.ReportMetric(float64(n)/float64(b.N), "commits/op")
					p, _ := eng.store.WriteStats()
					b.ReportMetric(float64(p-pages)/float64(b.N), "pages/op")
				}()
				b.ReportAllocs()
				b.ResetTimer()
				if conc == 1 {
					for range b.N {
						if rs, err := eng.Handle(ctx, msg("D1")); err != nil || len(rs) != 1 {
							b.Fatalf("Handle: %v %+v", err, rs)
						}
					}
					return
				}
				b.SetParallelism(max(1, conc/runtime.GOMAXPROCS(0)))
				var convs atomic.Int64
				b.RunParallel(func(pb *testing.PB) {
					conv := fmt.Sprintf("D%d", convs.Add(1))
					for pb.Next() {
						if rs, err := eng.Handle(ctx, msg(conv)); err != nil || len(rs) != 1 {
							b.Errorf("Handle: %v %+v", err, rs)
							return
						}
					}
				})
			})
		}
	}
}

// BenchmarkHandleSeeded is BenchmarkHandle/note at 64 conversations over a
// ledger whose programme is stored, as it is in a shop once the daily run
// or a manager's change has seeded it (BenchmarkHandle's has none, so its
// programme is the built-in default, decoded from nothing).
func BenchmarkHandleSeeded(b *testing.B) {
	eng := benchEngine(b)
	if err := eng.store.Update(context.Background(), eng.seedProgramme); err != nil {
		b.Fatal(err)
	}
	var seq, convs atomic.Int64
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		conv := fmt.Sprintf("D%d", convs.Add(1))
		for pb.Next() {
			m := Message{Channel: ChannelSlack, UserID: staffID, UserName: "지수", ConversationID: conv,
				EventID: "bench-" + strconv.FormatInt(seq.Add(1), 10), Text: "/note 010-1234-5678 뿌리 염색 상담, 다음엔 클리닉 #염색"}
			if rs, err := eng.Handle(ctx, m); err != nil || len(rs) != 1 {
				b.Errorf("Handle: %v %+v", err, rs)
				return
			}
		}
	})
}

// BenchmarkLedgerBaseline is the floor under BenchmarkHandle/note/conv=1:
// the same durable commit (event id and a note) without the engine, with
// its pages/op to compare.
func BenchmarkLedgerBaseline(b *testing.B) {
	eng := benchEngine(b)
	var cid string
	err := eng.store.View(context.Background(), func(tx *ledger.Tx) error {
		c, err := tx.CustomerByPhone("01012345678")
		cid = c.ID
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	pages, _ := eng.store.WriteStats()
	defer func() {
		p, _ := eng.store.WriteStats()
		b.ReportMetric(float64(p-pages)/float64(b.N), "pages/op")
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		err := eng.store.Update(context.Background(), func(tx *ledger.Tx) error {
			if err := tx.MarkEvent("base-"+strconv.Itoa(i), t0); err != nil {
				return err
			}
			return tx.AddNote(&ledger.Note{CustomerID: cid, StaffID: "slack:U1", At: t0, Text: "뿌리 염색 상담"})
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// benchEngine opens a durable ledger with one customer and an engine on it.
func benchEngine(b *testing.B) *Engine {
	b.Helper()
	s, err := ledger.Open(filepath.Join(b.TempDir(), "bench.db"), &ledger.Options{Key: testKey})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	err = s.Update(context.Background(), func(tx *ledger.Tx) error {
		return tx.CreateCustomer(&ledger.Customer{Name: "김민지", Phone: "01012345678", CreatedAt: t0})
	})
	if err != nil {
		b.Fatal(err)
	}
	cfg := Config{
		Store:   s,
		Catalog: locales.MustLoad(),
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Loc:     seoul,
		Staff:   []string{"slack:" + staffID},
		Now:     func() time.Time { return t0 },
	}
	testPolicy(&cfg)
	eng, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return eng
}
