package main

import "testing"

// DANGOL_POINTS_CONFIRM_WON reads as won, with or without separators; unset
// leaves dialog's default (0 here).
func TestConfigPointsConfirmWon(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  int64
	}{
		{"", 0},
		{"500000", 500_000},
		{"1,500,000원", 1_500_000},
	} {
		t.Run(tt.value, func(t *testing.T) {
			cfg, err := validatedConfig(map[string]string{"DANGOL_POINTS_CONFIRM_WON": tt.value})
			if err != nil {
				t.Fatal(err)
			}
			if cfg.PointsConfirmWon != tt.want {
				t.Errorf("PointsConfirmWon = %d, want %d", cfg.PointsConfirmWon, tt.want)
			}
		})
	}
}
