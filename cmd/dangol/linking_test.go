package main

import "testing"

// DANGOL_LINK_CODE_MISSES sets the bot-wide limit on wrong typed link codes
// an hour; unset leaves dialog's default (0 here), off turns it off (-1),
// anything else is refused naming the variable.
func TestConfigLinkCodeMisses(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  int
		err   bool
	}{
		{"", 0, false},
		{"50", 50, false},
		{" off ", -1, false},
		{"0", -1, false},
		{"OFF", -1, false},
		{"-3", 0, true},
		{"서른", 0, true},
	} {
		t.Run(tt.value, func(t *testing.T) {
			cfg, err := validatedConfig(map[string]string{"DANGOL_LINK_CODE_MISSES": tt.value})
			if tt.err {
				wantUsage(t, err, "linking.err.code_misses", map[string]any{"Value": tt.value})
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.LinkCodeMisses != tt.want {
				t.Errorf("LinkCodeMisses = %d, want %d", cfg.LinkCodeMisses, tt.want)
			}
		})
	}
}
