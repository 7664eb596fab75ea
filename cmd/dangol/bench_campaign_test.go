package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/telegram"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// BenchmarkCampaignSend measures a campaign's delivery with Telegram's
// limits lifted: one run of the campaign job taking b.N queued recipients
// (a hundred a transaction, each marked sent with its message in the
// outbox), the scheduler claiming each post, serve's Router and outbox
// hook, and the real Telegram adapter encoding each sendMessage for the
// fake Bot API, called in process (no TCP, as dangol bench --api inproc),
// on an fsynced ledger. One op is one message sent; sends/s is the
// figure the issue asks for.
//
//	go test -run '^$' -bench BenchmarkCampaignSend -benchtime 5000x ./cmd/dangol/
func BenchmarkCampaignSend(b *testing.B) {
	ctx := context.Background()
	db := filepath.Join(b.TempDir(), "shop.db")
	seedCampaignShop(b, db, b.N, 0, 0)
	store, err := ledger.Open(db, testLedgerOptions(b, db)) // fsynced, as serve
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := func() time.Time { return campaignStart }
	engine, err := dialog.New(channelPolicy(dialog.Config{Store: store, Catalog: testCatalog, Logger: log, Outbox: true,
		ShopName: "단골미용실", ShopContact: testContact, Loc: campaignStart.Location(), Managers: []string{"slack:U2"}, Now: now}))
	if err != nil {
		b.Fatal(err)
	}
	r := newOutboxRouter(log, engine)
	var sent atomic.Int64
	fake := telegramfake.New(telegramfake.Options{Token: tgToken, OnCall: func(c telegramfake.Call) {
		if c.Method == "sendMessage" {
			sent.Add(1)
		}
	}})
	defer fake.Close()
	tg, err := telegram.New(telegram.Config{Token: tgToken, APIURL: fake.URL(), Transport: inprocTransport{fake.Handler()},
		Handler: engine, Catalog: testCatalog, Router: r.Router, Logger: log,
		ChatInterval: lifted.ChatInterval, ChatBurst: lifted.ChatBurst, GlobalRate: lifted.GlobalRate})
	if err != nil {
		b.Fatal(err)
	}
	watchBlocked(r, telegram.Channel, tg, engine, log)
	for _, m := range []dialog.Message{
		{Text: "/campaign : 이번 주 펌 20% 할인해 드려요"},
		{Action: &dialog.Action{Payload: "cmp:send:1"}},
	} {
		m.Channel, m.UserID, m.ConversationID, m.Private, m.Lang = "slack", "U2", "DU2", true, "ko"
		m.EventID = "ev-" + m.Text
		if _, err := engine.Handle(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	sched, err := dialog.NewScheduler(dialog.SchedulerConfig{Store: store, Loc: campaignStart.Location(), Logger: log, Now: now,
		Jobs: []dialog.Job{engine.CampaignJob(b.N, 0, r.scheduled)}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := sched.Tick(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if got := sent.Load(); got != int64(b.N) {
		b.Fatalf("%d messages sent, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sends/s")
}
