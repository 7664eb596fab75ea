package telegram

import (
	"encoding/json"
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
