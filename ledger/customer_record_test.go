package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"testing"
	"time"
)

// TestCustomerRecordTimes: a time read back from the binary form has the
// instant and the location JSON's RFC 3339 text gave it (UTC, Local, or a
// fixed zone with its offset), so nothing that reads a customer sees a
// difference.
func TestCustomerRecordTimes(t *testing.T) {
	for _, tc := range []struct {
		name string
		at   time.Time
	}{
		{"Zero", time.Time{}},
		{"Seoul", time.Date(2026, 3, 2, 10, 0, 0, 123456789, seoul)},
		{"UTC", time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)},
		{"Local", time.Date(2026, 3, 2, 1, 0, 0, 5, time.Local)},
		{"HalfHour", time.Date(2026, 7, 1, 0, 0, 0, 0, time.FixedZone("IST", 5*3600+1800))},
		{"West", time.Date(1999, 12, 31, 23, 59, 59, 0, time.FixedZone("", -8*3600))},
		{"Birthday", time.Date(1990, 5, 20, 0, 0, 0, 0, seoul)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, err := json.Marshal(tc.at)
			if err != nil {
				t.Fatal(err)
			}
			var want time.Time
			if err := json.Unmarshal(j, &want); err != nil {
				t.Fatal(err)
			}
			var e encoder
			e.time(tc.at)
			d := newDecoder(e.b)
			got := d.time()
			if d.err != nil {
				t.Fatal(d.err)
			}
			_, wantOff := want.Zone()
			_, gotOff := got.Zone()
			if !got.Equal(want) || got.Location().String() != want.Location().String() || gotOff != wantOff ||
				got.Format(time.RFC3339Nano) != want.Format(time.RFC3339Nano) {
				t.Errorf("binary %v (%s), JSON %v (%s)", got, got.Location(), want, want.Location())
			}
		})
	}
}

