package ledger

import (
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// listIDs lists the ids ListCustomers returns for f, and its count.
func listIDs(tb testing.TB, s *Store, f CustomerFilter, offset, limit int) (int, []string) {
	tb.Helper()
	var n int
	var ids []string
	mustView(tb, s, func(tx *Tx) error {
		var cs []Customer
		var err error
		n, cs, err = tx.ListCustomers(f, offset, limit)
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return err
	})
	return n, ids
}

func TestListCustomers(t *testing.T) {
	s := MustOpen(t)
	a := Customer{Name: "김하늘", Phone: "01011112222", CreatedAt: t0.AddDate(0, -6, 0), Tags: []string{"VIP"},
		Birthday: time.Date(1990, 3, 15, 0, 0, 0, 0, time.UTC), Consent: Consent{Given: true, At: t0}}
	b := Customer{Name: "박지훈", Phone: "01033334444", CreatedAt: t0.AddDate(0, 0, -10)}
	c := Customer{Name: "Anna Lee", Phone: "01055556666", CreatedAt: t0.AddDate(0, 0, -5), Tags: []string{"vip", "염색"}}
	mustUpdate(t, s, func(tx *Tx) error {
		for _, x := range []*Customer{&a, &b, &c} {
			if err := tx.CreateCustomer(x); err != nil {
				return err
			}
		}
		// b gets the tag 펌 from a note only; a visits 6 times.
		n := Note{CustomerID: b.ID, StaffID: "slack:U1", At: t0.AddDate(0, 0, -1), Text: "펌 상담", Tags: []string{"펌"}}
		if err := tx.AddNote(&n); err != nil {
			return err
		}
		for i := range 6 {
			if err := tx.RecordVisit(a.ID, t0.AddDate(0, 0, -7*(i+1))); err != nil {
				return err
			}
		}
		return nil
	})
	regular := func(v VisitStats) bool { return v.Visits >= 5 }
	tests := []struct {
		name string
		f    CustomerFilter
		want []string
	}{
		{"All", CustomerFilter{}, []string{a.ID, b.ID, c.ID}},
		{"OwnTagAnyCase", CustomerFilter{Tags: []string{"Vip"}}, []string{a.ID, c.ID}},
		{"NoteTag", CustomerFilter{Tags: []string{"#펌"}}, []string{b.ID}},
		{"TwoTags", CustomerFilter{Tags: []string{"vip", "염색"}}, []string{c.ID}},
		{"UnknownTag", CustomerFilter{Tags: []string{"없음"}}, nil},
		{"Visits", CustomerFilter{Visits: regular}, []string{a.ID}},
		{"TagAndVisits", CustomerFilter{Tags: []string{"vip"}, Visits: regular}, []string{a.ID}},
		{"BirthMonth", CustomerFilter{BirthMonth: time.March}, []string{a.ID}},
		{"OtherBirthMonth", CustomerFilter{BirthMonth: time.April}, nil},
		{"Created", CustomerFilter{CreatedFrom: t0.AddDate(0, 0, -30)}, []string{b.ID, c.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ids := listIDs(t, s, tt.f, 0, 0)
			if n != len(tt.want) || !slices.Equal(ids, tt.want) {
				t.Errorf("ListCustomers = %d %v, want %v", n, ids, tt.want)
			}
		})
	}
	t.Run("Page", func(t *testing.T) {
		n, ids := listIDs(t, s, CustomerFilter{}, 1, 1)
		if n != 3 || !slices.Equal(ids, []string{b.ID}) {
			t.Errorf("page = %d %v, want 3 [%s]", n, ids, b.ID)
		}
	})
	t.Run("TagRemoved", func(t *testing.T) {
		mustUpdate(t, s, func(tx *Tx) error {
			x, err := tx.Customer(c.ID)
			if err != nil {
				return err
			}
			x.Tags = []string{"염색"}
			return tx.PutCustomer(x)
		})
		if n, ids := listIDs(t, s, CustomerFilter{Tags: []string{"vip"}}, 0, 0); n != 1 || !slices.Equal(ids, []string{a.ID}) {
			t.Errorf("vip after removal = %d %v", n, ids)
		}
	})
	t.Run("ErasedLeaves", func(t *testing.T) {
		mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(b.ID, t0) })
		for _, f := range []CustomerFilter{{}, {Tags: []string{"펌"}}, {CreatedFrom: t0.AddDate(0, 0, -30)}} {
			_, ids := listIDs(t, s, f, 0, 0)
			if slices.Contains(ids, b.ID) {
				t.Errorf("erased %s listed for %+v", b.ID, f)
			}
		}
	})
}

