package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/slack/slackfake"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/bots/webhook/webhooktest"
)

// slowFor is how long TestBinary_SlowClients keeps its slow clients at the
// server; the figure is measured with -slow-for 30s.
var slowFor = flag.Duration("slow-for", 6*time.Second, "how long TestBinary_SlowClients trickles")

// slowClients is how many connections trickle bodies at once.
const slowClients = 300

// TestBinary_SlowClients runs the built binary with Telegram's webhook and
// Slack's HTTP mode on one server and holds it with 300 connections, each
// declaring a 900 kB body behind Slack's signature headers (any client can
// send those: the signature is checked only once the body is in) and
// trickling it at 64 kB a second, again as soon as the server cuts it off.
// Meanwhile a Telegram update with the right secret is answered (within
// waitTimeout; how long it took is reported, not asserted), and once more
// after the slow clients are gone; the process's peak RSS stays under a
// generous bound (the target, 100 MB, is reported).
func TestBinary_SlowClients(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "shop.db")
	tg := telegramfake.New(telegramfake.Options{Token: tgToken, Username: "dangol_bot"})
	t.Cleanup(tg.Close)
	sl := slackfake.New(t, slackfake.Options{OnCall: func(slackfake.Call) {}})
	const secret = "hook-secret"
	env := envFor(db,
		"DANGOL_TELEGRAM_TOKEN="+tgToken, "DANGOL_TELEGRAM_API_URL="+tg.URL(),
		"DANGOL_TELEGRAM_WEBHOOK_URL=https://shop.example/tg/hook", "DANGOL_TELEGRAM_WEBHOOK_SECRET="+secret,
		"DANGOL_SLACK_BOT_TOKEN=xoxb-test", "DANGOL_SLACK_SIGNING_SECRET=secret", "DANGOL_SLACK_API_URL="+sl.APIURL(),
		"DANGOL_HTTP_ADDR=127.0.0.1:0", "DANGOL_LOG_LEVEL=info", "DANGOL_LOG_FORMAT=json")
	cmd := exec.Command(binary, "serve")
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			var line struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Addr != "" && strings.HasPrefix(line.Msg, "http: serving") && !sent {
				addr <- line.Addr
				sent = true
			}
		}
	}()
	var srv string
	select {
	case srv = <-addr:
	case <-time.After(waitTimeout):
		t.Fatal("the binary never said where it serves")
	}

	update := 0
	good := func() time.Duration {
		t.Helper()
		update++
		body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1764000000,"chat":{"id":4242,"type":"private"},"from":{"id":4242,"first_name":"고객","language_code":"ko"},"text":"/help","entities":[{"type":"bot_command","offset":0,"length":5}]}}`, update, update)
		req, _ := http.NewRequest(http.MethodPost, "http://"+srv+"/tg/hook", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		client := &http.Client{Timeout: waitTimeout, Transport: &http.Transport{DisableKeepAlives: true}}
		began := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("a good update beside the slow clients: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("a good update beside the slow clients answered %d", resp.StatusCode)
		}
		return time.Since(began)
	}
	good() // the server answers before the flood

	ctx, stop := context.WithTimeout(context.Background(), *slowFor)
	defer stop()
	var (
		wg        sync.WaitGroup
		cut, held atomic.Int64
	)
	// At 64 kB a second (8 kB every 125 ms) a body passes its first 16 kB
	// at once and would be in after 14 s: the read timeout (5 s) cuts it.
	slow := webhooktest.Slow{Path: "/slack/events", Size: 900_000, Chunk: 8 << 10, Gap: 125 * time.Millisecond}
	for range slowClients {
		wg.Go(func() {
			for ctx.Err() == nil {
				ts := strconv.FormatInt(time.Now().Unix(), 10)
				c := slow
				c.Header = http.Header{"Content-Type": {"application/json"},
					"X-Slack-Request-Timestamp": {ts}, "X-Slack-Signature": {"v0=" + strings.Repeat("0", 64)}}
				if _, err := c.Send(ctx, srv); err == nil {
					cut.Add(1)
				} else if ctx.Err() != nil {
					held.Add(1)
				}
			}
		})
	}
	var peak int64
	var waits []time.Duration
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-tick.C:
			peak = max(peak, peakRSS(cmd.Process.Pid))
			if len(waits) < 3 && time.Until(deadlineOf(ctx)) < *slowFor/2 {
				waits = append(waits, good())
			}
		}
	}
	wg.Wait()
	peak = max(peak, peakRSS(cmd.Process.Pid))
	after := good()
	if peak > 200<<10 {
		t.Errorf("peak RSS %d MB with %d slow clients", peak>>10, slowClients)
	}
	t.Logf("%d slow clients for %v: %d trickles cut off by the server, %d ended by the client; good updates answered in %v beside them, %v after; peak RSS %.1f MB",
		slowClients, *slowFor, cut.Load(), held.Load(), waits, after.Round(time.Millisecond), float64(peak)/1024)
}

func deadlineOf(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}
