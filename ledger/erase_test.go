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

func TestEraseCustomer(t *testing.T) {
	s := MustOpen(t)
	const (
		name    = "황보다솜"
		phone   = "01087654321"
		note    = "prefers-the-window-seat-7731"
		comment = "the-coffee-was-cold-4412"
		remark  = "allergic-to-lavender-9981"
		reason  = "birthday-gift-for-zelda-5521"
		detail  = "looked-up-zelda-8812"
	)
	other := mustCustomer(t, s, "김민지", "010-1234-5678")
	c := Customer{
		Name: name, Phone: phone, Remarks: remark, Preferences: "짧은 머리",
		Birthday: time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC), Tags: []string{"VIP"},
		CreatedAt: t0,
	}
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.CreateCustomer(&c); err != nil {
			return err
		}
		if err := tx.LinkCustomer(c.ID, "telegram:777", Consent{Given: true, At: t0}); err != nil {
			return err
		}
		if err := tx.PutSession(Session{Key: "telegram:777", Flow: "feedback", Draft: map[string]string{"comment": comment}}); err != nil {
			return err
		}
		if err := tx.PutSession(Session{Key: "slack:D1", Flow: "note", Draft: map[string]string{"customer": c.ID}}); err != nil {
			return err
		}
		if err := tx.PutSession(Session{Key: "slack:D2", Flow: "note", Draft: map[string]string{"customer": other.ID}}); err != nil {
			return err
		}
		// A pick between candidates, the note text waiting in the draft.
		if err := tx.PutSession(Session{Key: "slack:D3", Flow: "pick", Draft: map[string]string{"ids": other.ID + "," + c.ID, "rest": "두피 상담 중"}}); err != nil {
			return err
		}
		if err := tx.PutSession(Session{Key: "slack:D4", Flow: "pick", Draft: map[string]string{"ids": other.ID + "," + c.ID + "0"}}); err != nil {
			return err
		}
		if err := tx.PutLinkCode("ABC123", c.ID, t0.Add(time.Hour)); err != nil {
			return err
		}
		for i := range 3 {
			at := t0.Add(time.Duration(i) * 24 * time.Hour)
			n := Note{CustomerID: c.ID, StaffID: "slack:U1", At: at, Text: note, Tags: []string{"커트"}, Amount: 30000, FollowUp: at.Add(7 * 24 * time.Hour)}
			if err := tx.AddNote(&n); err != nil {
				return err
			}
			f := Feedback{CustomerID: c.ID, At: at, Rating: 4, NPS: 9, Comment: comment}
			if err := tx.AddFeedback(&f); err != nil {
				return err
			}
			// The last one as if by the customer's own chat: their
			// platform id is theirs, and goes with them.
			actor := "slack:U1"
			if i == 2 {
				actor = "telegram:777"
			}
			p := PointsEntry{CustomerID: c.ID, At: at, Kind: PointsEarn, Points: 300, Amount: 30000, ActorID: actor, Reason: reason}
			if err := tx.AddPoints(&p); err != nil {
				return err
			}
			if err := tx.Audit(AuditEntry{At: at, ActorID: "slack:U1", Action: "read", CustomerID: c.ID, Detail: detail}); err != nil {
				return err
			}
		}
		return nil
	})
	secrets := []string{name, phone, note, comment, remark, reason, detail}

	type counts struct{ notes, feedback, points, newCustomers, visits int }
	count := func() (n counts) {
		far := t0.Add(365 * 24 * time.Hour)
		mustView(t, s, func(tx *Tx) error {
			return errors.Join(
				tx.ScanNotes(time.Time{}, far, func(Note) error { n.notes++; return nil }),
				tx.ScanFeedback(time.Time{}, far, func(Feedback) error { n.feedback++; return nil }),
				tx.ScanPoints(time.Time{}, far, func(PointsEntry) error { n.points++; return nil }),
				tx.ScanNewCustomers(time.Time{}, far, func(Customer) error { n.newCustomers++; return nil }),
			)
		})
		mustView(t, s, func(tx *Tx) error {
			st, err := tx.VisitStatsOf(c.ID)
			n.visits = st.Visits
			return err
		})
		return n
	}
	before := count()
	if want := (counts{notes: 3, feedback: 3, points: 3, newCustomers: 2, visits: 3}); before != want {
		t.Fatalf("counts before erasure %+v, want %+v", before, want)
	}
	// Sealed from the start: no secret is in the file even before the
	// erasure (the grep itself is shown to work on a clear note tag).
	assertNotInFile(t, s.Path(), secrets...)
	backup := filepath.Join(t.TempDir(), "before.db")
	if err := writeBackup(s, backup); err != nil {
		t.Fatal(err)
	}

	mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(c.ID, t0.Add(72*time.Hour)) })

	t.Run("KeyGone", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			if tx.bucket(bucketKeys).Get(custKey(2)) != nil {
				t.Error("data key still stored")
			}
			got, err := tx.Customer(c.ID)
			if err != nil {
				return err
			}
			if !got.Erased || got.Name != "" || got.Phone != "" || got.Remarks != "" || len(got.Tags) != 0 {
				t.Errorf("erased customer reads %+v", got)
			}
			notes, err := tx.NotesOf(c.ID, 0)
			if err != nil {
				return err
			}
			for _, n := range notes {
				if n.Text != "" || len(n.Tags) != 1 || n.Amount != 30000 {
					t.Errorf("note after erasure %+v: want no text, tag and amount kept", n)
				}
			}
			ps, err := tx.PointsOf(c.ID, 0)
			if err != nil {
				return err
			}
			// Who gave the points is the shop's record and stays; the
			// reason, which may be about the customer, goes.
			for _, p := range ps {
				wantActor := "slack:U1"
				if p.At.Equal(t0.Add(48 * time.Hour)) {
					wantActor = ""
				}
				if p.Reason != "" || p.ActorID != wantActor || p.Points != 300 {
					t.Errorf("points after erasure %+v, want actor %q and no reason", p, wantActor)
				}
			}
			return nil
		})
		assertNotInFile(t, s.Path(), secrets...)
	})
	t.Run("BackupBeforeErasure", func(t *testing.T) {
		// The backup holds the wrapped key; the erased-keys list beside the
		// master key makes Open shred it again.
		b, err := Open(backup, &Options{Key: testKey, ErasedKeys: s.opts.ErasedKeys})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		mustView(t, b, func(tx *Tx) error {
			got, err := tx.Customer(c.ID)
			if err != nil {
				return err
			}
			if !got.Erased || got.Name != "" {
				t.Errorf("restored backup shows %+v, want erased", got)
			}
			if found, err := tx.FindCustomers(name, 0); err != nil || len(found) != 0 {
				t.Errorf("restored backup finds %v (%v)", found, err)
			}
			if found, err := tx.FindCustomers(other.Name, 0); err != nil || len(found) != 1 {
				t.Errorf("restored backup lost the other customer: %v (%v)", found, err)
			}
			return nil
		})
	})
	t.Run("CountsUnchanged", func(t *testing.T) {
		if after := count(); after != before {
			t.Errorf("counts %+v, before %+v", after, before)
		}
	})
	t.Run("RecordErased", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			got, err := tx.Customer(c.ID)
			if err != nil {
				return err
			}
			if !got.Erased || !got.ErasedAt.Equal(t0.Add(72*time.Hour)) || got.Name != "" || got.Phone != "" ||
				got.Remarks != "" || got.Preferences != "" || !got.Birthday.IsZero() || got.Tags != nil || got.Links != nil {
				t.Errorf("customer %+v", got)
			}
			if _, err := tx.CustomerByPhone(phone); !errors.Is(err, ErrCustomerNotFound) {
				t.Errorf("by phone: %v", err)
			}
			if _, err := tx.CustomerByLink("telegram:777"); !errors.Is(err, ErrCustomerNotFound) {
				t.Errorf("by link: %v", err)
			}
			if p, _ := tx.Profile("telegram:777"); p.CustomerID != "" || p.Consent.Given {
				t.Errorf("profile %+v", p)
			}
			// Their own chat's session goes; a staff flow about them ends,
			// its draft gone, a stub naming the flow left to say why.
			for key, want := range map[string]string{"telegram:777": "gone", "slack:D1": "ended", "slack:D2": "kept", "slack:D3": "ended", "slack:D4": "kept"} {
				s, ok, err := tx.Session(key)
				got := "gone"
				switch {
				case err != nil:
					got = err.Error()
				case ok && s.Flow == "" && s.Erased && len(s.Draft) == 0 && s.Expired != "" && s.Updated.Equal(t0.Add(72*time.Hour)):
					got = "ended"
				case ok && s.Flow != "" && !s.Erased && len(s.Draft) > 0:
					got = "kept"
				case ok:
					got = fmt.Sprintf("%+v", s)
				}
				if got != want {
					t.Errorf("session %s %s, want %s", key, got, want)
				}
			}
			notes, _ := tx.NotesOf(c.ID, 0)
			for _, n := range notes {
				if n.Text != "" || n.Amount != 30000 || len(n.Tags) != 1 {
					t.Errorf("note %+v", n)
				}
			}
			fb, _ := tx.FeedbackOf(c.ID, 0)
			for _, f := range fb {
				if f.Comment != "" || f.Rating != 4 || f.NPS != 9 {
					t.Errorf("feedback %+v", f)
				}
			}
			if bal, _ := tx.Balance(c.ID); bal != 900 {
				t.Errorf("balance %d", bal)
			}
			return nil
		})
		if _, err := useCode(s, "ABC123", t0); !errors.Is(err, ErrInvalidCode) {
			t.Errorf("link code survived: %v", err)
		}
	})
	t.Run("OtherCustomerUntouched", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			got, err := tx.CustomerByPhone("010-1234-5678")
			if err != nil || got.Name != "김민지" {
				t.Errorf("other customer: %+v %v", got, err)
			}
			return nil
		})
	})
	t.Run("ErasedIsFinal", func(t *testing.T) {
		_ = other
		mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(c.ID, t0) }) // again: no-op
		err := s.Update(t.Context(), func(tx *Tx) error {
			return tx.AddNote(&Note{CustomerID: c.ID, StaffID: "s", At: t0, Text: "x"})
		})
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("note for erased customer: %v", err)
		}
	})
}

