package mutate

import (
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"
)

const gadgetSrc = `package p

import (
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/multicommit"
)

type C struct {
	API   frontend.API
	Range interface{ Check(frontend.Variable, int) }
}

func (c *C) gadget(a, b frontend.Variable, xs []frontend.Variable) frontend.Variable {
	c.API.AssertIsEqual(a, b)
	c.Range.Check(a, 8)
	nonneg := func(d frontend.Variable) { c.Range.Check(d, 4) }
	nonneg(b)
	var vars []frontend.Variable
	vars = append(vars, a)
	vars = append(vars, xs...)
	multicommit.WithCommitment(c.API, func(frontend.API, frontend.Variable) error { return nil }, vars...)
	c.API.Mul(a, a)
	return c.API.Mul(a, b)
}

func helper(api frontend.API, v frontend.Variable) {
	check(api, v)
}

func check(api frontend.API, v frontend.Variable) {
	api.AssertIsBoolean(v)
}

func plain(w interface{ Write(...int) }) {
	w.Write(1, 2)
}
`

// TestFind: every constraint statement of the source gives its mutants,
// nothing else does, and every mutant is valid Go that differs from the
// source.
func TestFind(t *testing.T) {
	ms, err := Find(map[string][]byte{"p/a.go": []byte(gadgetSrc)}, []string{"p"})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range ms {
		keys = append(keys, m.Key())
		out := m.Apply([]byte(gadgetSrc))
		if string(out) == gadgetSrc {
			t.Errorf("%s: no change", m.Key())
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "a.go", out, 0); err != nil {
			t.Errorf("%s: %v\n%s", m.Key(), err, out)
		}
	}
	fn := "p/a.go (*C).gadget "
	want := []string{
		fn + "delete: c.API.AssertIsEqual(a, b)",
		fn + "delete: c.Range.Check(a, 8)",
		fn + "widen: c.Range.Check(a, 8) [8 → 8+1]",
		fn + "delete: c.Range.Check(d, 4)",
		fn + "widen: c.Range.Check(d, 4) [4 → 4+1]",
		fn + "delete: nonneg(b)",
		fn + "delete: multicommit.WithCommitment(c.API, func(frontend.API, frontend.Variable) error {…}, vars...)",
		fn + "drop: multicommit.WithCommitment(c.API, func(frontend.API, frontend.Variable) error {…}, vars...) [drops the first element of vars]",
		fn + "drop: multicommit.WithCommitment(c.API, func(frontend.API, frontend.Variable) error {…}, vars...) [drops the last element of vars]",
		fn + "drop: vars = append(vars, a) [leaves these out of WithCommitment]",
		fn + "drop: vars = append(vars, xs...) [leaves these out of WithCommitment]",
		fn + "delete: c.API.Mul(a, a)",
		"p/a.go helper delete: check(api, v)",
		"p/a.go check delete: api.AssertIsBoolean(v)",
	}
	slices.Sort(keys)
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Errorf("mutants:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
}

// TestApply: the edits of each operator.
func TestApply(t *testing.T) {
	ms, err := Find(map[string][]byte{"p/a.go": []byte(gadgetSrc)}, []string{"p"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ key, want string }{
		{"delete: c.API.AssertIsEqual(a, b)", "\t_, _ = a, b\n"},
		{"widen: c.Range.Check(a, 8)", "c.Range.Check(a, (8)+1)"},
		{"[drops the last element of vars]", "vars[:len(vars)-1]...)"},
		{"drop: vars = append(vars, xs...)", "\t_, _ = vars, xs\n"},
		{"delete: c.API.Mul(a, a)", "\t_, _ = a, a\n"},
		// A function of another package stays referenced: its import stays used.
		{"delete: multicommit.WithCommitment(", "\t_, _, _, _ = multicommit.WithCommitment, c.API, func("},
	} {
		n := 0
		for _, m := range ms {
			if strings.Contains(m.Key(), c.key) {
				n++
				if out := string(m.Apply([]byte(gadgetSrc))); !strings.Contains(out, c.want) {
					t.Errorf("%s: no %q in\n%s", m.Key(), c.want, out)
				}
			}
		}
		if n != 1 {
			t.Errorf("%q: %d mutants", c.key, n)
		}
	}
}

// TestIDStable: a mutant's ID survives edits elsewhere in the file
// (lines added above it, reformatting) and changes with its statement.
func TestIDStable(t *testing.T) {
	ids := func(src string) []string {
		ms, err := Find(map[string][]byte{"p/a.go": []byte(src)}, []string{"p"})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.ID())
		}
		slices.Sort(out)
		return out
	}
	base := ids(gadgetSrc)
	moved := strings.Replace(gadgetSrc, "type C struct", "// A comment.\nvar _ = 1\n\ntype C struct", 1)
	moved = strings.Replace(moved, "c.API.AssertIsEqual(a, b)", "c.API.AssertIsEqual(a,   b)", 1)
	if got := ids(moved); !slices.Equal(got, base) {
		t.Errorf("IDs changed by edits elsewhere: %v, want %v", got, base)
	}
	changed := ids(strings.Replace(gadgetSrc, "c.API.AssertIsEqual(a, b)", "c.API.AssertIsEqual(b, a)", 1))
	if slices.Equal(changed, base) {
		t.Error("IDs unchanged when a statement changes")
	}
}

