// Package mutate is a small mutation tester for constraint code: it
// deletes or weakens each statement of a gnark circuit that emits a
// constraint and reports whether the soundness tests notice (docs/SOUNDNESS.md,
// "Mutation testing").
//
// A mutant is one edit of one file, made on the parsed source and applied
// through `go test -overlay`, so the working tree is never written. Each is
// identified by its file, its function, its operator and the text of the
// statement it edits (whitespace collapsed), never by a line number, so an
// identity survives unrelated edits of the file.
//
// The operators:
//
//   - delete: a statement that emits a constraint — an assertion
//     (AssertIsEqual, AssertIsBoolean, …), a range check (Check,
//     CheckSigned, bits.ToBinary), a lookup table entry (Insert), a
//     commitment (Commit, WithCommitment), a product whose result is
//     discarded (a constraint kept for its side effect), or a call of a
//     function of the package whose body makes one — becomes an
//     evaluation of its arguments, `_, _ = a, b`, so that side effects of
//     the arguments (such as taking a public input) stay;
//   - widen: a range check's bit width n becomes n+1;
//   - drop: one input of a commitment is left out: an element of its
//     argument list, the first or the last element of a slice passed as
//     `xs...`, or one `xs = append(xs, …)` that builds that slice.
package mutate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Operators.
const (
	Delete = "delete"
	Widen  = "widen"
	Drop   = "drop"
)

// Mutant is one edit of one source file.
type Mutant struct {
	Pkg    string // the package directory, slash-separated, relative to the module root
	File   string // the file, relative to the module root
	Func   string // the enclosing function, e.g. (*CircuitArith).sign
	Op     string // Delete, Widen or Drop
	Stmt   string // the text of the node edited, whitespace collapsed
	Detail string // what the edit does, when Stmt alone does not say
	N      int    // occurrence among mutants of the same file, function, operator, text and detail (from 1)

	start, end int    // byte range of the original text replaced
	repl       string // the replacement
}

// Key identifies the mutant in words: file, function, operator, statement,
// detail and, for repeated statements, the occurrence.
func (m *Mutant) Key() string {
	k := fmt.Sprintf("%s %s %s: %s", m.File, m.Func, m.Op, m.Stmt)
	if m.Detail != "" {
		k += " [" + m.Detail + "]"
	}
	if m.N > 1 {
		k += fmt.Sprintf(" #%d", m.N)
	}
	return k
}

// ID is a short, stable name for the mutant: the first 10 hex digits of the
// SHA-256 of its key.
func (m *Mutant) ID() string {
	h := sha256.Sum256([]byte(m.Key()))
	return hex.EncodeToString(h[:5])
}

// Apply returns src with the mutant's edit.
func (m *Mutant) Apply(src []byte) []byte {
	var b bytes.Buffer
	b.Write(src[:m.start])
	b.WriteString(m.repl)
	b.Write(src[m.end:])
	return b.Bytes()
}

// constraintCalls are the callees whose call, as a statement, emits a
// constraint (by their name: a method of any receiver, a function of any
// package).
var constraintCalls = map[string]bool{
	"AssertIsEqual": true, "AssertIsBoolean": true, "AssertIsDifferent": true,
	"AssertIsLessOrEqual": true, "AssertIsCrumb": true, "AssertIsOnCurve": true,
	"Check": true, "CheckSigned": true, "ToBinary": true,
	"Insert": true, "Commit": true, "WithCommitment": true,
	"Mul": true, // a product as a statement: its result is discarded, the constraint is the point
}

// commitCalls take the values they commit to from argument skip on.
var commitCalls = map[string]struct {
	skip     int
	variadic bool // known to be variadic: dropping the only element is valid Go
}{
	"Commit":             {0, false},
	"WithCommitment":     {2, true},
	"deferCommitment":    {2, true},
	"WithWideCommitment": {3, true},
	"Write":              {0, true}, // a hash's inputs (std/hash: variadic)
}

// widenCalls are range checks: the index of their bit-width argument.
var widenCalls = map[string]struct{ args, bits int }{
	"Check":        {2, 1},
	"CheckSigned":  {2, 1},
	"WithNbDigits": {1, 0},
}

