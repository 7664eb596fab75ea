package ledger

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// photoBytes is a recognisable picture: a JPEG's first bytes and a marker
// a raw-file search can look for.
func photoBytes(marker string, n int) []byte {
	b := append([]byte{0xff, 0xd8, 0xff, 0xe0}, marker...)
	return append(b, bytes.Repeat([]byte{0x5a}, max(n-len(b), 0))...)
}

func TestThreadPhotos(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "01012345678")
	th := Thread{Kind: ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:42", OpenedAt: t0}
	anon := Thread{Kind: ThreadQuestion, SenderID: "telegram:7", OpenedAt: t0}
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.OpenThread(&th, ""); err != nil { // a photo alone opens it
			return err
		}
		return tx.OpenThread(&anon, "가격이 궁금해요")
	})
	cases := []struct {
		name string
		p    ThreadPhoto
		n    int
		err  error
	}{
		{"OK", ThreadPhoto{Thread: th.Number, At: t0.Add(time.Minute), Mime: "image/jpeg", Bytes: photoBytes("PHOTO-ONE", 100)}, 1, nil},
		{"OKSecond", ThreadPhoto{Thread: th.Number, At: t0.Add(2 * time.Minute), Mime: "image/png", Bytes: photoBytes("PHOTO-TWO", 200)}, 2, nil},
		{"OKUnlinked", ThreadPhoto{Thread: anon.Number, At: t0.Add(time.Minute), Mime: "image/jpeg", Bytes: photoBytes("PHOTO-ANON", 50)}, 1, nil},
		{"ErrNotImage", ThreadPhoto{Thread: th.Number, At: t0, Mime: "audio/ogg", Bytes: []byte{1}}, 0, ErrInvalid},
		{"ErrEmpty", ThreadPhoto{Thread: th.Number, At: t0, Mime: "image/jpeg"}, 0, ErrInvalid},
		{"ErrTooLarge", ThreadPhoto{Thread: th.Number, At: t0, Mime: "image/jpeg", Bytes: make([]byte, MaxPhotoBytes+1)}, 0, ErrInvalid},
		{"ErrNoTime", ThreadPhoto{Thread: th.Number, Mime: "image/jpeg", Bytes: []byte{1}}, 0, ErrInvalid},
		{"ErrNoThread", ThreadPhoto{Thread: 99, At: t0, Mime: "image/jpeg", Bytes: []byte{1}}, 0, ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			err := s.Update(t.Context(), func(tx *Tx) error { _, err := tx.AddThreadPhoto(&p); return err })
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if err == nil && p.N != tc.n {
				t.Errorf("photo number %d, want %d", p.N, tc.n)
			}
		})
	}
	mustView(t, s, func(tx *Tx) error {
		got, err := tx.Thread(th.Number)
		if err != nil {
			return err
		}
		if !got.LastInAt.Equal(t0.Add(2 * time.Minute)) {
			t.Errorf("LastInAt %v, want the second photo's time", got.LastInAt)
		}
		clear, err := tx.ThreadPhotos(th.Number, false)
		if err != nil {
			return err
		}
		if len(clear) != 2 || clear[0].Bytes != nil || clear[1].Size != 200 || clear[1].FileName() != "photo-2.png" || clear[0].FileName() != "photo-1.jpg" {
			t.Errorf("photos without bytes %+v", clear)
		}
		full, err := tx.ThreadPhotos(th.Number, true)
		if err != nil {
			return err
		}
		if len(full) != 2 || !bytes.Equal(full[0].Bytes, photoBytes("PHOTO-ONE", 100)) || !full[1].At.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("photos with bytes: %d, first %d bytes", len(full), len(full[0].Bytes))
		}
		return nil
	})
	// Sealed: none of the markers is in the file.
	s.Close()
	data, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"PHOTO-ONE", "PHOTO-TWO", "PHOTO-ANON"} {
		if bytes.Contains(data, []byte(m)) {
			t.Errorf("the data file holds %s in the clear", m)
		}
	}
}

