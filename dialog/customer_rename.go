package dialog

// Renaming onto a name someone else has: /customer 김하늘 이름 박서준,
// with a 박서준 registered, asks first, as /customer new asks for a
// same-name registration. A rename straight onto the other name made two
// 박서준 whom only their phones told apart, and a mistyped name merged two
// people's records in every lookup by name.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dangol/dangol/ledger"
)

// askRename asks whether to rename c to after's name when another customer
// has that name, and reports whether it asked (nothing is saved then).
func (t *turn) askRename(c, after ledger.Customer) (bool, error) {
	if strings.EqualFold(after.Name, c.Name) {
		return false, nil
	}
	same, err := t.sameName(after.Name) // flow_customer_edit.go
	if err != nil {
		return false, err
	}
	same = slices.DeleteFunc(same, func(x ledger.Customer) bool { return x.ID == c.ID })
	if len(same) == 0 {
		return false, nil
	}
	t.begin(flowCustomerEdit)
	if err := t.fire("ask_rename"); err != nil {
		return false, err
	}
	ids := make([]string, len(same))
	for i, x := range same {
		ids[i] = x.ID
		// The question shows each of them (name, masked phone): a read.
		if err := t.audit("list", x.ID, ""); err != nil {
			return false, err
		}
	}
	d := t.sess.Draft
	d["id"], d["name"], d["ids"] = c.ID, after.Name, strings.Join(ids, ",")
	t.add(t.renameQuestion(c, after.Name, same, ""))
	return true, nil
}

// renameQuestion is "박서준 is registered already: rename 김하늘 anyway?",
// after why when the answer was not understood.
func (t *turn) renameQuestion(c ledger.Customer, name string, same []ledger.Customer, why string) Reply {
	var others []string
	for _, x := range same {
		others = append(others, t.text("core.pick.button", map[string]any{"Name": x.Name, "Masked": maskPhone(x.Phone)}))
	}
	text := t.text("customer_edit.rename.dup", map[string]any{"Others": strings.Join(others, ", "), "Name": c.Name, "Masked": maskPhone(c.Phone), "New": name})
	if why != "" {
		text = t.text(why, nil) + "\n" + text
	}
	r := t.mk(text, t.btn("customer_edit.btn.rename", "rename"), t.btn("customer_edit.btn.show", "show"), t.btn("core.btn.cancel", "cancel"))
	r.Private = true
	return r
}

// renameStep reads the answer to renameQuestion about c.
func (t *turn) renameStep(c ledger.Customer, in input) error {
	d := t.sess.Draft
	name := d["name"]
	same := t.sameNamed() // flow_customer_edit.go
	switch {
	case t.isButton(in, "rename", "customer_edit.btn.rename"):
		if err := t.fire("finish"); err != nil {
			return err
		}
		t.end()
		after, err := t.edited(c, fName, name)
		if err != nil {
			return err
		}
		return t.saveEdit(c, fName, after)
	case t.isButton(in, "show", "customer_edit.btn.show"):
		return t.showSameNamed(same, name)
	}
	t.add(t.renameQuestion(c, name, same, "customer_edit.rename.reask"))
	return nil
}

// sameNameNote is the line the edit form's answer adds when the name it
// saved is another customer's too: a form cannot stop to ask, so the staff
// member is told whom to tell apart by phone.
func (t *turn) sameNameNote(c ledger.Customer) (string, error) {
	same, err := t.sameName(c.Name)
	if err != nil {
		return "", fmt.Errorf("dialog: same name: %w", err)
	}
	var others []string
	for _, x := range same {
		if x.ID == c.ID {
			continue
		}
		if err := t.audit("list", x.ID, ""); err != nil {
			return "", err
		}
		others = append(others, t.text("core.pick.button", map[string]any{"Name": x.Name, "Masked": maskPhone(x.Phone)}))
	}
	if len(others) == 0 {
		return "", nil
	}
	return t.text("customer_edit.rename.form_note", map[string]any{"Others": strings.Join(others, ", ")}), nil
}