// Find returns the mutants of the non-test Go files of the package
// directories dirs (slash-separated, relative to the module root), in file
// order, taking the sources from srcs (by file, relative to the module
// root; see Snapshot).
func Find(srcs map[string][]byte, dirs []string) ([]*Mutant, error) {
	var all []*Mutant
	for _, dir := range dirs {
		dir = path.Clean(dir)
		var rels []string
		for rel := range srcs {
			if path.Dir(rel) == dir && !strings.HasSuffix(rel, "_test.go") {
				rels = append(rels, rel)
			}
		}
		sort.Strings(rels)
		fset := token.NewFileSet()
		files := make([]*ast.File, len(rels))
		for i, rel := range rels {
			f, err := parser.ParseFile(fset, rel, srcs[rel], parser.SkipObjectResolution)
			if err != nil {
				return nil, err
			}
			files[i] = f
		}
		emitting := emitters(files)
		helpers := widthHelpers(files)
		for i, f := range files {
			all = append(all, fileMutants(fset, f, rels[i], dir, srcs[rels[i]], emitting, helpers)...)
		}
	}
	return all, nil
}

// Snapshot reads every Go file of the module at root (outside testdata,
// node_modules and hidden directories), by path relative to root,
// slash-separated. A run works on a snapshot so that edits made to the
// working tree while it runs change nothing: each mutant's overlay maps
// every file to its snapshot, and hides the files added since.
func Snapshot(root string) (map[string][]byte, error) {
	rels, err := goFiles(root)
	if err != nil {
		return nil, err
	}
	srcs := map[string][]byte{}
	for _, rel := range rels {
		if srcs[rel], err = os.ReadFile(filepath.Join(root, filepath.FromSlash(rel))); err != nil {
			return nil, err
		}
	}
	return srcs, nil
}

// goFiles lists the Go files of the module at root, as Snapshot reads them.
func goFiles(root string) ([]string, error) {
	var rels []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			rels = append(rels, filepath.ToSlash(rel))
		}
		return nil
	})
	return rels, err
}

// callee is the name a call is made by: the function or the method.
func callee(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// stmtCall returns the call a statement consists of, or nil.
func stmtCall(n ast.Node) *ast.CallExpr {
	if s, ok := n.(*ast.ExprStmt); ok {
		c, _ := s.X.(*ast.CallExpr)
		return c
	}
	return nil
}

// ifInitCall returns the call of `if x := call(…); cond {…}` (or
// `x = call(…)`), an if statement with no else branch whose init assigns
// one call's result, or nil: the form of a call that returns only an
// error.
func ifInitCall(n ast.Node) (*ast.CallExpr, *ast.IfStmt) {
	s, ok := n.(*ast.IfStmt)
	if !ok || s.Else != nil || s.Init == nil {
		return nil, nil
	}
	a, ok := s.Init.(*ast.AssignStmt)
	if !ok || len(a.Rhs) != 1 {
		return nil, nil
	}
	c, _ := a.Rhs[0].(*ast.CallExpr)
	if c == nil {
		return nil, nil
	}
	return c, s
}

// emitters returns the names whose call, as a statement, emits a
// constraint: constraintCalls, and the functions, methods and closures of
// the package whose body has such a statement (to a fixed point).
func emitters(files []*ast.File) map[string]bool {
	names := map[string]bool{}
	for k := range constraintCalls {
		names[k] = true
	}
	type body struct {
		name string
		node ast.Node
	}
	var bodies []body
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch d := n.(type) {
			case *ast.FuncDecl:
				if d.Body != nil {
					bodies = append(bodies, body{d.Name.Name, d.Body})
				}
			case *ast.AssignStmt: // name := func(…) { … }
				for i, rhs := range d.Rhs {
					if lit, ok := rhs.(*ast.FuncLit); ok && i < len(d.Lhs) {
						if id, ok := d.Lhs[i].(*ast.Ident); ok {
							bodies = append(bodies, body{id.Name, lit.Body})
						}
					}
				}
			}
			return true
		})
	}
	for changed := true; changed; {
		changed = false
		for _, b := range bodies {
			if names[b.name] {
				continue
			}
			ast.Inspect(b.node, func(n ast.Node) bool {
				if c := stmtCall(n); c != nil && names[callee(c)] {
					names[b.name], changed = true, true
				} else if c, _ := ifInitCall(n); c != nil && names[callee(c)] && !constraintCalls[callee(c)] {
					names[b.name], changed = true, true
				}
				return !names[b.name]
			})
		}
	}
	return names
}

