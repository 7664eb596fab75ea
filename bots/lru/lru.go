package lru

import "container/list"

// Cache maps keys to values, holding at most its capacity of them.
type Cache[K comparable, V any] struct {
	max   int
	order *list.List // front: used most recently; elements hold *entry[K, V]
	items map[K]*list.Element
}

type entry[K comparable, V any] struct {
	key K
	val V
}

// New returns an empty Cache holding at most capacity entries (at least one).
func New[K comparable, V any](capacity int) *Cache[K, V] {
	return &Cache[K, V]{max: max(capacity, 1), order: list.New(), items: map[K]*list.Element{}}
}

// Get returns the value of k and whether it is held, and marks k used.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	el, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry[K, V]).val, true
}

// Put sets the value of k and marks it used; a new key beyond the capacity
// evicts the least recently used one.
func (c *Cache[K, V]) Put(k K, v V) {
	if el, ok := c.items[k]; ok {
		el.Value.(*entry[K, V]).val = v
		c.order.MoveToFront(el)
		return
	}
	c.items[k] = c.order.PushFront(&entry[K, V]{key: k, val: v})
	if c.order.Len() > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*entry[K, V]).key)
	}
}

// Delete forgets k, if it is held.
func (c *Cache[K, V]) Delete(k K) {
	if el, ok := c.items[k]; ok {
		c.order.Remove(el)
		delete(c.items, k)
	}
}

// Len returns how many entries are held.
func (c *Cache[K, V]) Len() int { return c.order.Len() }
