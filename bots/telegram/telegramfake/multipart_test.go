package telegramfake

import (
	"bytes"
	"maps"
	"mime/multipart"
	"testing"
)

// TestSplitMultipart: the hand split reads every body multipart.Writer
// makes as mime/multipart does, and leaves to it (changing nothing) every
// body it does not take.
func TestSplitMultipart(t *testing.T) {
	type field struct{ name, value, file string }
	for _, tc := range []struct {
		name   string
		fields []field
		split  bool // the hand split takes it
	}{
		{"Send", []field{{"chat_id", "4242", ""}, {"text", "안녕하세요!\r\n--줄바꿈\r\n", ""},
			{"reply_markup", `{"inline_keyboard":[[{"text":"⭐","callback_data":"fb:5"}]]}`, ""}}, true},
		{"Empty", nil, true},
		{"EmptyValue", []field{{"caption", "", ""}}, true},
		{"File", []field{{"chat_id", "7", ""}, {"photo", "\x89PNG\r\n\x1a\n", "chart.png"}}, true},
		{"QuotedName", []field{{`we"ird`, "x", ""}}, false},
		{"PathFile", []field{{"photo", "png", "dir/chart.png"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			for _, f := range tc.fields {
				var err error
				if f.file != "" {
					w, werr := mw.CreateFormFile(f.name, f.file)
					if werr == nil {
						_, err = w.Write([]byte(f.value))
					} else {
						err = werr
					}
				} else {
					err = mw.WriteField(f.name, f.value)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if len(tc.fields) > 0 {
				if err := mw.Close(); err != nil {
					t.Fatal(err)
				}
			}
			newCall := func() Call {
				return Call{Fields: map[string]string{}, Files: map[string]int{}, FileNames: map[string]string{}}
			}
			want := newCall()
			if err := readMultipartParts(&want, bytes.NewReader(body.Bytes()), mw.Boundary()); err != nil {
				t.Fatal(err)
			}
			got := newCall()
			if ok := splitMultipart(&got, body.Bytes(), mw.Boundary()); ok != tc.split {
				t.Fatalf("split took it: %v, want %v", ok, tc.split)
			}
			if !tc.split {
				if len(got.Fields)+len(got.Files) != 0 {
					t.Errorf("a body left to mime/multipart was half read: %+v", got)
				}
			}
			// The body's length unknown (read to its end) or given (read
			// in one buffer of that size): the same call.
			for _, size := range []int64{-1, int64(body.Len())} {
				got := newCall()
				if err := readMultipart(&got, bytes.NewReader(body.Bytes()), size, mw.Boundary()); err != nil {
					t.Fatal(err)
				}
				if !maps.Equal(got.Fields, want.Fields) || !maps.Equal(got.Files, want.Files) || !maps.Equal(got.FileNames, want.FileNames) {
					t.Errorf("readMultipart (size %d) %+v, mime/multipart %+v", size, got, want)
				}
			}
		})
	}
}
