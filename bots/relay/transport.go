package relay

import (
	"bytes"
	"context"
	"errors"
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
	body, err := readBody(req.Body)
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
	out.Body = newBodyReader(body)
	out.GetBody = func() (io.ReadCloser, error) { return newBodyReader(body), nil }
	return t.base.RoundTrip(out)
}

// readBody reads r to its end into one buffer the size of most API calls
// (a message with its keyboard is 1 to 2 KB of multipart), grown only for
// a larger one: io.ReadAll would start at 512 bytes and grow it three
// times on the way.
func readBody(r io.Reader) ([]byte, error) {
	b := make([]byte, 0, 4096)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// bodyReader is a request body read from memory: a bytes.Reader that
// closes, in one allocation rather than a reader and io.NopCloser's
// wrapper.
type bodyReader struct{ bytes.Reader }

func newBodyReader(b []byte) *bodyReader {
	r := new(bodyReader)
	r.Reset(b)
	return r
}

// Close implements io.Closer; there is nothing to release.
func (*bodyReader) Close() error { return nil }

// Deadline returns base ending every request d after it starts, the
// reading of its answer included: what http.Client.Timeout does, without
// its cost. For any round tripper but a bare *http.Transport (and every
// one an adapter uses wraps one: Buffered, the reach of retry.Reach) the
// client's Timeout starts a goroutine, a timer and two channels per
// request to enforce it; a context deadline, ended when the answer's body
// is read to its end or closed, does the same with one timer. Errors are
// the context's (context.DeadlineExceeded, wrapped), not the client's
// "Client.Timeout exceeded".
func Deadline(base http.RoundTripper, d time.Duration) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return deadlineTransport{base: base, d: d}
}

type deadlineTransport struct {
	base http.RoundTripper
	d    time.Duration
}

// RoundTrip implements http.RoundTripper.
func (t deadlineTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.d)
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &deadlineBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// deadlineBody is an answer's body whose deadline ends with it: at its end
// (io.EOF, which io.ReadAll stops at) or when it is closed.
type deadlineBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.cancel()
	}
	return n, err
}

func (b *deadlineBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// Direct is an HTTP client for a client library that takes any value with
// http.Client's Do (go-telegram/bot's bot.HttpClient): it hands each
// request straight to Transport. http.Client does, around every call,
// what an API client never needs — a copy of the request's headers for
// redirects, cookies, the bookkeeping of its Timeout (Deadline bounds a
// call instead) — which cost one header map and a few closures a call.
// Redirects are not followed (an API answers a POST, it does not move
// it), and errors are the transport's, not wrapped in a *url.Error
// naming the URL (the Bot API's holds the bot token).
type Direct struct {
	// Transport carries the requests; nil: http.DefaultTransport.
	Transport http.RoundTripper
}

// Do sends req and returns the answer, as http.Client.Do does for an API
// call: the caller closes its body. req's body is closed, even on error.
func (c Direct) Do(req *http.Request) (*http.Response, error) {
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	resp, err := rt.RoundTrip(req)
	switch {
	case err != nil:
		return nil, err
	case resp == nil || resp.Body == nil:
		if resp != nil {
			resp.Body = http.NoBody
		}
		return nil, fmt.Errorf("relay: %T answered %s without a body", rt, req.Method)
	}
	return resp, nil
}
