package main

import (
	"slices"
	"strings"
	"testing"
)

func TestConvCollaboratorCommands(t *testing.T) {
	c := newCLI(t)
	c.ok("user", "add", "--email", "ann@acme.com", "--name", "Ann Lee", "--mail", "none")
	c.ok("user", "add", "--email", "col@partner.example", "--name", "Col", "--role", "collaborator", "--mail", "none")
	c.run("Hello", "conv", "new", "--requester", "ann@acme.com", "--subject", "Printer", "--body-file", "-")

	if out := c.ok("conv", "collaborator", "add", "1", "COL@partner.example"); out != "Added COL@partner.example to conversation 1 as a collaborator.\n" {
		t.Errorf("add said %q", out)
	}
	if out := c.ok("conv", "collaborator", "add", "1", "col@partner.example"); !strings.Contains(out, "already a collaborator") {
		t.Errorf("add twice said %q", out)
	}
	if got := convShow(t, c, "1")["collaborators"]; !slices.Equal(anyStrings(got), []string{"col@partner.example"}) {
		t.Errorf("conv show --json collaborators %v", got)
	}
	if text := c.ok("conv", "show", "1"); !strings.Contains(text, "collaborators:  col@partner.example") {
		t.Errorf("conv show:\n%s", text)
	}
	first, _ := c.fail(1, "conv", "collaborator", "add", "1", "ann@acme.com")
	if !strings.Contains(first, "ann@acme.com has the role customer; only a user with the role collaborator can be added") {
		t.Errorf("adding a customer: %q", first)
	}
	first, _ = c.fail(1, "conv", "collaborator", "add", "7", "col@partner.example")
	if !strings.Contains(first, "no conversation with id 7") {
		t.Errorf("missing conversation: %q", first)
	}
	c.fail(2, "conv", "collaborator", "add", "1")
	c.fail(2, "conv", "collaborator", "add", "x", "col@partner.example")

	if out := c.ok("conv", "collaborator", "remove", "1", "col@partner.example"); out != "Removed col@partner.example from conversation 1.\n" {
		t.Errorf("remove said %q", out)
	}
	if _, ok := convShow(t, c, "1")["collaborators"]; ok {
		t.Error("conv show --json still lists collaborators")
	}
	first, _ = c.fail(1, "conv", "collaborator", "remove", "1", "col@partner.example")
	if !strings.Contains(first, "col@partner.example is not a collaborator of conversation 1") {
		t.Errorf("removing twice: %q", first)
	}
	c.checkClean()
}

func anyStrings(v any) []string {
	var out []string
	xs, _ := v.([]any)
	for _, x := range xs {
		out = append(out, x.(string))
	}
	return out
}