// TestCustomerRecordForms: a customer written now is stored in the binary
// form (clear and sealed parts), a record written as JSON by an earlier
// build still opens the same, and takes the binary form at its next write.
func TestCustomerRecordForms(t *testing.T) {
	s := MustOpen(t)
	c := Customer{Name: "김민지", Phone: "010-1234-5678", Birthday: time.Date(1990, 5, 20, 0, 0, 0, 0, seoul),
		Preferences: "따뜻한 물", Remarks: "두피 민감", Tags: []string{"vip", "펌"},
		Consent: Consent{Given: true, At: t0, Purpose: "loyalty+feedback"}, Lang: "ko", CreatedAt: t0}
	mustUpdate(t, s, func(tx *Tx) error { return tx.CreateCustomer(&c) })
	k, _ := custKeyOf(c.ID)

	var fresh Customer
	mustView(t, s, func(tx *Tx) error {
		v := tx.bucket(bucketCustomers).Get(k)
		if len(v) == 0 || v[0] != custRecordVersion {
			t.Fatalf("stored as %q, want the binary form", v)
		}
		var err error
		fresh, err = tx.Customer(c.ID)
		return err
	})
	if fresh.Name != c.Name || fresh.Phone != "01012345678" || !fresh.Birthday.Equal(c.Birthday) ||
		fresh.Preferences != c.Preferences || fresh.Remarks != c.Remarks || !reflect.DeepEqual(fresh.Tags, c.Tags) ||
		fresh.Consent.Purpose != c.Consent.Purpose || !fresh.Consent.At.Equal(t0) || !fresh.CreatedAt.Equal(t0) || fresh.Lang != "ko" {
		t.Fatalf("read back %+v", fresh)
	}

	// The record as an earlier build wrote it: JSON, the sealed part JSON.
	mustUpdate(t, s, func(tx *Tx) error {
		sec := customerSecrets{Name: fresh.Name, Phone: fresh.Phone, Birthday: fresh.Birthday,
			Preferences: fresh.Preferences, Remarks: fresh.Remarks, Tags: fresh.Tags}
		plain, err := json.Marshal(sec)
		if err != nil {
			return err
		}
		a, err := tx.custAEAD(k)
		if err != nil {
			return err
		}
		sc := storedCustomer{Consent: fresh.Consent, Lang: fresh.Lang, CreatedAt: fresh.CreatedAt}
		if sc.Sealed, err = sealRecord(a, bucketCustomers, k, plain); err != nil {
			return err
		}
		v, err := json.Marshal(sc)
		if err != nil {
			return err
		}
		return tx.bucket(bucketCustomers).Put(k, v)
	})
	mustView(t, s, func(tx *Tx) error {
		if v := tx.bucket(bucketCustomers).Get(k); len(v) == 0 || v[0] != '{' {
			t.Fatalf("the JSON record was not written: %q", v)
		}
		old, err := tx.Customer(c.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(old.Tags, fresh.Tags) || old.Name != fresh.Name || !old.Birthday.Equal(fresh.Birthday) ||
			old.Birthday.Location().String() != fresh.Birthday.Location().String() || !old.CreatedAt.Equal(fresh.CreatedAt) {
			t.Errorf("JSON record reads %+v, binary %+v", old, fresh)
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error {
		cu, err := tx.Customer(c.ID)
		if err != nil {
			return err
		}
		cu.Remarks = "두피 민감, 향 없는 제품"
		return tx.PutCustomer(cu)
	})
	mustView(t, s, func(tx *Tx) error {
		if v := tx.bucket(bucketCustomers).Get(k); len(v) == 0 || v[0] != custRecordVersion {
			t.Errorf("rewritten as %q, want the binary form", v)
		}
		cu, err := tx.Customer(c.ID)
		if err != nil || cu.Remarks != "두피 민감, 향 없는 제품" || cu.Name != "김민지" {
			t.Errorf("after the rewrite: %+v, %v", cu, err)
		}
		return nil
	})
}

// TestCustomerRecordCorrupt: a damaged record is reported as corrupt,
// never read as something else, and never panics.
func TestCustomerRecordCorrupt(t *testing.T) {
	good := encodeStoredCustomer(&storedCustomer{Consent: Consent{Given: true, At: t0, Purpose: "p"}, Lang: "ko",
		CreatedAt: t0, Sealed: []byte("sealed bytes")})
	sc, err := decodeStoredCustomer(good)
	if err != nil || !bytes.Equal(sc.Sealed, []byte("sealed bytes")) || !sc.Consent.Given || sc.Lang != "ko" {
		t.Fatalf("good record: %+v, %v", sc, err)
	}
	for _, tc := range []struct {
		name string
		v    []byte
	}{
		{"Empty", nil},
		{"Version", append([]byte{9}, good[1:]...)},
		{"Length", []byte{custRecordVersion, 0xff, 0xff, 0xff, 0xff, 0x0f}},
		{"Truncated", good[:5]},
		{"Flags", func() []byte { v := bytes.Clone(good); v[2] = 0x80; return v }()},
		{"JSON", []byte(`{"Consent":`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := decodeStoredCustomer(tc.v); !errors.Is(err, ErrCorrupt) {
				t.Errorf("err %v, want ErrCorrupt", err)
			}
		})
	}
	sec := encodeSecrets(&customerSecrets{Name: "김민지", Tags: []string{"a"}})
	for n := range len(sec) {
		if _, err := decodeSecrets(sec[:n]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("secrets cut at %d: err %v, want ErrCorrupt", n, err)
		}
	}
}

// FuzzCustomerRecord: any bytes decode to a record or an error, and a
// decoded record encodes to bytes that decode to it again.
func FuzzCustomerRecord(f *testing.F) {
	f.Add(encodeStoredCustomer(&storedCustomer{Consent: Consent{Given: true, At: t0}, CreatedAt: t0, Sealed: []byte{1, 2}}))
	f.Add([]byte(`{"Consent":{"Given":true}}`))
	f.Fuzz(func(t *testing.T, v []byte) {
		sc, err := decodeStoredCustomer(v)
		if err != nil {
			return
		}
		again, err := decodeStoredCustomer(encodeStoredCustomer(&sc))
		ac, c := again.Consent, sc.Consent
		if err != nil || !bytes.Equal(again.Sealed, sc.Sealed) || again.Lang != sc.Lang || !again.CreatedAt.Equal(sc.CreatedAt) ||
			!again.ErasedAt.Equal(sc.ErasedAt) || again.Erased != sc.Erased ||
			ac.Given != c.Given || ac.Declined != c.Declined || ac.Purpose != c.Purpose || !ac.At.Equal(c.At) {
			t.Fatalf("%+v -> %+v, %v", sc, again, err)
		}
	})
}

// TestTierMemo: a tier record read twice in one transaction is decoded
// once, and a change of it in the same transaction is what the next read
// sees.
func TestTierMemo(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.UpdateTier(c.ID, t0, seoul); err != nil {
			return err
		}
		st, err := tx.TierOf(c.ID, t0, seoul)
		if err != nil {
			return err
		}
		if !st.Stored || st.TierID != TierNew || st.Pinned {
			t.Errorf("first record: %+v", st.CustomerTier)
		}
		if _, err := tx.PinTier(c.ID, TierVIP, "slack:M1", t0.Add(time.Minute), seoul); err != nil {
			return err
		}
		st, err = tx.TierOf(c.ID, t0.Add(time.Minute), seoul)
		if err != nil {
			return err
		}
		if st.TierID != TierVIP || !st.Pinned {
			t.Errorf("after the pin in the same transaction: %+v", st.CustomerTier)
		}
		return nil
	})
}

// TestProfileForms: a profile is stored in the binary form and reads back
// whole; one written as JSON by an earlier build still reads; damaged
// bytes are corrupt.
func TestProfileForms(t *testing.T) {
	s := MustOpen(t)
	want := Profile{ID: "telegram:4242", Lang: "en", Consent: Consent{Given: true, At: t0, Purpose: "loyalty+feedback"},
		CustomerID: "C7", CodeMisses: 2, CodeMissAt: t0.Add(time.Minute)}
	mustUpdate(t, s, func(tx *Tx) error { return tx.PutProfile(want) })
	check := func(form string) {
		t.Helper()
		mustView(t, s, func(tx *Tx) error {
			got, err := tx.Profile(want.ID)
			if err != nil {
				return err
			}
			if got.ID != want.ID || got.Lang != want.Lang || got.CustomerID != want.CustomerID || got.CodeMisses != 2 ||
				!got.CodeMissAt.Equal(want.CodeMissAt) || got.Consent.Given != true || got.Consent.Purpose != want.Consent.Purpose ||
				!got.Consent.At.Equal(t0) {
				t.Errorf("%s profile reads %+v", form, got)
			}
			return nil
		})
	}
	mustView(t, s, func(tx *Tx) error {
		if v := tx.bucket(bucketProfiles).Get(tx.profileBlind(want.ID)); len(v) == 0 || v[0] != profileVersion {
			t.Errorf("stored as %q, want the binary form", v)
		}
		return nil
	})
	check("binary")
	mustUpdate(t, s, func(tx *Tx) error {
		p := want
		p.ID = ""
		v, err := json.Marshal(p)
		if err != nil {
			return err
		}
		return tx.bucket(bucketProfiles).Put(tx.profileBlind(want.ID), v)
	})
	check("json")
	for n := range len(encodeProfile(&want)) {
		if _, err := decodeProfile(encodeProfile(&want)[:n]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("profile cut at %d: err %v, want ErrCorrupt", n, err)
		}
	}
}

// TestSessionForms: a session is stored in the binary form and reads back
// whole (its draft too); one written as JSON by an earlier build still
// reads; damaged bytes are corrupt.
func TestSessionForms(t *testing.T) {
	s := MustOpen(t)
	want := Session{Key: "telegram:4242", Flow: "feedback", State: "ask_nps", Lang: "ko", Updated: t0,
		Draft: map[string]string{"rating": "5", "comment": "친절해요\n다음에 또", "empty": ""}}
	mustUpdate(t, s, func(tx *Tx) error { return tx.PutSession(want) })
	check := func(form string) {
		t.Helper()
		mustView(t, s, func(tx *Tx) error {
			got, ok, err := tx.Session(want.Key)
			if err != nil || !ok {
				t.Fatalf("%s session: %v %v", form, ok, err)
			}
			if got.Key != want.Key || got.Flow != want.Flow || got.State != want.State || got.Lang != want.Lang ||
				!got.Updated.Equal(want.Updated) || got.Expired != "" || !maps.Equal(got.Draft, want.Draft) {
				t.Errorf("%s session reads %+v", form, got)
			}
			return nil
		})
	}
	bk := func(tx *Tx) []byte { return tx.sessionBlind(want.Key) }
	mustView(t, s, func(tx *Tx) error {
		if v := tx.bucket(bucketSessions).Get(bk(tx)); len(v) == 0 || v[0] != sessionVersion {
			t.Errorf("stored as %q, want the binary form", v)
		}
		return nil
	})
	check("binary")
	mustUpdate(t, s, func(tx *Tx) error {
		plain, err := json.Marshal(sessionSecrets{Key: want.Key, Draft: want.Draft})
		if err != nil {
			return err
		}
		sealed, err := sealRecord(tx.kr.shop, bucketSessions, bk(tx), plain)
		if err != nil {
			return err
		}
		v, err := json.Marshal(storedSession{Flow: want.Flow, State: want.State, Lang: want.Lang, Updated: want.Updated, Sealed: sealed})
		if err != nil {
			return err
		}
		return tx.bucket(bucketSessions).Put(bk(tx), v)
	})
	check("json")
	// A stub an erasure left (Erased) reads back as one; a session of an
	// older build, without the mark, reads as none.
	stub := Session{Key: "slack:D9", State: "amount", Lang: "ko", Updated: t0, Expired: "note", Erased: true}
	mustUpdate(t, s, func(tx *Tx) error { return tx.PutSession(stub) })
	mustView(t, s, func(tx *Tx) error {
		got, ok, err := tx.Session(stub.Key)
		if err != nil || !ok || !got.Erased || got.Expired != "note" || got.State != "amount" || got.Flow != "" {
			t.Errorf("erased stub reads %+v %v %v", got, ok, err)
		}
		return nil
	})
	if ss, err := decodeStoredSession(encodeStoredSession(&storedSession{Flow: "f", Updated: t0})); err != nil || ss.Erased {
		t.Errorf("unmarked session decodes as %+v, %v", ss, err)
	}
	v := encodeStoredSession(&storedSession{Flow: "f", Updated: t0, Sealed: []byte("sealed")})
	for n := range len(v) - len("sealed") {
		if _, err := decodeStoredSession(v[:n]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("session cut at %d: err %v, want ErrCorrupt", n, err)
		}
	}
	sec := encodeSessionSecrets(&sessionSecrets{Key: "k", Draft: map[string]string{"a": "b"}})
	for n := range len(sec) {
		if _, err := decodeSessionSecrets(sec[:n]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("session secrets cut at %d: err %v, want ErrCorrupt", n, err)
		}
	}
}
