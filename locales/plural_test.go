package locales

import (
	"testing"
	"testing/fstest"
)

// TestPlural: plural picks the English form for one whatever the count's
// type or sign, the other form for any other count, and says the same on
// the fast path and through go-i18n.
func TestPlural(t *testing.T) {
	fsys := fstest.MapFS{
		"x.en.toml": {Data: []byte("\"pts\" = \"{{.N}} {{plural .N `point` `points`}}\"\n\"mixed\" = \"{{.Name}} has {{.N}} {{plural .N \\\"visit\\\" \\\"visits\\\"}}\"\n")},
	}
	c, err := LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if c.msgs["en"]["pts"].parts == nil {
		t.Errorf("a plural message takes the slow path: %+v", c.msgs["en"]["pts"])
	}
	for _, tt := range []struct {
		id   string
		data any
		want string
	}{
		{"pts", map[string]any{"N": "1"}, "1 point"},
		{"pts", map[string]any{"N": "-1"}, "-1 point"},
		{"pts", map[string]any{"N": "+1"}, "+1 point"},
		{"pts", map[string]any{"N": 1}, "1 point"},
		{"pts", map[string]any{"N": int64(-1)}, "-1 point"},
		{"pts", map[string]any{"N": int32(1)}, "1 point"},
		{"pts", map[string]any{"N": "0"}, "0 points"},
		{"pts", map[string]any{"N": "11"}, "11 points"},
		{"pts", map[string]any{"N": "1,001"}, "1,001 points"},
		{"pts", map[string]any{"N": 21}, "21 points"},
		{"pts", map[string]any{"N": 1.5}, "1.5 points"},
		{"pts", map[string]any{}, "<no value> points"},
		{"mixed", map[string]any{"Name": "Jane", "N": 1}, "Jane has 1 visit"},
		{"mixed", struct{ Name, N string }{"Jane", "3"}, "Jane has 3 visits"},
	} {
		got, slow := c.Text("en", tt.id, tt.data), c.localize("en", tt.id, tt.data)
		if got != tt.want || slow != tt.want {
			t.Errorf("%s %v = %q (go-i18n %q), want %q", tt.id, tt.data, got, slow, tt.want)
		}
	}
}
