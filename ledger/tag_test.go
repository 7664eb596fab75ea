package ledger

import (
	"slices"
	"strings"
	"testing"
	"time"
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
// form read cleaned; the tag index finds them in any form.
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
		if !slices.Equal(c.Tags, []string{"VIP", "커트"}) {
			t.Errorf("customer tags = %q, want [VIP 커트]", c.Tags)
		}
		o, err := tx.Customer(old)
		if err != nil {
			return err
		}
		if !slices.Equal(o.Tags, []string{"VIP", "펌"}) {
			t.Errorf("old customer's tags read as %q, want [VIP 펌]", o.Tags)
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

func TestCleanTag(t *testing.T) {
	tests := []struct{ in, want string }{
		{"VIP", "VIP"},
		{"  #VIP ", "VIP"},
		{"#Perm", "Perm"},
		{"＃ＶＩＰ", "VIP"}, // full width, mark included
		{"ﾊﾟｰﾏ", "パーマ"}, // half-width katakana, one width
		{"뿌리  염색", "뿌리 염색"},
		{"\u1100\u1161", "가"},
		{"#", ""},
	}
	for _, tt := range tests {
		if got := CleanTag(tt.in); got != tt.want {
			t.Errorf("CleanTag(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := CleanTags([]string{"VIP", "#vip", "ＶＩＰ", "펌"}); !slices.Equal(got, []string{"VIP", "펌"}) {
		t.Errorf("CleanTags = %q, want [VIP 펌] (the first spelling)", got)
	}
	if !SameTag("VIP", "vip") || !SameTag("#Vip", "ＶＩＰ") || SameTag("VIP", "펌") {
		t.Error("SameTag does not compare keys")
	}
}

// TestTagSpelling: a tag keeps the spelling staff gave it ("#VIP" reads
// "VIP", on a customer and on a note, alone and in a scan) and is found in
// any case; a record stored lower case by an older dangol reads as stored
// and is found the same way; a new spelling replaces the old in the index
// as in the record.
func TestTagSpelling(t *testing.T) {
	s := MustOpen(t)
	var id, old, noteID string
	mustUpdate(t, s, func(tx *Tx) error {
		c := Customer{Name: "김하늘", Tags: []string{"#VIP"}, CreatedAt: t0}
		if err := tx.CreateCustomer(&c); err != nil {
			return err
		}
		id = c.ID
		o := Customer{Name: "박지훈", Tags: []string{"vip"}, CreatedAt: t0}
		if err := tx.CreateCustomer(&o); err != nil {
			return err
		}
		old = o.ID
		n := Note{CustomerID: id, StaffID: "slack:U1", At: t0, Text: "상담", Tags: []string{"#Perm", "perm"}}
		if err := tx.AddNote(&n); err != nil {
			return err
		}
		noteID = n.ID
		return nil
	})
	find := func(tx *Tx, tag string) []string {
		t.Helper()
		_, got, err := tx.ListCustomers(CustomerFilter{Tags: []string{tag}}, 0, 0)
		if err != nil {
			t.Fatalf("ListCustomers(%q): %v", tag, err)
		}
		return ids(got)
	}
	mustView(t, s, func(tx *Tx) error {
		c, err := tx.Customer(id)
		if err != nil {
			return err
		}
		if !slices.Equal(c.Tags, []string{"VIP"}) {
			t.Errorf("customer tags = %q, want [VIP]", c.Tags)
		}
		o, err := tx.Customer(old)
		if err != nil {
			return err
		}
		if !slices.Equal(o.Tags, []string{"vip"}) {
			t.Errorf("lower-case tags read as %q, want [vip] as stored", o.Tags)
		}
		ns, err := tx.NotesOf(id, 10)
		if err != nil {
			return err
		}
		if len(ns) != 1 || !slices.Equal(ns[0].Tags, []string{"Perm"}) {
			t.Errorf("note = %+v, want tags [Perm]", ns)
		}
		if err := tx.ScanNotes(t0, t0.Add(time.Hour), func(n Note) error {
			if !slices.Equal(n.Tags, []string{"Perm"}) {
				t.Errorf("scanned note tags = %q, want [Perm]", n.Tags)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, q := range []string{"vip", "Vip", "VIP", "#vip", "ｖｉｐ"} {
			if got := find(tx, q); !slices.Equal(got, []string{id, old}) {
				t.Errorf("ListCustomers(%q) = %v, want [%s %s]", q, got, id, old)
			}
		}
		for _, q := range []string{"perm", "PERM", "Perm"} {
			if got := find(tx, q); !slices.Equal(got, []string{id}) {
				t.Errorf("ListCustomers(%q) = %v, want [%s]", q, got, id)
			}
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error {
		o, err := tx.Customer(old)
		if err != nil {
			return err
		}
		o.Tags = []string{"VIP"}
		if err := tx.PutCustomer(o); err != nil {
			return err
		}
		_, err = tx.EditNote(noteID, "상담", []string{"PERM"})
		return err
	})
	mustView(t, s, func(tx *Tx) error {
		o, err := tx.Customer(old)
		if err != nil {
			return err
		}
		if !slices.Equal(o.Tags, []string{"VIP"}) {
			t.Errorf("re-spelt tags = %q, want [VIP]", o.Tags)
		}
		n, err := tx.Note(noteID)
		if err != nil {
			return err
		}
		if !slices.Equal(n.Tags, []string{"PERM"}) {
			t.Errorf("re-spelt note tags = %q, want [PERM]", n.Tags)
		}
		if got := find(tx, "vip"); !slices.Equal(got, []string{id, old}) {
			t.Errorf("after re-spelling, ListCustomers(vip) = %v, want [%s %s]", got, id, old)
		}
		if got := find(tx, "perm"); !slices.Equal(got, []string{id}) {
			t.Errorf("after re-spelling, ListCustomers(perm) = %v, want [%s]", got, id)
		}
		return nil
	})
}

// FuzzCleanTagsFastPath: the shortcuts for tags already clean never change
// what CleanTag and CleanTags return, and a tag's key is its clean
// spelling in lower case.
func FuzzCleanTagsFastPath(f *testing.F) {
	for _, s := range []string{"커트", "VIP", "#VIP", "VIP,vip", "vip,VIP", "Perm,perm,펌", " 펌 ", "두  단어", "ＶＩＰ", "ｶﾀｶﾅ", "ǅ,ǆ", "İ,i", "K,k", "e\u0301", "#e\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags := strings.Split(s, ",")
		var want []string
		seen := map[string]bool{}
		for _, tag := range tags {
			if got, want := CleanTag(tag), cleanTag(tag); got != want {
				t.Fatalf("CleanTag(%q) = %q, want %q", tag, got, want)
			}
			if got, want := NormalizeTag(tag), strings.ToLower(CleanTag(tag)); got != want {
				t.Fatalf("NormalizeTag(%q) = %q, want %q", tag, got, want)
			}
			c := cleanTag(tag)
			if k := normalizeTag(c); !seen[k] {
				seen[k] = true
				want = append(want, c)
			}
		}
		if got := CleanTags(tags); !slices.Equal(got, want) {
			t.Fatalf("CleanTags(%q) = %q, want %q", tags, got, want)
		}
	})
}
