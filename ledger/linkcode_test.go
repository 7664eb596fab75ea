package ledger

import (
	"errors"
	"testing"
	"time"
)

// spendCode runs UseLinkCode in a transaction that commits whatever it
// deleted, as dialog does when it says "invalid code" instead of failing.
func spendCode(t *testing.T, s *Store, code string, now time.Time) (string, error) {
	t.Helper()
	var got string
	var useErr error
	mustUpdate(t, s, func(tx *Tx) error {
		got, useErr = tx.UseLinkCode(code, now)
		return nil
	})
	return got, useErr
}

// TestLinkPair: the code and the token of one /link are used up together,
// whichever comes first, and both expire alike.
func TestLinkPair(t *testing.T) {
	const token = "Q2Z7LNW5MXRJ3KAHY4CUDTBV6E"
	expires := t0.Add(24 * time.Hour)
	tests := []struct {
		name        string
		first, then string
		at          time.Time
		wantFirst   error
	}{
		{"TokenThenCode", token, "482913", t0, nil},
		{"CodeThenToken", "482913", token, t0, nil},
		{"TokenLowerCase", "q2z7lnw5mxrj3kahy4cudtbv6e", "482913", t0, nil},
		{"ErrTokenExpired", token, "482913", expires, ErrInvalidCode},
		{"ErrTokenTwice", token, token, t0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			c := mustCustomer(t, s, "김민지", "010-1234-5678")
			mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkPair("482913", token, c.ID, expires) })
			got, err := spendCode(t, s, tt.first, tt.at)
			if !errors.Is(err, tt.wantFirst) || (err == nil && got != c.ID) {
				t.Fatalf("first use = %q, %v; want %s, %v", got, err, c.ID, tt.wantFirst)
			}
			if got, err := spendCode(t, s, tt.then, t0); !errors.Is(err, ErrInvalidCode) {
				t.Errorf("second use = %q, %v; want ErrInvalidCode", got, err)
			}
			mustView(t, s, func(tx *Tx) error {
				if n := tx.bucket(bucketLinkCodes).Stats().KeyN; n != 0 {
					t.Errorf("%d link codes left", n)
				}
				return nil
			})
		})
	}
	t.Run("RenewedCodeKeepsItsNewPair", func(t *testing.T) {
		// A second /link that drew the same 6 digits pairs them with a new
		// token; using the first token must not take the new pair's code.
		s := MustOpen(t)
		c := mustCustomer(t, s, "김민지", "010-1234-5678")
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkPair("482913", token, c.ID, expires) })
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkPair("482913", "NEWTOKEN234567ABCDEFGHIJKL", c.ID, expires) })
		if got, err := spendCode(t, s, "NEWTOKEN234567ABCDEFGHIJKL", t0); err != nil || got != c.ID {
			t.Fatalf("new token = %q, %v", got, err)
		}
		if _, err := spendCode(t, s, "482913", t0); !errors.Is(err, ErrInvalidCode) {
			t.Errorf("code after its new token: %v, want ErrInvalidCode", err)
		}
		if got, err := spendCode(t, s, token, t0); err != nil || got != c.ID {
			t.Errorf("old token = %q, %v; want it valid until it expires", got, err)
		}
	})
	t.Run("ErrHeldByAnother", func(t *testing.T) {
		s := MustOpen(t)
		c := mustCustomer(t, s, "김민지", "010-1234-5678")
		other := mustCustomer(t, s, "이서연", "010-2222-3333")
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkPair("482913", token, c.ID, expires) })
		for _, pair := range [][2]string{{"482913", "OTHERTOKEN"}, {"111111", token}, {"222222", "222222"}} {
			err := s.Update(t.Context(), func(tx *Tx) error { return tx.PutLinkPair(pair[0], pair[1], other.ID, expires) })
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("PutLinkPair(%q, %q) = %v, want ErrInvalid", pair[0], pair[1], err)
			}
		}
	})
	t.Run("ErasedWithTheCustomer", func(t *testing.T) {
		s := MustOpen(t)
		c := mustCustomer(t, s, "김민지", "010-1234-5678")
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkPair("482913", token, c.ID, expires) })
		mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(c.ID, t0) })
		if _, err := spendCode(t, s, token, t0); !errors.Is(err, ErrInvalidCode) {
			t.Errorf("token of an erased customer: %v", err)
		}
	})
	t.Run("Pruned", func(t *testing.T) {
		s := MustOpen(t)
		c := mustCustomer(t, s, "김민지", "010-1234-5678")
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkPair("482913", token, c.ID, expires) })
		mustUpdate(t, s, func(tx *Tx) error {
			if n, err := tx.PruneLinkCodes(expires); n != 2 || err != nil {
				t.Errorf("pruned %d, %v; want 2", n, err)
			}
			return nil
		})
	})
}

func TestBotName(t *testing.T) {
	s := MustOpen(t)
	mustView(t, s, func(tx *Tx) error {
		if n, err := tx.BotName(); n != "" || err != nil {
			t.Errorf("BotName of a new file = %q, %v", n, err)
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error { return tx.SetBotName(" @dangol_salon_bot ") })
	mustView(t, s, func(tx *Tx) error {
		if n, err := tx.BotName(); n != "dangol_salon_bot" || err != nil {
			t.Errorf("BotName = %q, %v", n, err)
		}
		return nil
	})
	if err := s.Update(t.Context(), func(tx *Tx) error { return tx.SetBotName("@") }); !errors.Is(err, ErrInvalid) {
		t.Errorf("SetBotName(@) = %v, want ErrInvalid", err)
	}
}