// TestThreadPhotos_Bounds: a thread keeps MaxThreadPhotos, and a photo
// reopens a thread closed within ReopenWindow as a message does.
func TestThreadPhotos_Bounds(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "01012345678")
	th := Thread{Kind: ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:42", OpenedAt: t0}
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.OpenThread(&th, "사진 보내요"); err != nil {
			return err
		}
		for i := range MaxThreadPhotos {
			if _, err := tx.AddThreadPhoto(&ThreadPhoto{Thread: th.Number, At: t0.Add(time.Duration(i) * time.Second), Mime: "image/jpeg", Bytes: []byte{byte(i)}}); err != nil {
				return err
			}
		}
		return nil
	})
	err := s.Update(t.Context(), func(tx *Tx) error {
		_, err := tx.AddThreadPhoto(&ThreadPhoto{Thread: th.Number, At: t0.Add(time.Hour), Mime: "image/jpeg", Bytes: []byte{1}})
		return err
	})
	if !errors.Is(err, ErrTooManyPhotos) {
		t.Fatalf("photo %d: %v, want ErrTooManyPhotos", MaxThreadPhotos+1, err)
	}

	other := Thread{Kind: ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:42", OpenedAt: t0}
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.OpenThread(&other, "또 질문"); err != nil {
			return err
		}
		_, err := tx.CloseThread(other.Number, "slack:U1", "", t0.Add(time.Hour))
		return err
	})
	var got Thread
	mustUpdate(t, s, func(tx *Tx) (err error) {
		got, err = tx.AddThreadPhoto(&ThreadPhoto{Thread: other.Number, At: t0.Add(2 * 24 * time.Hour), Mime: "image/jpeg", Bytes: []byte{1}})
		return err
	})
	if got.State != ThreadOpen || got.Reopened != 1 {
		t.Errorf("after a photo within the window: state %d reopened %d, want open once", got.State, got.Reopened)
	}
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.CloseThread(other.Number, "slack:U1", "", t0.Add(3*24*time.Hour))
		return err
	})
	err = s.Update(t.Context(), func(tx *Tx) error {
		_, err := tx.AddThreadPhoto(&ThreadPhoto{Thread: other.Number, At: t0.Add(11 * 24 * time.Hour), Mime: "image/jpeg", Bytes: []byte{1}})
		return err
	})
	if !errors.Is(err, ErrThreadClosed) {
		t.Errorf("photo after the window: %v, want ErrThreadClosed", err)
	}
}

// TestThreadPhotos_Erased: an erasure shreds the photos with the texts;
// their clear fields stay.
func TestThreadPhotos_Erased(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "01012345678")
	th := Thread{Kind: ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:42", OpenedAt: t0}
	anon := Thread{Kind: ThreadQuestion, SenderID: "telegram:7", OpenedAt: t0}
	mustUpdate(t, s, func(tx *Tx) error {
		for _, o := range []*Thread{&th, &anon} {
			if err := tx.OpenThread(o, "사진이요"); err != nil {
				return err
			}
			if _, err := tx.AddThreadPhoto(&ThreadPhoto{Thread: o.Number, At: t0, Mime: "image/jpeg", Bytes: []byte("secret")}); err != nil {
				return err
			}
		}
		if err := tx.EraseCustomer(c.ID, t0.Add(time.Hour)); err != nil {
			return err
		}
		_, err := tx.EraseSender("telegram:7")
		return err
	})
	mustView(t, s, func(tx *Tx) error {
		for _, n := range []int64{th.Number, anon.Number} {
			ps, err := tx.ThreadPhotos(n, true)
			if err != nil {
				return err
			}
			if len(ps) != 1 || ps[0].Bytes != nil || ps[0].Size != 6 {
				t.Errorf("thread %d after erasure: %+v, want one photo without bytes", n, ps)
			}
			_, err = tx.AddThreadPhoto(&ThreadPhoto{Thread: n, At: t0.Add(2 * time.Hour), Mime: "image/jpeg", Bytes: []byte{1}})
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "erased") {
				t.Errorf("thread %d: a photo after erasure: %v, want refused as erased", n, err)
			}
		}
		return nil
	})
}

func TestUnreachable(t *testing.T) {
	s := MustOpen(t)
	mustUpdate(t, s, func(tx *Tx) error {
		if fresh, err := tx.MarkUnreachable("telegram:42", t0); err != nil || !fresh {
			t.Errorf("first mark: %v %v, want new", fresh, err)
		}
		if fresh, err := tx.MarkUnreachable("telegram:42", t0.Add(time.Hour)); err != nil || fresh {
			t.Errorf("second mark: %v %v, want not new", fresh, err)
		}
		if _, err := tx.MarkUnreachable("", t0); !errors.Is(err, ErrInvalid) {
			t.Errorf("mark of no one: %v, want ErrInvalid", err)
		}
		return nil
	})
	mustView(t, s, func(tx *Tx) error {
		since, ok, err := tx.Unreachable("telegram:42")
		if err != nil || !ok || !since.Equal(t0) {
			t.Errorf("Unreachable = %v %v %v, want since the first refusal", since, ok, err)
		}
		if _, ok, _ := tx.Unreachable("telegram:43"); ok {
			t.Error("someone never refused is unreachable")
		}
		// Nothing to clear writes nothing: fine in a View.
		if was, err := tx.ClearUnreachable("telegram:43"); err != nil || was {
			t.Errorf("clear of someone reachable: %v %v", was, err)
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error {
		if was, err := tx.ClearUnreachable("telegram:42"); err != nil || !was {
			t.Errorf("clear: %v %v, want cleared", was, err)
		}
		_, ok, err := tx.Unreachable("telegram:42")
		if err != nil || ok {
			t.Errorf("after clearing: %v %v, want reachable", ok, err)
		}
		return nil
	})
	s.Close()
	data, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("telegram:42")) {
		t.Error("the data file holds the platform id in the clear")
	}
}
