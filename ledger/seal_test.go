package ledger

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestSeal(t *testing.T) {
	kr, err := newKeyring(testKey)
	if err != nil {
		t.Fatal(err)
	}
	other, err := newKeyring([]byte("another key, also 32 bytes long!"))
	if err != nil {
		t.Fatal(err)
	}
	ad := recordAD(bucketNotes, timeKey(t0, 1))
	sealed := seal(kr.shop, ad, []byte("펌 상담"))
	tests := []struct {
		name   string
		kr     *keyring
		ad     []byte
		sealed []byte
		ok     bool
	}{
		{"OK", kr, ad, sealed, true},
		{"ErrOtherRecord", kr, recordAD(bucketNotes, timeKey(t0, 2)), sealed, false},
		{"ErrOtherBucket", kr, recordAD(bucketFeedback, timeKey(t0, 1)), sealed, false},
		{"ErrOtherKey", other, ad, sealed, false},
		{"ErrFlippedByte", kr, ad, flip(sealed, len(sealed)/2), false},
		{"ErrVersion", kr, ad, flip(sealed, 0), false},
		{"ErrTruncated", kr, ad, sealed[:len(sealed)-1], false},
		{"ErrEmpty", kr, ad, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := unseal(tt.kr.shop, tt.ad, tt.sealed)
			if tt.ok {
				if err != nil || string(got) != "펌 상담" {
					t.Errorf("unseal = %q, %v", got, err)
				}
				return
			}
			if !errors.Is(err, errSealed) {
				t.Errorf("unseal = %q, %v; want errSealed", got, err)
			}
		})
	}
	if bytes.Equal(seal(kr.shop, ad, []byte("x")), seal(kr.shop, ad, []byte("x"))) {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
}

func flip(b []byte, i int) []byte {
	b = bytes.Clone(b)
	b[i] ^= 0x40
	return b
}

// FuzzUnseal feeds arbitrary bytes to the sealed-value decoder and the data
// key opener: corrupt input is an error, never a panic, and never opens.
func FuzzUnseal(f *testing.F) {
	kr, err := newKeyring(testKey)
	if err != nil {
		f.Fatal(err)
	}
	ad := recordAD(bucketNotes, timeKey(t0, 1))
	f.Add(seal(kr.shop, ad, []byte("hello")))
	stored, _, err := kr.newDataKey(bucketKeys, custKey(1))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(stored)
	f.Add([]byte{1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, v []byte) {
		if p, err := unseal(kr.shop, ad, v); err == nil && !bytes.Equal(p, []byte("hello")) {
			t.Errorf("forged value opened: %q", p)
		}
		kr.openDataKey(bucketKeys, custKey(2), v)
	})
}

// TestOpenKeys: Open without the file's key fails with a clear error and
// leaves the file byte for byte as it was.
func TestOpenKeys(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dangol.db")
	s, err := Open(path, &Options{Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	mustCustomer(t, s, "김하늘", "01012345678")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		key  []byte
		want error
	}{
		{"ErrNoKey", nil, ErrNoKey},
		{"ErrBadKey", testKey[:KeySize-3], ErrBadKey},
		{"ErrWrongKey", otherKey, ErrWrongKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(path, &Options{Key: tt.key})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open: %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Error("the file changed")
			}
		})
	}
	t.Run("ErrNoKeyCreatesNothing", func(t *testing.T) {
		p := filepath.Join(dir, "new.db")
		if _, err := Open(p, nil); !errors.Is(err, ErrNoKey) {
			t.Fatalf("Open: %v, want ErrNoKey", err)
		}
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a file was created: %v", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		s, err := Open(path, &Options{Key: testKey})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		mustView(t, s, func(tx *Tx) error {
			c, err := tx.CustomerByPhone("010-1234-5678")
			if err == nil && c.Name != "김하늘" {
				t.Errorf("name %q", c.Name)
			}
			return err
		})
	})
}

