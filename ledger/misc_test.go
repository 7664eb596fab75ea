package ledger

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestLinkCodes(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	other := mustCustomer(t, s, "이서연", "010-2222-3333")
	expires := t0.Add(10 * time.Minute)
	mustUpdate(t, s, func(tx *Tx) error {
		for _, code := range []string{"K7Q2", "OLD1", "late9"} {
			if err := tx.PutLinkCode(code, c.ID, expires); err != nil {
				return err
			}
		}
		return nil
	})
	tests := []struct {
		name    string
		code    string
		now     time.Time
		want    string
		wantErr error
	}{
		{"OK", "K7Q2", t0, c.ID, nil},
		{"ErrUsedTwice", "K7Q2", t0, "", ErrInvalidCode},
		{"ErrExpiredAtExpiry", "OLD1", expires, "", ErrInvalidCode},
		{"ErrExpiredThenGone", "OLD1", t0, "", ErrInvalidCode},
		{"CaseAndSpacesIgnored", " LATE9 ", expires.Add(-time.Nanosecond), c.ID, nil},
		{"ErrUnknown", "NOPE", t0, "", ErrInvalidCode},
		{"ErrEmpty", "", t0, "", ErrInvalidCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			var useErr error
			err := s.Update(t.Context(), func(tx *Tx) error {
				got, useErr = tx.UseLinkCode(tt.code, "telegram:1", tt.now)
				if errors.Is(useErr, ErrInvalidCode) {
					return nil // commit the deletion of an expired code
				}
				return useErr
			})
			if err != nil {
				t.Fatal(err)
			}
			if !errors.Is(useErr, tt.wantErr) {
				t.Errorf("err %v, want %v", useErr, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("ErrCodeHeldByAnother", func(t *testing.T) {
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkCode("SAME", c.ID, expires) })
		err := s.Update(t.Context(), func(tx *Tx) error { return tx.PutLinkCode("SAME", other.ID, expires) })
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("Prune", func(t *testing.T) {
		mustUpdate(t, s, func(tx *Tx) error {
			n, err := tx.PruneLinkCodes(expires)
			if n != 3 { // SAME, and the tombstones of K7Q2 and late9
				t.Errorf("pruned %d", n)
			}
			return err
		})
	})
}

func TestEvents(t *testing.T) {
	s := MustOpen(t)
	mustUpdate(t, s, func(tx *Tx) error {
		for i, id := range []string{"a", "b", "c"} {
			if err := tx.MarkEvent(id, t0.Add(time.Duration(i)*time.Hour)); err != nil {
				return err
			}
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error {
		n, err := tx.PruneEvents(t0.Add(90 * time.Minute))
		if n != 2 {
			t.Errorf("pruned %d, want 2", n)
		}
		return err
	})
	mustView(t, s, func(tx *Tx) error {
		for id, want := range map[string]bool{"a": false, "b": false, "c": true, "d": false} {
			if got, _ := tx.SeenEvent(id); got != want {
				t.Errorf("SeenEvent(%s) = %v", id, got)
			}
		}
		return nil
	})
}

func TestCursorNeverMovesBack(t *testing.T) {
	s := MustOpen(t)
	steps := []struct {
		set, want int64
	}{
		{-5, -5}, // a first value may be anything
		{10, 10},
		{7, 10},
		{11, 11},
	}
	for _, st := range steps {
		mustUpdate(t, s, func(tx *Tx) error { return tx.SetCursor("telegram", st.set) })
		mustView(t, s, func(tx *Tx) error {
			if got, _ := tx.Cursor("telegram"); got != st.want {
				t.Errorf("after set %d: %d, want %d", st.set, got, st.want)
			}
			return nil
		})
	}
	mustView(t, s, func(tx *Tx) error {
		if got, _ := tx.Cursor("unset"); got != 0 {
			t.Errorf("unset cursor %d", got)
		}
		return nil
	})
}

func TestPosted(t *testing.T) {
	s := MustOpen(t)
	mustUpdate(t, s, func(tx *Tx) error { return tx.MarkPosted("summary:2026-W10", t0) })
	mustView(t, s, func(tx *Tx) error {
		if ok, _ := tx.Posted("summary:2026-W10"); !ok {
			t.Error("not posted")
		}
		if ok, _ := tx.Posted("summary:2026-W11"); ok {
			t.Error("W11 posted")
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error { return tx.UnmarkPosted("summary:2026-W10") })
	mustView(t, s, func(tx *Tx) error {
		if ok, _ := tx.Posted("summary:2026-W10"); ok {
			t.Error("still posted after UnmarkPosted")
		}
		return nil
	})
}

// TestPrunePosted: only the keys under the prefix recorded before the cut
// go; a key of another job with the same start, a newer one and an empty
// prefix are kept or refused.
func TestPrunePosted(t *testing.T) {
	s := MustOpen(t)
	mustUpdate(t, s, func(tx *Tx) error {
		for _, p := range []struct {
			key string
			at  time.Time
		}{
			{"sla@2026-05-10T01:00:00Z", t0.Add(-2 * time.Hour)},
			{"sla@2026-05-10T01:10:00Z/staff", t0.Add(-2 * time.Hour)},
			{"sla@2026-05-10T03:00:00Z", t0},
			{"slack@2026-05-10T01:00:00Z", t0.Add(-2 * time.Hour)},
		} {
			if err := tx.MarkPosted(p.key, p.at); err != nil {
				return err
			}
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error {
		n, err := tx.PrunePosted("sla@", t0.Add(-time.Hour))
		if err != nil || n != 2 {
			t.Errorf("pruned %d, %v; want the 2 old sla records", n, err)
		}
		if _, err := tx.PrunePosted("", t0); !errors.Is(err, ErrInvalid) {
			t.Errorf("empty prefix: %v, want ErrInvalid", err)
		}
		return nil
	})
	mustView(t, s, func(tx *Tx) error {
		for key, want := range map[string]bool{
			"sla@2026-05-10T01:00:00Z": false, "sla@2026-05-10T01:10:00Z/staff": false,
			"sla@2026-05-10T03:00:00Z": true, "slack@2026-05-10T01:00:00Z": true,
		} {
			if ok, _ := tx.Posted(key); ok != want {
				t.Errorf("%s posted %v, want %v", key, ok, want)
			}
		}
		return nil
	})
}

func TestSessions(t *testing.T) {
	s := MustOpen(t)
	in := Session{Key: "slack:D1", Flow: "note", State: "ask_text", Draft: map[string]string{"customer": "C1"}, Lang: "ko", Updated: t0}
	mustUpdate(t, s, func(tx *Tx) error { return tx.PutSession(in) })
	mustView(t, s, func(tx *Tx) error {
		got, ok, err := tx.Session(in.Key)
		if err != nil || !ok || got.Flow != in.Flow || got.State != in.State || got.Draft["customer"] != "C1" || !got.Updated.Equal(t0) {
			t.Errorf("got %+v %v %v", got, ok, err)
		}
		var keys []string
		tx.ForEachSession(func(s Session) error { keys = append(keys, s.Key); return nil })
		if !slices.Equal(keys, []string{"slack:D1"}) {
			t.Errorf("ForEachSession %v", keys)
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.DeleteSession(in.Key); err != nil {
			return err
		}
		return tx.DeleteSession("missing")
	})
	mustView(t, s, func(tx *Tx) error {
		if _, ok, _ := tx.Session(in.Key); ok {
			t.Error("session kept")
		}
		return nil
	})
	if err := s.Update(t.Context(), func(tx *Tx) error { return tx.PutSession(Session{}) }); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty key: %v", err)
	}
}

func TestStaffAndProfiles(t *testing.T) {
	s := MustOpen(t)
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.PutStaff(StaffMember{ID: "slack:U2", Role: RoleStaff, GrantedBy: "slack:U1", At: t0}); err != nil {
			return err
		}
		if err := tx.PutStaff(StaffMember{ID: "slack:U1", Role: RoleManager, At: t0}); err != nil {
			return err
		}
		return tx.PutProfile(Profile{ID: "telegram:5", Lang: "en"})
	})
	if err := s.Update(t.Context(), func(tx *Tx) error { return tx.PutStaff(StaffMember{ID: "x", Role: RoleCustomer}) }); !errors.Is(err, ErrInvalid) {
		t.Errorf("customer role granted: %v", err)
	}
	mustUpdate(t, s, func(tx *Tx) error { return tx.RemoveStaff("slack:U2") })
	mustView(t, s, func(tx *Tx) error {
		all, _ := tx.ListStaff()
		if len(all) != 1 || all[0].ID != "slack:U1" || all[0].Role != RoleManager {
			t.Errorf("staff %+v", all)
		}
		if _, ok, _ := tx.Staff("slack:U2"); ok {
			t.Error("removed staff still there")
		}
		if p, _ := tx.Profile("telegram:5"); p.Lang != "en" {
			t.Errorf("profile %+v", p)
		}
		if p, _ := tx.Profile("telegram:6"); p.ID != "telegram:6" || p.Lang != "" {
			t.Errorf("unknown profile %+v", p)
		}
		return nil
	})
}

func TestExpireSessions(t *testing.T) {
	s := MustOpen(t)
	mustUpdate(t, s, func(tx *Tx) error {
		for _, ss := range []Session{
			{Key: "slack:D1", Flow: "note", State: "text", Draft: map[string]string{"name": "김하늘"}, Lang: "en", Updated: t0.Add(-time.Hour)},
			{Key: "slack:D2", Flow: "note", State: "text", Draft: map[string]string{"name": "이민지"}, Updated: t0.Add(-time.Minute)},
			{Key: "telegram:3", Expired: "feedback", Updated: t0.AddDate(0, 0, -8)},
			{Key: "telegram:4", Expired: "feedback", Updated: t0.AddDate(0, 0, -1)},
		} {
			if err := tx.PutSession(ss); err != nil {
				return err
			}
		}
		ended, dropped, err := tx.ExpireSessions(t0.Add(-30*time.Minute), t0.AddDate(0, 0, -7))
		if ended != 1 || dropped != 1 {
			t.Errorf("ended %d, dropped %d; want 1, 1", ended, dropped)
		}
		return err
	})
	mustView(t, s, func(tx *Tx) error {
		got := map[string]Session{}
		tx.ForEachSession(func(s Session) error { got[s.Key] = s; return nil })
		if s := got["slack:D1"]; s.Flow != "" || s.Draft != nil || s.Expired != "note" || s.Lang != "en" {
			t.Errorf("idle flow = %+v, want a stub naming note, keeping en, without draft", s)
		}
		if s := got["slack:D2"]; s.Flow != "note" || s.Draft["name"] != "이민지" {
			t.Errorf("a flow still within its timeout changed: %+v", s)
		}
		if _, ok := got["telegram:3"]; ok {
			t.Error("a week-old stub was kept")
		}
		if _, ok := got["telegram:4"]; !ok {
			t.Error("a day-old stub was dropped")
		}
		return nil
	})
}

// TestIdleSessions: the idle-keep job's look finds, opened, the sessions
// of the flows it names idle since before the time, and no stub, no other
// flow and no flow still within its time.
func TestIdleSessions(t *testing.T) {
	s := MustOpen(t)
	mustUpdate(t, s, func(tx *Tx) error {
		for _, ss := range []Session{
			{Key: "slack:D1", Flow: "note", State: "amount", Draft: map[string]string{"text": "커트"}, Updated: t0.Add(-time.Hour)},
			{Key: "slack:D2", Flow: "note", State: "amount", Draft: map[string]string{"text": "펌"}, Updated: t0.Add(-time.Minute)},
			{Key: "slack:D3", Flow: "campaign", State: "text", Updated: t0.Add(-time.Hour)},
			{Key: "telegram:4", Expired: "note", Updated: t0.Add(-time.Hour)},
		} {
			if err := tx.PutSession(ss); err != nil {
				return err
			}
		}
		return nil
	})
	mustView(t, s, func(tx *Tx) error {
		got, err := tx.IdleSessions(t0.Add(-30*time.Minute), "note", "feedback")
		if err != nil || len(got) != 1 || got[0].Key != "slack:D1" || got[0].Draft["text"] != "커트" {
			t.Errorf("IdleSessions = %+v, %v; want slack:D1 alone, opened", got, err)
		}
		if got, err := tx.IdleSessions(t0.Add(-30 * time.Minute)); err != nil || len(got) != 0 {
			t.Errorf("IdleSessions of no flow = %+v, %v", got, err)
		}
		return nil
	})
}

// BenchmarkIdleSessions is the idle-keep job's look every five minutes
// over what a load test left: 20,000 stubs and 5,000 flows still in time.
func BenchmarkIdleSessions(b *testing.B) {
	s := MustOpen(b)
	mustUpdate(b, s, func(tx *Tx) error {
		for i := range 25000 {
			ss := Session{Key: fmt.Sprint("telegram:", i), Expired: "feedback", Updated: t0.Add(-time.Hour)}
			if i%5 == 0 {
				ss = Session{Key: ss.Key, Flow: "note", State: "amount", Draft: map[string]string{"text": "커트"}, Updated: t0}
			}
			if err := tx.PutSession(ss); err != nil {
				return err
			}
		}
		return nil
	})
	for b.Loop() {
		mustView(b, s, func(tx *Tx) error {
			got, err := tx.IdleSessions(t0.Add(-30*time.Minute), "note")
			if err == nil && len(got) != 0 {
				err = fmt.Errorf("%d idle, want 0", len(got))
			}
			return err
		})
	}
}