// assertNotInFile fails the test for every value found in the file at
// path, as text and, for digits, as the phone's digits. To show the search
// can find something, the note tag "커트", kept in the clear on purpose,
// must be there.
func assertNotInFile(t *testing.T, path string, values ...string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("커트")) {
		t.Fatalf("%s: the clear note tag is not found either: the search proves nothing", path)
	}
	for _, v := range values {
		if bytes.Contains(data, []byte(v)) {
			t.Errorf("%s holds %q in the clear", path, v)
		}
	}
}

// writeBackup copies the store to path with Store.Backup.
func writeBackup(s *Store, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := s.Backup(context.Background(), f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func useCode(s *Store, code string, now time.Time) (id string, err error) {
	err = s.Update(context.Background(), func(tx *Tx) error {
		id, err = tx.UseLinkCode(code, "telegram:1", now)
		return err
	})
	return id, err
}

// TestEraseSender: comments an unlinked sender left are erased on their
// request (their key shredded), and so are those of a customer who left
// them before linking; ratings stay for the counts.
func TestEraseSender(t *testing.T) {
	s := MustOpen(t)
	const (
		anonComment = "직원분이 불친절했어요 Quentin Abernathy"
		preLink     = "주차가 어려웠어요 Rosalind Featherstone"
		other       = "다른 사람의 의견"
	)
	c := mustCustomer(t, s, "김민지", "01012345678")
	mustUpdate(t, s, func(tx *Tx) error {
		for _, f := range []Feedback{
			{At: t0, Rating: 2, NPS: NoNPS, Comment: anonComment, SenderID: "telegram:1"},
			{At: t0.Add(time.Minute), Rating: 5, NPS: 9, Comment: preLink, SenderID: "telegram:2"},
			{At: t0.Add(2 * time.Minute), Rating: 4, NPS: NoNPS, Comment: other, SenderID: "telegram:3"},
		} {
			if err := tx.AddFeedback(&f); err != nil {
				return err
			}
		}
		return tx.LinkCustomer(c.ID, "telegram:2", Consent{Given: true, At: t0})
	})
	var n int
	mustUpdate(t, s, func(tx *Tx) (err error) {
		n, err = tx.EraseSender("telegram:1")
		return err
	})
	if n != 1 {
		t.Errorf("EraseSender erased %d, want 1", n)
	}
	mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(c.ID, t0.Add(time.Hour)) })
	data, _ := os.ReadFile(s.Path())
	for _, secret := range []string{anonComment, preLink, "telegram:1", "telegram:2"} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("%q in the file", secret)
		}
	}
	var got []Feedback
	mustView(t, s, func(tx *Tx) error {
		return tx.ScanFeedback(t0, t0.Add(time.Hour), func(f Feedback) error { got = append(got, f); return nil })
	})
	if len(got) != 3 || got[0].Comment != "" || got[1].Comment != "" || got[0].Rating != 2 || got[1].NPS != 9 || got[0].SenderID != "" || got[1].SenderID != "" {
		t.Errorf("feedback after erasure %+v, want the three ratings kept, senders forgotten", got)
	}
	if got[2].Comment != other || got[2].SenderID != "telegram:3" {
		t.Errorf("someone else's feedback changed: %+v", got[2])
	}
}