// widthHelpers returns the names of the package's functions and methods
// whose result is a range check's bit width (audit's `a.Range.Check(v,
// bitsLen(N))`): each of their returns is widened too, so that a
// width computed elsewhere (audit's threshold width) is mutated where
// it is decided.
func widthHelpers(files []*ast.File) map[string]bool {
	names := map[string]bool{}
	for _, f := range files {
		imports := importPaths(f)
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || foreign(c, imports) {
				return true
			}
			if w, ok := widenCalls[callee(c)]; ok && len(c.Args) == w.args {
				if b, ok := c.Args[w.bits].(*ast.CallExpr); ok && !isImported(b, imports) {
					if name := callee(b); name != "" {
						names[name] = true
					}
				}
			}
			return true
		})
	}
	for k := range names { // only the package's own functions
		found := false
		for _, f := range files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == k && fd.Body != nil {
					found = true
				}
			}
		}
		if !found {
			delete(names, k)
		}
	}
	return names
}

// importPaths maps a file's import names to their paths.
func importPaths(f *ast.File) map[string]string {
	out := map[string]string{}
	for _, im := range f.Imports {
		p := strings.Trim(im.Path.Value, `"`)
		name := path.Base(p)
		if im.Name != nil {
			name = im.Name.Name
		}
		out[name] = p
	}
	return out
}

// isImported reports whether c calls a function of an imported package.
func isImported(c *ast.CallExpr, imports map[string]string) bool {
	if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); ok {
			_, ok := imports[id.Name]
			return ok
		}
	}
	return false
}

// foreign reports whether c calls a function of an imported package other
// than gnark's: not an assertion, a range check or a commitment of the
// circuit, even when it has such a name (circuit.Commit, the native
// commitment, is computed outside any circuit).
func foreign(c *ast.CallExpr, imports map[string]string) bool {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return false
	}
	p, ok := imports[id.Name]
	return ok && !strings.HasPrefix(p, "github.com/consensys/gnark")
}

// funcName names a function declaration: Name, T.Name or (*T).Name.
func funcName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	t := d.Recv.List[0].Type
	if idx, ok := t.(*ast.IndexExpr); ok { // generic receiver
		t = idx.X
	}
	switch r := t.(type) {
	case *ast.StarExpr:
		if id, ok := r.X.(*ast.Ident); ok {
			return "(*" + id.Name + ")." + d.Name.Name
		}
	case *ast.Ident:
		return r.Name + "." + d.Name.Name
	}
	return d.Name.Name
}

