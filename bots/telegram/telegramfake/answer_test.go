package telegramfake

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
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

// TestTextUpdate: a text update written by hand decodes to what
// encoding/json writes for it.
func TestTextUpdate(t *testing.T) {
	for _, tc := range []textUpdate{
		{chat: 1001, name: "민지", lang: "ko", text: "/points"},
		{chat: 1002, name: "Kim \"K\" <3", lang: "", text: "/feedback 4 좋아요 great"},
		{chat: 1003, name: "", lang: "en", text: "/시작😀 x"},
		{chat: 1004, name: "a\x00b\xff", lang: "ko", text: "그냥 말\n두 줄"},
		{chat: 1005, name: "빈 글", lang: "ko", text: ""},
	} {
		hand := tc.appendJSON(nil, 42, 77)
		from := user{ID: tc.chat, FirstName: tc.name, Lang: tc.lang}
		m := message{ID: 77, Date: messageDate, From: &from, Chat: chat{ID: tc.chat, Type: "private", FirstName: tc.name}, Text: tc.text}
		if strings.HasPrefix(tc.text, "/") {
			head, _, _ := strings.Cut(tc.text, " ")
			m.Entities = []entity{{Type: "bot_command", Offset: 0, Length: len(utf16.Encode([]rune(head)))}}
		}
		lib, err := json.Marshal(struct {
			ID      int64    `json:"update_id"`
			Message *message `json:"message"`
		}{42, &m})
		if err != nil {
			t.Fatal(err)
		}
		var got, want any
		if err := json.Unmarshal(hand, &got); err != nil {
			t.Fatalf("hand-written update is not JSON: %v\n%s", err, hand)
		}
		if err := json.Unmarshal(lib, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("hand-written\n%s\nencoding/json\n%s", hand, lib)
		}
	}
}

// TestButtons: the scan of a compact keyboard finds what decoding it does,
// and stands aside for escapes and other shapes.
func TestButtons(t *testing.T) {
	for _, rm := range []string{
		`{"inline_keyboard":[[{"text":"★","callback_data":"rate:1"},{"text":"★★","callback_data":"rate:2"}],[{"text":"건너뛰기","callback_data":"skip"}]]}`,
		`{"inline_keyboard":[[{"text":"\"callback_data\":\"no\"","callback_data":"yes"}]]}`,
		`{"inline_keyboard":[[{"text":"a","callback_data":"q\"uote"}]]}`,
		`{"inline_keyboard": [[{"text": "a", "callback_data": "spaced"}]]}`,
		`{"inline_keyboard":[[{"callback_data":"first","text":"b"}]]}`,
		`{"inline_keyboard":[]}`,
		`{"keyboard":[[{"text":"포인트"}]],"is_persistent":true}`,
	} {
		c := Call{Fields: map[string]string{"reply_markup": rm}}
		got := c.Buttons()
		var kb struct {
			Rows [][]struct {
				Data string `json:"callback_data"`
			} `json:"inline_keyboard"`
		}
		var want []string
		if err := json.Unmarshal([]byte(rm), &kb); err != nil {
			t.Fatal(err)
		}
		for _, row := range kb.Rows {
			for _, b := range row {
				want = append(want, b.Data)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Buttons %q, decoded %q", rm, got, want)
		}
	}
}

// FuzzAppendString: any text written by hand decodes to what encoding/json
// writes for it.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "안녕", "\"\\\n\x00\x7f\u2028", "bad \xff utf-8", "<b>&</b>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		hand := appendString(nil, s)
		lib, _ := json.Marshal(s)
		var got, want string
		if err := json.Unmarshal(hand, &got); err != nil {
			t.Fatalf("%q written as %s: %v", s, hand, err)
		}
		if err := json.Unmarshal(lib, &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%q: hand %q, encoding/json %q", s, got, want)
		}
	})
}
