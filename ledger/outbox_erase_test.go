package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestOutbox_Erasure: a reply to a customer waiting in the outbox is
// sealed under their key and goes with their erasure, in its transaction;
// another customer's reply and one about nobody stay, also after a restart.
func TestOutbox_Erasure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dangol.db")
	opts := &Options{Key: testKey, MarkDelay: time.Hour, ErasedKeys: filepath.Join(t.TempDir(), "dangol.erased")}
	s, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	minji := mustCustomer(t, s, "김민지", "010-1234-5678")
	seojun := mustCustomer(t, s, "박서준", "010-9876-5432")
	const (
		toMinji  = "감사합니다, 김민지 고객님 (010-1234-5678)"
		toSeojun = "박서준 고객님, 적립 완료"
		toNobody = "오늘의 요약"
	)
	var minjiID string
	mustUpdate(t, s, func(tx *Tx) error {
		var err error
		if minjiID, err = tx.AddOutboxFor("tg:1", minji.ID, t0, []byte(toMinji)); err != nil {
			return err
		}
		if _, err := tx.AddOutboxFor("tg:2", seojun.ID, t0.Add(time.Second), []byte(toSeojun)); err != nil {
			return err
		}
		_, err = tx.AddOutbox("tg:3", t0.Add(2*time.Second), []byte(toNobody))
		return err
	})
	// The entry's raw value, as a backup or a free page would keep it.
	mk, _ := keyOfID(minjiID)
	var raw []byte
	mustView(t, s, func(tx *Tx) error { raw = bytes.Clone(tx.bucket(bucketOutbox).Get(mk)); return nil })

	mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(minji.ID, t0.Add(time.Minute)) })

	check := func(t *testing.T, s *Store) {
		t.Helper()
		if got, want := outboxPayloads(t, s), []string{toSeojun, toNobody}; !slices.Equal(got, want) {
			t.Errorf("outbox after the erasure %q, want %q", got, want)
		}
		if got := s.OutboxPending(); got != 2 {
			t.Errorf("pending %d, want 2", got)
		}
		mustView(t, s, func(tx *Tx) error {
			if es, err := tx.OutboxOf("tg:1"); err != nil || len(es) != 0 {
				t.Errorf("the erased customer's event still has %+v (%v)", es, err)
			}
			if n := tx.bucket(bucketOutboxCustomer).Stats().KeyN; n != 1 {
				t.Errorf("customer index holds %d entries, want 1 (박서준's)", n)
			}
			// A copy of the entry left anywhere no longer opens.
			if e, err := tx.decodeOutbox(mk, raw); err != nil || !e.Erased || e.Payload != nil {
				t.Errorf("the old copy reads %+v (%v), want erased", e, err)
			}
			return nil
		})
	}
	t.Run("OK", func(t *testing.T) { check(t, s) })
	t.Run("AfterRestart", func(t *testing.T) {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if s, err = Open(path, opts); err != nil {
			t.Fatal(err)
		}
		check(t, s)
	})
	t.Run("NoPlaintextInFile", func(t *testing.T) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{toMinji, "김민지", "01012345678", "010-1234-5678", toSeojun} {
			if bytes.Contains(data, []byte(v)) {
				t.Errorf("the file holds %q in the clear", v)
			}
		}
	})
	t.Run("ErrCustomerNotFound", func(t *testing.T) {
		err := s.Update(context.Background(), func(tx *Tx) error {
			_, err := tx.AddOutboxFor("tg:9", "C999", t0, []byte("x"))
			return err
		})
		if !errors.Is(err, ErrCustomerNotFound) {
			t.Errorf("got %v, want ErrCustomerNotFound", err)
		}
	})
	t.Run("PruneDropsTheIndex", func(t *testing.T) {
		mustUpdate(t, s, func(tx *Tx) error {
			if n, err := tx.PruneOutbox(t0.Add(time.Hour)); err != nil || n != 2 {
				t.Errorf("pruned %d (%v), want 2", n, err)
			}
			return nil
		})
		mustView(t, s, func(tx *Tx) error {
			if k, _ := tx.bucket(bucketOutboxCustomer).Cursor().First(); k != nil {
				t.Errorf("customer index still holds %x after the prune", k)
			}
			return nil
		})
	})
	t.Run("ErasedCustomerGetsShopKey", func(t *testing.T) {
		// The answer to their own /forget, written after the erasure.
		mustUpdate(t, s, func(tx *Tx) error {
			_, err := tx.AddOutboxFor("tg:10", minji.ID, t0.Add(2*time.Minute), []byte("삭제했어요"))
			return err
		})
		if got := outboxPayloads(t, s); len(got) != 1 || got[0] != "삭제했어요" {
			t.Errorf("outbox %q", got)
		}
	})
}