// TestGivenNameSearch: a given name, a family name, a Latin surname find
// the customer through the blind name index, as do prefixes.
func TestGivenNameSearch(t *testing.T) {
	s := MustOpen(t)
	haneul := mustCustomer(t, s, "김하늘", "01012345678")
	jane := mustCustomer(t, s, "Jane Park", "01098765432")
	doyun := mustCustomer(t, s, "이하늘", "")
	tests := []struct {
		query string
		want  []string
	}{
		{"하늘", []string{haneul.ID, doyun.ID}},
		{"늘", []string{haneul.ID, doyun.ID}},
		{"김하", []string{haneul.ID}},
		{"park", []string{jane.ID}},
		{"PARK", []string{jane.ID}},
		{"jane", []string{jane.ID}},
		{"jane p", []string{jane.ID}},
		{"ane p", nil}, // inside the name: not indexed
		{"하", nil},     // neither a prefix nor a suffix
	}
	for _, tt := range tests {
		var got []Customer
		mustView(t, s, func(tx *Tx) error {
			var err error
			got, err = tx.FindCustomers(tt.query, 0)
			return err
		})
		if g := ids(got); strings.Join(g, ",") != strings.Join(tt.want, ",") {
			t.Errorf("FindCustomers(%q) = %v, want %v", tt.query, g, tt.want)
		}
	}
	t.Run("RenameDropsOldEntries", func(t *testing.T) {
		mustUpdate(t, s, func(tx *Tx) error {
			c, err := tx.Customer(doyun.ID)
			if err != nil {
				return err
			}
			c.Name = "이도윤"
			return tx.PutCustomer(c)
		})
		mustView(t, s, func(tx *Tx) error {
			got, err := tx.FindCustomers("하늘", 0)
			if g := ids(got); err == nil && strings.Join(g, ",") != haneul.ID {
				t.Errorf("after rename: %v", g)
			}
			return err
		})
	})
}

// TestNothingPersonalInFile stores distinctive values in every personal
// field the ledger keeps and greps the file and a backup: none is there.
func TestNothingPersonalInFile(t *testing.T) {
	s := MustOpen(t)
	const (
		name, phone, pref, remark, tag = "Xanthippe Quorra", "01048151623", "pref-fennel-7781", "remark-osprey-1193", "tag-marzipan-5521"
		link, note, comment, sender    = "telegram:86420531", "note-gazebo-3321", "comment-walrus-6671", "telegram:97531864"
		anon, reason, actor, detail    = "comment-anon-lantern-2255", "reason-quince-4411", "telegram:12121991", "detail-zeppelin-8181"
		draft, sessKey, code           = "draft-cobalt-9919", "slack:CSECRET1:USECRET2", "SECRETCODE"
	)
	mustUpdate(t, s, func(tx *Tx) error {
		c := Customer{Name: name, Phone: phone, Preferences: pref, Remarks: remark, Tags: []string{tag},
			Birthday: t0.AddDate(-30, 0, 0), CreatedAt: t0}
		if err := tx.CreateCustomer(&c); err != nil {
			return err
		}
		if err := tx.LinkCustomer(c.ID, link, Consent{Given: true, At: t0}); err != nil {
			return err
		}
		if err := tx.AddNote(&Note{CustomerID: c.ID, StaffID: "slack:U1", At: t0, Text: note, Tags: []string{"커트"}}); err != nil {
			return err
		}
		if err := tx.AddFeedback(&Feedback{CustomerID: c.ID, At: t0, Rating: 2, NPS: 3, Comment: comment}); err != nil {
			return err
		}
		if err := tx.AddFeedback(&Feedback{SenderID: sender, At: t0, Rating: 1, NPS: NoNPS, Comment: anon}); err != nil {
			return err
		}
		if err := tx.AddPoints(&PointsEntry{CustomerID: c.ID, At: t0, Kind: PointsEarn, Points: 10, ActorID: actor, Reason: reason}); err != nil {
			return err
		}
		if err := tx.Audit(AuditEntry{At: t0, ActorID: actor, Action: "read", CustomerID: c.ID, Detail: detail}); err != nil {
			return err
		}
		if err := tx.Audit(AuditEntry{At: t0, ActorID: actor, Action: "staff", Detail: detail}); err != nil {
			return err
		}
		if err := tx.PutSession(Session{Key: sessKey, Flow: "note", Draft: map[string]string{"text": draft}, Updated: t0}); err != nil {
			return err
		}
		if err := tx.PutProfile(Profile{ID: sender, Lang: "en"}); err != nil {
			return err
		}
		return tx.PutLinkCode(code, c.ID, t0.Add(24*60*60e9))
	})
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := writeBackup(s, backup); err != nil {
		t.Fatal(err)
	}
	values := []string{name, "Xanthippe", "Quorra", phone, "48151623", "1623", pref, remark, tag, link, "86420531", note, comment,
		sender, "97531864", anon, reason, actor, "12121991", detail, draft, "CSECRET1", "USECRET2", code}
	for _, path := range []string{s.Path(), backup} {
		assertNotInFile(t, path, values...)
	}
	// And everything reads back.
	mustView(t, s, func(tx *Tx) error {
		c, err := tx.CustomerByLink(link)
		if err != nil {
			return err
		}
		if c.Name != name || c.Phone != phone || c.Remarks != remark || c.Tags[0] != tag {
			t.Errorf("customer reads %+v", c)
		}
		ss, ok, err := tx.Session(sessKey)
		if err != nil || !ok || ss.Draft["text"] != draft {
			t.Errorf("session %+v %v %v", ss, ok, err)
		}
		return nil
	})
	if err := s.Update(context.Background(), func(tx *Tx) error {
		id, err := tx.UseLinkCode(strings.ToLower(code), "telegram:1", t0)
		if err == nil && id != "C1" {
			t.Errorf("code links %s", id)
		}
		return err
	}); err != nil {
		t.Error(err)
	}
}

