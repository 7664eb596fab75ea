package webhooktest

import (
	"bufio"
	"context"
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
	ctx, cancel := context.WithTimeout(context.Background(), HeldTooLong)
	defer cancel()
	status, err = Slow{Path: path, Header: header, Size: 900_000, Chunk: 1, Gap: gap}.Send(ctx, addr)
	if errors.Is(err, context.DeadlineExceeded) {
		return "", fmt.Errorf("the server still held a trickling connection after %v", HeldTooLong)
	}
	return status, err
}

// Slow is a slow client's request: a POST to Path with Header declaring a
// body of Size bytes, sent Chunk bytes every Gap.
type Slow struct {
	Path   string
	Header http.Header
	Size   int
	Chunk  int
	Gap    time.Duration
}

// Send opens a connection to addr and sends the request at its pace. It
// returns once the server has answered or closed the connection, with the
// status line it answered ("" when it closed without one), or with ctx's
// error once ctx ends first (the connection is then closed).
func (s Slow) Send(ctx context.Context, addr string) (status string, err error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	var req strings.Builder
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", s.Path, addr, s.Size)
	if err := s.Header.Write(&req); err != nil {
		return "", err
	}
	req.WriteString("\r\n")
	if _, err := io.WriteString(conn, req.String()); err != nil {
		return "", orCtx(ctx, err)
	}
	answered := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(conn).ReadString('\n') // an answer or a close ends it
		answered <- strings.TrimSpace(line)
	}()
	chunk := []byte(strings.Repeat("x", max(s.Chunk, 1)))
	tick := time.NewTicker(s.Gap)
	defer tick.Stop()
	for sent := 0; sent < s.Size; sent += len(chunk) {
		select {
		case line := <-answered:
			return line, orCtx(ctx, nil)
		case <-ctx.Done():
			return "", ctx.Err()
		case <-tick.C:
		}
		if _, err := conn.Write(chunk[:min(len(chunk), s.Size-sent)]); err != nil {
			break // closed by the server: its answer, if any, is read below
		}
	}
	select {
	case line := <-answered:
		return line, orCtx(ctx, nil)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// orCtx is ctx's error once ctx has ended (the connection was closed for
// it), else err.
func orCtx(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
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
