package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// TestOutboxErasure: four replies wait in the outbox while the platforms
// are down: one to 김민지, one to 박서준, one to 박서준 sealed with the
// shop key as every entry was before erasure reached the outbox, and the
// answer to staff's note about 김민지, which names her. 김민지 is
// erased; after a restart the resender sends the two others and nothing
// of hers, and her entry's words are nowhere in the file. A backup taken
// before her erasure, restored, does not send hers either: the erased-keys
// list erases her again at open, and her entry with her.
func TestOutboxErasure(t *testing.T) {
	ctx := context.Background()
	r := newOutboxRig(t)
	r.router.Register("telegram", r)
	const (
		toMinji  = "김민지 고객님, 내일 14시 예약이 확인되었어요"
		toSeojun = "박서준 고객님, 1,000P 적립되었어요"
		legacy   = "박서준 고객님, 쿠폰이 곧 만료돼요"
	)
	var minji, seojun string
	err := r.store.Update(ctx, func(tx *ledger.Tx) error {
		m, err := tx.CustomerByPhone("01012345678")
		if err != nil {
			return err
		}
		s := ledger.Customer{Name: "박서준", Phone: "01098765432", CreatedAt: adminNow}
		if err := tx.CreateCustomer(&s); err != nil {
			return err
		}
		minji, seojun = m.ID, s.ID
		consent := ledger.Consent{Given: true, At: adminNow, Purpose: "loyalty+feedback"}
		if err := tx.LinkCustomer(minji, "telegram:7001", consent); err != nil {
			return err
		}
		if err := tx.LinkCustomer(seojun, "telegram:7002", consent); err != nil {
			return err
		}
		for _, e := range []struct{ ev, cust, user, text string }{
			{"care:a", minji, "7001", toMinji}, {"care:b", seojun, "7002", toSeojun}, {"care:old", "", "7002", legacy},
		} {
			payload, err := json.Marshal(map[string]any{"ch": "telegram", "conv": e.user, "user": e.user,
				"reply": dialog.Reply{To: dialog.ToUser, Channel: "telegram", UserID: e.user, Lang: "ko", Text: e.text}})
			if err != nil {
				return err
			}
			if _, err := tx.AddOutboxFor(e.ev, e.cust, adminNow, payload); err != nil { // "": the shop key
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Staff's note about her, whose answer names her, fails to reach Slack.
	r.fail = errors.New("slack down")
	if rs := r.note("ev-note"); !strings.Contains(rs[0].Text, "김민지") {
		t.Fatalf("the note's answer %q does not name her", rs[0].Text)
	}
	r.fail = nil
	backup := filepath.Join(filepath.Dir(r.path), "before-erasure.db")
	f, err := os.Create(backup)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.store.Backup(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.store.Update(ctx, func(tx *ledger.Tx) error { return tx.EraseCustomer(minji, adminNow) }); err != nil {
		t.Fatal(err)
	}

	sweep := func(t *testing.T, path string) []string {
		t.Helper()
		if err := r.store.Close(); err != nil {
			t.Fatal(err)
		}
		r.path = path
		r.open()
		r.router.Register("telegram", r)
		r.got, r.to = nil, nil
		sent, failed, err := r.resender().sweep(ctx, time.Time{})
		if err != nil || sent != 2 || failed != 0 {
			t.Errorf("sweep: sent %d failed %d err %v, want 2 sent", sent, failed, err)
		}
		var got []string
		for _, reply := range r.got {
			got = append(got, reply.Text)
		}
		if want := []string{toSeojun, legacy}; !slices.Equal(got, want) {
			t.Errorf("sent %q, want %q", got, want)
		}
		if n := r.engine.Pending(); n != 0 {
			t.Errorf("pending %d after the sweep", n)
		}
		return got
	}
	t.Run("Restart", func(t *testing.T) {
		sweep(t, r.path)
		data, err := os.ReadFile(r.path)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{toMinji, "김민지", "01012345678"} {
			if bytes.Contains(data, []byte(v)) {
				t.Errorf("the file holds %q in the clear", v)
			}
		}
	})
	t.Run("RestoredBackup", func(t *testing.T) {
		sweep(t, backup)
		err := r.store.View(ctx, func(tx *ledger.Tx) error {
			c, err := tx.Customer(minji)
			if err == nil && !c.Erased {
				err = errors.New("김민지 is not erased in the restored backup")
			}
			return err
		})
		if err != nil {
			t.Error(err)
		}
	})
}
