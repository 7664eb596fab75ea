package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// damagedFixture writes a ledger with enough records to span many pages and
// returns its bytes.
func damagedFixture(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "good.db")
	s, err := Open(path, &Options{Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *Tx) error {
		for i := range 300 {
			c := Customer{Name: fmt.Sprintf("고객%03d", i), Phone: fmt.Sprintf("0101234%04d", i), CreatedAt: t0, Remarks: string(bytes.Repeat([]byte("메모"), 40))}
			if err := tx.CreateCustomer(&c); err != nil {
				return err
			}
			n := Note{CustomerID: c.ID, StaffID: "slack:U1", At: t0.Add(time.Duration(i) * time.Second), Text: fmt.Sprintf("상담 %d 내용", i), Tags: []string{"커트"}}
			if err := tx.AddNote(&n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAll touches every record the way an export does.
func readAll(s *Store) error {
	far := t0.AddDate(10, 0, 0)
	return s.View(context.Background(), func(tx *Tx) error {
		return tx.ScanNewCustomers(t0.AddDate(-10, 0, 0), far, func(c Customer) error {
			_, err := tx.NotesOf(c.ID, 100)
			return err
		})
	})
}

// TestOpenDamaged: a truncated file, a zeroed page and flipped bytes either
// fail Open with ErrDamaged, naming the file and leaving it unchanged, or
// open and read without a panic. A fault here kills the test binary, so a
// pass also means none of them crashed.
func TestOpenDamaged(t *testing.T) {
	good := damagedFixture(t)
	const page = 4096
	rng := rand.New(rand.NewPCG(1, 2))
	type damage struct {
		name string
		b    []byte
	}
	var cases []damage
	for _, cut := range []int{0, 1, page / 2, page, 2*page + 17, 3 * page, len(good) / 3, len(good) / 2, len(good) - page, len(good) - 1} {
		if cut <= 0 || cut >= len(good) {
			continue
		}
		cases = append(cases, damage{fmt.Sprintf("Truncated%d", cut), bytes.Clone(good[:cut])})
	}
	for i := range 20 {
		b := bytes.Clone(good)
		p := 2*page + rng.IntN(len(b)-2*page) // past the meta pages, which bbolt checksums itself
		b[p] ^= byte(1 + rng.IntN(255))
		cases = append(cases, damage{fmt.Sprintf("Flipped%d@%d", i, p), b})
	}
	for i := 2; i < len(good)/page; i += max(1, len(good)/page/6) {
		b := bytes.Clone(good)
		clear(b[i*page : (i+1)*page])
		cases = append(cases, damage{fmt.Sprintf("ZeroedPage%d", i), b})
	}
	refused := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "dangol.db")
			if err := os.WriteFile(path, c.b, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, &Options{Key: testKey})
			if err != nil {
				if !errors.Is(err, ErrDamaged) {
					t.Fatalf("Open: %v, want ErrDamaged", err)
				}
				if !bytes.Contains([]byte(err.Error()), []byte(path)) {
					t.Errorf("error %q does not name the file", err)
				}
				after, _ := os.ReadFile(path)
				if !bytes.Equal(after, c.b) {
					t.Error("Open changed a damaged file")
				}
				refused++
				t.Logf("refused: %v", err)
				return
			}
			defer s.Close()
			// Accepted: the damage was in a value's bytes, which bbolt does
			// not checksum (sealing will). Reading must still not panic.
			_ = readAll(s)
		})
	}
	if refused == 0 {
		t.Error("no damaged file was refused")
	}
	t.Logf("%d of %d damaged files refused at Open", refused, len(cases))
}

// TestOpenNotLedger: a file with no bbolt header (a key file, a text file
// given by mistake) is refused as ErrDamaged and ErrNotLedger, and left as
// it was; a data file damaged past its header is not called "not a data
// file".
func TestOpenNotLedger(t *testing.T) {
	for name, data := range map[string][]byte{
		"KeyFile": []byte("c2VjcmV0LWtleS1vZi0zMi1ieXRlcy1sb25nLXgteA==\n"),
		"Text":    bytes.Repeat([]byte("not a ledger "), 1000),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.db")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path, &Options{Key: testKey})
			if !errors.Is(err, ErrDamaged) || !errors.Is(err, ErrNotLedger) {
				t.Errorf("Open: %v, want ErrDamaged and ErrNotLedger", err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
				t.Error("Open changed the file")
			}
		})
	}
	good := damagedFixture(t)
	b := bytes.Clone(good)
	clear(b[2*4096 : 3*4096])
	path := filepath.Join(t.TempDir(), "dangol.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, &Options{Key: testKey}); errors.Is(err, ErrNotLedger) {
		t.Errorf("a data file with a zeroed page: %v, want it called damaged, not another kind of file", err)
	}
}

// BenchmarkOpen measures Open, whose consistency check reads every page,
// on a ledger of 20,000 customers with five notes each.
func BenchmarkOpen(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.db")
	s, err := Open(path, &Options{NoSync: true, Key: testKey})
	if err != nil {
		b.Fatal(err)
	}
	for batch := range 20 {
		err := s.Update(context.Background(), func(tx *Tx) error {
			for i := range 1000 {
				n := batch*1000 + i
				c := Customer{Name: fmt.Sprintf("고객%05d", n), Phone: fmt.Sprintf("010%08d", n), CreatedAt: t0}
				if err := tx.CreateCustomer(&c); err != nil {
					return err
				}
				for j := range 5 {
					note := Note{CustomerID: c.ID, StaffID: "slack:U1", At: t0.Add(time.Duration(n*5+j) * time.Second), Text: "커트 상담, 다음엔 펌", Tags: []string{"커트"}}
					if err := tx.AddNote(&note); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		s, err := Open(path, &Options{Key: testKey})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
}

// TestCheckMetaReadsBolt: checkMeta reads the page size and high-water mark
// of a real file as bbolt wrote them, so a cut is caught before bbolt
// touches the pages (not by luck of a later check).
func TestCheckMetaReadsBolt(t *testing.T) {
	good := damagedFixture(t)
	dir := t.TempDir()
	for _, tt := range []struct {
		name    string
		b       []byte
		damaged bool
	}{
		{"Whole", good, false},
		{"CutInHalf", good[:len(good)/2], true},
		{"CutAfterMeta", good[:3*4096], true},
	} {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, tt.b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := checkMeta(path); errors.Is(err, ErrDamaged) != tt.damaged {
			t.Errorf("%s: checkMeta = %v, want damaged %v", tt.name, err, tt.damaged)
		}
	}
}
