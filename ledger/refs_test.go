package ledger

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestThreadRefs(t *testing.T) {
	s := MustOpen(t)
	ctx := t.Context()
	get := func(platform, thread string) (string, bool) {
		t.Helper()
		ref, ok, err := s.ThreadRef(ctx, platform, thread)
		if err != nil {
			t.Fatal(err)
		}
		return ref, ok
	}
	by := func(platform, ref string) (string, bool) {
		t.Helper()
		th, ok, err := s.ThreadByRef(ctx, platform, ref)
		if err != nil {
			t.Fatal(err)
		}
		return th, ok
	}

	t.Run("Unknown", func(t *testing.T) {
		if ref, ok := get("slack", "12"); ok || ref != "" {
			t.Errorf("ThreadRef of an unknown thread = %q, %v", ref, ok)
		}
		if th, ok := by("slack", "C1:1700000000.000100"); ok || th != "" {
			t.Errorf("ThreadByRef of an unknown ref = %q, %v", th, ok)
		}
	})
	t.Run("OK", func(t *testing.T) {
		if err := s.SetThreadRef(ctx, "slack", "12", "C1:1700000000.000100"); err != nil {
			t.Fatal(err)
		}
		if ref, ok := get("slack", "12"); !ok || ref != "C1:1700000000.000100" {
			t.Errorf("ThreadRef = %q, %v", ref, ok)
		}
		if th, ok := by("slack", "C1:1700000000.000100"); !ok || th != "12" {
			t.Errorf("ThreadByRef = %q, %v", th, ok)
		}
		// Per platform: another platform knows nothing of it.
		if _, ok := get("teams", "12"); ok {
			t.Error("the ref leaked to another platform")
		}
		// Setting it again changes nothing.
		if err := s.SetThreadRef(ctx, "slack", "12", "C1:1700000000.000100"); err != nil {
			t.Fatal(err)
		}
		if th, ok := by("slack", "C1:1700000000.000100"); !ok || th != "12" {
			t.Errorf("ThreadByRef after setting again = %q, %v", th, ok)
		}
	})
	t.Run("Replaced", func(t *testing.T) {
		// The staff channel changed: the thread's new head replaces the old.
		if err := s.SetThreadRef(ctx, "slack", "12", "C2:1700000500.000100"); err != nil {
			t.Fatal(err)
		}
		if ref, _ := get("slack", "12"); ref != "C2:1700000500.000100" {
			t.Errorf("ThreadRef after replacing = %q", ref)
		}
		if th, ok := by("slack", "C1:1700000000.000100"); ok {
			t.Errorf("the old ref still names thread %q", th)
		}
		if th, ok := by("slack", "C2:1700000500.000100"); !ok || th != "12" {
			t.Errorf("ThreadByRef of the new ref = %q, %v", th, ok)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		long := string(make([]byte, maxRef+1))
		for _, c := range []struct{ name, platform, thread, ref string }{
			{"NoPlatform", "", "12", "C1:1"},
			{"NoThread", "slack", "", "C1:1"},
			{"NoRef", "slack", "12", ""},
			{"RefTooLong", "slack", "12", long},
		} {
			if err := s.SetThreadRef(ctx, c.platform, c.thread, c.ref); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: error %v, want ErrInvalid", c.name, err)
			}
		}
	})
	t.Run("SurvivesReopen", func(t *testing.T) {
		dir := t.TempDir()
		path, erased := filepath.Join(dir, "dangol.db"), filepath.Join(dir, "dangol.erased")
		open := func() *Store {
			s, err := Open(path, &Options{Key: testKey, ErasedKeys: erased})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		s1 := open()
		if err := s1.SetThreadRef(ctx, "slack", "3", "C1:1700000000.000300"); err != nil {
			t.Fatal(err)
		}
		if err := s1.Close(); err != nil {
			t.Fatal(err)
		}
		s2 := open()
		defer s2.Close()
		if th, ok, err := s2.ThreadByRef(ctx, "slack", "C1:1700000000.000300"); err != nil || !ok || th != "3" {
			t.Errorf("after a restart ThreadByRef = %q, %v, %v", th, ok, err)
		}
	})
}

func TestMarkEditNoticed(t *testing.T) {
	s := MustOpen(t)
	want := []bool{true, false, false}
	for i, w := range want {
		var first bool
		mustUpdate(t, s, func(tx *Tx) (err error) { first, err = tx.MarkEditNoticed(7); return err })
		if first != w {
			t.Errorf("call %d: first = %v, want %v", i+1, first, w)
		}
	}
	var other bool
	mustUpdate(t, s, func(tx *Tx) (err error) { other, err = tx.MarkEditNoticed(8); return err })
	if !other {
		t.Error("another thread's first notice was taken as said")
	}
}
