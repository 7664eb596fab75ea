package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/webhook/webhooktest"
)

// waitFor bounds every wait on something that should happen; none is slept.
const waitFor = 5 * time.Second

// serve runs h under l on a loopback port until the test ends and returns
// the address.
func serve(t *testing.T, l Limits, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, capped := l.Server(context.Background(), h, ln)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(capped)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return ln.Addr().String()
}

// echoBody answers 200 with the body's length, 413 or 400 as ReadBody says.
func echoBody(limit int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := ReadBody(w, r, limit)
		switch {
		case errors.Is(err, ErrTooLarge):
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
		default:
			fmt.Fprint(w, len(body))
		}
	}
}

// TestSlowBodyCutOff trickles a body slower than the read timeout: the
// server cuts it off, and answers other requests meanwhile and after.
func TestSlowBodyCutOff(t *testing.T) {
	l := Limits{ReadTimeout: 200 * time.Millisecond, WriteTimeout: time.Second, IdleTimeout: time.Second, MaxConns: 8}
	addr := serve(t, l, echoBody(1<<20))
	result := make(chan string, 1)
	start := time.Now()
	go func() {
		status, err := webhooktest.Trickle(addr, "/", http.Header{}, 10*time.Millisecond)
		if err != nil {
			status = err.Error()
		}
		result <- status
	}()
	get := func() {
		t.Helper()
		resp, err := http.Post("http://"+addr+"/", "text/plain", strings.NewReader("hello"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(b) != "5" {
			t.Fatalf("a normal request got %d %q", resp.StatusCode, b)
		}
	}
	get()
	status := <-result
	if el := time.Since(start); el < l.ReadTimeout {
		t.Errorf("cut off after %v, before the read timeout %v", el, l.ReadTimeout)
	}
	if status != "" && !strings.Contains(status, " 400 ") {
		t.Errorf("the trickled request got %q, want a 400 or a closed connection", status)
	}
	get()
}

// TestConnCap holds MaxConns requests in the handler: the next one is not
// served until one of them ends.
func TestConnCap(t *testing.T) {
	const maxConns = 3
	var inside, most atomic.Int64
	entered := make(chan struct{}, 16)
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inside.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		entered <- struct{}{}
		<-release
		inside.Add(-1)
	})
	addr := serve(t, Limits{MaxConns: maxConns}, h)
	// A client of its own, so connections are not shared or pooled away.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	done := make(chan error, maxConns+2)
	for range maxConns + 2 {
		go func() {
			resp, err := client.Get("http://" + addr + "/")
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
	}
	for range maxConns {
		select {
		case <-entered:
		case <-time.After(waitFor):
			t.Fatalf("only %d requests reached the handler, want %d", inside.Load(), maxConns)
		}
	}
	// The cap is reached: a request beyond it must not get in. Only a short
	// look is possible here, not a proof.
	select {
	case <-entered:
		t.Fatalf("%d requests inside at once, cap %d", inside.Load(), maxConns)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	for range maxConns + 2 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if m := most.Load(); m != maxConns {
		t.Errorf("at most %d requests inside at once, want %d", m, maxConns)
	}
}

func TestReadBody(t *testing.T) {
	big := strings.Repeat("x", 3*firstChunk+7)
	errShort := errors.New("any error but ErrTooLarge")
	tests := []struct {
		name    string
		body    string
		length  int64 // Content-Length; -1: unknown (chunked)
		limit   int64
		wantErr error
		wantLen int
	}{
		{"OK", "hello", 5, 16, nil, 5},
		{"OKAtLimit", strings.Repeat("x", 16), 16, 16, nil, 16},
		{"OKEmpty", "", 0, 16, nil, 0},
		{"OKPastFirstChunk", big, int64(len(big)), 1 << 20, nil, len(big)},
		{"OKChunked", "hello", -1, 16, nil, 5},
		{"OKChunkedPastFirstChunk", big, -1, 1 << 20, nil, len(big)},
		{"ErrTooLargeDeclared", strings.Repeat("x", 17), 17, 16, ErrTooLarge, 0},
		{"ErrTooLargeChunked", strings.Repeat("x", 17), -1, 16, ErrTooLarge, 0},
		{"ErrShortBody", "hello", 10, 16, errShort, 0},
		{"ErrShortPastFirstChunk", big, int64(len(big)) + 1, 1 << 20, errShort, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := webhooktest.NewBody(tt.body)
			r := httptest.NewRequest(http.MethodPost, "/", body)
			r.ContentLength = tt.length
			got, err := ReadBody(httptest.NewRecorder(), r, tt.limit)
			if tt.wantErr == errShort {
				if err == nil || errors.Is(err, ErrTooLarge) {
					t.Fatalf("ReadBody: %d bytes, %v; want a read error", len(got), err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || len(got) != tt.wantLen || (err == nil && string(got) != tt.body) {
				t.Fatalf("ReadBody: %d bytes, %v; want %d, %v", len(got), err, tt.wantLen, tt.wantErr)
			}
			if tt.name == "ErrTooLargeDeclared" && body.BytesRead() != 0 {
				t.Errorf("read %d bytes of a body declared too large", body.BytesRead())
			}
		})
	}
}

func TestLimitsDefault(t *testing.T) {
	srv, _ := Limits{ReadTimeout: time.Second}.Server(context.Background(), http.NotFoundHandler(), nopListener{})
	if srv.ReadTimeout != time.Second || srv.WriteTimeout != Default.WriteTimeout || srv.IdleTimeout != Default.IdleTimeout || srv.ReadHeaderTimeout != time.Second {
		t.Errorf("timeouts read %v, header %v, write %v, idle %v", srv.ReadTimeout, srv.ReadHeaderTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
}

type nopListener struct{ net.Listener }

// TestBodyBudget holds one large body in its handler: a second large body
// finds no room and is refused with ErrBusy once the read timeout has
// passed, a small one is read meanwhile, and once the first ends a large
// one is read again.
func TestBodyBudget(t *testing.T) {
	const large = 3 * firstChunk
	l := Limits{ReadTimeout: 200 * time.Millisecond, WriteTimeout: 2 * time.Second, IdleTimeout: time.Second, MaxConns: 8, BodyBytes: large + firstChunk}
	holding := make(chan struct{})
	release := make(chan struct{})
	var held atomic.Bool
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := ReadBody(w, r, 1<<20)
		switch {
		case errors.Is(err, ErrBusy):
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if r.URL.Path == "/hold" && held.CompareAndSwap(false, true) {
			close(holding)
			<-release
		}
		fmt.Fprint(w, len(body))
	})
	addr := serve(t, l, h)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	post := func(path string, n int) (int, string) {
		t.Helper()
		resp, err := client.Post("http://"+addr+path, "text/plain", strings.NewReader(strings.Repeat("x", n)))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(b))
	}
	first := make(chan int, 1)
	go func() {
		code, _ := post("/hold", large)
		first <- code
	}()
	select {
	case <-holding:
	case <-time.After(waitFor):
		t.Fatal("the first large body never reached its handler")
	}
	start := time.Now()
	if code, msg := post("/", large); code != http.StatusServiceUnavailable {
		t.Errorf("a second large body while the first is held: %d %q, want 503", code, msg)
	}
	if el := time.Since(start); el < l.ReadTimeout {
		t.Errorf("refused after %v, before waiting the read timeout %v", el, l.ReadTimeout)
	}
	if code, msg := post("/", firstChunk); code != http.StatusOK || msg != fmt.Sprint(firstChunk) {
		t.Errorf("a small body while the large one is held: %d %q", code, msg)
	}
	close(release)
	if code := <-first; code != http.StatusOK {
		t.Errorf("the held body answered %d", code)
	}
	if code, msg := post("/", large); code != http.StatusOK || msg != fmt.Sprint(large) {
		t.Errorf("a large body after the first ended: %d %q", code, msg)
	}
}
