package main

import "testing"

// DANGOL_SHOP_CONTACT, the contact every ad gives after the shop's name
// (정보통신망법 제50조④): unset is allowed (no ad goes out), a phone
// number, an address or an e-mail is kept as typed, and what would read as
// garbage in every ad's header is refused at start naming the variable.
func TestConfigShopContact(t *testing.T) {
	for _, tt := range []struct {
		value string
		bad   bool
	}{
		{"", false},
		{"02-123-4567", false},
		{"010 1234 5678", false},
		{"1588-1234", false},
		{"+82 2-123-4567", false},
		{"서울시 마포구 합정동 12-3", false},
		{"hello@salon.kr", false},
		{"abc", true},
		{"02-12", true},
		{"???", true},
		{"shop@local", true},
		{"12345678901234567", true},
		{"서울시\n마포구", true},
	} {
		t.Run(tt.value, func(t *testing.T) {
			cfg, err := validatedConfig(map[string]string{"DANGOL_SHOP_CONTACT": tt.value})
			if tt.bad {
				wantUsage(t, err, "ads.err.shop_contact", map[string]any{"Value": tt.value})
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.ShopContact != tt.value {
				t.Errorf("ShopContact = %q, want %q", cfg.ShopContact, tt.value)
			}
		})
	}
}
