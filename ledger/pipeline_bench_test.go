package ledger

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkRawPut is the yardstick of the engine's note commit
// (dialog's BenchmarkHandle/note/conv=N) and of BenchmarkAddNote: N
// writers each putting one small key into a durable (fsynced) bbolt file
// with nothing of the ledger around it, through bbolt's own Batch (its
// default 10 ms window and a 1 ms one) and through one Update each, at the
// same concurrencies (1, 8, 64). One command prints both sides:
//
//	go test -run '^$' -bench 'BenchmarkRawPut|BenchmarkHandle/note' ./ledger ./dialog
func BenchmarkRawPut(b *testing.B) {
	for _, writers := range benchWriters {
		for _, mode := range []struct {
			name  string
			delay time.Duration // 0: db.Update
		}{{"batch=10ms", 10 * time.Millisecond}, {"batch=1ms", time.Millisecond}, {"update", 0}} {
			b.Run(fmt.Sprintf("writers=%d/%s", writers, mode.name), func(b *testing.B) {
				db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, &bolt.Options{Timeout: time.Second})
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				db.MaxBatchDelay = mode.delay
				name := []byte("raw")
				if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(name); return err }); err != nil {
					b.Fatal(err)
				}
				var seq atomic.Int64
				put := func(tx *bolt.Tx) error {
					k := strconv.AppendInt([]byte("ev"), seq.Add(1), 10)
					return tx.Bucket(name).Put(k, []byte("펌 상담, 다음 달 재방문 예정"))
				}
				runWriters(b, writers, func() error {
					if mode.delay > 0 {
						return db.Batch(put)
					}
					return db.Update(put)
				})
			})
		}
	}
}

// benchWriters are the concurrencies the commit benchmarks compare.
var benchWriters = []int{1, 8, 64}

// runWriters runs fn b.N times from writers goroutines at once (RunParallel
// starts parallelism × GOMAXPROCS of them), from the benchmark's own
// goroutine when writers is 1.
func runWriters(b *testing.B, writers int, fn func() error) {
	b.ReportAllocs()
	b.ResetTimer()
	if writers == 1 {
		for b.Loop() {
			if err := fn(); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.SetParallelism((writers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := fn(); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
