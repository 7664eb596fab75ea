package lru

import (
	"slices"
	"testing"
)

func TestCache(t *testing.T) {
	type op struct {
		put bool // else get
		key int
	}
	tests := []struct {
		name     string
		capacity int
		ops      []op
		want     []int // keys held afterwards, ascending
	}{
		{"UnderCapacityKeepsAll", 3, []op{{true, 1}, {true, 2}}, []int{1, 2}},
		{"OldestEvicted", 2, []op{{true, 1}, {true, 2}, {true, 3}}, []int{2, 3}},
		{"GetMarksUsed", 2, []op{{true, 1}, {true, 2}, {false, 1}, {true, 3}}, []int{1, 3}},
		{"PutAgainMarksUsed", 2, []op{{true, 1}, {true, 2}, {true, 1}, {true, 3}}, []int{1, 3}},
		{"MissDoesNotCount", 2, []op{{true, 1}, {true, 2}, {false, 9}, {true, 3}}, []int{2, 3}},
		{"ZeroCapacityHoldsOne", 0, []op{{true, 1}, {true, 2}}, []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New[int, string](tt.capacity)
			for _, o := range tt.ops {
				if o.put {
					c.Put(o.key, "v")
				} else {
					c.Get(o.key)
				}
			}
			var held []int
			for k := range 10 {
				if _, ok := c.Get(k); ok {
					held = append(held, k)
				}
			}
			if !slices.Equal(held, tt.want) || c.Len() != len(tt.want) {
				t.Errorf("held %v (Len %d), want %v", held, c.Len(), tt.want)
			}
		})
	}
}

func TestCacheValues(t *testing.T) {
	c := New[string, int](2)
	c.Put("a", 1)
	c.Put("a", 2)
	if v, ok := c.Get("a"); !ok || v != 2 {
		t.Fatalf("Get(a) = %d, %v; want 2, true", v, ok)
	}
	if v, ok := c.Get("b"); ok || v != 0 {
		t.Fatalf("Get(b) = %d, %v; want 0, false", v, ok)
	}
	c.Put("b", 3)
	c.Delete("a")
	c.Delete("nope")
	if _, ok := c.Get("a"); ok || c.Len() != 1 {
		t.Fatalf("after Delete(a): held %v, Len %d; want false, 1", ok, c.Len())
	}
	c.Put("c", 4)
	if _, ok := c.Get("b"); !ok || c.Len() != 2 {
		t.Fatalf("a deleted key still took a place: b held %v, Len %d", ok, c.Len())
	}
}

// TestCacheBound puts a million keys through a cache of 1,000: it never
// holds more, and holds the newest.
func TestCacheBound(t *testing.T) {
	c := New[int, bool](1000)
	for k := range 1_000_000 {
		c.Put(k, true)
		if c.Len() > 1000 {
			t.Fatalf("after %d puts the cache holds %d", k+1, c.Len())
		}
	}
	if _, ok := c.Get(999_999 - 999); !ok {
		t.Error("the 1,000th newest key was forgotten")
	}
	if _, ok := c.Get(999_999 - 1000); ok {
		t.Error("the 1,001st newest key is still held")
	}
}