// TestOutbox_LegacyAndErased: an entry written before entries were sealed
// per customer (version 1, the shop key) is still read and sent; an entry
// whose customer's key is gone without the erasure having deleted it (a
// restored backup) is listed as Erased, with no payload, and leaves with
// Sent like any other.
func TestOutbox_LegacyAndErased(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "이하늘", "010-5555-6666")
	const legacy = "김민지 고객님, 예약이 확인되었어요"
	var legacyID, orphanID string
	mustUpdate(t, s, func(tx *Tx) error {
		b := tx.bucket(bucketOutbox)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		k := timeKey(t0, seq)
		blind := tx.kr.blind("outbox", "tg:1")
		e := encoder{}
		e.byte(1)
		e.string(string(blind))
		e.b = append(e.b, seal(tx.kr.shop, recordAD(bucketOutbox, k), []byte(legacy))...)
		if err := b.Put(k, e.b); err != nil {
			return err
		}
		if err := tx.bucket(bucketOutboxEvent).Put(concat(blind, k), []byte{}); err != nil {
			return err
		}
		legacyID = idOf(k)
		orphanID, err = tx.AddOutboxFor("tg:2", c.ID, t0.Add(time.Second), []byte("이하늘 고객님"))
		if err != nil {
			return err
		}
		ck, _ := custKeyOf(c.ID)
		return tx.shred(bucketKeys, ck, t0) // the key alone, as a restored backup's re-erasure left it
	})
	var es []OutboxEntry
	mustView(t, s, func(tx *Tx) error {
		var err error
		es, err = tx.Outbox("", 0)
		return err
	})
	if len(es) != 2 || es[0].ID != legacyID || string(es[0].Payload) != legacy || es[0].Erased ||
		es[1].ID != orphanID || !es[1].Erased || es[1].Payload != nil {
		t.Fatalf("outbox %+v", es)
	}
	mustView(t, s, func(tx *Tx) error {
		if of, err := tx.OutboxOf("tg:1"); err != nil || len(of) != 1 || string(of[0].Payload) != legacy {
			t.Errorf("OutboxOf the legacy entry's event: %+v (%v)", of, err)
		}
		return nil
	})
	if err := s.Sent(context.Background(), legacyID, orphanID); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, func(tx *Tx) error { return nil }) // the commit that deletes them
	mustView(t, s, func(tx *Tx) error {
		if n := tx.bucket(bucketOutbox).Stats().KeyN + tx.bucket(bucketOutboxCustomer).Stats().KeyN + tx.bucket(bucketOutboxEvent).Stats().KeyN; n != 0 {
			t.Errorf("%d outbox keys left, want none", n)
		}
		return nil
	})
}

// BenchmarkEraseOutbox measures what an erasure pays to find the waiting
// entries of its customer among outboxLoad others (the outbox's limit
// under load): through the customer index (what EraseCustomer does), and,
// for comparison, by the full scan it replaced, reading every entry's
// customer key.
func BenchmarkEraseOutbox(b *testing.B) {
	const outboxLoad = 10_000
	s := MustOpen(b)
	var ids []string
	mustUpdate(b, s, func(tx *Tx) error {
		for i := range 100 {
			c := Customer{Name: "고객", Phone: fmt.Sprintf("0101234%04d", i), CreatedAt: t0}
			if err := tx.CreateCustomer(&c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		for i := range outboxLoad {
			if _, err := tx.AddOutboxFor("", ids[i%len(ids)], t0.Add(time.Duration(i)), []byte("감사합니다, 고객님")); err != nil {
				return err
			}
		}
		return nil
	})
	ck, _ := custKeyOf(ids[0])
	b.Run("Index", func(b *testing.B) {
		for b.Loop() {
			mustView(b, s, func(tx *Tx) error {
				n := 0
				c := tx.bucket(bucketOutboxCustomer).Cursor()
				for k, _ := c.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, _ = c.Next() {
					n++
				}
				if n != outboxLoad/len(ids) {
					b.Fatalf("found %d", n)
				}
				return nil
			})
		}
	})
	b.Run("Scan", func(b *testing.B) {
		for b.Loop() {
			mustView(b, s, func(tx *Tx) error {
				n := 0
				c := tx.bucket(bucketOutbox).Cursor()
				for k, v := c.First(); k != nil; k, v = c.Next() {
					d := newDecoder(v)
					d.version(outboxVersion)
					d.string()
					if d.string() == string(ck) {
						n++
					}
				}
				if n != outboxLoad/len(ids) {
					b.Fatalf("found %d", n)
				}
				return nil
			})
		}
	})
}

// BenchmarkAddOutboxFor measures what sealing under a customer's key and
// indexing under them adds to writing an outbox entry (a commit of 100, as
// the campaign job writes them), against the shop key and no index.
func BenchmarkAddOutboxFor(b *testing.B) {
	s := MustOpen(b)
	c := mustCustomer(b, s, "김민지", "010-1234-5678")
	for _, bb := range []struct{ name, cust string }{{"ShopKey", ""}, {"CustomerKey", c.ID}} {
		b.Run(bb.name, func(b *testing.B) {
			at := t0
			for b.Loop() {
				mustUpdate(b, s, func(tx *Tx) error {
					for range 100 {
						at = at.Add(time.Millisecond)
						if _, err := tx.AddOutboxFor("", bb.cust, at, []byte("(광고) 단골미용실: 김민지 고객님, 이번 주 커트 20% 할인")); err != nil {
							return err
						}
					}
					return nil
				})
			}
		})
	}
}

// TestAudited: the customers audited in a transaction, each once, in the
// order first audited; an entry about no customer is not one; a new
// transaction starts with none.
func TestAudited(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김민지", "010-1234-5678")
	b := mustCustomer(t, s, "박서준", "010-9876-5432")
	mustUpdate(t, s, func(tx *Tx) error {
		for _, id := range []string{a.ID, "", b.ID, a.ID} {
			if err := tx.Audit(AuditEntry{At: t0, ActorID: "slack:U1", Action: "read", CustomerID: id}); err != nil {
				return err
			}
		}
		if got, want := tx.Audited(), []string{a.ID, b.ID}; !slices.Equal(got, want) {
			t.Errorf("Audited %q, want %q", got, want)
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error {
		if got := tx.Audited(); len(got) != 0 {
			t.Errorf("a new transaction has %q audited", got)
		}
		return nil
	})
}
