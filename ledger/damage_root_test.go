package ledger

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestOpenDamagedRootAndSchema: a changed byte in the root page (a bucket
// name, an element's flags) or in the schema field is refused at Open as a
// damaged file (ErrDamaged), which the shop is told to restore, and the
// file is left as it was. A bucket renamed by one byte was created again,
// empty, and the file opened without its records; an element no longer
// marked a bucket failed with bbolt's "incompatible value"; a schema of
// 5898243 was "a newer schema", sending the shop to upgrade. A schema one
// above this build's is still a newer dangol's.
func TestOpenDamagedRootAndSchema(t *testing.T) {
	setSchema := func(n uint64) func(*testing.T, string) {
		return func(t *testing.T, path string) {
			untag(t, path, func(b *bolt.Tx) error {
				var v [8]byte
				binary.BigEndian.PutUint64(v[:], n)
				return b.Bucket(bucketMeta).Put(metaSchema, v[:])
			})
		}
	}
	for _, tt := range []struct {
		name   string
		damage func(*testing.T, string)
		want   error
	}{
		{"RenamedBucket", func(t *testing.T, path string) {
			untag(t, path, func(b *bolt.Tx) error {
				if _, err := b.CreateBucket([]byte("coupon_du?")); err != nil {
					return err
				}
				return b.DeleteBucket([]byte("coupon_due"))
			})
		}, ErrDamaged},
		{"NotABucket", func(t *testing.T, path string) { clearBucketFlag(t, path, "coupon_due") }, ErrDamaged},
		{"AbsurdSchema", setSchema(5898243), ErrDamaged},
		{"LowByteSchema", setSchema(3 ^ 0x5a), ErrDamaged},
		{"NoSchemaButSealed", func(t *testing.T, path string) {
			untag(t, path, func(b *bolt.Tx) error { return b.Bucket(bucketMeta).Delete(metaSchema) })
		}, ErrDamaged},
		{"NewerSchema", setSchema(SchemaVersion + 1), ErrNewerSchema},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path, _ := cacheFixture(t)
			tt.damage(t, path)
			before, _ := os.ReadFile(path)
			s, err := Open(path, &Options{Timeout: 100 * time.Millisecond, Key: testKey})
			if err == nil {
				s.Close()
			}
			if !errors.Is(err, tt.want) || (tt.want != ErrDamaged && errors.Is(err, ErrDamaged)) {
				t.Fatalf("Open: %v, want %v", err, tt.want)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
				t.Error("Open changed the damaged file")
			}
			if _, err := PlanMigration(path, 100*time.Millisecond); !errors.Is(err, tt.want) {
				t.Errorf("PlanMigration: %v, want %v", err, tt.want)
			}
		})
	}
}

// clearBucketFlag clears the bucket flag of the top-level element named
// name in the file at path, as a changed byte of the root page would.
func clearBucketFlag(t *testing.T, path, name string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const ps = 4096
	le := binary.LittleEndian
	for p := 2 * ps; p+ps <= len(b); p += ps {
		page := b[p : p+ps]
		if le.Uint16(page[8:]) != leafPage {
			continue
		}
		for i := range int(le.Uint16(page[10:])) {
			e := page[pageHeaderSize+i*elemSize:]
			pos, ksize := int(le.Uint32(e[4:])), int(le.Uint32(e[8:]))
			at := pageHeaderSize + i*elemSize + pos
			if le.Uint32(e)&bucketLeaf != 0 && at+ksize <= ps && string(page[at:at+ksize]) == name {
				le.PutUint32(e, 0)
				if err := os.WriteFile(path, b, 0o600); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
	}
	t.Fatalf("no bucket %s in a leaf page of %s", name, path)
}
