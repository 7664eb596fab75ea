package locales

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestCatalogsComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range Languages {
		for _, b := range Languages {
			for _, id := range c.IDs(a) {
				if !c.Has(b, id) {
					t.Errorf("message %q is in %s but not in %s", id, a, b)
				}
			}
		}
	}
}

func TestText(t *testing.T) {
	fsys := fstest.MapFS{
		"x.ko.toml": {Data: []byte("\"hi\" = \"안녕 {{.Name}}\"\n")},
		"x.en.toml": {Data: []byte("\"hi\" = \"hi {{.Name}}\"\n")},
	}
	c, err := LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ lang, id, want string }{
		{"ko", "hi", "안녕 민지"},
		{"en-US", "hi", "hi 민지"},
		{"", "hi", "안녕 민지"},
		{"en", "nope", "nope"},
	}
	for _, tt := range tests {
		if got := c.Text(tt.lang, tt.id, map[string]any{"Name": "민지"}); got != tt.want {
			t.Errorf("Text(%q, %q) = %q, want %q", tt.lang, tt.id, got, tt.want)
		}
	}
	if m := c.Missing(); len(m) != 1 || m[0] != "en:nope" {
		t.Errorf("Missing() = %v, want [en:nope]", m)
	}
}

func TestDuplicateIDRefused(t *testing.T) {
	fsys := fstest.MapFS{
		"a.ko.toml": {Data: []byte("\"hi\" = \"a\"\n")},
		"b.ko.toml": {Data: []byte("\"hi\" = \"b\"\n")},
	}
	if _, err := LoadFS(fsys); err == nil {
		t.Fatal("LoadFS accepted an id defined in two files")
	}
}

// TestEnglishPlurals: English counts of one read as one ("1 valid coupon",
// "a card of 1 stamp"); they read "1 valid coupons".
func TestEnglishPlurals(t *testing.T) {
	c := MustLoad()
	for _, tt := range []struct {
		id   string
		data map[string]any
		want string
	}{
		{"loyalty.card.coupons_title", map[string]any{"Count": 1}, "1 valid coupon"},
		{"loyalty.card.coupons_title", map[string]any{"Count": 2}, "2 valid coupons"},
		{"loyalty.mycoupons.head", map[string]any{"Count": 1}, "You have 1 valid coupon."},
		{"loyalty.notice.reward", map[string]any{"Stamps": 1}, "card of 1 stamp!"},
		{"loyalty.notice.reward", map[string]any{"Stamps": 10}, "card of 10 stamps!"},
		{"loyalty.program.stamps", map[string]any{"Goal": 1, "Days": 30}, "Stamps: 1 stamp earns"},
		{"loyalty.program.stamps", map[string]any{"Goal": 10, "Days": 30}, "Stamps: 10 stamps earn"},
	} {
		if got := c.Text("en", tt.id, tt.data); !strings.Contains(got, tt.want) {
			t.Errorf("%s %v = %q, want it to contain %q", tt.id, tt.data, got, tt.want)
		}
	}
}