// TestScanClear: the scans for counting give every record's clear part
// and leave the sealed part closed; the full scans open it.
func TestScanClear(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "01012345678")
	mustUpdate(t, s, func(tx *Tx) error {
		return errors.Join(
			tx.AddNote(&Note{CustomerID: c.ID, StaffID: "slack:U1", StaffName: "민지", At: t0, Text: "펌 상담", Tags: []string{"펌"}, Amount: 5}),
			tx.AddPoints(&PointsEntry{CustomerID: c.ID, At: t0, Kind: PointsEarn, Points: 7, ActorID: "slack:U1", Reason: "구매"}),
			tx.AddFeedback(&Feedback{CustomerID: c.ID, At: t0, Rating: 2, NPS: 4, Comment: "늦었어요"}),
		)
	})
	from, to := t0.Add(-time.Hour), t0.Add(time.Hour)
	mustView(t, s, func(tx *Tx) error {
		var clear, full []string
		add := func(to *[]string, v ...any) { *to = append(*to, strings.TrimSuffix(fmt.Sprintln(v...), "\n")) }
		err := errors.Join(
			tx.ScanNotesClear(from, to, func(n Note) error {
				add(&clear, n.CustomerID, n.StaffName, n.Tags, n.Amount, "[", n.Text, "]")
				return nil
			}),
			tx.ScanNotes(from, to, func(n Note) error {
				add(&full, n.CustomerID, n.StaffName, n.Tags, n.Amount, "[", n.Text, "]")
				return nil
			}),
			tx.ScanPointsClear(from, to, func(p PointsEntry) error { add(&clear, p.Points, "[", p.ActorID, p.Reason, "]"); return nil }),
			tx.ScanPoints(from, to, func(p PointsEntry) error { add(&full, p.Points, "[", p.ActorID, p.Reason, "]"); return nil }),
			tx.ScanFeedbackClear(from, to, func(f Feedback) error { add(&clear, f.Rating, f.NPS, "[", f.Comment, "]"); return nil }),
			tx.ScanFeedback(from, to, func(f Feedback) error { add(&full, f.Rating, f.NPS, "[", f.Comment, "]"); return nil }),
			tx.ScanNewCustomersClear(from, to, func(c Customer) error { add(&clear, c.ID, "[", c.Name, "]"); return nil }),
			tx.ScanNewCustomers(from, to, func(c Customer) error { add(&full, c.ID, "[", c.Name, "]"); return nil }),
		)
		wantClear := "C1 민지 [펌] 5 [  ]|7 [   ]|2 4 [  ]|C1 [  ]"
		wantFull := "C1 민지 [펌] 5 [ 펌 상담 ]|7 [ slack:U1 구매 ]|2 4 [ 늦었어요 ]|C1 [ 김하늘 ]"
		if got := strings.Join(clear, "|"); got != wantClear {
			t.Errorf("clear scans:\n got %s\nwant %s", got, wantClear)
		}
		if got := strings.Join(full, "|"); got != wantFull {
			t.Errorf("full scans:\n got %s\nwant %s", got, wantFull)
		}
		return err
	})
}

