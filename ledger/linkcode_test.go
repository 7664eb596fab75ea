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
