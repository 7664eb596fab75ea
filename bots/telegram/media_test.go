package telegram

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/dialog"
)

// TestMedia: what the engine gets for each kind of media: a photo with the
// bytes of its largest size that fits (its caption as the text), a photo
// that cannot be fetched or is too large as MediaOther without bytes, and
// stickers, voice, video notes, documents, locations as their kind without
// bytes. No media is answered by the adapter itself any more.
func TestMedia(t *testing.T) {
	small := []byte("\xff\xd8\xff\xe0 small")
	large := append([]byte("\xff\xd8\xff\xe0 large"), bytes.Repeat([]byte{1}, 1000)...)
	huge := bytes.Repeat([]byte{2}, dialog.MaxMediaBytes+1)
	size := func(id string, w, n int) map[string]any {
		return map[string]any{"file_id": id, "file_unique_id": "u" + id, "width": w, "height": w, "file_size": n}
	}
	tests := []struct {
		name  string
		extra map[string]any
		kind  dialog.MediaKind
		text  string
		bytes []byte
		mime  string
	}{
		{"PhotoLargestThatFits", map[string]any{"caption": "이 색으로 해 주세요", "photo": []any{
			size("small", 90, len(small)), size("large", 800, len(large)), size("toolarge", 4000, dialog.MaxMediaBytes+1)}},
			dialog.MediaPhoto, "이 색으로 해 주세요", large, "image/jpeg"},
		{"PhotoAlone", map[string]any{"photo": []any{size("small", 90, len(small))}}, dialog.MediaPhoto, "", small, "image/jpeg"},
		{"PhotoNotFetched", map[string]any{"photo": []any{size("missing", 90, 10)}}, dialog.MediaOther, "", nil, "image/jpeg"},
		{"PhotoAllTooLarge", map[string]any{"photo": []any{size("toolarge", 4000, dialog.MaxMediaBytes+1)}}, dialog.MediaOther, "", nil, "image/jpeg"},
		{"PhotoLargerThanSaid", map[string]any{"photo": []any{size("huge", 90, 10)}}, dialog.MediaOther, "", nil, "image/jpeg"},
		{"PictureAsFile", map[string]any{"document": map[string]any{"file_id": "small", "file_unique_id": "d", "file_name": "receipt.png",
			"mime_type": "image/png", "file_size": len(small)}}, dialog.MediaPhoto, "", small, "image/png"},
		{"Sticker", map[string]any{"sticker": map[string]any{"file_id": "x", "file_unique_id": "y", "type": "regular", "width": 512, "height": 512}},
			dialog.MediaSticker, "", nil, ""},
		{"Voice", map[string]any{"voice": map[string]any{"file_id": "v", "file_unique_id": "v", "duration": 3, "mime_type": "audio/ogg"}},
			dialog.MediaVoice, "", nil, "audio/ogg"},
		{"VideoNote", map[string]any{"video_note": map[string]any{"file_id": "v", "file_unique_id": "v", "length": 240, "duration": 3}},
			dialog.MediaVoice, "", nil, "video/mp4"},
		{"Document", map[string]any{"caption": "견적서", "document": map[string]any{"file_id": "d", "file_unique_id": "d", "file_name": "a.pdf", "mime_type": "application/pdf"}},
			dialog.MediaOther, "견적서", nil, "application/pdf"},
		{"Location", map[string]any{"location": map[string]any{"latitude": 37.5, "longitude": 127.0}}, dialog.MediaOther, "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newScript(nil)
			hs := startBot(t, h)
			hs.f.AddFile("small", small)
			hs.f.AddFile("large", large)
			hs.f.AddFile("huge", huge)
			hs.f.push(message(1, minji, "message", tt.extra))
			m := h.next(t)
			if m.Media == nil {
				t.Fatalf("engine got no media: %+v", m)
			}
			if m.Media.Kind != tt.kind || m.Text != tt.text || !bytes.Equal(m.Media.Bytes, tt.bytes) || m.Media.Mime != tt.mime {
				t.Errorf("media %s %q (%d bytes, %s), want %s %q (%d bytes, %s)",
					m.Media.Kind, m.Text, len(m.Media.Bytes), m.Media.Mime, tt.kind, tt.text, len(tt.bytes), tt.mime)
			}
			if m.UserID != "1001" || m.EventID != "telegram:1" {
				t.Errorf("message ids %q %q", m.UserID, m.EventID)
			}
			hs.stop()
			if strings.Contains(hs.logs.String(), testToken) {
				t.Errorf("the log holds the bot token:\n%s", hs.logs.String())
			}
		})
	}
}