// TestFeedbackOfSender: an unlinked sender's /mydata finds what they left,
// newest first and at most the limit, and nothing once it is erased.
func TestFeedbackOfSender(t *testing.T) {
	s := MustOpen(t)
	mustUpdate(t, s, func(tx *Tx) error {
		for i, f := range []Feedback{
			{Rating: 2, NPS: NoNPS, Comment: "첫 번째", SenderID: "telegram:1"},
			{Rating: 5, NPS: NoNPS, Comment: "다른 사람", SenderID: "telegram:2"},
			{Rating: 4, NPS: 8, Comment: "두 번째", SenderID: "telegram:1"},
			{Rating: 3, NPS: NoNPS, Comment: "익명"},
		} {
			f.At = t0.Add(time.Duration(i) * time.Minute)
			if err := tx.AddFeedback(&f); err != nil {
				return err
			}
		}
		return nil
	})
	of := func(sender string, limit int) (comments []string) {
		t.Helper()
		mustView(t, s, func(tx *Tx) error {
			fs, err := tx.FeedbackOfSender(sender, limit)
			for _, f := range fs {
				comments = append(comments, f.Comment)
			}
			return err
		})
		return comments
	}
	if got := of("telegram:1", 0); !slices.Equal(got, []string{"두 번째", "첫 번째"}) {
		t.Errorf("FeedbackOfSender(1) = %q", got)
	}
	if got := of("telegram:1", 1); !slices.Equal(got, []string{"두 번째"}) {
		t.Errorf("FeedbackOfSender(1, limit 1) = %q", got)
	}
	if got := of("", 0); len(got) != 0 {
		t.Errorf("FeedbackOfSender(\"\") = %q, want nothing: anonymous feedback is no one's", got)
	}
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.EraseSender("telegram:1"); return err })
	if got := of("telegram:1", 0); len(got) != 0 {
		t.Errorf("FeedbackOfSender after erasure = %q", got)
	}
	if got := of("telegram:2", 0); !slices.Equal(got, []string{"다른 사람"}) {
		t.Errorf("FeedbackOfSender(2) = %q", got)
	}
}

