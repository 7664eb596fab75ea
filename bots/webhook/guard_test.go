package webhook

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// from dials addr from the loopback address src (127.0.0.1, 127.0.0.2…),
// so that one test has clients at several addresses. Whatever is done on
// the connection must be done within waitFor: a request the server does
// not serve fails then.
func from(src, addr string) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: waitFor}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return c, c.SetDeadline(time.Now().Add(waitFor))
}

// request sends one GET for path on c and returns its status, leaving the
// connection open, kept alive, as a client that stays connected does.
func request(c net.Conn, path string) (int, error) {
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// idle opens n connections from src that each send a request and then stay
// connected, idle.
func idle(t *testing.T, src, addr string, n int) {
	t.Helper()
	for range n {
		c, err := from(src, addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if code, err := request(c, "/"); err != nil || code != http.StatusOK {
			t.Fatalf("an idle client's first request: %d %v", code, err)
		}
	}
}

// get sends one request from src on a connection of its own and returns
// its status, or the error of a connection the server closed.
func get(src, addr, path string) (int, error) {
	c, err := from(src, addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return request(c, path)
}

// holder is a handler that holds each request until release is closed,
// saying on entered when one comes in.
func holder() (h http.HandlerFunc, entered chan string, release chan struct{}) {
	entered, release = make(chan string, 64), make(chan struct{})
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("hold") {
			entered <- r.URL.Path
			<-release
		}
	}, entered, release
}

// TestIdleConnsMakeWay fills the server with kept-alive connections that
// stay idle, far from their idle timeout: a new client is served at once,
// the longest-idle connection closed to make way. (net/http and
// netutil.LimitListener held them until the idle timeout, tester X1.)
func TestIdleConnsMakeWay(t *testing.T) {
	const maxConns = 3
	l := Limits{MaxConns: maxConns, IdleTimeout: 10 * waitFor}
	addr := serve(t, l, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	idle(t, "127.0.0.1", addr, maxConns)
	for i := range 2 * maxConns {
		if code, err := get("127.0.0.1", addr, "/"); err != nil || code != http.StatusOK {
			t.Fatalf("request %d beside %d idle connections: %d %v", i, maxConns, code, err)
		}
	}
}

// TestPerIPCap: one address holds PerIP requests; its next connection is
// closed at once while another address is served, and once its requests
// are done its idle connections make way for its new ones.
func TestPerIPCap(t *testing.T) {
	const perIP = 2
	h, entered, release := holder()
	addr := serve(t, Limits{MaxConns: 8, PerIP: perIP, capLocal: true}, h)
	held := make(chan error, perIP)
	var conns []net.Conn
	for range perIP {
		c, err := from("127.0.0.1", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		go func() {
			_, err := request(c, "/?hold")
			held <- err
		}()
		<-entered
	}
	if code, err := get("127.0.0.1", addr, "/"); err == nil {
		t.Errorf("a connection beyond %d from one address answered %d, want it closed", perIP, code)
	}
	if code, err := get("127.0.0.2", addr, "/"); err != nil || code != http.StatusOK {
		t.Errorf("another address beside the full one: %d %v", code, err)
	}
	close(release)
	for range perIP {
		if err := <-held; err != nil {
			t.Fatalf("a held request: %v", err)
		}
	}
	// Both connections are now idle, kept alive: they make way.
	for i := range 2 * perIP {
		if code, err := get("127.0.0.1", addr, "/"); err != nil || code != http.StatusOK {
			t.Fatalf("request %d from the address with %d idle connections: %d %v", i, perIP, code, err)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

// TestGate holds Requests requests behind one gate: the next one through
// it is answered 503 at once, with its connection closed and its handler
// never run, while a request behind another gate on the same server is
// served.
func TestGate(t *testing.T) {
	l := Limits{Requests: 2}
	h, entered, release := holder()
	mux := http.NewServeMux()
	mux.Handle("/slack/", l.Gate(h))
	mux.Handle("/tg", l.Gate(h))
	addr := serve(t, Limits{MaxConns: 8}, mux)
	done := make(chan error, l.Requests)
	for range l.Requests {
		go func() {
			_, err := get("127.0.0.1", addr, "/slack/events?hold")
			done <- err
		}()
		<-entered
	}
	c, err := from("127.0.0.1", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /slack/events?hold HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !resp.Close || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a request beyond the gate: %d, close %v, Retry-After %q; want 503, closed, Retry-After", resp.StatusCode, resp.Close, resp.Header.Get("Retry-After"))
	}
	if code, err := get("127.0.0.1", addr, "/tg"); err != nil || code != http.StatusOK {
		t.Errorf("behind the other gate: %d %v", code, err)
	}
	select {
	case p := <-entered:
		t.Errorf("a request beyond the gate reached the handler (%s)", p)
	default:
	}
	close(release)
	for range l.Requests {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
