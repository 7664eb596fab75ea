package relay

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Transport returns an HTTP transport for one platform's API, sized for
// conns calls at once: keep-alive on, and as many idle connections kept per
// host as there are workers, so a burst of replies reuses connections
// instead of dialling (Go's default keeps 2 a host, so the 3rd to the 64th
// concurrent send each opened, and soon closed, one of their own).
func Transport(conns int) *http.Transport {
	conns = max(conns, 2)
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          conns,
		MaxIdleConnsPerHost:   conns,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// Buffered returns base (nil: http.DefaultTransport) sending every request
// body of unknown length in one piece, with its Content-Length: a client
// library that streams its bodies through a pipe (go-telegram/bot writes
// each multipart field as it encodes it) otherwise has each request go out
// as many small chunked writes, one syscall each.
func Buffered(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return bufferedTransport{base}
}

type bufferedTransport struct{ base http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t bufferedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody || req.ContentLength > 0 || req.GetBody != nil {
		return t.base.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("relay: read request body: %w", err)
	}
	// A shallow copy, not req.Clone: only the body changes, and Clone
	// would copy the headers and the URL of every request for nothing.
	// The copy shares them with req, which neither side changes.
	out := new(http.Request)
	*out = *req
	out.ContentLength = int64(len(body))
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return t.base.RoundTrip(out)
}
