package telegram

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"mime/multipart"
	"slices"
	"strings"
	"testing"
)

// TestDropTaken checks what a getUpdates ahead hands the library: only
// the updates above the highest taken, the answer unchanged when all are
// new or it cannot be read.
func TestDropTaken(t *testing.T) {
	tests := []struct {
		name, raw string
		known     int64
		want      string
		fresh     bool
	}{
		{"AllNew", `{"ok":true,"result":[{"update_id":5,"message":{"text":"a"}},{"update_id":6}]}`, 4,
			`{"ok":true,"result":[{"update_id":5,"message":{"text":"a"}},{"update_id":6}]}`, true},
		{"AllTaken", `{"ok":true,"result":[{"update_id":5},{"update_id":6,"message":{"text":"b"}}]}`, 6,
			`{"ok":true,"result":[]}`, false},
		{"SomeTaken", `{"ok":true,"result":[{"update_id":5,"message":{"text":"a, \"]}"}},{"update_id":7,"callback_query":{"id":"x"}}]}`, 6,
			`{"ok":true,"result":[{"update_id":7,"callback_query":{"id":"x"}}]}`, true},
		{"Empty", `{"ok":true,"result":[]}`, 3, `{"ok":true,"result":[]}`, false},
		{"Error", `{"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":1}}`, 3,
			`{"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":1}}`, false},
		{"Unreadable", `<html>bad gateway</html>`, 3, `<html>bad gateway</html>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, fresh := dropTaken([]byte(tt.raw), tt.known)
			if string(got) != tt.want || fresh != tt.fresh {
				t.Errorf("dropTaken(%s, %d) = %s, %v; want %s, %v", tt.raw, tt.known, got, fresh, tt.want, tt.fresh)
			}
			if tt.name != "Unreadable" && !json.Valid(got) {
				t.Errorf("answer %s is not JSON", got)
			}
		})
	}
}

// FuzzScanUpdates: whenever the one-pass scan takes a getUpdates answer
// that is JSON, dropTakenN gives exactly what reading it with
// encoding/json gives. (One that is not JSON goes on to the library, which
// reports it, either way.)
func FuzzScanUpdates(f *testing.F) {
	for _, s := range []string{
		`{"ok":true,"result":[{"update_id":5,"message":{"text":"a"}},{"update_id":6}]}`,
		`{"ok":true,"result":[{"update_id":5,"message":{"text":"a, \"]}"}},{"update_id":7,"callback_query":{"id":"x"}}]}`,
		`{"ok":true,"result":[{"message":{"update_id":9},"update_id":8}]}`,
		`{"ok":true,"result":[{"Update_Id":5}]}`,
		`{"ok":true,"result":[{"update_id":5,"update_id":6}]}`,
		`{"ok":true,"result":[{"update_id":-1},{"update_id":1e3}]}`,
		`{"ok":true,"result":[{"k\"":1,"update_id":2}]}`,
		`{"ok":true,"result":[]}`,
		`{"ok":true,"result":[{"update_id":5}]`,
	} {
		f.Add(s, int64(5))
	}
	f.Fuzz(func(t *testing.T, raw string, known int64) {
		if _, ok := scanUpdates([]byte(raw)); !ok || !json.Valid([]byte(raw)) {
			return
		}
		got, gotFresh, gotN := dropTakenN([]byte(raw), known)
		want, wantFresh, wantN := dropTakenDecoded([]byte(raw), known)
		if string(got) != string(want) || gotFresh != wantFresh || gotN != wantN {
			t.Fatalf("dropTakenN(%s, %d) = %s %v %d; encoding/json: %s %v %d", raw, known, got, gotFresh, gotN, want, wantFresh, wantN)
		}
	})
}

// FuzzFormFields: whatever two fields hold, formFields reads a body
// multipart.Writer wrote as mime/multipart does.
func FuzzFormFields(f *testing.F) {
	f.Add("offset", "1042", "allowed_updates", `["message"]`)
	f.Add("text", "a\r\n--b--\r\n", "text", " 두 번 ")
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2 string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField(n1, v1)
		_ = mw.WriteField(n2, v2)
		_ = mw.Close()
		want, wantOrder := mimeFields(body.Bytes(), mw.Boundary())
		got, order := formFields(mw.FormDataContentType(), body.Bytes())
		if !maps.Equal(got, want) || !slices.Equal(order, wantOrder) {
			t.Errorf("formFields %q %q, mime/multipart %q %q", got, order, want, wantOrder)
		}
	})
}

// TestFormFields: a body written by multipart.Writer is read by hand as
// mime/multipart reads it; other bodies are left to mime/multipart.
func TestFormFields(t *testing.T) {
	type field struct{ name, value, file string }
	for _, tc := range []struct {
		name   string
		fields []field
		plain  bool // read by hand
	}{
		{"GetUpdates", []field{{"offset", "1042", ""}, {"timeout", "49", ""}, {"allowed_updates", `["message","callback_query"]`, ""}}, true},
		{"Spaces", []field{{"offset", "  7\r\n", ""}}, true},
		{"Twice", []field{{"offset", "1", ""}, {"limit", "5", ""}, {"offset", "2", ""}}, true},
		{"LooksLikeABoundary", []field{{"text", "a\r\n--b\r\n--", ""}, {"offset", "3", ""}}, true},
		{"Long", []field{{"text", strings.Repeat("가", maxField), ""}, {"offset", "4", ""}}, false},
		{"File", []field{{"offset", "5", ""}, {"photo", "png", "a.png"}}, false},
		{"QuotedName", []field{{`o"ffset`, "6", ""}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			for _, f := range tc.fields {
				if f.file != "" {
					w, _ := mw.CreateFormFile(f.name, f.file)
					_, _ = io.WriteString(w, f.value)
					continue
				}
				_ = mw.WriteField(f.name, f.value)
			}
			_ = mw.Close()
			want, wantOrder := mimeFields(body.Bytes(), mw.Boundary())
			if _, _, ok := plainFields(body.Bytes(), mw.Boundary()); ok != tc.plain {
				t.Errorf("read by hand: %v, want %v", ok, tc.plain)
			}
			got, order := formFields(mw.FormDataContentType(), body.Bytes())
			if !maps.Equal(got, want) || !slices.Equal(order, wantOrder) {
				t.Errorf("formFields %q %v, mime/multipart %q %v", got, order, want, wantOrder)
			}
		})
	}
}
