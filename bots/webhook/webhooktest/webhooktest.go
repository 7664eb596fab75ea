package webhooktest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// HeldTooLong is how long Trickle waits for the server to give up on it.
const HeldTooLong = 5 * time.Second

// Trickle posts to addr+path a request declaring a 900 kB body and sends it
// one byte every gap, the way a slow or hostile client holds a server. It
// returns when the server has answered or closed the connection, with the
// status line it answered ("" when it closed without one), and fails with
// an error if the server still holds the connection after HeldTooLong.
func Trickle(addr, path string, header http.Header, gap time.Duration) (status string, err error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	var req strings.Builder
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 900000\r\n", path, addr)
	if err := header.Write(&req); err != nil {
		return "", err
	}
	req.WriteString("\r\n")
	if _, err := io.WriteString(conn, req.String()); err != nil {
		return "", err
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(gap)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte("x")); err != nil {
					return
				}
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(HeldTooLong))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return "", fmt.Errorf("the server still held a trickling connection after %v", HeldTooLong)
	}
	return strings.TrimSpace(line), nil
}

// Body is a request body that counts the bytes read from it.
type Body struct {
	r    io.Reader
	read atomic.Int64
}

// NewBody returns a Body holding s.
func NewBody(s string) *Body { return &Body{r: strings.NewReader(s)} }

// Read reads from the body, counting.
func (b *Body) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read.Add(int64(n))
	return n, err
}

// BytesRead returns how many bytes were read.
func (b *Body) BytesRead() int64 { return b.read.Load() }
