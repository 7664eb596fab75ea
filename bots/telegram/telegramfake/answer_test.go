package telegramfake

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"testing"
)

// TestAnswer_HandWritten: the answers written by hand decode to what
// encoding/json writes for them, whatever the text holds.
func TestAnswer_HandWritten(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    sentMessage
	}{
		{"Plain", sentMessage{MessageID: 7, Date: messageDate, Chat: sentChat{ID: 1001, Type: "private"},
			From: sentUser{ID: BotID, IsBot: true, FirstName: "단골", Username: BotUsername}, Text: "포인트 500P"}},
		{"Escapes", sentMessage{MessageID: 8, Chat: sentChat{ID: -5, Type: "private"}, From: sentUser{FirstName: `a"b\c`},
			Text: "줄\n바꿈\t탭\r\x00\x1f \"인용\" \\ <b>&amp;</b> \u2028\u2029 😀", Caption: "bad \xff\xfe utf-8"}},
		{"Raw", sentMessage{MessageID: 9, Text: "별점?", Entities: json.RawMessage(`[{"type":"bold","offset":0,"length":2}]`),
			ReplyMarkup: json.RawMessage(`{"inline_keyboard":[[{"text":"★","callback_data":"rate:1"}]]}`)}},
		{"Photo", sentMessage{MessageID: 10, Caption: "차트", Photo: []sentPhoto{{FileID: "photo10", FileUniqueID: "p10", Width: 800, Height: 600}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hand := tc.m.appendAnswer(nil)
			lib, err := json.Marshal(map[string]any{"ok": true, "result": tc.m})
			if err != nil {
				t.Fatal(err)
			}
			var got, want any
			if err := json.Unmarshal(hand, &got); err != nil {
				t.Fatalf("hand-written answer is not JSON: %v\n%s", err, hand)
			}
			if err := json.Unmarshal(lib, &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("hand-written\n%s\nencoding/json\n%s", hand, lib)
			}
		})
	}
	for _, v := range []bool{true, false} {
		rec := httptest.NewRecorder()
		answer(rec, v)
		if want := fmt.Sprintf(`{"ok":true,"result":%v}`, v); rec.Body.String() != want {
			t.Errorf("answer(%v) = %s, want %s", v, rec.Body, want)
		}
	}
}
