package ledger

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// spendCode runs UseLinkCode for codeUser in a transaction that commits
// whatever it deleted, as dialog does when it says "invalid code" instead
// of failing.
func spendCode(t *testing.T, s *Store, code string, now time.Time) (string, error) {
	t.Helper()
	return spendCodeBy(t, s, code, codeUser, now)
}

// codeUser is the platform id spendCode uses codes for.
const codeUser = "telegram:86420975"

func spendCodeBy(t *testing.T, s *Store, code, by string, now time.Time) (string, error) {
	t.Helper()
	var got string
	var useErr error
	mustUpdate(t, s, func(tx *Tx) error {
		got, useErr = tx.UseLinkCode(code, by, now)
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
		wantLeft    int // tombstones of the used pair; none once expired
	}{
		{"TokenThenCode", token, "482913", t0, nil, 2},
		{"CodeThenToken", "482913", token, t0, nil, 2},
		{"TokenLowerCase", "q2z7lnw5mxrj3kahy4cudtbv6e", "482913", t0, nil, 2},
		{"ErrTokenExpired", token, "482913", expires, ErrInvalidCode, 0},
		{"ErrTokenTwice", token, token, t0, nil, 2},
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
			got, err = spendCode(t, s, tt.then, t0)
			if !errors.Is(err, ErrInvalidCode) {
				t.Errorf("second use = %q, %v; want ErrInvalidCode", got, err)
			}
			// Used, the other half says so too; expired, it is only invalid.
			var used *UsedCodeError
			if errors.As(err, &used) != (tt.wantFirst == nil) {
				t.Errorf("second use = %v; want a UsedCodeError: %t", err, tt.wantFirst == nil)
			}
			mustView(t, s, func(tx *Tx) error {
				if n := tx.bucket(bucketLinkCodes).Stats().KeyN; n != tt.wantLeft {
					t.Errorf("%d link codes left, want %d", n, tt.wantLeft)
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

// TestCountLinkCodeMiss: wrong typed codes of everyone together, 3 per
// hour here. The miss that makes the limit within the hour pauses typed
// codes for an hour, and says so once; misses during the pause are not
// counted; misses older than the window no longer count; a reopened file
// keeps the pause.
func TestCountLinkCodeMiss(t *testing.T) {
	const limit, window = 3, time.Hour
	type miss struct {
		at          time.Duration // after t0
		wantStarted bool
	}
	tests := []struct {
		name       string
		misses     []miss
		at         time.Duration // when LinkCodesPaused is asked
		wantPaused bool
		wantUntil  time.Duration
	}{
		{"BelowLimit", []miss{{0, false}, {10 * time.Minute, false}}, 11 * time.Minute, false, 0},
		{"LimitPauses", []miss{{0, false}, {10 * time.Minute, false}, {20 * time.Minute, true}}, 79 * time.Minute, true, 80 * time.Minute},
		{"PauseEnds", []miss{{0, false}, {10 * time.Minute, false}, {20 * time.Minute, true}}, 80 * time.Minute, false, 0},
		{"MissesDuringPauseNotCounted", []miss{{0, false}, {1, false}, {2, true}, {time.Minute, false}, {2 * time.Minute, false}}, 59 * time.Minute, true, time.Hour + 2},
		{"AfterPauseCountsAfresh", []miss{{0, false}, {1, false}, {2, true}, {time.Hour + 2, false}, {time.Hour + 3, false}}, time.Hour + 4, false, 0},
		{"OldMissesExpire", []miss{{0, false}, {30 * time.Minute, false}, {61 * time.Minute, false}}, 62 * time.Minute, false, 0},
		{"SlidingWindow", []miss{{0, false}, {30 * time.Minute, false}, {61 * time.Minute, false}, {89 * time.Minute, true}}, 90 * time.Minute, true, 149 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			for i, m := range tt.misses {
				mustUpdate(t, s, func(tx *Tx) error {
					until, started, err := tx.CountLinkCodeMiss(t0.Add(m.at), limit, window)
					if err != nil {
						return err
					}
					if started != m.wantStarted || (started && !until.Equal(t0.Add(m.at+window))) {
						t.Errorf("miss %d at +%v: started %v until %v, want started %v", i, m.at, started, until, m.wantStarted)
					}
					return nil
				})
			}
			mustView(t, s, func(tx *Tx) error {
				until, paused := tx.LinkCodesPaused(t0.Add(tt.at))
				if paused != tt.wantPaused || (paused && !until.Equal(t0.Add(tt.wantUntil))) {
					t.Errorf("at +%v: paused %v until %v, want %v until +%v", tt.at, paused, until, tt.wantPaused, tt.wantUntil)
				}
				return nil
			})
		})
	}

	t.Run("ReopenKeepsPause", func(t *testing.T) {
		s := MustOpen(t)
		for i := range limit {
			mustUpdate(t, s, func(tx *Tx) error {
				_, _, err := tx.CountLinkCodeMiss(t0.Add(time.Duration(i)*time.Second), limit, window)
				return err
			})
		}
		path := s.Path()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s2, err := Open(path, &Options{Timeout: 100 * time.Millisecond, Key: testKey})
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		mustView(t, s2, func(tx *Tx) error {
			if until, paused := tx.LinkCodesPaused(t0.Add(30 * time.Minute)); !paused || !until.Equal(t0.Add(2*time.Second+window)) {
				t.Errorf("after reopening: paused %v until %v", paused, until)
			}
			return nil
		})
	})

	t.Run("Limits", func(t *testing.T) {
		s := MustOpen(t)
		mustUpdate(t, s, func(tx *Tx) error {
			for range 5 {
				if _, started, err := tx.CountLinkCodeMiss(t0, 0, window); err != nil || started {
					t.Errorf("limit 0: started %v, %v; want nothing counted", started, err)
				}
			}
			if _, paused := tx.LinkCodesPaused(t0); paused {
				t.Error("limit 0 paused codes")
			}
			if _, _, err := tx.CountLinkCodeMiss(t0, MaxCodeMissLimit+1, window); !errors.Is(err, ErrInvalid) {
				t.Errorf("limit %d: %v, want ErrInvalid", MaxCodeMissLimit+1, err)
			}
			if _, _, err := tx.CountLinkCodeMiss(t0, limit, 0); !errors.Is(err, ErrInvalid) {
				t.Errorf("window 0: %v, want ErrInvalid", err)
			}
			return nil
		})
	})
}

// TestUsedLinkCode: a used code (either half of a pair) stays until its
// expiry as a tombstone that tells the account that used it from another
// one, and is no code any more; it expires, is pruned and erased as codes
// are, a new /link may draw its code again, and it keeps the account's id
// nowhere in the file.
func TestUsedLinkCode(t *testing.T) {
	const (
		token = "Q2Z7LNW5MXRJ3KAHY4CUDTBV6E"
		other = "telegram:97531864"
	)
	expires := t0.Add(24 * time.Hour)
	// twoUsed is a store where codeUser linked 김민지 by the pair's token
	// and other linked 이서연 by 111111, both before expires.
	twoUsed := func(t *testing.T) (*Store, Customer, Customer) {
		s := MustOpen(t)
		c := mustCustomer(t, s, "김민지", "010-1234-5678")
		seo := mustCustomer(t, s, "이서연", "010-2222-3333")
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkPair("482913", token, c.ID, expires) })
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkCode("111111", seo.ID, expires) })
		spendCode(t, s, token, t0)
		spendCodeBy(t, s, "111111", other, t0)
		return s, c, seo
	}
	tests := []struct {
		name      string
		then      string // the code used again, after the token linked codeUser
		by        string
		at        time.Time
		wantYours bool
		wantUsed  bool // a UsedCodeError, else only ErrInvalidCode
	}{
		{"SameAccountSameHalf", token, codeUser, t0.Add(time.Minute), true, true},
		{"SameAccountOtherHalf", "482913", codeUser, t0.Add(time.Hour), true, true},
		{"OtherAccount", "482913", other, t0.Add(time.Hour), false, true},
		{"LastMomentOfTheWindow", "482913", other, expires.Add(-time.Nanosecond), false, true},
		{"ErrExpired", "482913", codeUser, expires, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			c := mustCustomer(t, s, "김민지", "010-1234-5678")
			mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkPair("482913", token, c.ID, expires) })
			if got, err := spendCode(t, s, token, t0); err != nil || got != c.ID {
				t.Fatalf("first use = %q, %v", got, err)
			}
			var peeked error
			mustView(t, s, func(tx *Tx) error {
				_, peeked = tx.PeekLinkCode(tt.then, tt.by, tt.at)
				return nil
			})
			got, err := spendCodeBy(t, s, tt.then, tt.by, tt.at)
			for what, err := range map[string]error{"peek": peeked, "use": err} {
				var used *UsedCodeError
				switch {
				case got != "" || !errors.Is(err, ErrInvalidCode):
					t.Errorf("%s again = %q, %v; want ErrInvalidCode", what, got, err)
				case errors.As(err, &used) != tt.wantUsed:
					t.Errorf("%s again = %v; want a UsedCodeError: %t", what, err, tt.wantUsed)
				case used != nil && (used.Yours != tt.wantYours || used.CustomerID != c.ID || !used.At.Equal(t0)):
					t.Errorf("%s again = %+v; want yours %t, customer %s, at %v", what, used, tt.wantYours, c.ID, t0)
				}
			}
		})
	}

	t.Run("PeekUsesNothing", func(t *testing.T) {
		s := MustOpen(t)
		c := mustCustomer(t, s, "김민지", "010-1234-5678")
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkPair("482913", token, c.ID, expires) })
		mustView(t, s, func(tx *Tx) error {
			for _, code := range []string{"482913", token} {
				if id, err := tx.PeekLinkCode(code, codeUser, t0); id != c.ID || err != nil {
					t.Errorf("PeekLinkCode(%s) = %q, %v; want %s", code, id, err, c.ID)
				}
			}
			if id, err := tx.PeekLinkCode("482913", codeUser, expires); id != "" || !errors.Is(err, ErrInvalidCode) {
				t.Errorf("PeekLinkCode at expiry = %q, %v; want ErrInvalidCode", id, err)
			}
			if _, err := tx.PeekLinkCode("999999", codeUser, t0); !errors.Is(err, ErrInvalidCode) {
				t.Errorf("PeekLinkCode of no code = %v", err)
			}
			return nil
		})
		if got, err := spendCode(t, s, "482913", t0); err != nil || got != c.ID {
			t.Errorf("the code after peeking = %q, %v", got, err)
		}
	})

	// An unlinked account's /forget (EraseSender) takes the tombstones
	// naming it (by their keyed hash), and only those: the code then reads
	// as unknown, not as used by it.
	t.Run("SenderErasureTakesItsTombstones", func(t *testing.T) {
		s, _, _ := twoUsed(t)
		mustUpdate(t, s, func(tx *Tx) error { _, err := tx.EraseSender(codeUser); return err })
		mustView(t, s, func(tx *Tx) error {
			for _, code := range []string{"482913", token} {
				var used *UsedCodeError
				if _, err := tx.PeekLinkCode(code, codeUser, t0.Add(time.Minute)); !errors.Is(err, ErrInvalidCode) || errors.As(err, &used) {
					t.Errorf("PeekLinkCode(%s) after the erasure = %v; want unknown, not used", code, err)
				}
			}
			var used *UsedCodeError
			if _, err := tx.PeekLinkCode("111111", other, t0.Add(time.Minute)); !errors.As(err, &used) || !used.Yours {
				t.Errorf("another account's tombstone after the erasure = %v; want it kept", err)
			}
			return nil
		})
	})

	// A code whose customer is gone is deleted when tried, as before
	// tombstones, with its other half.
	t.Run("ErasedCustomerCodeDeleted", func(t *testing.T) {
		s := MustOpen(t)
		c := mustCustomer(t, s, "김민지", "010-1234-5678")
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkPair("482913", token, c.ID, expires) })
		mustUpdate(t, s, func(tx *Tx) error {
			k := tx.linkCodeKey("482913")
			v := bytes.Clone(tx.get(bucketLinkCodes, k))
			copy(v[:8], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}) // no such customer
			return tx.bucket(bucketLinkCodes).Put(k, v)
		})
		if _, err := spendCode(t, s, "482913", t0); !errors.Is(err, ErrInvalidCode) {
			t.Fatalf("a code of no customer = %v, want ErrInvalidCode", err)
		}
		mustView(t, s, func(tx *Tx) error {
			for _, code := range []string{"482913", token} {
				if v := tx.get(bucketLinkCodes, tx.linkCodeKey(code)); v != nil {
					t.Errorf("code %s still stored after use of a customer-less code", code)
				}
			}
			return nil
		})
	})

	t.Run("ErrNobody", func(t *testing.T) {
		s := MustOpen(t)
		c := mustCustomer(t, s, "김민지", "010-1234-5678")
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkCode("482913", c.ID, expires) })
		if _, err := spendCodeBy(t, s, "482913", "", t0); !errors.Is(err, ErrInvalid) {
			t.Errorf("a code used by nobody = %v, want ErrInvalid", err)
		}
		if got, err := spendCode(t, s, "482913", t0); err != nil || got != c.ID {
			t.Errorf("the code after = %q, %v; want it still valid", got, err)
		}
	})

	t.Run("PrunedErasedAndDrawnAgain", func(t *testing.T) {
		s, c, seo := twoUsed(t)
		// A new /link, of the same customer or another, may draw a used
		// code again: it is then that customer's code.
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkCode("111111", seo.ID, expires.Add(time.Hour)) })
		if got, err := spendCode(t, s, "111111", t0); err != nil || got != seo.ID {
			t.Errorf("the same customer's new code = %q, %v", got, err)
		}
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkCode("777777", c.ID, expires) })
		spendCode(t, s, "777777", t0)
		mustUpdate(t, s, func(tx *Tx) error { return tx.PutLinkCode("777777", seo.ID, expires) })
		if got, err := spendCodeBy(t, s, "777777", other, t0); err != nil || got != seo.ID {
			t.Errorf("another customer's new code over a used one = %q, %v", got, err)
		}
		// Nothing names the accounts that used them (the note's clear tag
		// shows the search finds what is there).
		mustUpdate(t, s, func(tx *Tx) error {
			return tx.AddNote(&Note{CustomerID: seo.ID, StaffID: "slack:U1", At: t0, Text: "상담", Tags: []string{"커트"}})
		})
		assertNotInFile(t, s.Path(), codeUser, "86420975", other, "97531864")
		mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(c.ID, t0) })
		mustUpdate(t, s, func(tx *Tx) error {
			if n := tx.bucket(bucketLinkCodes).Stats().KeyN; n != 2 {
				t.Errorf("%d link codes after the erasure, want only 이서연's two", n)
			}
			if n, err := tx.PruneLinkCodes(expires.Add(time.Hour)); n != 2 || err != nil {
				t.Errorf("pruned %d, %v; want 이서연's tombstones", n, err)
			}
			return nil
		})
	})
}
