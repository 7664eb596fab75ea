package ledger

import (
	"slices"
	"strings"
	"testing"
)

func TestNormalizeTag(t *testing.T) {
	tests := []struct{ in, want string }{
		{"VIP", "vip"},
		{"  #VIP ", "vip"},
		{"＃ＶＩＰ", "vip"}, // full width, mark included
		{"ﾊﾟｰﾏ", "パーマ"}, // half-width katakana, one width
		{"##펌", "펌"},
		{"뿌리  염색", "뿌리 염색"},
		{"\u1100\u1161", "가"}, // decomposed jamo compose
		{"ㅋㅋ", "ㅋㅋ"},          // compatibility jamo stay (NFKC would not keep them)
		{"ﾡ", "ㄱ"},            // half-width jamo
		{"#", ""},
		{" ", ""},
	}
	for _, tt := range tests {
		if got := NormalizeTag(tt.in); got != tt.want {
			t.Errorf("NormalizeTag(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := NormalizeTags([]string{"VIP", "#vip", "ＶＩＰ", "펌"}); !slices.Equal(got, []string{"vip", "펌"}) {
		t.Errorf("NormalizeTags = %q, want [vip 펌]", got)
	}
	if got := NormalizeTags(nil); got != nil {
		t.Errorf("NormalizeTags(nil) = %q, want nil", got)
	}
}

// TestTagsOneForm: a customer's and a note's tags are kept in the one form
// whatever path wrote them, and tags stored before the ledger owned the
// form read normalized; the tag index finds them in any form.
func TestTagsOneForm(t *testing.T) {
	s := MustOpen(t)
	var id, old string
	mustUpdate(t, s, func(tx *Tx) error {
		c := Customer{Name: "김하늘", Tags: []string{"#VIP", "커트", "ｖｉｐ"}, CreatedAt: t0}
		if err := tx.CreateCustomer(&c); err != nil {
			return err
		}
		id = c.ID
		// A record as an older dangol wrote it: tags as typed.
		o := Customer{Name: "박지훈", CreatedAt: t0}
		if err := tx.CreateCustomer(&o); err != nil {
			return err
		}
		old = o.ID
		k, _ := custKeyOf(o.ID)
		o.Tags = []string{"#VIP", " 펌 "}
		if err := tx.putCustomer(k, &o); err != nil {
			return err
		}
		return tx.AddNote(&Note{CustomerID: id, StaffID: "slack:U1", At: t0, Text: "상담", Tags: []string{"＃염색", "염색"}})
	})
	mustView(t, s, func(tx *Tx) error {
		c, err := tx.Customer(id)
		if err != nil {
			return err
		}
		if !slices.Equal(c.Tags, []string{"vip", "커트"}) {
			t.Errorf("customer tags = %q, want [vip 커트]", c.Tags)
		}
		o, err := tx.Customer(old)
		if err != nil {
			return err
		}
		if !slices.Equal(o.Tags, []string{"vip", "펌"}) {
			t.Errorf("old customer's tags read as %q, want [vip 펌]", o.Tags)
		}
		ns, err := tx.NotesOf(id, 10)
		if err != nil {
			return err
		}
		if len(ns) != 1 || !slices.Equal(ns[0].Tags, []string{"염색"}) {
			t.Errorf("note tags = %v", ns)
		}
		_, got, err := tx.ListCustomers(CustomerFilter{Tags: []string{"#Vip"}}, 0, 0)
		if err != nil {
			return err
		}
		if !slices.Equal(ids(got), []string{id}) {
			t.Errorf("ListCustomers(#Vip) = %v, want [%s] (the old record was written around the index)", ids(got), id)
		}
		if _, got, _ := tx.ListCustomers(CustomerFilter{Tags: []string{"ＥＸＴＲＡ"}}, 0, 0); len(got) != 0 {
			t.Errorf("ListCustomers(ＥＸＴＲＡ) = %v", ids(got))
		}
		return nil
	})
}

// FuzzNormalizeTagsFastPath: the shortcut for tags already in form never
// changes what NormalizeTags returns.
func FuzzNormalizeTagsFastPath(f *testing.F) {
	for _, s := range []string{"커트", "vip", "VIP", "#펌", " 펌 ", "두 단어", "두  단어", "ＶＩＰ", "ｶﾀｶﾅ", "ㅋㅋ", "크", "ǅ", "a\u3000b", "é", "e\u0301", "커트,커트", "펌,#펌"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags := strings.Split(s, ",")
		var want []string
		seen := map[string]bool{}
		for _, tag := range tags {
			n := NormalizeTag(tag)
			if !seen[n] {
				seen[n] = true
				want = append(want, n)
			}
		}
		if got := NormalizeTags(tags); !slices.Equal(got, want) {
			t.Fatalf("NormalizeTags(%q) = %q, want %q", tags, got, want)
		}
	})
}

// FuzzNormalizeTagShortcut: the shortcut for a tag in form after its '#'
// never changes what NormalizeTag returns.
func FuzzNormalizeTagShortcut(f *testing.F) {
	for _, s := range []string{"#염색", "##펌", "#VIP", "# 펌", "#펌 ", "#", "#ＶＩＰ", "#e\u0301", "#\u0301", "#ǅ", "#두 단어", "#두  단어", "염색"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := NormalizeTag(s), normalizeTag(s); got != want {
			t.Fatalf("NormalizeTag(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestNormalizeTagsCopies: the result never shares the caller's array, so
// editing one leaves the other as it was (a customer edit keeps the tags
// from before to show before → after).
func TestNormalizeTagsCopies(t *testing.T) {
	in := []string{"vip", "커트"}
	out := NormalizeTags(in)
	out[1] = "펌"
	if in[1] != "커트" {
		t.Errorf("editing NormalizeTags' result changed its argument: %q", in)
	}
}
