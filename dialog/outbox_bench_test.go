package dialog

import (
	"context"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/dangol/dangol/ledger"
)

// BenchmarkHandleCustomerPoints measures a linked Telegram customer's
// /points over a durable ledger (fsync on every commit), from 1 chat and
// from 64 at once: a read, which the engine answers without a commit of
// its own (its event id rides on a later commit).
//
// The entries=5 runs give each customer five earns, as dangol bench seeds
// them, so the reply lists entries as a real customer's does.
func BenchmarkHandleCustomerPoints(b *testing.B) {
	for _, bc := range []struct {
		conc, entries int
	}{{1, 0}, {64, 0}, {1, 5}, {64, 5}} {
		conc := bc.conc
		name := "conv=" + strconv.Itoa(conc)
		if bc.entries > 0 {
			name += "/entries=" + strconv.Itoa(bc.entries)
		}
		b.Run(name, func(b *testing.B) {
			eng := benchEngine(b)
			err := eng.store.Update(context.Background(), func(tx *ledger.Tx) error {
				for i := range 64 { // a customer of her own for each chat
					c := ledger.Customer{Name: "고객" + strconv.Itoa(i), Phone: "0109000" + strconv.Itoa(1000+i), CreatedAt: t0}
					if err := tx.CreateCustomer(&c); err != nil {
						return err
					}
					if err := tx.LinkCustomer(c.ID, "telegram:"+strconv.Itoa(7000+i), ledger.Consent{Given: true, At: t0}); err != nil {
						return err
					}
					for k := range bc.entries {
						e := ledger.PointsEntry{CustomerID: c.ID, At: t0.AddDate(0, 0, k-5), Kind: ledger.PointsEarn,
							Points: 100, Amount: 2000, ActorID: "bench", Reason: "커트"}
						if err := tx.AddPoints(&e); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			var seq, chats atomic.Int64
			msg := func(chat string) Message {
				return Message{Channel: "telegram", UserID: chat, ConversationID: chat, Private: true,
					EventID: "bench-" + strconv.FormatInt(seq.Add(1), 10), Text: "/points"}
			}
			ctx := context.Background()
			// Each customer's first message also asks the optional
			// advertising question (a write, and a second reply): ask it
			// before timing, so what is measured is the read it is after.
			for i := range 64 {
				if _, err := eng.Handle(ctx, msg(strconv.Itoa(7000+i))); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			b.SetParallelism(max(1, conc/runtime.GOMAXPROCS(0)))
			if conc == 1 {
				for b.Loop() {
					if rs, err := eng.Handle(ctx, msg("7000")); err != nil || len(rs) != 1 {
						b.Fatalf("Handle: %v %+v", err, rs)
					}
				}
				return
			}
			b.RunParallel(func(pb *testing.PB) {
				chat := strconv.FormatInt(7000+(chats.Add(1)-1)%64, 10)
				for pb.Next() {
					if rs, err := eng.Handle(ctx, msg(chat)); err != nil || len(rs) != 1 {
						b.Errorf("Handle: %v %+v", err, rs)
						return
					}
				}
			})
		})
	}
}
