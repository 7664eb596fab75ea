package main

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"
)

// serving is a serve running in the background of a test, on the listener
// the test asked to learn.
type serving struct {
	t      *testing.T
	base   string // "http://" + the address of the listener waited for
	done   chan error
	cancel context.CancelFunc
	logs   fmt.Stringer // m's Stderr, for failure messages; may be nil
}

// startServing runs m.Run(ctx, "serve") in the background and waits until
// it listens on an address want accepts (the address asked for, such as
// "127.0.0.1:0"; nil: the first listener). A serve that ends first, or no
// listener within waitTimeout, fails the test.
func startServing(t *testing.T, m *Main, want func(addr string) bool) *serving {
	t.Helper()
	addr := make(chan string, 1)
	m.Listen = func(network, a string) (net.Listener, error) {
		ln, err := net.Listen(network, a)
		if err == nil && (want == nil || want(a)) {
			select {
			case addr <- ln.Addr().String():
			default:
			}
		}
		return ln, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s := &serving{t: t, done: make(chan error, 1), cancel: cancel}
	if l, ok := m.Stderr.(fmt.Stringer); ok {
		s.logs = l
	}
	go func() { s.done <- m.Run(ctx, []string{"serve"}) }()
	select {
	case a := <-addr:
		s.base = "http://" + a
	case err := <-s.done:
		t.Fatalf("serve ended: %v\n%s", err, s.logText())
	case <-time.After(waitTimeout):
		t.Fatal("serve did not listen")
	}
	return s
}

// stop cancels serve and waits for it to return without an error.
func (s *serving) stop() {
	s.t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			s.t.Fatalf("serve after cancel: %v\n%s", err, s.logText())
		}
	case <-time.After(waitTimeout):
		s.t.Fatal("serve did not stop")
	}
}

func (s *serving) logText() string {
	if s.logs == nil {
		return ""
	}
	return s.logs.String()
}
