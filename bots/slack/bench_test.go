package slack

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

// BenchmarkCommandAck measures what stands between a slash command and
// Slack's 3-second deadline: reading, verifying the signature, parsing and
// queueing (the engine runs after the answer).
func BenchmarkCommandAck(b *testing.B) {
	bot, err := New(Config{
		BotToken: testBotToken, SigningSecret: testSecret, APIURL: "http://127.0.0.1:1/api/",
		Handler: handlerFunc(func(context.Context, dialog.Message) ([]dialog.Reply, error) { return nil, nil }),
		Catalog: locales.MustLoad(), Logger: quietLogger(b), Now: func() time.Time { return testNow },
	})
	if err != nil {
		b.Fatal(err)
	}
	defer bot.Close(context.Background())
	srv := bot.HTTPHandler()
	ts := strconv.FormatInt(testNow.Unix(), 10)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := "command=%2Fcustomer&text=%EA%B9%80%EB%AF%BC%EC%A7%80&user_id=U1&channel_id=C1&trigger_id=T" + strconv.Itoa(i)
		req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(body))
		req.Header.Set("Content-Type", formType)
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sign(testSecret, testNow.Unix(), []byte(body)))
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("answered %d", w.Code)
		}
	}
}

// BenchmarkRenderCard measures turning a customer card into Block Kit.
func BenchmarkRenderCard(b *testing.B) {
	r := dialog.Reply{Text: "김민지 · 010-1234-5678", Sections: []dialog.Section{
		{Title: "고객 정보", Lines: []string{"등급: 단골 (방문 12회)", "포인트: 12,750P", "특이사항: 두피 민감 <!channel> & 주말 선호"}},
		{Title: "최근 상담", Lines: []string{strings.Repeat("2026-11-10 뿌리 염색, 다음엔 클리닉 권유 · 55,000원 (지수)\n", 5)}},
	}, Buttons: []dialog.Button{{Label: "포인트", Payload: "points:C1"}, {Label: "메모", Payload: "note:C1"}}}
	b.ReportAllocs()
	for b.Loop() {
		if len(renderReply(r)) != 1 {
			b.Fatal("not one message")
		}
	}
}

// handlerFunc adapts a function to Handler.
type handlerFunc func(context.Context, dialog.Message) ([]dialog.Reply, error)

func (f handlerFunc) Handle(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
	return f(ctx, m)
}
