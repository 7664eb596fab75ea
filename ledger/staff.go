package ledger

import (
	"encoding/json"
	"fmt"
)

// Staff returns the role granted in the ledger to platform user id, if any.
func (tx *Tx) Staff(id string) (StaffMember, bool, error) {
	v := tx.get(bucketStaff, []byte(id))
	if v == nil {
		return StaffMember{}, false, nil
	}
	var m StaffMember
	if err := json.Unmarshal(v, &m); err != nil {
		return StaffMember{}, false, fmt.Errorf("ledger: staff %s: %w: %v", id, ErrCorrupt, err)
	}
	m.ID = id
	return m, true, nil
}

// PutStaff grants m.Role to m.ID. Only staff and manager roles can be granted.
func (tx *Tx) PutStaff(m StaffMember) error {
	if m.ID == "" {
		return fmt.Errorf("ledger: put staff: %w", invalid("staff", "id is required"))
	}
	if m.Role != RoleStaff && m.Role != RoleManager {
		return fmt.Errorf("ledger: put staff %s: %w", m.ID, invalid("staff", "role %q cannot be granted", m.Role))
	}
	v, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("ledger: put staff %s: %w", m.ID, err)
	}
	if err := tx.bucket(bucketStaff).Put([]byte(m.ID), v); err != nil {
		return fmt.Errorf("ledger: put staff %s: %w", m.ID, err)
	}
	return nil
}

// RemoveStaff revokes a ledger-granted role; an unknown id is not an error.
func (tx *Tx) RemoveStaff(id string) error {
	if err := tx.bucket(bucketStaff).Delete([]byte(id)); err != nil {
		return fmt.Errorf("ledger: remove staff %s: %w", id, err)
	}
	return nil
}

// ListStaff returns every ledger-granted member, in id order.
func (tx *Tx) ListStaff() ([]StaffMember, error) {
	var out []StaffMember
	c := tx.bucket(bucketStaff).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var m StaffMember
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, fmt.Errorf("ledger: staff %s: %w: %v", k, ErrCorrupt, err)
		}
		m.ID = string(k)
		out = append(out, m)
	}
	return out, nil
}