// TestCheckKey: CheckKey tells a right key, a wrong one, a file not
// sealed yet and a sealed value changed on disk apart, writing nothing.
func TestCheckKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dangol.db")
	s, err := Open(path, &Options{Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	c := mustCustomer(t, s, "김하늘", "01012345678")
	mustUpdate(t, s, func(tx *Tx) error {
		return tx.AddNote(&Note{CustomerID: c.ID, StaffID: "slack:U1", At: t0, Text: "펌 상담", Tags: []string{"펌"}})
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(dir, "tampered.db")
	data, _ := os.ReadFile(path)
	os.WriteFile(tampered, data, 0o600)
	db, err := bolt.Open(tampered, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(btx *bolt.Tx) error {
		b := btx.Bucket(bucketNotes)
		k, v := b.Cursor().First()
		v = bytes.Clone(v)
		v[len(v)-1] ^= 1 // the last byte of the sealed text's tag
		return b.Put(bytes.Clone(k), v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	v1 := copyFixture(t)
	other, _ := NewKey()
	tests := []struct {
		name string
		path string
		key  []byte
		want error
	}{
		{"OK", path, testKey, nil},
		{"ErrWrongKey", path, other, ErrWrongKey},
		{"ErrBadKey", path, testKey[:5], ErrBadKey},
		{"ErrNotSealed", v1, testKey, ErrNotSealed},
		{"ErrDamaged", tampered, testKey, ErrDamaged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(tt.path)
			err := CheckKey(tt.path, tt.key)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("CheckKey = %v, want %v", err, tt.want)
			}
			if after, _ := os.ReadFile(tt.path); !bytes.Equal(before, after) {
				t.Error("CheckKey changed the file")
			}
		})
	}
}

// TestBlindReused checks that the pooled HMACs give what a fresh HMAC of
// the index key gives, for short, empty and long values, from goroutines at
// once (a reused HMAC not reset, or a buffer shared, would differ).
func TestBlindReused(t *testing.T) {
	kr, err := newKeyring(testKey)
	if err != nil {
		t.Fatal(err)
	}
	want := func(kind, value string) []byte {
		m := hmac.New(sha256.New, kr.index)
		m.Write([]byte(kind))
		m.Write([]byte{0})
		m.Write([]byte(value))
		return m.Sum(nil)[:blindSize]
	}
	values := []string{"", "01012345678", "김하늘", "하늘", strings.Repeat("긴 값 ", 400)}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				kind := []string{"phone", "name", "tag"}[(g+i)%3]
				v := values[(g*7+i)%len(values)]
				got := kr.blind(kind, v)
				if !bytes.Equal(got, want(kind, v)) {
					t.Errorf("blind(%q, %.10q) = %x, want %x", kind, v, got, want(kind, v))
					return
				}
				got[0] ^= 0xff // a caller may keep and change its copy
			}
		})
	}
	wg.Wait()
}
