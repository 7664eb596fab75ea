package locales

import (
	"fmt"
	"regexp"
	"testing"
	"testing/fstest"
)

// fieldRef finds the fields a message's template names.
var fieldRef = regexp.MustCompile(`\.([A-Z][A-Za-z0-9]*)`)

// TestCompiledMatchesGoI18n renders every message of every language with
// the compiled fast path and with go-i18n itself, with several kinds of
// data, and wants the same text: the fast path is an optimisation, never a
// change of wording.
func TestCompiledMatchesGoI18n(t *testing.T) {
	c := MustLoad()
	for _, lang := range Languages {
		for _, id := range c.IDs(lang) {
			src := c.msgs[lang][id].src
			var names []string
			for _, m := range fieldRef.FindAllStringSubmatch(src, -1) {
				names = append(names, m[1])
			}
			datas := map[string]any{
				"nil":     nil,
				"empty":   map[string]any{},
				"strings": fill(names, func(i int) any { return fmt.Sprintf("값%d", i) }),
				"ints":    fill(names, func(i int) any { return i }),
				"mixed":   fill(names, func(i int) any { return []any{"민지", int64(1200), 1, int32(7), 2.5, nil}[i%6] }),
				"partial": fill(names[:len(names)/2], func(i int) any { return "x" }),
				"strmap":  map[string]string{"Name": "민지", "N": "3"},
				"struct":  struct{ Name string }{"민지"},
			}
			for kind, data := range datas {
				got := c.Text(lang, id, data)
				want := c.localize(lang, id, data)
				if got != want {
					t.Errorf("%s %s with %s data: fast path %q, go-i18n %q", lang, id, kind, got, want)
				}
			}
		}
	}
	if m := c.Missing(); len(m) != 0 {
		t.Errorf("Missing() = %v, want none", m)
	}
}

func fill(names []string, v func(i int) any) map[string]any {
	m := map[string]any{}
	for i, n := range names {
		m[n] = v(i)
	}
	return m
}

// TestCompiledFallbacks covers what the fast path hands to go-i18n: a
// message missing in a language (Korean's text, recorded as missing), a
// plural form, and a template that fails.
func TestCompiledFallbacks(t *testing.T) {
	fsys := fstest.MapFS{
		"x.ko.toml": {Data: []byte("\"only_ko\" = \"한국어만 {{.N}}\"\n\"bad\" = \"{{if ne .N 1}}여러{{end}}\"\n")},
		"x.en.toml": {Data: []byte("\"bad\" = \"{{if ne .N 1}}many{{end}}\"\n[items]\none = \"{{.N}} item\"\nother = \"{{.N}} items\"\n")},
	}
	c, err := LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, lang, id string
		data           any
		want           string
	}{
		{"MissingInEnglish", "en", "only_ko", map[string]any{"N": 3}, "한국어만 3"},
		{"PluralForms", "en", "items", map[string]any{"N": 2}, "2 items"},
		{"FailingTemplate", "en", "bad", map[string]any{"N": "x"}, "bad"},
		{"IfTemplate", "ko", "bad", map[string]any{"N": 2}, "여러"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Text(tt.lang, tt.id, tt.data); got != tt.want {
				t.Errorf("Text(%q, %q) = %q, want %q", tt.lang, tt.id, got, tt.want)
			}
		})
	}
	if m := c.Missing(); len(m) != 1 || m[0] != "en:only_ko" {
		t.Errorf("Missing() = %v, want [en:only_ko]", m)
	}
}

// BenchmarkText is a reply's typical message: literal text and fields.
func BenchmarkText(b *testing.B) {
	c := MustLoad()
	data := map[string]any{"N": 5, "Line": "11/25 적립 +100P (커트)"}
	b.Run("Compiled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = c.Text("ko", "corrections.numbered", data)
		}
	})
	b.Run("GoI18n", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = c.localize("ko", "corrections.numbered", data)
		}
	})
}