// TestEquivalent: the list's format.
func TestEquivalent(t *testing.T) {
	good := "# comment\n\n0123456789 a reason\nabcdefabcd another one\n"
	m, err := Equivalent(strings.NewReader(good))
	if err != nil || len(m) != 2 || m["0123456789"] != "a reason" {
		t.Fatalf("%v, %v", m, err)
	}
	for _, bad := range []string{"0123456789\n", "01234 short id\n", "0123456789 a\n0123456789 b\n", "ABCDEF0123 upper case\n"} {
		if _, err := Equivalent(strings.NewReader(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

const formsSrc = `package p

import (
	"github.com/consensys/gnark/frontend"
	"github.com/zkinfer/zkinfer/circuit"
)

type C struct {
	API   frontend.API
	Range interface{ Check(frontend.Variable, int) }
	vis   int
}

func (c *C) define(h interface{ Write(...frontend.Variable) }, xs []frontend.Variable) error {
	for _, v := range xs {
		c.Range.Check(v, c.width())
		h.Write(v)
	}
	if err := c.bind(xs[0]); err != nil {
		return err
	}
	_, _ = circuit.Commit(1, nil, nil, nil)
	return nil
}

func (c *C) bind(v frontend.Variable) error {
	c.API.AssertIsEqual(v, 1)
	return nil
}

func (c *C) width() int {
	if c.vis == 1 {
		return 9
	}
	return 8
}
`

// TestFindForms: a constraint made through `if err := f(…); err != nil`,
// a range check's width decided by a helper, a dropped hash input that is
// its variable's only use (the mutant must still build), and a native
// function of another package named like a gnark call (not mutated).
func TestFindForms(t *testing.T) {
	ms, err := Find(map[string][]byte{"p/a.go": []byte(formsSrc)}, []string{"p"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range ms {
		out := string(m.Apply([]byte(formsSrc)))
		if _, err := parser.ParseFile(token.NewFileSet(), "a.go", out, 0); err != nil {
			t.Errorf("%s: %v", m.Key(), err)
		}
		got[m.Key()] = out
	}
	for key, want := range map[string]string{
		"p/a.go (*C).define delete: c.bind(xs[0])":                                        "\t{ _ = xs[0] }\n\t_, _ = circuit.Commit(",
		"p/a.go (*C).width widen: return 9 [9 → 9+1]":                                     "return (9)+1",
		"p/a.go (*C).width widen: return 8 [8 → 8+1]":                                     "return (8)+1",
		"p/a.go (*C).define drop: h.Write(v) [drops v]":                                   "h.Write(); _ = v",
		"p/a.go (*C).define widen: c.Range.Check(v, c.width()) [c.width() → c.width()+1]": "c.Range.Check(v, (c.width())+1)",
		"p/a.go (*C).bind delete: c.API.AssertIsEqual(v, 1)":                              "_, _ = v, 1",
	} {
		out, ok := got[key]
		if !ok {
			t.Errorf("no mutant %q", key)
		} else if !strings.Contains(out, want) {
			t.Errorf("%s: no %q in\n%s", key, want, out)
		}
	}
	for key := range got {
		if strings.Contains(key, "circuit.Commit") {
			t.Errorf("%s: a native function of another package is mutated", key)
		}
	}
}
