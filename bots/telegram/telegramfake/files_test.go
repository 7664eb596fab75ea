package telegramfake_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/go-telegram/bot"

	"github.com/dangol/dangol/bots/telegram/telegramfake"
)

// TestFake_Files: the real client's getFile finds a file given to AddFile
// and its download link serves it; an unknown file is a 400, a wrong token
// on the download a 401.
func TestFake_Files(t *testing.T) {
	srv := telegramfake.New(telegramfake.Options{Token: token})
	defer srv.Close()
	b, err := bot.New(token, bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("\xff\xd8\xff\xe0 a photo")
	srv.AddFile("p1", data)
	f, err := b.GetFile(t.Context(), &bot.GetFileParams{FileID: "p1"})
	if err != nil || f.FileSize != int64(len(data)) || f.FilePath == "" {
		t.Fatalf("getFile: %+v, %v", f, err)
	}
	for _, tc := range []struct {
		name, url string
		status    int
		body      []byte
	}{
		{"OK", b.FileDownloadLink(f), http.StatusOK, data},
		{"ErrWrongToken", srv.URL() + "/file/bot1:WRONG/" + f.FilePath, http.StatusUnauthorized, nil},
		{"ErrNoFile", srv.URL() + "/file/bot" + token + "/photos/none", http.StatusNotFound, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || (tc.body != nil && !bytes.Equal(got, tc.body)) {
				t.Errorf("status %d body %q, want %d %q", resp.StatusCode, got, tc.status, tc.body)
			}
		})
	}
	if _, err := b.GetFile(t.Context(), &bot.GetFileParams{FileID: "nope"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("getFile of an unknown file: %v, want a bad request", err)
	}
}

// TestFake_Block: a blocked chat's sends are 403 Forbidden, others' go,
// and Unblock ends it.
func TestFake_Block(t *testing.T) {
	calls := make(chan telegramfake.Call, 10)
	srv := telegramfake.New(telegramfake.Options{Token: token, OnCall: func(c telegramfake.Call) { calls <- c }})
	defer srv.Close()
	b, err := bot.New(token, bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	srv.Block(42)
	if _, err := b.SendMessage(t.Context(), &bot.SendMessageParams{ChatID: 42, Text: "안녕하세요"}); !errors.Is(err, bot.ErrorForbidden) {
		t.Errorf("send to a blocked chat: %v, want forbidden", err)
	}
	if c := <-calls; c.Method != "sendMessage" || c.ChatID() != 42 {
		t.Errorf("OnCall saw %+v, want the refused send", c)
	}
	if _, err := b.SendMessage(t.Context(), &bot.SendMessageParams{ChatID: 43, Text: "안녕하세요"}); err != nil {
		t.Errorf("send to another chat: %v", err)
	}
	<-calls
	srv.Unblock(42)
	if _, err := b.SendMessage(t.Context(), &bot.SendMessageParams{ChatID: 42, Text: "안녕하세요"}); err != nil {
		t.Errorf("send after Unblock: %v", err)
	}
}