// TestFetchMedia_Fails: a getFile that keeps failing (dropped
// connections, retried), or a turn whose time is up, leaves the photo as
// MediaOther without bytes, at once, and never panics.
func TestFetchMedia_Fails(t *testing.T) {
	hs := startBot(t, newScript(nil))
	hs.f.AddFile("p", []byte("\xff\xd8 photo"))
	photoMsg := func() *dialog.Message {
		return &dialog.Message{EventID: "telegram:9", Media: &dialog.Media{Kind: dialog.MediaPhoto, Mime: "image/jpeg"}}
	}
	drops := make([]telegramfake.Failure, 5) // Status 0: the connection dropped, every attempt
	hs.f.FailNext("getFile", drops...)
	m := photoMsg()
	hs.b.fetchMedia(t.Context(), m, fileRef{id: "p"})
	if m.Media.Kind != dialog.MediaOther || m.Media.Bytes != nil || m.Media.Mime != "image/jpeg" {
		t.Errorf("after failed getFiles: %+v, want MediaOther without bytes", m.Media)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	m = photoMsg()
	hs.b.fetchMedia(ctx, m, fileRef{id: "p"})
	if m.Media.Kind != dialog.MediaOther || m.Media.Bytes != nil {
		t.Errorf("with the turn's time up: %+v, want MediaOther", m.Media)
	}
	m = photoMsg()
	hs.b.fetchMedia(t.Context(), m, fileRef{id: "p"})
	if m.Media.Kind != dialog.MediaPhoto || string(m.Media.Bytes) != "\xff\xd8 photo" {
		t.Errorf("once getFile answers: %+v, want the photo", m.Media)
	}
}

// memberUpdate is Telegram's my_chat_member for u's private chat: the
// bot's new status there ("kicked" when blocked, "member" when allowed).
func memberUpdate(id int64, u user, status string) string {
	bot := map[string]any{"id": 123456, "is_bot": true, "first_name": "단골"}
	return mustJSON(map[string]any{"update_id": id, "my_chat_member": map[string]any{
		"chat": u.chat(), "from": u.from(), "date": 1764000000,
		"old_chat_member": map[string]any{"status": "member", "user": bot},
		"new_chat_member": map[string]any{"status": status, "user": bot},
	}})
}

// TestMemberUpdates: a person blocking the bot, or allowing it again,
// reaches the engine as Reach with the usual ids; other member changes
// do not.
func TestMemberUpdates(t *testing.T) {
	h := newScript(nil)
	hs := startBot(t, h)
	group := user{id: 1001, first: "민지", chatType: "group", chatID: -500}
	hs.f.push(memberUpdate(1, minji, "kicked"), memberUpdate(2, group, "left"), memberUpdate(3, minji, "restricted"), memberUpdate(4, minji, "member"))
	for _, want := range []struct {
		event, reach string
	}{{"telegram:1", dialog.ReachBlocked}, {"telegram:4", dialog.ReachAllowed}} {
		m := h.next(t)
		if m.Reach != want.reach || m.EventID != want.event || m.UserID != "1001" || m.ConversationID != "1001" || m.Text != "" {
			t.Errorf("engine got %+v, want %s from 1001 as %s", m, want.reach, want.event)
		}
	}
	hs.f.waitPoll(t, 5)
	hs.stop()
	h.expectNone(t)
}