// TestIndexesBuiltForOldFiles removes the new indexes and their flags, as a
// file written before them has it, and checks Open builds them again.
func TestIndexesBuiltForOldFiles(t *testing.T) {
	s := MustOpen(t)
	c := Customer{Name: "김하늘", Phone: "01011112222", CreatedAt: t0, Tags: []string{"VIP"}}
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.CreateCustomer(&c); err != nil {
			return err
		}
		n := Note{CustomerID: c.ID, StaffID: "slack:U1", At: t0, Text: "펌", Tags: []string{"펌"}}
		if err := tx.AddNote(&n); err != nil {
			return err
		}
		return tx.Audit(AuditEntry{At: t0, ActorID: "slack:U1", Action: "read", CustomerID: c.ID})
	})
	path := s.Path()
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketCustTags, bucketActorAudit} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Delete(metaTagIndex); err != nil {
			return err
		}
		return meta.Delete(metaActorIndex)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, &Options{Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tag := range []string{"vip", "펌"} {
		if n, _ := listIDs(t, s, CustomerFilter{Tags: []string{tag}}, 0, 0); n != 1 {
			t.Errorf("tag %s after rebuild: %d customers, want 1", tag, n)
		}
	}
	mustView(t, s, func(tx *Tx) error {
		as, err := tx.AuditBy("slack:U1", 0)
		if err != nil || len(as) != 1 {
			t.Errorf("AuditBy after rebuild = %v, %v", as, err)
		}
		return nil
	})
}

func TestAuditOfAndBy(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김하늘", "01011112222")
	b := mustCustomer(t, s, "박지훈", "01033334444")
	mustUpdate(t, s, func(tx *Tx) error {
		for i := range 30 {
			who, cust := "slack:U1", a.ID
			if i%3 == 0 {
				who, cust = "slack:U2", b.ID
			}
			e := AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), ActorID: who, Action: "read", CustomerID: cust, Detail: "card"}
			if err := tx.Audit(e); err != nil {
				return err
			}
		}
		return nil
	})
	mustView(t, s, func(tx *Tx) error {
		of, err := tx.AuditOf(a.ID, 20)
		if err != nil {
			return err
		}
		if len(of) != 20 || !of[0].At.Equal(t0.Add(29*time.Minute)) || of[0].ActorID != "slack:U1" || of[0].Detail != "card" {
			t.Errorf("AuditOf = %d entries, first %+v", len(of), of[0])
		}
		for i := 1; i < len(of); i++ {
			if of[i].At.After(of[i-1].At) || of[i].CustomerID != a.ID {
				t.Errorf("AuditOf[%d] = %+v out of order or of another customer", i, of[i])
			}
		}
		by, err := tx.AuditBy("slack:U2", 20)
		if err != nil {
			return err
		}
		if len(by) != 10 || by[0].CustomerID != b.ID || !by[0].At.Equal(t0.Add(27*time.Minute)) {
			t.Errorf("AuditBy = %d entries, first %+v", len(by), by)
		}
		if none, _ := tx.AuditBy("slack:U9", 20); len(none) != 0 {
			t.Errorf("AuditBy of nobody = %v", none)
		}
		return nil
	})
}

// TestNameIndexUnspaced: a file whose name index was written with spaces
// (before nameIndexKey) is rewritten once at Open, so its customers are
// found by their names typed without the spaces, and no spaced entry is
// left behind for a rename or erasure to miss.
func TestNameIndexUnspaced(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "박 서 준", "01055556666")
	b := mustCustomer(t, s, "Anna Lee", "01011112222")
	gone := mustCustomer(t, s, "정 하은", "01033334444")
	mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(gone.ID, t0) })
	// spaced is the name index entries as the build before wrote them.
	spaced := func(tx *Tx, name string) [][]byte {
		name = nameKey(name)
		out := [][]byte{tx.kr.blind("name=", name)}
		r := []rune(name)
		for n := 1; n < len(r) && n <= maxNameAffix; n++ {
			if p := r[:n]; p[n-1] != ' ' {
				out = append(out, tx.kr.blind("name<", string(p)))
			}
			if sfx := r[len(r)-n:]; sfx[0] != ' ' {
				out = append(out, tx.kr.blind("name>", string(sfx)))
			}
		}
		return out
	}
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.tx.DeleteBucket(bucketNames); err != nil {
			return err
		}
		names, err := tx.tx.CreateBucket(bucketNames)
		if err != nil {
			return err
		}
		for _, c := range []Customer{a, b} {
			k, _ := custKeyOf(c.ID)
			for _, bl := range spaced(tx, c.Name) {
				if err := names.Put(concat(bl, k), []byte{}); err != nil {
					return err
				}
			}
		}
		return tx.tx.Bucket(bucketMeta).Delete(metaNameIndex)
	})
	path := s.Path()
	s.Close()
	s, err := Open(path, &Options{Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for q, want := range map[string]string{"박서준": a.ID, "서준": a.ID, "박 서 준": a.ID, "anna lee": b.ID, "lee": b.ID, "정하은": ""} {
		mustView(t, s, func(tx *Tx) error {
			got, err := tx.FindCustomers(q, 0)
			if w := []string{want}; want == "" && len(got) != 0 || want != "" && !slices.Equal(ids(got), w) || err != nil {
				t.Errorf("FindCustomers(%q) after rebuild = %v, %v; want %q", q, ids(got), err, want)
			}
			return nil
		})
	}
	mustView(t, s, func(tx *Tx) error {
		n := tx.tx.Bucket(bucketNames).Stats().KeyN
		if want := len(tx.nameBlinds(a.Name)) + len(tx.nameBlinds(b.Name)); n != want {
			t.Errorf("name index holds %d entries, want %d (no spaced ones left)", n, want)
		}
		return nil
	})
}