// TestThreadsOfSender: an unlinked sender's /mydata finds their questions,
// newest first and at most the limit, neither a customer's nor another
// sender's, and none once they are erased.
func TestThreadsOfSender(t *testing.T) {
	s := MustOpen(t)
	var minji string
	mustUpdate(t, s, func(tx *Tx) error {
		c := Customer{Name: "김민지", Phone: "01012345678", CreatedAt: t0}
		if err := tx.CreateCustomer(&c); err != nil {
			return err
		}
		minji = c.ID
		for i, th := range []Thread{
			{SenderID: "telegram:1"},
			{SenderID: "telegram:2"},
			{CustomerID: minji, SenderID: "telegram:1"}, // linked since: the customer's
			{SenderID: "telegram:1"},
		} {
			th.Kind, th.OpenedAt = ThreadQuestion, t0.Add(time.Duration(i)*time.Minute)
			if err := tx.OpenThread(&th, fmt.Sprint("질문 ", i)); err != nil {
				return err
			}
		}
		return nil
	})
	of := func(sender string, limit int) (numbers []int64) {
		t.Helper()
		mustView(t, s, func(tx *Tx) error {
			ths, err := tx.ThreadsOfSender(sender, limit)
			for _, th := range ths {
				numbers = append(numbers, th.Number)
			}
			return err
		})
		return numbers
	}
	if got := of("telegram:1", 0); !slices.Equal(got, []int64{4, 1}) {
		t.Errorf("ThreadsOfSender(1) = %v, want [4 1]", got)
	}
	if got := of("telegram:1", 1); !slices.Equal(got, []int64{4}) {
		t.Errorf("ThreadsOfSender(1, limit 1) = %v, want [4]", got)
	}
	if got := of("", 0); len(got) != 0 {
		t.Errorf("ThreadsOfSender(\"\") = %v, want nothing", got)
	}
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.EraseSender("telegram:1"); return err })
	if got := of("telegram:1", 0); len(got) != 0 {
		t.Errorf("ThreadsOfSender after erasure = %v, want nothing", got)
	}
	if got := of("telegram:2", 0); !slices.Equal(got, []int64{2}) {
		t.Errorf("ThreadsOfSender(2) = %v, want [2]", got)
	}
}