// isConstraintCode reports whether a function is circuit code: its text
// mentions gnark's frontend or an API, or it is a method of ops'
// CircuitArith (whose gadgets may build constraints only through others).
func isConstraintCode(text string) bool {
	return strings.Contains(text, "frontend.") || strings.Contains(text, "API") || strings.Contains(text, "api.") ||
		strings.Contains(text, "*CircuitArith)")
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// fileMutants lists the mutants of one file.
func fileMutants(fset *token.FileSet, f *ast.File, rel, pkg string, src []byte, emitting, helpers map[string]bool) []*Mutant {
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	text := func(n ast.Node) string { return string(src[off(n.Pos()):off(n.End())]) }
	// fingerprint is n's text with the bodies of function literals
	// elided: a callback's code is not part of the call's identity.
	fingerprint := func(n ast.Node) string {
		var b strings.Builder
		at := off(n.Pos())
		ast.Inspect(n, func(c ast.Node) bool {
			if lit, ok := c.(*ast.FuncLit); ok {
				b.Write(src[at:off(lit.Body.Pos())])
				b.WriteString("{…}")
				at = off(lit.End())
				return false
			}
			return true
		})
		b.Write(src[at:off(n.End())])
		return collapse(b.String())
	}
	var out []*Mutant
	seen := map[string]int{}
	add := func(fn, op string, n ast.Node, detail string, start, end int, repl string) {
		m := &Mutant{Pkg: pkg, File: rel, Func: fn, Op: op, Stmt: fingerprint(n), Detail: detail, start: start, end: end, repl: repl}
		k := m.Key()
		seen[k]++
		m.N = seen[k]
		out = append(out, m)
	}
	// evaluation is `_, _ = args` for a call's arguments, the `...` of a
	// variadic argument dropped; a function of another package is kept as
	// a value, so that its import stays used.
	paths := importPaths(f)
	imports := map[string]bool{}
	for name := range paths {
		imports[name] = true
	}
	evaluation := func(c *ast.CallExpr) string {
		args := slices.Clone(c.Args)
		if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
			if pkg, ok := sel.X.(*ast.Ident); ok && imports[pkg.Name] {
				args = append([]ast.Expr{sel}, args...)
			}
		}
		if len(args) == 0 {
			return ""
		}
		blanks, vals := make([]string, len(args)), make([]string, len(args))
		for i, a := range args {
			blanks[i], vals[i] = "_", text(a)
		}
		return strings.Join(blanks, ", ") + " = " + strings.Join(vals, ", ")
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		fn := funcName(fd)
		if helpers[fd.Name.Name] { // a range check's width: each return widened
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if _, ok := n.(*ast.FuncLit); ok {
					return false
				}
				if r, ok := n.(*ast.ReturnStmt); ok && len(r.Results) == 1 {
					b := r.Results[0]
					add(fn, Widen, r, text(b)+" → "+text(b)+"+1", off(b.Pos()), off(b.End()), "("+text(b)+")+1")
				}
				return true
			})
		}
		if !isConstraintCode(text(fd)) {
			continue
		}
		// stmts[c] is the statement that call c is, if it is one.
		stmts := map[*ast.CallExpr]ast.Stmt{}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if c := stmtCall(n); c != nil {
				stmts[c] = n.(ast.Stmt)
			}
			return true
		})
		// appends[x] are the statements x = append(x, …) of the function.
		appends := map[string][]*ast.AssignStmt{}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if a, ok := n.(*ast.AssignStmt); ok && a.Tok == token.ASSIGN && len(a.Lhs) == 1 && len(a.Rhs) == 1 {
				if c, ok := a.Rhs[0].(*ast.CallExpr); ok && callee(c) == "append" && len(c.Args) > 0 && text(c.Args[0]) == text(a.Lhs[0]) {
					appends[text(a.Lhs[0])] = append(appends[text(a.Lhs[0])], a)
				}
			}
			return true
		})
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if c := stmtCall(n); c != nil && emitting[callee(c)] && !foreign(c, paths) {
				add(fn, Delete, n, "", off(n.Pos()), off(n.End()), evaluation(c))
			}
			// if err := emit(…); err != nil {…}, emit a function of the
			// package (a validation such as claim.Check returns an error
			// too, but is no gnark call): the if statement becomes a block
			// evaluating the arguments (the error is never raised).
			if c, s := ifInitCall(n); c != nil && emitting[callee(c)] && !constraintCalls[callee(c)] && !isImported(c, paths) {
				add(fn, Delete, c, "", off(s.Pos()), off(s.End()), "{ "+evaluation(c)+" }")
			}
			c, ok := n.(*ast.CallExpr)
			if !ok || foreign(c, paths) {
				return true
			}
			name := callee(c)
			if w, ok := widenCalls[name]; ok && len(c.Args) == w.args {
				b := c.Args[w.bits]
				add(fn, Widen, c, text(b)+" → "+text(b)+"+1", off(b.Pos()), off(b.End()), "("+text(b)+")+1")
			}
			if cc, ok := commitCalls[name]; ok && len(c.Args) > cc.skip {
				committed := c.Args[cc.skip:]
				last := committed[len(committed)-1]
				if c.Ellipsis.IsValid() {
					xs := text(last)
					add(fn, Drop, c, "drops the first element of "+xs, off(last.Pos()), off(last.End()), xs+"[1:]")
					add(fn, Drop, c, "drops the last element of "+xs, off(last.Pos()), off(last.End()), xs+"[:len("+xs+")-1]")
					for _, a := range appends[xs] {
						add(fn, Drop, a, "leaves these out of "+name, off(a.Pos()), off(a.End()), evaluation(a.Rhs[0].(*ast.CallExpr)))
					}
				} else if len(committed) > 1 || cc.variadic {
					for i, e := range committed {
						start, end := off(e.Pos()), off(e.End())
						if i > 0 { // take the comma before it
							start = off(committed[i-1].End())
						} else if len(committed) > 1 {
							end = off(committed[1].Pos())
						} else if len(c.Args) > 1 {
							start = off(c.Args[len(c.Args)-2].End())
						}
						if st, ok := stmts[c]; ok {
							// the call is a statement: the dropped value is
							// still evaluated after it, so that a variable
							// read only there stays used
							s0, e0 := off(st.Pos()), off(st.End())
							repl := string(src[s0:start]) + string(src[end:e0]) + "; _ = " + text(e)
							add(fn, Drop, c, "drops "+text(e), s0, e0, repl)
							continue
						}
						add(fn, Drop, c, "drops "+text(e), start, end, "")
					}
				}
			}
			return true
		})
	}
	return out
}
