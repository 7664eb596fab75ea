package retry

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestReach: any answer, an error status included, is noted with the
// clock's time; a request that reaches nobody is not.
func TestReach(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	r := &Reach{Now: func() time.Time { return at }}
	c := &http.Client{Transport: r.Transport(nil)}
	if !r.Last().IsZero() {
		t.Fatalf("Last before any answer = %v, want zero", r.Last())
	}
	srv.Close()
	if _, err := c.Get(srv.URL); err == nil {
		t.Fatal("a closed server answered")
	}
	if !r.Last().IsZero() {
		t.Errorf("Last after a refused connection = %v, want zero", r.Last())
	}
	srv = httptest.NewServer(srv.Config.Handler)
	defer srv.Close()
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !r.Last().Equal(at) {
		t.Errorf("Last after a 502 = %v, want %v", r.Last(), at)
	}
}
