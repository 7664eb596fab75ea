package ledger

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// writeV1 writes a ledger of schema 1 at path, as the code before sealing
// stored it: customers (JSON), each with notesPer notes, one points entry
// and one feedback (the compact binary encoding, version 1, every value in
// the clear).
func writeV1(tb testing.TB, path string, customers, notesPer int) {
	tb.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	family := []rune("김이박최정강조윤장임")
	given := []rune("하늘민지서연지우도윤수아예준")
	seq := uint64(0)
	for start := 0; start < customers; start += 1000 {
		err := db.Update(func(btx *bolt.Tx) error {
			bs := map[string]*bolt.Bucket{}
			for _, name := range [][]byte{bucketMeta, bucketCustomers, bucketNotes, bucketCustNotes, bucketPoints, bucketFeedback} {
				b, err := btx.CreateBucketIfNotExists(name)
				if err != nil {
					return err
				}
				bs[string(name)] = b
			}
			for i := start; i < min(start+1000, customers); i++ {
				ck := custKey(uint64(i + 1))
				id := custIDOfKey(ck)
				at := t0.Add(time.Duration(i) * time.Minute)
				c := Customer{
					Name:  string([]rune{family[i%len(family)], given[i%len(given)], given[(i/7)%len(given)]}),
					Phone: fmt.Sprintf("010%08d", i), Remarks: "두피 민감, 따뜻한 물 선호", Tags: []string{"vip"},
					Consent: Consent{Given: true, At: at}, CreatedAt: at,
				}
				v, err := json.Marshal(c)
				if err != nil {
					return err
				}
				if err := bs[string(bucketCustomers)].Put(ck, v); err != nil {
					return err
				}
				put := func(bucket []byte, fields func(e *encoder)) error {
					seq++
					k := timeKey(at, seq)
					e := &encoder{}
					e.byte(legacyVersion)
					e.string(id)
					fields(e)
					if err := bs[string(bucket)].Put(k, e.b); err != nil {
						return err
					}
					if string(bucket) == string(bucketNotes) {
						return bs[string(bucketCustNotes)].Put(concat(ck, k), []byte{})
					}
					return nil
				}
				for j := range notesPer {
					err := put(bucketNotes, func(e *encoder) {
						e.string("slack:U1")
						e.string("민지")
						e.string(fmt.Sprintf("커트 상담 %d, 다음엔 펌을 하고 싶다고 하심", j))
						e.strings([]string{"커트"})
						e.varint(30000)
						e.byte(0)
					})
					if err != nil {
						return err
					}
				}
				err = put(bucketPoints, func(e *encoder) {
					e.byte(1) // earn
					e.varint(1500)
					e.varint(30000)
					e.string("slack:U1")
					e.string("커트 구매")
				})
				if err != nil {
					return err
				}
				err = put(bucketFeedback, func(e *encoder) {
					e.uvarint(5)
					e.varint(9)
					e.string("친절했어요")
					e.byte(0)
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// TestPlanMigration: what a migration would do, told reading only (the
// file byte for byte as it was), and the refusals.
func TestPlanMigration(t *testing.T) {
	held := MustOpen(t)
	newer := filepath.Join(t.TempDir(), "newer.db")
	writeSchema(t, newer, SchemaVersion+1)
	tests := []struct {
		name string
		path string
		want MigrationPlan // counts and schemas; sizes checked apart
		err  error
	}{
		{"Schema1", copyFixture(t), MigrationPlan{From: 1, To: SchemaVersion, Customers: 3, Notes: 3, Points: 4, Feedback: 4,
			Audit: 4, Sessions: 2, Profiles: 2, LinkCodes: 1}, nil},
		{"Schema2", copyV2(t), MigrationPlan{From: 2, To: 2, Customers: 3, Notes: 3, Points: 4, Feedback: 4,
			Audit: 4, Sessions: 2, Profiles: 2, LinkCodes: 1}, nil},
		{"NoFile", filepath.Join(t.TempDir(), "none.db"), MigrationPlan{}, fs.ErrNotExist},
		{"ErrLocked", held.Path(), MigrationPlan{}, ErrLocked},
		{"ErrNewerSchema", newer, MigrationPlan{}, ErrNewerSchema},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(tt.path)
			got, err := PlanMigration(tt.path, 50*time.Millisecond)
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("PlanMigration: %v, want %v", err, tt.err)
			}
			if after, _ := os.ReadFile(tt.path); !bytes.Equal(before, after) {
				t.Error("PlanMigration changed the file")
			}
			if err != nil {
				return
			}
			sizes := got
			got.Records, got.Size, got.EstimatedSize = 0, 0, 0
			if got != tt.want {
				t.Errorf("plan %+v\nwant %+v", got, tt.want)
			}
			if tt.want.From == 1 && (sizes.Size == 0 || sizes.EstimatedSize == 0 || sizes.Records < 16) {
				t.Errorf("plan of schema 1 without sizes: %+v", sizes)
			}
			if tt.want.From >= 2 && (sizes.Size != 0 || sizes.EstimatedSize != 0) {
				t.Errorf("plan with nothing to do has sizes: %+v", sizes)
			}
		})
	}
}

// writeSchema writes a bbolt file whose meta bucket says schema v.
func writeSchema(t *testing.T, path string, v uint64) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(btx *bolt.Tx) error {
		b, err := btx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		var s [8]byte
		binary.BigEndian.PutUint64(s[:], v)
		return b.Put(metaSchema, s[:])
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPlanMigration_Estimate: on generated files of schema 1, the plan's
// record count is the total the migration's progress reports (in order, to
// the end), and its estimate is within 15% of the space the migrated data
// fills.
func TestPlanMigration_Estimate(t *testing.T) {
	for _, n := range []struct{ customers, notes int }{{100, 3}, {1000, 5}, {300, 20}} {
		t.Run(fmt.Sprintf("%dx%d", n.customers, n.notes), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "v1.db")
			writeV1(t, path, n.customers, n.notes)
			plan, err := PlanMigration(path, 0)
			if err != nil {
				t.Fatal(err)
			}
			if want := n.customers * (2*n.notes + 3); plan.Records != want || plan.Customers != n.customers {
				t.Errorf("plan: %d records, %d customers; want %d, %d", plan.Records, plan.Customers, want, n.customers)
			}
			var calls [][2]int
			s, err := Open(path, &Options{Key: testKey, NoSync: true, Progress: func(done, total int) {
				calls = append(calls, [2]int{done, total})
			}})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if len(calls) < 2 || calls[0] != [2]int{0, plan.Records} || calls[len(calls)-1] != [2]int{plan.Records, plan.Records} {
				t.Errorf("progress calls start %v, end %v; want 0 and %d of %d", calls[0], calls[len(calls)-1], plan.Records, plan.Records)
			}
			for i := 1; i < len(calls); i++ {
				if calls[i][0] < calls[i-1][0] || calls[i][1] != plan.Records {
					t.Fatalf("progress went %v then %v", calls[i-1], calls[i])
				}
			}
			var used int64
			mustView(t, s, func(tx *Tx) error { used = tx.tx.Size(); return nil })
			if r := float64(plan.EstimatedSize) / float64(used); r < 0.85 || r > 1.15 {
				t.Errorf("estimated %d bytes, the migrated data fills %d (%.2f)", plan.EstimatedSize, used, r)
			}
		})
	}
}
